"""The public notice behind every sign: banners, languages, JSON, caching, no cookies, old versions, scans."""
import io
import re
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import event
from babel.messages.pofile import read_po
from pypdf import PdfReader

from signage.rules.packs import PackSettings
from signage.signs.services import change_sign_status
from signage.sites.services import change_status, update_site
from helpers import T0

ROOT = Path(__file__).resolve().parents[2]


def html(response) -> str:
    return response.get_data(as_text=True)


def test_sign_scan_shows_current_notice_serial_and_placement_without_redirect(client, live_site):
    site, sign = live_site
    response = client.get(f"/S/{sign.serial}", headers={"Accept-Language": "en"})
    assert response.status_code == 200
    page = html(response)
    assert f"You scanned sign {sign.serial}" in page and "It should hang at: North entrance" in page
    assert "In operation since November 2, 2026" in page
    assert "Finding people on the police watch list." in page  # the summary's "why"
    assert "outdated" not in page
    assert client.get(f"/s/{sign.serial.lower()}").status_code == 200


def test_summary_answers_the_five_questions_before_the_details(client, live_site):
    site, _sign = live_site
    page = html(client.get(f"/n/{site.code}?lang=en"))
    labels = ["Who runs these cameras", "Why", "How long faces are kept", "What you can do instead",
              "Whom to ask", "In detail"]
    positions = [page.index(f">{label}<") for label in labels]
    assert positions == sorted(positions)
    assert "Deleted after 7 days at most." in page
    assert "privacy@operator.example" in page
    assert "Cyberspace Administration of China (CAC)" in page  # complaint route for CN


def test_a_draft_public_address_says_only_that_the_code_is_genuine_who_runs_it_and_not_yet(client, make_site):
    site = make_site(retention_period_days=5)
    response = client.get(f"/n/{site.code.lower()}?lang=en")
    page = html(response)
    assert response.status_code == 200
    assert "This code is genuine" in page and "Not yet in operation" in page and site.organisation.legal_name in page
    for draft_text in ("Deleted after 5 days at most.", "Finding people on the police watch list.", "North gate"):
        assert draft_text not in page
    data = client.get(f"/n/{site.code}", headers={"Accept": "application/json"}).get_json()
    assert data["published"] is False and data["operator"] == site.organisation.legal_name
    assert "summary" not in data and "sections" not in data
    assert client.get(f"/n/{site.code}/print").status_code == 404


def test_a_scanned_sign_of_a_draft_names_the_sign_and_nothing_of_the_draft(client, make_site, make_sign):
    site = make_site()
    sign = make_sign(site)
    page = html(client.get(f"/S/{sign.serial}", headers={"Accept-Language": "zh-CN"}))
    assert "此码真实有效" in page and sign.serial in page
    assert "北门" not in page and "查找公安布控名单上的人员" not in page


def test_the_organisation_previews_the_full_draft_notice_others_cannot(client, auth, make_site, make_user):
    site = make_site(retention_period_days=5)
    auth.login(site.organisation.users[0])
    preview = client.get(f"/sites/{site.id}/notice/preview?lang=en")
    assert preview.status_code == 200 and "no-store" in preview.headers["Cache-Control"]
    assert "Preview for your organisation" in html(preview) and "Deleted after 5 days at most." in html(preview)
    auth.logout()
    auth.login(make_user("auditor"))  # another organisation's user
    assert client.get(f"/sites/{site.id}/notice/preview").status_code == 404
    auth.logout()
    assert client.get(f"/sites/{site.id}/notice/preview").status_code in (302, 303)


def test_text_missing_in_the_readers_language_is_shown_marked_in_the_other(client, auth, make_site):
    site = make_site(purpose_text="Counting visitors.", text_translations=None)
    auth.login(site.organisation.users[0])
    page = html(client.get(f"/sites/{site.id}/notice/preview?lang=zh-Hans"))
    assert '<span lang="en">Counting visitors.</span>' in page
    assert "暂无中文版本：以下为运营方撰写的英文原文。" in page
    assert "：Counting visitors." not in page  # never inside a sentence of ours


@pytest.mark.parametrize("status, banner", [("suspended", "Suspended since November 9, 2026"),
                                            ("decommissioned", "Decommissioned since November 9, 2026")])
def test_sign_of_a_closed_or_paused_site_still_opens_with_its_banner(client, db, live_site, owner, status, banner):
    site, sign = live_site
    change_status(site, status, reason="closing", by=owner, now=T0 + timedelta(days=7), settings=PackSettings())
    db.session.commit()
    for url in (f"/S/{sign.serial}", f"/n/{site.code}", f"/n/{site.code}/v1"):
        response = client.get(url, headers={"Accept-Language": "en-GB,en;q=0.8"})
        assert response.status_code == 200, url
        assert banner in html(response)


def test_unknown_code_or_serial_gets_the_public_404(client, db):
    for url in ("/n/NOSUCH", "/S/NOSUCH99", "/n/NOSUCH/v1", "/n/NOSUCH/print"):
        response = client.get(url)
        assert response.status_code == 404
        assert "Notice not found" in html(response)
        assert "set-cookie" not in {key.lower() for key in response.headers.keys()}
    problem = client.get("/n/NOSUCH", headers={"Accept": "application/json"})
    assert problem.status_code == 404 and problem.mimetype == "application/problem+json"


def test_json_answers_the_same_content_at_the_same_url(client, live_site):
    site, sign = live_site
    response = client.get(f"/S/{sign.serial}", headers={"Accept": "application/json", "Accept-Language": "en"})
    assert response.status_code == 200 and response.mimetype == "application/json"
    data = response.get_json()
    assert data["site"]["code"] == site.code and data["site"]["status"] == "active"
    assert data["site"]["status_since"].startswith("2026-11-02")
    assert data["version"]["number"] == 1 and len(data["version"]["sha256"]) == 64
    assert data["language"] == "en"
    assert [item["key"] for item in data["summary"]] == ["who", "why", "how_long", "instead", "ask"]
    assert {section["key"] for section in data["sections"]} >= {"operator", "purpose", "data", "rights"}
    assert data["sign"]["serial"] == sign.serial and data["sign"]["placement"] == "North entrance"
    assert data["versions"][0]["url"].endswith(f"/n/{site.code}/v1")
    assert "Accept" in response.headers["Vary"] and "Accept-Language" in response.headers["Vary"]
    page = re.sub(r"<[^>]+>", "", html(client.get(f"/S/{sign.serial}", headers={"Accept-Language": "en"})))
    for item in data["summary"]:
        assert item["text"].replace("'", "&#39;") in page


def test_the_page_leads_with_the_warning_and_contacts_open_mail_and_the_dialler(client, live_site):
    site, _sign = live_site
    page = html(client.get(f"/n/{site.code}?lang=en"))
    headline = re.search(r"<h1[^>]*>(.*?)</h1>", page, re.S).group(1)
    assert "<svg" in headline and "Facial recognition in use" in headline and "North gate" in headline
    assert page.index("<h1") < page.index('class="banner')  # the warning first, then the status
    assert '<a href="mailto:privacy@operator.example">privacy@operator.example</a>' in page
    assert '<a href="tel:+862155550000">+86 21 5555 0000</a>' in page


def test_etag_and_cache_control_let_a_cache_revalidate(client, live_site):
    site, sign = live_site
    first = client.get(f"/S/{sign.serial}")
    assert first.headers["Cache-Control"] == "public, max-age=300"
    etag = first.headers["ETag"]
    assert re.fullmatch(r'"[0-9a-f]{32}"', etag)
    again = client.get(f"/S/{sign.serial}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.get_data() == b"" and again.headers["ETag"] == etag
    other_language = client.get(f"/S/{sign.serial}?lang=zh-Hans", headers={"If-None-Match": etag})
    assert other_language.status_code == 200 and other_language.headers["ETag"] != etag
    as_json = client.get(f"/S/{sign.serial}", headers={"Accept": "application/json", "If-None-Match": etag})
    assert as_json.status_code == 200
    assert client.get(f"/n/{site.code}").headers["ETag"] != etag  # the scanned sign is part of the page


def test_a_repeated_request_reads_only_the_page_state(app, client, live_site, db):
    _site, sign = live_site
    url, statements = f"/S/{sign.serial}", []
    listen = lambda *args: statements.append(args[2])  # noqa: E731  (conn, cursor, statement, ...)
    event.listen(db.engine, "before_cursor_execute", listen)
    try:
        first = client.get(url).get_data()
        read_first, statements[:] = len(statements), []
        assert client.get(url).get_data() == first
    finally:
        event.remove(db.engine, "before_cursor_execute", listen)
    assert read_first > 1 and len([s for s in statements if s.lstrip().upper().startswith("SELECT")]) == 1


def test_public_responses_set_no_cookie_and_allow_no_inline_code(client, live_site):
    site, sign = live_site
    urls = [f"/S/{sign.serial}", f"/n/{site.code}", f"/n/{site.code}/v1", f"/n/{site.code}?lang=zh-Hans",
            f"/n/{site.code}/print", "/n/NOSUCH"]
    for url in urls:
        response = client.get(url, headers={"Cookie": "session=forged"})
        assert "Set-Cookie" not in response.headers, url
        assert "Cookie" not in response.headers.get("Vary", ""), url
        assert "default-src 'none'" in response.headers["Content-Security-Policy"]
        if response.mimetype == "text/html":
            page = html(response)
            assert "<script" not in page and "style=" not in page and "<style" not in page
            assert not re.search(r"""(src|href)="(https?:)?//""", page), url  # nothing from elsewhere
    assert client.get_cookie("session") is None


def test_page_and_stylesheet_weigh_under_20_kb(client, live_site):
    _site, sign = live_site
    for language in ("en", "zh-Hans"):
        page = client.get(f"/S/{sign.serial}?lang={language}")
        css_url = re.search(r'<link rel="stylesheet" href="([^"]+)"', html(page)).group(1)
        with client.get(css_url) as css:
            assert css.status_code == 200 and css.mimetype == "text/css"
            assert "Set-Cookie" not in css.headers
            assert len(page.get_data()) + len(css.get_data()) < 20_000


def test_operator_text_appears_in_each_language(client, live_site):
    site, sign = live_site
    zh = html(client.get(f"/S/{sign.serial}?lang=zh-Hans"))
    assert '<html lang="zh-Hans">' in zh
    assert "北门" in zh and "发现公安布控名单上的人员。" in zh and "北门和售票厅。" in zh
    assert f'href="/S/{sign.serial}/en/"' in zh
    en = html(client.get(f"/S/{sign.serial}", headers={"Accept-Language": "en-US"}))
    assert '<html lang="en">' in en and "North gate" in en and "北门" not in en
    assert html(client.get(f"/S/{sign.serial}", headers={"Accept-Language": "zh-CN,zh;q=0.9"})).startswith(
        '<!doctype html>\n<html lang="zh-Hans">')


def test_each_language_has_its_own_address_with_the_page_as_json_beside_it(client, live_site):
    """What a static copy can serve: no Accept header decides, the address does (static_export)."""
    site, sign = live_site
    for base in (f"/n/{site.code}", f"/n/{site.code}/v1", f"/S/{sign.serial}"):
        for tag, words in (("en", "North gate"), ("zh-Hans", "北门")):
            page = client.get(f"{base}/{tag}/", headers={"Accept-Language": "de"})
            assert page.status_code == 200 and page.mimetype == "text/html"
            text = html(page)
            assert f'<html lang="{tag}">' in text and words in text
            assert f'<link rel="alternate" type="application/json" href="{base}/{tag}/notice.json">' in text
            other = "zh-Hans" if tag == "en" else "en"
            assert f'href="{base}/{other}/" hreflang="{other}"' in text
            data = client.get(f"{base}/{tag}/notice.json")
            assert data.status_code == 200 and data.mimetype == "application/json"
            assert data.get_json()["language"] == tag and data.get_json()["site"]["code"] == site.code
        assert client.get(f"{base}/en").status_code == 308  # a static host adds the slash the same way
        assert client.get(f"{base}/fr/").status_code == 404
    pdf = client.get(f"/n/{site.code}/v1/notice.pdf")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert f'href="/n/{site.code}/v1/notice.pdf"' in html(client.get(f"/n/{site.code}"))


def test_editing_a_printed_field_marks_the_scanned_sign_outdated(client, db, live_site, owner):
    site, sign = live_site
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0 + timedelta(days=30), settings=PackSettings())
    db.session.commit()
    page = html(client.get(f"/S/{sign.serial}?lang=en"))
    assert "This sign is outdated: it was printed with notice version 1" in page
    assert "This page shows the current notice." in page
    assert "Deleted after 3 days at most." in page
    data = client.get(f"/S/{sign.serial}", headers={"Accept": "application/json"}).get_json()
    assert data["sign"]["outdated"] is True and data["version"]["number"] == 2


def test_retired_sign_still_opens_and_says_it_is_outdated(client, db, live_site, owner):
    _site, sign = live_site
    change_sign_status(sign, "retired", by=owner, now=T0, settings=PackSettings(), reason="taken down")
    db.session.commit()
    response = client.get(f"/S/{sign.serial}?lang=en")
    assert response.status_code == 200 and "This sign has been retired" in html(response)


def test_old_version_keeps_its_url_and_says_it_was_superseded(client, db, live_site, owner):
    site, _sign = live_site
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0 + timedelta(days=30), settings=PackSettings())
    db.session.commit()
    old = html(client.get(f"/n/{site.code}/v1?lang=en"))
    assert "This is version 1. It was replaced by version 2 on December 2, 2026." in old
    assert "Deleted after 7 days at most." in old and f'href="/n/{site.code}"' in old
    current = html(client.get(f"/n/{site.code}?lang=en"))
    assert "Deleted after 3 days at most." in current and "retention" in current
    assert f'href="/n/{site.code}/v1"' in current and f'href="/n/{site.code}/v2"' in current
    assert client.get(f"/n/{site.code}/v3").status_code == 404


def test_printable_a4_pdf_holds_both_languages_version_and_hash(client, live_site):
    site, _sign = live_site
    response = client.get(f"/n/{site.code}/print")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    assert response.get_data().startswith(b"%PDF-") and response.headers["ETag"]
    reader = PdfReader(io.BytesIO(response.get_data()))
    width, height = reader.pages[0].mediabox.width, reader.pages[0].mediabox.height
    assert (round(float(width)), round(float(height))) == (595, 842)
    text = "".join(page.extract_text() for page in reader.pages)
    sha = client.get(f"/n/{site.code}", headers={"Accept": "application/json"}).get_json()["version"]["sha256"]
    for expected in ("北门", "发现公安布控名单上的人员", "North gate", "Who runs these cameras", "Deleted after 7 days",
                     sha, "Notice version 1", "Personal information handler"):
        assert expected in text.replace("\n", ""), expected


def test_notice_reads_in_chinese_from_the_catalog(client, live_site):
    """Our own strings on the public page come out in Chinese (the Makefile compiles the catalog)."""
    _site, sign = live_site
    page = client.get(f"/S/{sign.serial}?lang=zh-Hans").get_data(as_text=True)
    with (ROOT / "translations/zh_Hans/LC_MESSAGES/messages.po").open("rb") as source:
        catalog = read_po(source)
    for english in ("Who runs these cameras", "How long faces are kept", "Whom to ask"):
        chinese = catalog[english].string
        assert chinese and chinese in page and english not in page, english
    assert sign.serial in page
