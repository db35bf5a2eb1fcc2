"""The request clocks, housekeeping and reminders under odd timing, the rate limits of the public forms, the public
API and the status pages, and what may reach the audit log, the outbox and the log: nothing a person wrote or gave,
not even their reference code.

Cases that share their fixtures run in a loop inside one test, each assert naming its case (see
test_requests_hostile_forms, which holds the helpers)."""
import logging
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import select

from signage.audit.models import AuditEntry
from signage.consent.codes import check_character
from signage.database import utcnow
from signage.extensions import limiter
from signage.outbox.models import OutboxMessage
from signage.requests.models import PublicRequest
from signage.rules.packs import PackSettings

from test_requests_hostile_forms import EU_SITE, _api_file, _ask, _code, _count, _token
from test_requests_hostile_forms import file  # noqa: F401 - the fixture


# --- the clocks and the reminders ----------------------------------------------------------------------------

def test_the_filing_deadlines_setting_does_not_move_the_request_clock():
    from signage.requests import rules
    legacy_filing = PackSettings.from_mapping({"working_days_include_trigger": True})
    clock = rules.due_clock(date(2026, 9, 28), ["CN"], category="rights", settings=legacy_filing,
                            organisation_days=None)
    assert clock.due_on == date(2026, 10, 23)


def test_the_day_of_receipt_is_the_organisations_local_date(file, live_site, owner, db):
    site, _sign = live_site
    owner.organisation.time_zone = "Asia/Shanghai"
    db.session.commit()
    # 17:30 UTC on Sunday 27 September is 01:30 on Monday 28 September in Shanghai
    filed, _code = file(site, now=datetime(2026, 9, 27, 17, 30, tzinfo=timezone.utc))
    assert filed.due_on == date(2026, 10, 23)


def test_housekeeping_does_not_spin_on_reminders_not_yet_due(app, make_site, owner, file, db, monkeypatch):
    from signage import housekeeping
    owner.organisation.request_answer_days = 4  # received today, due in 4 days: first reminder tomorrow
    db.session.commit()
    site = make_site(jurisdictions=["US-NYC"], legal_basis_cn=None)
    for _ in range(3):
        file(site)
    calls = []
    real = housekeeping.remind_deadlines

    def counted(**kwargs):
        calls.append(1)
        return real(**kwargs)
    monkeypatch.setattr(housekeeping, "remind_deadlines", counted)
    housekeeping.run_housekeeping(batch_size=2, deadline=time.monotonic() + 2)
    assert len(calls) <= 2, f"remind_deadlines ran {len(calls)} times in one housekeeping run"


def test_reminders_are_written_once_each_and_an_extension_is_reminded_afresh(make_site, owner, file, db, client,
                                                                               api_token):
    from signage.requests.services import remind_deadlines
    site = make_site(**EU_SITE)
    soon, _code = file(site, now=utcnow() - timedelta(days=29))  # due in a day or two
    for _ in range(3):
        remind_deadlines(now=utcnow())
        db.session.commit()
    keys = db.session.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.dedupe_key.like("%:3d|%"))).all()
    assert len(keys) == 1
    assert client.post(f"/api/v1/requests/{soon.id}/actions", headers=api_token,
                       json={"action": "extend", "message": "Complex."}).status_code == 200
    db.session.refresh(soon)
    # the first reminder of the new date: the start (UTC here) of the day three days before it
    assert soon.next_reminder_at.date() == soon.extended_due_on - timedelta(days=3)


def test_a_reminder_about_a_sign_report_names_the_sign(live_site, owner, file, db):
    from signage.requests.services import remind_deadlines
    site, sign = live_site
    owner.organisation.request_answer_days = 2
    db.session.commit()
    file(site, "damaged", sign=sign)
    remind_deadlines(now=utcnow())
    db.session.commit()
    reminder = db.session.scalar(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("%:3d|%")))
    assert reminder is not None and sign.serial in reminder.body


# --- nothing personal in the audit log, the outbox or the log ------------------------------------------------

def test_nothing_a_person_wrote_or_gave_enters_the_audit_log_the_outbox_or_the_log(client, auth, owner, live_site,
                                                                                    make_site, file, db, caplog):
    caplog.set_level(logging.DEBUG)
    site, _sign = live_site
    secrets = ("sam.secret@example.org", "DESCRIPTIONSECRET", "2026-11-29", "ACKSECRET", "EXTENDSECRET",
               "ASKSECRET", "ANSWERSECRET", "CLOSESECRET", "+86 21 5555 0199", "APIDESCSECRET", "EUSECRET",
               "eu.secret@example.org")
    token = _token(client, f"/n/{site.code}/ask?lang=en")
    code = _code(client.post(f"/n/{site.code}/ask", data={
        "token": token, "lang": "en", "kind": "deletion", "description": "DESCRIPTIONSECRET",
        "passed_at": "2026-11-29", "reply_channel": "email", "reply_contact": "sam.secret@example.org"}))
    api = _api_file(client, site, description="APIDESCSECRET", reply_channel="phone", reply_contact="+86 21 5555 0199")
    assert api.status_code == 201
    filed = db.session.scalar(select(PublicRequest).order_by(PublicRequest.id))
    eu, _eu_code = file(make_site(**EU_SITE), description="EUSECRET", reply_channel="email",
                        reply_contact="eu.secret@example.org")
    auth.login(owner)
    for target, action, message in ((filed, "acknowledge", "ACKSECRET"), (eu, "extend", "EXTENDSECRET"),
                                    (filed, "ask", "ASKSECRET"), (filed, "answer", "ANSWERSECRET"),
                                    (filed, "close", "CLOSESECRET"), (eu, "close", "CLOSESECRET")):
        assert client.post(f"/requests/{target.id}/act", data={"action": action, "message": message}).status_code \
            == 303, action
    # refused input is not logged either
    client.post(f"/requests/{filed.id}/act", data={"action": "answer", "message": "ANSWERSECRET\x00"})
    _ask(client, site, kind="nope", description="DESCRIPTIONSECRET", reply_contact="sam.secret@example.org")
    audit_page = client.get(f"/audit?subject=public_requests:{filed.id}&lang=en")
    assert audit_page.status_code == 200
    chain = b"".join(entry.canonical for entry in db.session.scalars(select(AuditEntry)))
    outbox = " ".join(f"{message.subject} {message.body}" for message in db.session.scalars(select(OutboxMessage)))
    for secret in secrets:
        assert secret.encode() not in chain, secret
        assert secret not in outbox, secret
        assert secret not in audit_page.get_data(as_text=True), secret
        assert secret not in caplog.text, secret
    assert code not in caplog.text and code.encode() not in chain and code not in outbox
    assert b"request.extend" in chain and b"request.close" in chain


def test_an_error_on_a_status_page_does_not_log_the_reference_code(client, live_site, caplog, monkeypatch):
    site, _sign = live_site
    code = _code(_ask(client, site, kind="access"))  # filed before the break: filing must still work
    from signage.requests import services

    def broken(*args, **kwargs):
        raise RuntimeError("the database went away")
    monkeypatch.setattr(services, "steps_of", broken)
    caplog.set_level(logging.WARNING)
    for path in (f"/q/{code}", f"/api/v1/public/requests/{code}"):  # the page, then the API
        caplog.clear()  # each path's log on its own: one cannot pass on the other's "unhandled error"
        response = client.get(path)
        assert response.status_code == 500, (path, response.status_code)
        assert "unhandled error" in caplog.text, path
        assert code not in caplog.text, path


# --- limits --------------------------------------------------------------------------------------------------

def test_the_per_site_limit_counts_every_address_every_spelling_and_both_the_form_and_the_api(make_app, live_site,
                                                                                               db):
    site, _sign = live_site
    served = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_FORM="100 per minute",
                      RATELIMIT_REQUESTS_PER_SITE="2 per hour")
    limiter.reset()
    client = served.test_client()
    answers = [client.post(f"/api/v1/public/notices/{code}/requests", json={"category": "sign", "kind": "moved"},
                           environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code
               for n, code in enumerate((site.code, site.code.lower(), site.code))]
    assert answers == [201, 201, 429]
    assert _count(db) == 2
    # the form and the API draw on one allowance: two reports by the form leave none for the API
    limiter.reset()
    for n in range(2):
        token = _token(client, f"/n/{site.code}/report?lang=en")
        assert client.post(f"/n/{site.code}/report", data={"token": token, "kind": "moved"},
                           environ_base={"REMOTE_ADDR": f"192.0.2.{n}"}).status_code == 303, n
    api = client.post(f"/api/v1/public/notices/{site.code}/requests", json={"category": "sign", "kind": "moved"},
                      environ_base={"REMOTE_ADDR": "192.0.2.50"})
    assert api.status_code == 429


def test_the_per_address_limit_holds_on_the_forms_and_is_shared_with_the_api(make_app, live_site, db):
    site, _sign = live_site
    served = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_FORM="2 per minute",
                      RATELIMIT_REQUESTS_PER_SITE="100 per hour")
    limiter.reset()
    client = served.test_client()
    statuses = []
    for _ in range(3):
        token = _token(client, f"/n/{site.code}/report?lang=en")
        statuses.append(client.post(f"/n/{site.code}/report", data={"token": token, "kind": "moved"}).status_code)
    assert statuses == [303, 303, 429]
    limited = client.post(f"/n/{site.code}/report", data={"kind": "moved"})
    assert limited.status_code == 429 and "set-cookie" not in {key.lower() for key in limited.headers.keys()}
    # another address is not held back
    token = _token(client, f"/n/{site.code}/report?lang=en")
    other = client.post(f"/n/{site.code}/report", data={"token": token, "kind": "moved"},
                        environ_base={"REMOTE_ADDR": "192.0.2.9"})
    assert other.status_code == 303
    # the form and the API draw on one allowance: two reports by the form leave none for the API
    limiter.reset()
    for n in range(2):
        token = _token(client, f"/n/{site.code}/report?lang=en")
        assert client.post(f"/n/{site.code}/report", data={"token": token, "kind": "moved"}).status_code == 303, n
    assert client.post(f"/api/v1/public/notices/{site.code}/requests",
                       json={"category": "sign", "kind": "moved"}).status_code == 429


def test_status_pages_are_rate_limited_per_address(make_app, live_site):
    served = make_app(RATELIMIT_ENABLED=True, RATELIMIT_RECEIPT_LOOKUP="2 per minute")
    limiter.reset()
    client = served.test_client()
    body = "23456789ABCDEFGH"
    unknown = body + check_character(body)
    assert [client.get(f"/q/{unknown}").status_code for _ in range(3)] == [404, 404, 429]
    assert [client.get(f"/api/v1/public/requests/{unknown}").status_code for _ in range(3)] == [404, 404, 429]
    assert client.get(f"/q/{unknown}", environ_base={"REMOTE_ADDR": "192.0.2.8"}).status_code == 404


def test_a_limited_status_page_sets_no_cookie(make_app, live_site):
    served = make_app(RATELIMIT_ENABLED=True, RATELIMIT_RECEIPT_LOOKUP="1 per minute", WTF_CSRF_ENABLED=True)
    limiter.reset()
    client = served.test_client()
    body = "23456789ABCDEFGH"
    unknown = body + check_character(body)
    client.get(f"/q/{unknown}")
    limited = client.get(f"/q/{unknown}")
    assert limited.status_code == 429
    assert "set-cookie" not in {key.lower() for key in limited.headers.keys()}
