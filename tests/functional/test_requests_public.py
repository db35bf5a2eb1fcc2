"""A passer-by asks about their data or reports a sign from the notice page, without an account, and follows
it by its reference code; the forms work without a script or a cookie."""
import re

import pytest
from sqlalchemy import select

from signage.audit.models import AuditEntry
from signage.outbox.models import OutboxMessage
from signage.requests.models import PublicRequest

RIGHTS_KINDS = ("access", "correction", "deletion", "objection", "withdrawal", "complaint")
SIGN_PROBLEMS = ("missing", "damaged", "covered", "moved", "suspected_fake")


def _form(client, path):
    page = client.get(path)
    assert page.status_code == 200, page.status_code
    html = page.get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    return html, token


def _code(response) -> str:
    assert response.status_code == 303, response.get_data(as_text=True)[:500]
    return re.search(r"/q/([A-Z0-9]+)", response.headers["Location"]).group(1)


def test_the_notice_page_links_both_forms_from_the_sign_scanned(client, live_site):
    site, sign = live_site
    page = client.get(f"/S/{sign.serial}?lang=en").get_data(as_text=True)
    assert f'href="/n/{site.code}/ask?lang=en&amp;sign={sign.serial}"' in page
    assert f'href="/n/{site.code}/report?lang=en&amp;sign={sign.serial}"' in page
    assert 'href="/q/?lang=en"' in page
    plain = client.get(f"/n/{site.code}?lang=zh-Hans").get_data(as_text=True)
    assert f'href="/n/{site.code}/ask?lang=zh-Hans"' in plain and "报告" in plain


@pytest.mark.parametrize("kind", RIGHTS_KINDS)
def test_a_passer_by_files_each_kind_of_request_from_a_sign_and_follows_it(client, live_site, db, owner, kind):
    site, sign = live_site
    _html, token = _form(client, f"/n/{site.code}/ask?lang=en&sign={sign.serial}")
    response = client.post(f"/n/{site.code}/ask", data={
        "token": token, "lang": "en", "sign": sign.serial, "kind": kind, "passed_at": "2026-11-30T08:15",
        "description": "<b>I passed the north gate</b>", "reply_channel": "email", "reply_contact": "sam@example.org"})
    code = _code(response)
    filed = db.session.scalar(select(PublicRequest))
    assert (filed.category, filed.kind, filed.sign_id, filed.state) == ("rights", kind, sign.id, "received")
    assert filed.reply_contact == "sam@example.org" and filed.due_on is not None
    status = client.get(response.headers["Location"])
    text = status.get_data(as_text=True)
    assert status.status_code == 200 and "set-cookie" not in {name.lower() for name in status.headers.keys()}
    assert "Received" in text and sign.serial in text and filed.due_on.isoformat() in text
    assert "&lt;b&gt;" not in text or "<b>I passed" not in text  # the description is never HTML
    # the audit entry names the request, its kind and state, never the contact or the description
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "request.received"))
    assert entry is not None and b"sam@example.org" not in entry.canonical and b"north gate" not in entry.canonical
    assert kind.encode() in entry.canonical
    # the owner hears of it, without the contact
    messages = list(db.session.scalars(select(OutboxMessage)))
    assert [message.recipient for message in messages] == [owner.email]
    assert "sam@example.org" not in messages[0].body and f"/requests/{filed.id}" in messages[0].body
    assert client.get(f"/q/{code.lower()}").status_code == 200  # typed in lower case, it opens too


@pytest.mark.parametrize("problem", SIGN_PROBLEMS)
def test_each_kind_of_sign_report_attaches_the_sign_it_was_opened_from(client, live_site, db, problem):
    site, sign = live_site
    html, token = _form(client, f"/n/{site.code}/report?lang=zh-Hans&sign={sign.serial}")
    assert sign.serial in html and 'name="reply_contact"' not in html  # a report takes no contact
    response = client.post(f"/n/{site.code}/report", data={"token": token, "lang": "zh-Hans", "sign": sign.serial,
                                                            "kind": problem})
    _code(response)
    filed = db.session.scalar(select(PublicRequest))
    assert (filed.category, filed.kind, filed.sign_id, filed.language) == ("sign", problem, sign.id, "zh-Hans")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert 'lang="zh-Hans"' in page and sign.serial in page


def test_only_the_kind_is_required_and_a_request_may_be_anonymous(client, live_site, db):
    site, _sign = live_site
    _html, token = _form(client, f"/n/{site.code}/ask?lang=en")
    refused = client.post(f"/n/{site.code}/ask", data={"token": token, "lang": "en"})
    assert refused.status_code == 422 and 'id="err-kind"' in refused.get_data(as_text=True)
    assert db.session.scalar(select(PublicRequest)) is None
    _code(client.post(f"/n/{site.code}/ask", data={"token": token, "lang": "en", "kind": "deletion"}))
    filed = db.session.scalar(select(PublicRequest))
    assert filed.reply_contact is None and filed.passed_at is None and filed.sign_id is None


def test_bad_input_names_the_field_keeps_the_text_and_saves_nothing(client, live_site, db):
    site, _sign = live_site
    _html, token = _form(client, f"/n/{site.code}/ask?lang=en")
    cases = [({"kind": "haunting"}, "kind"), ({"kind": "access", "passed_at": "yesterday"}, "passed_at"),
             ({"kind": "access", "reply_contact": "sam@example.org"}, "reply_channel"),
             ({"kind": "access", "reply_channel": "email", "reply_contact": "not an address"}, "reply_contact"),
             ({"kind": "access", "reply_channel": "phone", "reply_contact": "call me"}, "reply_contact"),
             ({"kind": "access", "description": "x" * 2001}, "description"),
             ({"kind": "access", "description": "bell\x07"}, "description"),
             ({"kind": "missing"}, "kind")]
    for fields, name in cases:
        response = client.post(f"/n/{site.code}/ask", data={"token": token, "lang": "en", **fields})
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and f'id="err-{name}"' in html, (fields, response.status_code)
    assert db.session.scalar(select(PublicRequest)) is None
    kept = client.post(f"/n/{site.code}/ask", data={"token": token, "lang": "en", "kind": "access",
                                                    "passed_at": "soon", "description": "<script>x</script>"})
    assert "&lt;script&gt;x&lt;/script&gt;" in kept.get_data(as_text=True)


def test_a_form_sent_twice_files_once_and_an_old_or_forged_token_files_nothing(client, live_site, db):
    site, _sign = live_site
    _html, token = _form(client, f"/n/{site.code}/report?lang=en")
    _code(client.post(f"/n/{site.code}/report", data={"token": token, "kind": "damaged"}))
    again = client.post(f"/n/{site.code}/report", data={"token": token, "kind": "damaged"})
    assert again.status_code == 409 and len(db.session.scalars(select(PublicRequest)).all()) == 1
    issued, once, mac = token.split(".")
    for forged in (f"{int(issued) - 4000}.{once}.{mac}", f"{issued}.{'0' * 32}.{mac}", "", "1.2.3"):
        response = client.post(f"/n/{site.code}/report", data={"token": forged, "kind": "covered",
                                                                "description": "kept"})
        assert response.status_code == 400 and "kept" in response.get_data(as_text=True)
    # a token shown for another form or another site's is refused too
    _html, ask_token = _form(client, f"/n/{site.code}/ask?lang=en")
    assert client.post(f"/n/{site.code}/report", data={"token": ask_token, "kind": "moved"}).status_code == 400
    assert len(db.session.scalars(select(PublicRequest)).all()) == 1


def test_unknown_codes_sites_and_signs(client, live_site, make_site):
    site, _sign = live_site
    assert client.get("/q/ABCDEFGHJKLMNPQRS").status_code == 404
    assert client.get("/q/not-a-code").status_code == 404
    assert client.get("/n/NOSUCHSITE/ask").status_code == 404
    draft = make_site()
    assert client.get(f"/n/{draft.code}/ask").status_code == 404  # no published notice: no form
    # a serial that is not this site's is not attached
    html = client.get(f"/n/{site.code}/report?sign=ZZZZZZZZ&lang=en").get_data(as_text=True)
    assert "ZZZZZZZZ" not in html
    assert client.get("/q/").status_code == 200


def test_filing_is_limited_per_address_and_per_site_from_all_addresses(make_app, live_site, db):
    site, _sign = live_site
    app = make_app(RATELIMIT_ENABLED=True, RATELIMIT_PUBLIC_FORM="3 per minute", RATELIMIT_REQUESTS_PER_SITE="5 per hour")
    client = app.test_client()

    def post(address):
        page = client.get(f"/n/{site.code}/report?lang=en", environ_base={"REMOTE_ADDR": address})
        token = re.search(r'name="token" value="([^"]+)"', page.get_data(as_text=True)).group(1)
        return client.post(f"/n/{site.code}/report", data={"token": token, "kind": "damaged"},
                           environ_base={"REMOTE_ADDR": address}).status_code

    assert [post("198.51.100.1") for _ in range(4)] == [303, 303, 303, 429]  # one address: three a minute
    assert [post(f"198.51.100.{n}") for n in (2, 3, 4)] == [303, 303, 429]  # the site: five an hour, all told
    # the API's public filing counts toward the same site's limit
    response = client.post(f"/api/v1/public/notices/{site.code}/requests", json={"category": "sign", "kind": "moved"},
                           environ_base={"REMOTE_ADDR": "198.51.100.9"})
    assert response.status_code == 429
    db.session.rollback()
    assert len(db.session.scalars(select(PublicRequest)).all()) == 5
