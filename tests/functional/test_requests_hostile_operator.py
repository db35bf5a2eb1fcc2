"""Hostile input against the API, public and the operator's, and the operator's queue: every answer is a 4xx naming
the field, never a 500; a refused action changes nothing; text anyone wrote is shown as text; another
organisation's requests do not exist; the queue costs the same however long it grows.

Cases that share their fixtures run in a loop inside one test, each assert naming its case (see
test_requests_hostile_forms, which holds the helpers)."""
import re
from datetime import timedelta

from sqlalchemy import select

from signage.consent.codes import check_character
from signage.database import utcnow
from signage.requests.models import PublicRequest, RequestStep

from test_requests_hostile_forms import EU_SITE, SCRIPT, _api_file, _code, _count, _no_500, _token
from test_requests_hostile_forms import file, statements  # noqa: F401 - the fixtures


# --- the public API ------------------------------------------------------------------------------------------

def test_hostile_api_bodies_name_the_field_and_save_nothing(client, live_site, db):
    site, _sign = live_site
    cases = [
        ({"category": "rights", "kind": 1}, "kind"), ({"category": "rights", "kind": ["access"]}, "kind"),
        ({"category": "rights", "kind": None}, "kind"), ({"category": 7, "kind": "access"}, "category"),
        ({"category": "RIGHTS", "kind": "access"}, "category"), ({"kind": "access"}, "category"),
        ({"category": "rights", "kind": "access", "description": ["a", "b"]}, "description"),
        ({"category": "rights", "kind": "access", "description": {"$ne": 1}}, "description"),
        ({"category": "rights", "kind": "access", "description": "a\x00b"}, "description"),
        ({"category": "rights", "kind": "access", "description": "lone \ud800 surrogate"}, "description"),
        ({"category": "rights", "kind": "access", "description": "\x07"}, "description"),
        ({"category": "rights", "kind": "access", "passed_at": 20261201}, "passed_at"),
        ({"category": "rights", "kind": "access", "passed_at": "2026-1-1"}, "passed_at"),
        ({"category": "rights", "kind": "access", "reply_channel": "email", "reply_contact": ["a@b.example"]},
         "reply_contact"),
        ({"category": "rights", "kind": "access", "reply_channel": "fax", "reply_contact": "+1 555 0100"},
         "reply_channel"),
        ({"category": "sign", "kind": "moved", "reply_channel": "email", "reply_contact": "a@b.example"},
         "reply_contact"),
        ({"category": "rights", "kind": "access", "language": "fr"}, "language"),
        ({"category": "rights", "kind": "access", "language": ["en"]}, "language"),
        ({"category": "sign", "kind": "moved", "sign": "A" * 17}, "sign"),
        ({"category": "sign", "kind": "moved", "sign": ""}, "sign"),
        ({"category": "sign", "kind": "moved", "sign": 12345}, "sign"),
        ({"category": "sign", "kind": "moved", "sign": "AB-CD"}, "sign"),
        ({"category": "sign", "kind": "moved", "sign": "ABC\x00"}, "sign"),
        ({"category": "sign", "kind": "moved", "state": "closed"}, "state"),
        ({"category": "sign", "kind": "moved", "organisation_id": 2}, "organisation_id"),
    ]
    for body, field in cases:
        response = _no_500(client.post(f"/api/v1/public/notices/{site.code}/requests", json=body))
        assert response.status_code == 422, (body, response.status_code, response.get_json())
        assert field in response.get_json()["errors"], (body, response.get_json())
        assert _count(db) == 0, body


def test_odd_api_bodies_and_content_types_are_4xx(client, live_site, db):
    site, _sign = live_site
    cases = [
        (b"kind=access&category=rights", "application/x-www-form-urlencoded", 415),
        (b'{"category": "rights", "kind": "access"}', "text/plain", 415),
        (b"", "application/json", 422), (b"[]", "application/json", 422), (b'"x"', "application/json", 422),
        (b"null", "application/json", 422), (b"{", "application/json", 400), (b"\xff\xfe{}", "application/json", 400),
        (b"[" * 100_000 + b"]" * 100_000, "application/json", 400),
        (b'{"category": "rights", "kind": "access"}', "application/json", 201),
    ]
    saved = 0  # only a 201 saves a request: every other case leaves the count as it found it
    for data, content_type, status in cases:
        response = _no_500(client.post(f"/api/v1/public/notices/{site.code}/requests", data=data,
                                       content_type=content_type))
        assert response.status_code in ((status,) if status != 400 else (400, 422)), (
            data[:50], content_type, response.status_code, response.get_data()[:300])
        assert response.mimetype == ("application/json" if status == 201 else "application/problem+json"), (
            data[:50], content_type)
        saved += status == 201
        assert _count(db) == saved, (data[:50], content_type)


def test_the_public_api_sets_no_cookie_and_needs_no_token(client, live_site):
    site, _sign = live_site
    response = _api_file(client, site, description=SCRIPT)
    assert response.status_code == 201
    status = client.get(f"/api/v1/public/requests/{response.get_json()['reference_code']}")
    for answer in (response, status):
        assert "set-cookie" not in {key.lower() for key in answer.headers.keys()}
        assert "description" not in answer.get_json() and "reply_contact" not in answer.get_json()


def test_the_api_answers_an_unknown_code_as_a_malformed_one(client, live_site):
    site, _sign = live_site
    real = _api_file(client, site).get_json()["reference_code"]
    body = "23456789ABCDEFGH"
    unknown = body + check_character(body)
    wrong_check = body + ("2" if check_character(body) != "2" else "3")
    answers = [client.get(f"/api/v1/public/requests/{code}") for code in (unknown, wrong_check, body, body + "22",
                                                                          "x", "0" * 17, "O" * 17)]
    assert {answer.status_code for answer in answers} == {404}
    assert len({answer.get_data() for answer in answers}) == 1
    assert client.get(f"/api/v1/public/requests/{real.lower()}").status_code == 200
    assert _no_500(client.get(f"/api/v1/public/requests/{'A' * 40}")).status_code == 404


# --- text shown as text --------------------------------------------------------------------------------------

def test_script_in_every_field_is_escaped_on_the_status_page_the_queue_and_the_detail(client, auth, owner,
                                                                                      live_site, make_site, file, db):
    site, sign = live_site
    token = _token(client, f"/n/{site.code}/report?lang=en&sign={sign.serial}")
    cn_code = _code(client.post(f"/n/{site.code}/report", data={
        "token": token, "lang": "en", "kind": "suspected_fake", "sign": sign.serial,
        "description": SCRIPT + "\n\"quoted\" ' & <b>"}))
    eu = make_site(site_name="Gate " + SCRIPT, **EU_SITE)  # an operator's own markup is text too
    filed, code = file(eu, description=SCRIPT, passed_at="2026-11-30T08:15", reply_channel="email",
                       reply_contact="sam@example.org")
    auth.login(owner)
    for action, message in (("acknowledge", SCRIPT), ("extend", "Reason " + SCRIPT), ("ask", "Ask " + SCRIPT),
                            ("answer", "Answer " + SCRIPT)):
        assert client.post(f"/requests/{filed.id}/act", data={"action": action, "message": message}).status_code \
            == 303, action
    report = db.session.scalar(select(PublicRequest).where(PublicRequest.site_id == site.id))
    pages = [client.get(f"/q/{code}?lang=en"), client.get(f"/q/{cn_code}?lang=en"),
             client.get("/requests?lang=en&state=all"), client.get(f"/requests/{filed.id}?lang=en"),
             client.get(f"/requests/{report.id}?lang=en"), client.get("/?lang=en"),
             client.get(f"/audit?subject=public_requests:{filed.id}&lang=en")]
    for page in pages:
        html = page.get_data(as_text=True)
        assert page.status_code == 200 and "<script>" not in html and "<b>" not in html, page.request.path
    for index in (0, 3, 4):
        assert "&lt;script&gt;" in pages[index].get_data(as_text=True)
    # a refused action puts the operator's text back into the form, escaped
    refused = client.post(f"/requests/{filed.id}/act", data={"action": "extend", "message": SCRIPT})
    assert refused.status_code == 409 and "<script>alert" not in refused.get_data(as_text=True)


# --- the operator's actions ----------------------------------------------------------------------------------

def test_bad_dashboard_actions_change_nothing(client, auth, owner, live_site, file, db):
    site, _sign = live_site
    filed, _code = file(site)
    auth.login(owner)
    cases = [
        ({}, 422), ({"action": ""}, 422), ({"action": "fly"}, 422), ({"action": "received"}, 422),
        ({"action": "contact_erased"}, 422), ({"action": "CLOSE"}, 422), ({"action": "close\x00"}, 422),
        ({"action": "answer", "message": "   "}, 422), ({"action": "answer", "message": "a\x00b"}, 422),
        ({"action": "answer", "message": "\x1b[2J"}, 422), ({"action": "answer", "message": "m" * 2001}, 422),
        ({"action": "extend", "message": "Busy."}, 409),  # a CN site: no extension in law
    ]
    # every case is refused, so they all meet the one request as filed; a case that changed it fails right there
    for data, status in cases:
        response = _no_500(client.post(f"/requests/{filed.id}/act", data=data))
        assert response.status_code == status, (data, response.status_code)
        db.session.refresh(filed)
        assert (filed.state, filed.steps_count) == ("received", 1), data
        assert _count(db, RequestStep) == 1, data
    # an action given twice is refused, not guessed
    body = "action=acknowledge&action=close"
    response = client.post(f"/requests/{filed.id}/act", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422
    db.session.refresh(filed)
    assert filed.state == "received"


def test_dashboard_actions_need_the_csrf_token(make_app, owner, live_site, file, db):
    site, _sign = live_site
    filed, _code = file(site)
    served = make_app(WTF_CSRF_ENABLED=True)
    client = served.test_client()
    login = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    from helpers import PASSWORD
    assert client.post("/login", data={"email": owner.email, "password": PASSWORD, "csrf_token": csrf}).status_code \
        == 302
    assert client.post(f"/requests/{filed.id}/act", data={"action": "close"}).status_code == 400
    assert client.post(f"/requests/{filed.id}/act", data={"action": "close", "csrf_token": "forged"}).status_code \
        == 400
    assert client.post(f"/requests/{filed.id}/act", json={"action": "close"}).status_code == 400
    db.session.refresh(filed)
    assert filed.state == "received"
    page = client.get(f"/requests/{filed.id}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    assert client.post(f"/requests/{filed.id}/act", data={"action": "close", "csrf_token": csrf}).status_code == 303


def test_bad_api_actions_change_nothing(client, live_site, api_token, file, db):
    site, _sign = live_site
    cases = [
        (b'{"action": "answer"}', "application/json", 422), (b'{"action": ["close"]}', "application/json", 422),
        (b'{"action": 1}', "application/json", 422), (b'{"action": "close", "extra": 1}', "application/json", 422),
        (b'{"action": "close", "message": ["x"]}', "application/json", 422),
        (b'{"action": "answer", "message": "\\ud800"}', "application/json", 422),
        (b'{"action": "answer", "message": "a\\u0000"}', "application/json", 422),
        (b"[]", "application/json", 422), (b"", "application/json", 422), (b"{", "application/json", 400),
        (b"action=close", "application/x-www-form-urlencoded", 415), (b'{"action": "close"}', "text/plain", 415),
        (b'{"action": "acknowledge", "message": null}', "application/json", 200),
    ]
    for body, content_type, status in cases:
        filed, _code = file(site)  # a request of its own: the one case that is taken moves it on
        response = _no_500(client.post(f"/api/v1/requests/{filed.id}/actions", data=body, content_type=content_type,
                                       headers=api_token))
        assert response.status_code == status, (body, content_type, response.status_code, response.get_data()[:300])
        db.session.refresh(filed)
        assert filed.steps_count == (2 if status == 200 else 1), (body, content_type)


def test_another_organisations_request_does_not_exist_anywhere(client, auth, owner, live_site, file, db, make_org,
                                                               make_user, make_token):
    site, _sign = live_site
    filed, _code = file(site, reply_channel="email", reply_contact="sam@example.org")
    stranger = make_user("owner", organisation=make_org(legal_name="Other Ltd."))
    token = make_token(stranger)
    missing = 2**31 - 1
    for path in (f"/api/v1/requests/{filed.id}", f"/api/v1/requests/{missing}"):
        answer = client.get(path, headers=token)
        assert answer.status_code == 404 and b"sam@example.org" not in answer.get_data()
    same = {client.post(f"/api/v1/requests/{request_id}/actions", headers=token, json={"action": "close"}).get_data()
            for request_id in (filed.id, missing)}
    assert len(same) == 1  # another organisation's request and none at all answer alike
    assert client.get(f"/api/v1/requests?site={site.id}", headers=token).status_code == 404
    assert client.get("/api/v1/requests?state=all", headers=token).get_json() == []
    assert client.get(f"/api/v1/requests/{2**40}", headers=token).status_code == 404
    auth.login(stranger)
    assert client.get(f"/requests?site={site.id}").status_code == 404
    assert client.get(f"/requests/{filed.id}").status_code == 404
    assert client.get(f"/requests/{missing}").status_code == 404
    assert client.post(f"/requests/{filed.id}/act", data={"action": "close"}).status_code == 404
    home = client.get("/?lang=en").get_data(as_text=True)
    assert "Requests and reports waiting" not in home
    db.session.refresh(filed)
    assert (filed.state, filed.steps_count) == ("received", 1)


def test_an_auditors_token_reads_but_cannot_act(client, owner, live_site, file, make_user, make_token, db):
    site, _sign = live_site
    filed, _code = file(site)
    token = make_token(make_user("auditor", organisation=owner.organisation))
    assert client.get(f"/api/v1/requests/{filed.id}", headers=token).status_code == 200
    assert client.post(f"/api/v1/requests/{filed.id}/actions", headers=token,
                       json={"action": "close"}).status_code == 403
    db.session.refresh(filed)
    assert filed.state == "received"


def test_odd_queue_queries_are_4xx(client, auth, owner, api_token, live_site, file):
    site, _sign = live_site
    file(site)
    auth.login(owner)
    cases = [
        ("state=closedd", 422, 422), ("state=", 200, 422), ("limit=0", 422, 422), ("limit=201", 422, 422),
        ("limit=-1", 422, 422), ("limit=1e3", 422, 422), ("cursor=zz", 422, 422), ("cursor=a-1", 422, 422),
        ("cursor=a" + "9" * 40, 422, 422), ("cursor=a" + "9" * 18, 200, 200), ("site=0", 422, 422),
        ("site=99999999999", 422, 422), ("site=abc", 422, 422), ("overdue=maybe", 422, 422), ("kind=%00", 422, 422),
        ("kind=haunting", 422, 422), ("unknown=1", 422, 400), ("category=RIGHTS", 422, 422),
        ("site=2147483647", 404, 404)]
    for query, dashboard, api in cases:
        page = _no_500(client.get(f"/requests?{query}"))
        assert page.status_code == dashboard, (query, page.status_code)
        answer = _no_500(client.get(f"/api/v1/requests?{query}", headers=api_token))
        assert answer.status_code == api, (query, answer.status_code)


# --- the state machine ---------------------------------------------------------------------------------------

def test_a_sign_report_at_an_eu_site_cannot_be_extended(client, api_token, make_site, owner, file, db):
    owner.organisation.request_answer_days = 5
    db.session.commit()
    site = make_site(**EU_SITE)
    report, _code = file(site, "damaged")
    assert report.due_basis == "organisation"
    response = client.post(f"/api/v1/requests/{report.id}/actions", headers=api_token,
                           json={"action": "extend", "message": "Later."})
    assert response.status_code == 409


def test_an_eu_request_is_extended_once_and_never_after_its_date(client, api_token, make_site, file, db):
    site = make_site(**EU_SITE)
    late, _code = file(site, now=utcnow() - timedelta(days=40))
    refused = client.post(f"/api/v1/requests/{late.id}/actions", headers=api_token,
                          json={"action": "extend", "message": "Too late."})
    assert refused.status_code == 409
    fresh, _code = file(site)
    first = client.post(f"/api/v1/requests/{fresh.id}/actions", headers=api_token,
                        json={"action": "extend", "message": "Many recordings."})
    assert first.status_code == 200 and first.get_json()["extended_due_on"]
    again = client.post(f"/api/v1/requests/{fresh.id}/actions", headers=api_token,
                        json={"action": "extend", "message": "Again."})
    assert again.status_code == 409
    # answered, then closed; nothing after closing
    for action, message, status in (("answer", "Done.", 200), ("answer", "Again.", 409), ("close", None, 200),
                                    ("close", None, 409), ("acknowledge", None, 409), ("ask", "?", 409)):
        body = {"action": action, **({"message": message} if message else {})}
        assert client.post(f"/api/v1/requests/{fresh.id}/actions", headers=api_token, json=body).status_code == \
            status, (action, status)


# --- cost of the queue ---------------------------------------------------------------------------------------

def _grow(file, site, sign, n):
    for index in range(n):
        file(site, "damaged" if index % 2 else "access", sign=sign if index % 2 else None)


def test_the_queue_page_and_the_api_list_cost_the_same_at_3_and_at_30_requests(app, client, auth, owner, api_token,
                                                                               live_site, file, statements):
    site, sign = live_site
    auth.login(owner)
    api_client = app.test_client()  # the API's caller brings its token, not the operator's session
    pages, lists = [], []
    for n in (3, 30):
        _grow(file, site, sign, n - (3 if pages else 0))
        statements.clear()
        assert client.get("/requests?state=all").status_code == 200, n
        pages.append(len(statements))
        statements.clear()
        assert api_client.get("/api/v1/requests?state=all&limit=200", headers=api_token).status_code == 200, n
        lists.append(len(statements))
    assert pages[0] == pages[1], ("the queue page", pages)
    assert lists[0] == lists[1], ("the API list", lists)


def test_the_overdue_filter_keeps_the_state_filter(client, auth, owner, api_token, live_site, file):
    site, _sign = live_site
    waiting, _code = file(site, now=utcnow() - timedelta(days=60))
    acknowledged, _code = file(site, now=utcnow() - timedelta(days=60))
    assert client.post(f"/api/v1/requests/{acknowledged.id}/actions", headers=api_token,
                       json={"action": "acknowledge"}).status_code == 200
    listed = client.get("/api/v1/requests?state=received&overdue=true", headers=api_token).get_json()
    assert [item["id"] for item in listed] == [waiting.id]
    auth.login(owner)
    html = client.get("/requests?state=received&overdue=true").get_data(as_text=True)
    assert f'href="/requests/{acknowledged.id}"' not in html


def test_the_queue_pages_through_every_request_once_in_both_directions(client, auth, owner, api_token, live_site,
                                                                       file):
    site, sign = live_site
    _grow(file, site, sign, 7)
    auth.login(owner)
    seen, path = [], "/requests?state=all&limit=3"
    while path:
        html = client.get(path).get_data(as_text=True)
        seen += [int(found) for found in re.findall(r'href="/requests/(\d+)"', html)]
        following = re.search(r'href="([^"]*cursor=a\d+[^"]*)"', html)
        path = following.group(1).replace("&amp;", "&") if following else None
    assert sorted(seen) == list(range(1, 8)) and len(seen) == 7
    listed, link = [], "/api/v1/requests?limit=2"
    while link:
        answer = client.get(link, headers=api_token)
        listed += [item["id"] for item in answer.get_json()]
        found = re.search(r'<([^>]+)>; rel="next"', answer.headers.get("Link", ""))
        link = found.group(1).replace("http://localhost", "") if found else None
    assert listed == list(range(1, 8))
