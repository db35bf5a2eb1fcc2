"""The operator's queue of requests and reports: the clocks of the law, each action shown to the person and
audited, a suspected fake sign on the home page, and overdue items in red."""
import re
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from signage.audit.models import AuditEntry
from signage.requests.models import PublicRequest
from signage.requests.services import file_request
from signage.rules.packs import PackSettings

EU_SITE = {"jurisdictions": ["EU"], "legal_basis_gdpr": "art6_1_f", "legal_basis_cn": None}


@pytest.fixture
def file(db):
    """File through the service, at a given moment; return the request and its code."""
    def make(site, kind="access", *, now=datetime(2026, 11, 26, 10, tzinfo=timezone.utc), sign=None, **data):
        category = "sign" if kind in ("missing", "damaged", "covered", "moved", "suspected_fake") else "rights"
        filed, code = file_request(site, {"category": category, "kind": kind, "language": "en", **data}, now=now,
                                   settings=PackSettings(), sign=sign)
        db.session.commit()
        return filed, code
    return make


def _act(client, filed, action, message=""):
    return client.post(f"/requests/{filed.id}/act", data={"action": action, "message": message})


def test_the_operator_acts_and_the_person_sees_each_step(client, auth, owner, live_site, file, db):
    site, sign = live_site
    filed, code = file(site, "access", reply_channel="email", reply_contact="sam@example.org")
    auth.login(owner)
    queue = client.get("/requests?lang=en").get_data(as_text=True)
    assert f"/requests/{filed.id}" in queue and filed.effective_due_on.isoformat() in queue
    detail = client.get(f"/requests/{filed.id}?lang=en").get_data(as_text=True)
    assert "sam@example.org" in detail and "China: 15 working days" in detail
    assert 'value="answer"' in detail and 'value="extend"' not in detail  # China allows no extension
    assert _act(client, filed, "acknowledge").status_code == 303
    assert _act(client, filed, "ask", "Which day did you pass? <b>Roughly</b>").status_code == 303
    assert _act(client, filed, "answer", "We hold no footage of you: it is kept 7 days.").status_code == 303
    assert _act(client, filed, "close").status_code == 303
    status = client.get(f"/q/{code}?lang=en").get_data(as_text=True)
    for shown in ("Acknowledged", "More information asked", "Which day did you pass? &lt;b&gt;Roughly&lt;/b&gt;",
                  "We hold no footage of you", "Closed"):
        assert shown in status, shown
    actions = [entry.action for entry in db.session.scalars(
        select(AuditEntry).where(AuditEntry.subject_type == "public_requests").order_by(AuditEntry.id))]
    assert actions == ["request.received", "request.acknowledge", "request.ask", "request.answer", "request.close"]
    for entry in db.session.scalars(select(AuditEntry).where(AuditEntry.subject_type == "public_requests")):
        assert b"sam@example.org" not in entry.canonical and b"footage" not in entry.canonical
    # closed: nothing more can be done, and saying so changes nothing
    assert _act(client, filed, "answer", "again").status_code == 409


def test_a_message_is_required_where_the_person_reads_one(client, auth, owner, live_site, file, db):
    site, _sign = live_site
    filed, _code = file(site, "deletion")
    auth.login(owner)
    for action in ("ask", "extend", "answer"):
        response = _act(client, filed, action)
        assert response.status_code == 422 and 'id="err-message"' in response.get_data(as_text=True)
    assert _act(client, filed, "fly").status_code == 422
    db.session.refresh(filed)
    assert filed.state == "received" and filed.steps_count == 1


def test_china_counts_fifteen_working_days_across_the_national_day_holiday(file, make_site, live_site):
    site, _sign = live_site
    # received on Monday 28 September 2026 (UTC+0 organisation): 29, 30 Sep; 1-7 Oct are the holiday;
    # 8, 9 Oct, Saturday 10 Oct (a working day that year), then 12-16 and 19-23 Oct
    filed, _code = file(site, now=datetime(2026, 9, 28, 9, tzinfo=timezone.utc))
    assert filed.due_on == date(2026, 10, 23) and filed.due_basis == "request_working_days_cn"
    assert not filed.due_provisional
    # into a year without a holiday table, the date is provisional and says so
    late, _code = file(site, now=datetime(2026, 12, 28, 9, tzinfo=timezone.utc))
    assert late.due_provisional


def test_the_eu_counts_one_month_to_the_end_of_a_shorter_month_and_extends_by_two(client, auth, owner, make_site,
                                                                                  file, db):
    site = make_site(**EU_SITE)
    filed, code = file(site, now=datetime(2027, 1, 31, 12, tzinfo=timezone.utc))
    assert filed.due_on == date(2027, 2, 28) and filed.due_basis == "request_months_eu"
    march, _code = file(site, now=datetime(2027, 3, 15, 12, tzinfo=timezone.utc))
    assert march.due_on == date(2027, 4, 15)
    auth.login(owner)
    assert _act(client, filed, "extend", "Many recordings to review.").status_code == 303
    db.session.refresh(filed)
    assert filed.extended_due_on == date(2027, 4, 30) and filed.effective_due_on == date(2027, 4, 30)
    assert filed.due_on == date(2027, 2, 28)  # the law's first date stays on record
    page = client.get(f"/q/{code}?lang=en").get_data(as_text=True)
    assert "2027-04-30" in page and "Many recordings to review." in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "request.extend"))
    assert b"2027-04-30" in entry.canonical and b"Many recordings" not in entry.canonical
    # once only
    assert _act(client, filed, "extend", "Again.").status_code == 409


def test_china_allows_no_extension_and_the_earliest_jurisdiction_binds(client, auth, owner, live_site, make_site,
                                                                       file, db):
    site, _sign = live_site
    filed, _code = file(site)
    auth.login(owner)
    refused = _act(client, filed, "extend", "Busy.")
    assert refused.status_code == 409 and "allows no extension" in refused.get_data(as_text=True)
    both = make_site(jurisdictions=["CN", "EU"], legal_basis_gdpr="art6_1_f")
    early, _code = file(both, now=datetime(2026, 9, 28, 9, tzinfo=timezone.utc))
    assert early.due_on == date(2026, 10, 23)  # CN's 15 working days before the EU's month (28 Oct)


def test_a_jurisdiction_without_a_period_takes_the_organisations_own(file, make_site, owner, db):
    site = make_site(jurisdictions=["US-NYC"], legal_basis_cn=None)
    none, _code = file(site)
    assert none.due_on is None
    owner.organisation.request_answer_days = 30
    db.session.commit()
    own, _code = file(site, now=datetime(2026, 11, 26, 10, tzinfo=timezone.utc))
    assert own.due_on == date(2026, 12, 26) and own.due_basis == "organisation"


def test_a_suspected_fake_sign_is_on_the_home_page_and_overdue_items_are_red(client, auth, owner, live_site, file):
    site, sign = live_site
    file(site, "suspected_fake", sign=sign)
    file(site, "access", now=datetime(2026, 1, 5, 9, tzinfo=timezone.utc))  # long overdue
    auth.login(owner)
    home = client.get("/?lang=en").get_data(as_text=True)
    assert "Signs to check on site" in home and sign.serial in home
    assert "1 overdue" in home and "card--alert" in home
    overdue = client.get("/requests?overdue=true&lang=en").get_data(as_text=True)
    assert 'class="overdue"' in overdue and "suspected" not in overdue.lower().split("<tbody>")[1]


def test_filters_and_another_organisations_requests(client, auth, owner, live_site, file, make_user, make_org):
    site, sign = live_site
    report, _code = file(site, "damaged", sign=sign)
    ask, _code = file(site, "objection")
    auth.login(owner)
    signs_only = client.get("/requests?category=sign").get_data(as_text=True)
    assert f"/requests/{report.id}\"" in signs_only and f"/requests/{ask.id}\"" not in signs_only
    assert client.get("/requests?kind=haunting").status_code == 422
    assert client.get("/requests?state=all&limit=1").status_code == 200
    stranger = make_user("owner", organisation=make_org(legal_name="Other Ltd."))
    auth.logout()
    auth.login(stranger)
    assert client.get(f"/requests/{report.id}").status_code == 404
    assert client.post(f"/requests/{report.id}/act", data={"action": "close"}).status_code == 404
    assert f"/requests/{report.id}\"" not in client.get("/requests?state=all").get_data(as_text=True)


def test_an_auditor_reads_the_queue_but_cannot_act(client, auth, owner, live_site, file, make_user):
    site, _sign = live_site
    filed, _code = file(site)
    auditor = make_user("auditor", organisation=owner.organisation)
    auth.login(auditor)
    assert client.get(f"/requests/{filed.id}").status_code == 200
    assert client.post(f"/requests/{filed.id}/act", data={"action": "acknowledge"}).status_code == 403


def test_the_owner_sets_the_organisations_own_period_and_it_is_audited(client, auth, owner, db, make_site, file):
    auth.login(owner)
    page = client.get("/organisation?lang=en").get_data(as_text=True)
    assert 'name="request_answer_days"' in page
    form = {"legal_name": owner.organisation.legal_name, "time_zone": "UTC", "request_answer_days": "20"}
    assert client.post("/organisation", data=form).status_code == 302
    assert db.session.get(type(owner.organisation), owner.organisation_id).request_answer_days == 20
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "organisation.updated")
                              .order_by(AuditEntry.id.desc()))
    assert b'"request_answer_days":[null,20]' in entry.canonical
    refused = client.post("/organisation", data={**form, "request_answer_days": "0"})
    assert refused.status_code == 422 and "request_answer_days" in refused.get_data(as_text=True)
    assert client.post("/organisation", data={**form, "request_answer_days": ""}).status_code == 302
    assert db.session.get(type(owner.organisation), owner.organisation_id).request_answer_days is None
