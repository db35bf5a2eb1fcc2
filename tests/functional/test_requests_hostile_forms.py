"""Hostile input against the public request forms, their tokens, the sign parameter, the public API and the status
pages: every answer is a 4xx naming the field or a page that shows the text as text, never a 500, and sets no
cookie; nothing refused is saved. Each defect found in review has a test here. The helpers here serve the other
test_requests_hostile_* files too.

Cases that share their fixtures run in a loop inside one test, each assert naming its case: building the app and
the live site for every case made this the slowest file of the suite, and it runs on both databases."""
import io
import re
import time

import pytest
from sqlalchemy import event, func, select

from signage.consent.codes import check_character, readable_code
from signage.database import utcnow
from signage.outbox.models import OutboxMessage
from signage.requests import tokens
from signage.requests.models import PublicRequest
from signage.requests.services import file_request
from signage.rules.packs import PackSettings

EU_SITE = {"jurisdictions": ["EU"], "legal_basis_gdpr": "art6_1_f", "legal_basis_cn": None}
SCRIPT = '<script>alert("x")</script>'


# --- helpers -------------------------------------------------------------------------------------------------

def _token(client, path):
    page = client.get(path)
    assert page.status_code == 200, (path, page.status_code)
    return re.search(r'name="token" value="([^"]+)"', page.get_data(as_text=True)).group(1)


def _ask(client, site, token=None, **fields):
    token = _token(client, f"/n/{site.code}/ask?lang=en") if token is None else token
    return client.post(f"/n/{site.code}/ask", data={"token": token, "lang": "en", **fields})


def _code(response) -> str:
    assert response.status_code == 303, (response.status_code, response.get_data(as_text=True)[:300])
    return re.search(r"/q/([A-Z0-9]+)", response.headers["Location"]).group(1)


def _count(db, model=PublicRequest):
    db.session.rollback()
    return db.session.scalar(select(func.count()).select_from(model))


def _api_file(client, site, **body):
    return client.post(f"/api/v1/public/notices/{site.code}/requests", json={"category": "rights", "kind": "access",
                                                                            **body})


def _no_500(response):
    assert response.status_code < 500, (response.status_code, response.get_data(as_text=True)[:500])
    return response


@pytest.fixture
def file(db):
    """File through the service at a given moment; return the request and its code."""
    def make(site, kind="access", *, now=None, sign=None, **data):
        category = "sign" if kind in ("missing", "damaged", "covered", "moved", "suspected_fake") else "rights"
        filed, code = file_request(site, {"category": category, "kind": kind, "language": "en", **data},
                                   now=now or utcnow(), settings=PackSettings(), sign=sign)
        db.session.commit()
        return filed, code
    return make


@pytest.fixture
def statements(db):
    seen = []

    def listen(conn, cursor, statement, parameters, *args):
        seen.append((statement, parameters))

    event.listen(db.engine, "before_cursor_execute", listen)
    yield seen
    event.remove(db.engine, "before_cursor_execute", listen)


def _parameters(seen):
    for _statement, parameters in seen:
        rows = parameters if isinstance(parameters, list) else [parameters]
        for row in rows:
            values = row.values() if isinstance(row, dict) else (row or ())
            yield from values


# --- the public forms: field values --------------------------------------------------------------------------

def test_bad_form_values_are_refused_naming_the_field_and_nothing_is_saved(client, live_site, db):
    site, _sign = live_site
    cases = [
        ({"kind": "access", "description": "nul \x00 byte"}, "description"),
        ({"kind": "access", "description": "escape \x1b[31m red"}, "description"),
        ({"kind": "access", "description": "x" * 2001}, "description"),
        ({"kind": "access", "description": "é" * 50_000}, "description"),
        ({"kind": "access", "reply_channel": "email", "reply_contact": "a" * 250 + "@b.example"}, "reply_contact"),
        ({"kind": "access", "reply_channel": "email", "reply_contact": "sam@example.org\nBcc: all@x.example"},
         "reply_contact"),
        ({"kind": "access", "reply_channel": "phone", "reply_contact": "+86 21 5555 0100\x00"}, "reply_contact"),
        ({"kind": "access", "reply_channel": "phone", "reply_contact": "+86 21\n5555 0100"}, "reply_contact"),
        ({"kind": "access", "reply_channel": "pigeon", "reply_contact": "sam@example.org"}, "reply_channel"),
        ({"kind": "ACCESS"}, "kind"), ({"kind": "\u0430ccess"}, "kind"),  # upper case; a Cyrillic а
        ({"kind": "access\x00"}, "kind"), ({"kind": "suspected_fake"}, "kind"),
        ({"kind": "access", "passed_at": "2026-1-1"}, "passed_at"),
        ({"kind": "access", "passed_at": "2026-13-01"}, "passed_at"),
        ({"kind": "access", "passed_at": "2026-12-01T24:00"}, "passed_at"),
        ({"kind": "access", "passed_at": "2026-12-01 08:30"}, "passed_at"),
        ({"kind": "access", "passed_at": "2026-12-01T08:30Z"}, "passed_at"),
        ({"kind": "access", "passed_at": "1" * 5000}, "passed_at"),
        # passed_at takes ASCII digits only, not Arabic-Indic nor full-width ones
        ({"kind": "access", "passed_at": "٢٠٢٦-١٢-٠١"}, "passed_at"),
        ({"kind": "access", "passed_at": "２０２６-１２-０１T０８:３０"}, "passed_at"),
        # C1 control characters are refused too, not only C0 ones
        ({"kind": "access", "description": "red \x9b31m text"}, "description"),
        ({"kind": "access", "description": "next\x85line"}, "description"),
        ({"kind": "access", "description": "\x80\x9f"}, "description"),
    ]
    for fields, name in cases:
        response = _no_500(_ask(client, site, **fields))
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and f'id="err-{name}"' in html, (fields, response.status_code,
                                                                            html[:2000])
        assert "set-cookie" not in {key.lower() for key in response.headers.keys()}, fields
        assert _count(db) == 0, fields


def test_a_passing_in_the_future_is_refused_by_the_form(client, live_site, db):
    site, _sign = live_site
    response = _ask(client, site, kind="access", passed_at="9999-12-31T23:59")
    assert response.status_code == 422 and 'id="err-passed_at"' in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(PublicRequest)) == 0
    assert _ask(client, site, kind="access", passed_at=utcnow().strftime("%Y-%m-%dT%H:%M")).status_code == 303


def test_odd_language_parameters_answer_a_page(client, live_site):
    site, _sign = live_site
    code = _code(_ask(client, site, kind="access"))
    for query in ("lang=%00", "lang=" + "x" * 5000, "lang=zh-Hans%0d%0aSet-Cookie:%20a=b", "lang=en&lang=zh-Hans",
                  "lang=<script>", "lang=ZH-hans", "filed=1&lang=x"):
        for path in (f"/n/{site.code}/ask", f"/n/{site.code}/report", f"/q/{code}", "/q/"):
            response = _no_500(client.get(f"{path}?{query}", headers={"Accept-Language": "\x00;q=x, *;q=NaN"}))
            assert response.status_code == 200, (path, query)
            assert "<script>" not in response.get_data(as_text=True), (path, query)
            assert "set-cookie" not in {key.lower() for key in response.headers.keys()}, (path, query)
        token = _token(client, f"/n/{site.code}/report?lang=en")
        _no_500(client.post(f"/n/{site.code}/report?{query}", data={"token": token, "kind": "moved"}))


def test_a_multipart_form_with_a_file_or_broken_utf8_is_no_500(client, live_site, db):
    site, _sign = live_site
    token = _token(client, f"/n/{site.code}/ask?lang=en")
    response = _no_500(client.post(f"/n/{site.code}/ask", content_type="multipart/form-data", data={
        "token": token, "lang": "en", "kind": "access", "description": (io.BytesIO(b"\x00" * 1000), "x.bin")}))
    assert response.status_code in (303, 422), "multipart"
    # a fresh token: the multipart form may have been taken, and a token files once
    token = _token(client, f"/n/{site.code}/ask?lang=en")
    body = b"token=" + token.encode() + b"&lang=en&kind=access&description=%ED%A0%80%FF%FE&reply_contact=%C0%AF"
    response = _no_500(client.post(f"/n/{site.code}/ask", data=body,
                                   content_type="application/x-www-form-urlencoded"))
    assert response.status_code in (303, 422), "broken UTF-8"


def test_passed_at_keeps_minutes_and_drops_seconds(client, live_site, db):
    site, _sign = live_site
    _code(_ask(client, site, kind="access", passed_at="2026-11-30T08:15:42"))
    assert db.session.scalar(select(PublicRequest.passed_at)) == "2026-11-30T08:15"


def test_a_contact_with_the_space_a_phone_keyboard_adds_is_taken_trimmed(client, live_site, db):
    site, _sign = live_site
    for channel, typed, kept in (("email", "sam@example.org ", "sam@example.org"),
                                 ("email", " sam@example.org", "sam@example.org"),
                                 ("phone", "+86 21 5555 0100 ", "+86 21 5555 0100")):
        _code(_ask(client, site, kind="access", reply_channel=channel, reply_contact=typed))
        # each case files a request of its own: read the newest
        newest = select(PublicRequest.reply_contact).order_by(PublicRequest.id.desc()).limit(1)
        assert db.session.scalar(newest) == kept, (channel, typed)


def test_a_field_given_twice_is_refused_not_guessed(client, live_site, db):
    site, _sign = live_site
    token = _token(client, f"/n/{site.code}/ask?lang=en")
    body = f"token={token}&lang=en&kind=access&kind=deletion"
    response = client.post(f"/n/{site.code}/ask", data=body, content_type="application/x-www-form-urlencoded")
    assert response.status_code == 422 and _count(db) == 0


def test_oversized_bodies_and_too_many_fields_are_413(client, live_site, db):
    site, _sign = live_site
    token = _token(client, f"/n/{site.code}/ask?lang=en")
    big = _no_500(client.post(f"/n/{site.code}/ask", data={"token": token, "kind": "access",
                                                           "description": "x" * (3 * 1024 * 1024)}))
    assert big.status_code == 413
    many = {"token": token, "kind": "access", **{f"f{n}": "1" for n in range(1100)}}
    assert _no_500(client.post(f"/n/{site.code}/ask", data=many)).status_code == 413
    api = _no_500(client.post(f"/api/v1/public/notices/{site.code}/requests", data=b"{" + b" " * (3 * 1024 * 1024)
                              + b"}", content_type="application/json"))
    assert api.status_code == 413
    assert _count(db) == 0


def test_a_json_body_or_no_body_at_the_form_is_refused_as_an_expired_form(client, live_site, db):
    site, _sign = live_site
    token = _token(client, f"/n/{site.code}/ask?lang=en")
    assert _no_500(client.post(f"/n/{site.code}/ask", json={"token": token, "kind": "access"})).status_code == 400
    assert _no_500(client.post(f"/n/{site.code}/ask")).status_code == 400
    assert _no_500(client.post(f"/n/{site.code}/ask", data=b"\xff\xfe" * 100,
                               content_type="text/plain")).status_code == 400
    assert _count(db) == 0


# --- the form's token ----------------------------------------------------------------------------------------

def test_forged_expired_future_and_misplaced_tokens_file_nothing(app, client, live_site, make_site, make_sign, db):
    site, sign = live_site
    other = make_site(site_name="South gate")
    other_sign = make_sign(other)
    key = app.secret_key.encode()
    now = time.time()
    good = _token(client, f"/n/{site.code}/ask?lang=en")
    issued, once, mac = good.split(".")
    forged = [
        "", "x", "1.2.3", f"{issued}.{once}.{'0' * 32}", f"{int(issued) + 1}.{once}.{mac}",
        f"{issued}.{'a' * 32}.{mac}", good.upper(), good + "0", " " + good, "9" * 12 + f".{once}.{mac}",
        tokens.new_token(key, f"{site.code}|ask|", now=now - tokens.FORM_SECONDS - 5),  # expired
        tokens.new_token(key, f"{site.code}|ask|", now=now + 120),  # issued in the future
        tokens.new_token(b"another-secret", f"{site.code}|ask|", now=now),
        tokens.new_token(key, f"{other.code}|ask|", now=now),  # another site's
        tokens.new_token(key, f"{site.code}|report|", now=now),  # another form's
        tokens.new_token(key, f"{site.code}|ask|{other_sign.serial}", now=now),  # another site's sign
        tokens.new_token(key, f"{site.code}|ask|{sign.serial}", now=now),  # this sign's, sent without the sign
        tokens.new_token(key, "x|ask|", now=now),  # no such site
    ]
    for token in forged:
        response = _no_500(_ask(client, site, token=token, kind="access"))
        assert response.status_code == 400, (token, response.status_code)
        assert "set-cookie" not in {key.lower() for key in response.headers.keys()}
    assert _count(db) == 0


def test_a_form_sent_twice_files_once_even_with_other_content(client, live_site, db, owner):
    site, _sign = live_site
    token = _token(client, f"/n/{site.code}/ask?lang=en")
    _code(_ask(client, site, token=token, kind="access"))
    again = _ask(client, site, token=token, kind="deletion", description="second try")
    assert again.status_code == 409 and "sent already" in again.get_data(as_text=True)
    assert re.search(r"/q/[A-Z0-9]{17}", again.get_data(as_text=True)) is None  # the first code is not shown again
    assert _count(db) == 1 and db.session.scalar(select(PublicRequest.kind)) == "access"
    assert _count(db, OutboxMessage) == 1  # the operator is told once


def test_a_token_with_a_sign_is_refused_at_the_form_without_it_and_the_reverse(client, live_site, db):
    site, sign = live_site
    with_sign = _token(client, f"/n/{site.code}/report?lang=en&sign={sign.serial}")
    assert client.post(f"/n/{site.code}/report", data={"token": with_sign, "kind": "moved"}).status_code == 400
    without = _token(client, f"/n/{site.code}/report?lang=en")
    assert client.post(f"/n/{site.code}/report", data={"token": without, "kind": "moved",
                                                       "sign": sign.serial}).status_code == 400
    assert _count(db) == 0
    # the sign in the query string, lower case, with the token of the sign's form: attached
    response = client.post(f"/n/{site.code}/report?sign={sign.serial.lower()}", data={"token": with_sign,
                                                                                    "kind": "moved"})
    _code(response)
    assert db.session.scalar(select(PublicRequest.sign_id)) == sign.id


# --- the sign parameter --------------------------------------------------------------------------------------

def test_an_odd_sign_parameter_is_not_attached_nor_echoed(client, live_site, db):
    site, _sign = live_site
    serials = ["Z" * 17, "A" * 10_000, SCRIPT, "%27%20OR%201=1--", "../../etc", "ß" * 8, "\u0130" * 4,
               "\u202e" + "ABC"]
    for filed, serial in enumerate(serials, start=1):
        for form in ("ask", "report"):
            response = _no_500(client.get(f"/n/{site.code}/{form}", query_string={"sign": serial, "lang": "en"}))
            html = response.get_data(as_text=True)
            assert response.status_code == 200 and 'name="sign"' not in html, (serial, form)
            assert serial not in html and "<script>alert" not in html, (serial, form)
        token = _token(client, f"/n/{site.code}/report?lang=en")
        _code(client.post(f"/n/{site.code}/report", query_string={"sign": serial},
                          data={"token": token, "kind": "moved", "sign": serial}))
        # every report filed so far, this case's too, has no sign
        assert db.session.scalars(select(PublicRequest.sign_id)).all() == [None] * filed, serial


def test_another_sites_serial_is_not_attached_by_the_form_nor_the_api(client, live_site, make_site, make_sign, db):
    site, _sign = live_site
    other = make_site(site_name="South gate")
    foreign = make_sign(other)
    html = client.get(f"/n/{site.code}/report?lang=en&sign={foreign.serial}").get_data(as_text=True)
    assert foreign.serial not in html
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    _code(client.post(f"/n/{site.code}/report", data={"token": token, "kind": "moved", "sign": foreign.serial}))
    api = client.post(f"/api/v1/public/notices/{site.code}/requests",
                      json={"category": "sign", "kind": "moved", "sign": foreign.serial})
    assert api.status_code == 201
    assert db.session.scalars(select(PublicRequest.sign_id)).all() == [None, None]


def test_a_nul_in_the_sign_parameter_never_reaches_the_database(client, live_site, statements):
    site, _sign = live_site
    for form in ("ask", "report"):
        statements.clear()
        response = _no_500(client.get(f"/n/{site.code}/{form}?lang=en&sign=A%00B"))
        assert response.status_code in (200, 404), form
        assert not any(isinstance(value, str) and "\x00" in value for value in _parameters(statements)), form


# --- the status page -----------------------------------------------------------------------------------------

def test_unknown_malformed_and_wrong_check_codes_answer_alike(client, live_site):
    site, _sign = live_site
    _code(_ask(client, site, kind="access"))
    body = "23456789ABCDEFGH"
    unknown = body + check_character(body)
    wrong = body + ("2" if check_character(body) != "2" else "3")
    pages = [client.get(f"/q/{code}?lang=en") for code in (unknown, wrong, body, body + "22", "a", "Z" * 32)]
    assert {page.status_code for page in pages} == {404}
    assert len({page.get_data() for page in pages}) == 1
    for page in pages:
        assert "set-cookie" not in {key.lower() for key in page.headers.keys()}
        assert page.headers["Cache-Control"] == "no-store"


def test_the_lookup_form_takes_the_code_as_people_type_it(client, live_site):
    site, _sign = live_site
    code = _code(_ask(client, site, kind="access"))
    for typed in (code.lower(), readable_code(code), " " + readable_code(code).lower().replace("-", " ") + " ",
                  "\t".join(code)):
        response = client.get("/q/", query_string={"code": typed, "lang": "en"})
        assert response.status_code == 303 and response.headers["Location"].startswith(f"/q/{code}"), typed
    for typed in ("", "x" * 5000, SCRIPT, "\x00", code[:-1], code + "2", "٢" * 17, "Ａ" * 17):
        response = _no_500(client.get("/q/", query_string={"code": typed, "lang": "en"}))
        assert response.status_code == 404 and "<script>alert" not in response.get_data(as_text=True), typed
    # the code as printed, with hyphens, opens its status page at its own address too
    assert client.get(f"/q/{readable_code(code)}?lang=en").status_code == 200


def test_no_answer_under_q_sets_a_cookie_even_an_error(make_app, live_site):
    served = make_app(WTF_CSRF_ENABLED=True)
    for path, method in (("/q/ABCD-EFGH-JKLM-NPQR-S", "get"), ("/q/", "post"), ("/q/ABCDEFGHJKLMNPQRS", "post")):
        client = served.test_client()  # a fresh visitor each time: no cookie jar carried over
        response = getattr(client, method)(path)
        assert response.status_code in (404, 405), (path, method, response.status_code)
        assert "set-cookie" not in {key.lower() for key in response.headers.keys()}, (path, method, response.headers)


def test_a_signed_in_operator_opening_a_status_page_gets_no_cookie(client, auth, owner, live_site, db):
    site, _sign = live_site
    code = _code(_ask(client, site, kind="access"))
    owner.locale = "zh_Hans"
    db.session.commit()
    auth.login(owner)
    for path in (f"/q/{code}", "/q/", f"/q/?code={code}", "/q/ABCDEFGHJKLMNPQRS"):
        page = client.get(path, headers={"Accept-Language": "en"})
        assert "set-cookie" not in {key.lower() for key in page.headers.keys()}, (path, page.headers)


def test_the_form_puts_the_text_back_escaped_in_every_field(client, live_site):
    site, _sign = live_site
    values = {"kind": 'access" onfocus="x', "passed_at": '"><script>x</script>',
              "description": "</textarea>" + SCRIPT, "reply_channel": 'email"><b>',
              "reply_contact": '"><img src=x onerror=alert(1)>'}
    response = _ask(client, site, **values)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "<script>" not in html and "<img" not in html and 'onfocus="x' not in html and "</textarea><" not in html
