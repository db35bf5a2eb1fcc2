"""Sam's phone: a real Chromium at 360×740 opens a sign's URL in Chinese and in English."""
from datetime import timedelta

import pytest

from signage.rules.packs import PackSettings
from signage.sites.services import change_status
from helpers import T0, follow, in_chinese

pytestmark = pytest.mark.browser
VIEWPORT = {"width": 360, "height": 740}


@pytest.fixture
def scanned_sign(db, make_site, make_sign, owner):
    site = make_site(text_translations=in_chinese(purpose_text="发现公安布控名单上的人员。"))
    sign = make_sign(site, placement="North entrance, left of the doors")
    change_status(site, "active", reason="go live", by=owner, now=T0, settings=PackSettings())
    db.session.commit()
    return site, sign


def open_page(browser, url: str, locale: str):
    """Open url as a phone would; return the page, its context, every request URL and CSP complaints."""
    context = browser.new_context(viewport=VIEWPORT, locale=locale)
    page = context.new_page()
    requests, complaints = [], []
    page.on("request", lambda request: requests.append(request.url))
    page.on("console", lambda message: complaints.append(message.text)
            if "Content Security Policy" in message.text else None)
    response = page.goto(url)
    return page, context, response, requests, complaints


def axe_violations(page) -> str | None:
    from axe_playwright_python.sync_playwright import Axe
    # after a click that submits a form the next page may still be loading its stylesheet: axe would judge
    # the unstyled page (its language links 17 px high, seen on a loaded machine), which no person sees
    page.wait_for_load_state("load")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": [
        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"]}})
    return results.generate_report() if results.violations_count else None


@pytest.mark.parametrize("locale, lang, expected", [("zh-CN", "zh-Hans", "北门"), ("en-US", "en", "North gate")])
def test_phone_opens_sign_in_its_language_with_summary_above_the_fold(browser, live_server, scanned_sign, locale, lang,
                                                                      expected):
    _site, sign = scanned_sign
    page, context, response, requests, complaints = open_page(browser, f"{live_server}/S/{sign.serial}", locale)
    try:
        assert response.status == 200 and response.url == f"{live_server}/S/{sign.serial}"  # no redirect
        assert page.get_attribute("html", "lang") == lang
        assert expected in page.locator("h1").inner_text()
        summary = page.locator("dl.summary").bounding_box()
        assert summary["y"] + summary["height"] < VIEWPORT["height"]
        assert sign.serial in page.locator(".sign").inner_text()
        assert requests and all(url.startswith(live_server + "/") for url in requests), requests
        assert context.cookies() == []
        assert complaints == []
        assert page.evaluate("getComputedStyle(document.body).fontSize") == "16px"  # the stylesheet loaded
        assert axe_violations(page) is None, axe_violations(page)
    finally:
        context.close()


def test_language_link_switches_without_scripts_or_cookies(browser, live_server, scanned_sign):
    _site, sign = scanned_sign
    page, context, _response, requests, _complaints = open_page(browser, f"{live_server}/S/{sign.serial}", "en-US")
    try:
        follow(page, page.get_by_role("link", name="简体中文"))
        assert page.url.endswith(f"/S/{sign.serial}/zh-Hans/")
        assert page.get_attribute("html", "lang") == "zh-Hans" and "北门" in page.locator("h1").inner_text()
        assert context.cookies() == [] and all(url.startswith(live_server + "/") for url in requests)
    finally:
        context.close()


def test_decommissioned_and_unknown_pages_are_accessible(browser, live_server, scanned_sign, db, owner):
    site, sign = scanned_sign
    change_status(site, "decommissioned", reason="closed", by=owner, now=T0 + timedelta(days=9),
                  settings=PackSettings())
    db.session.commit()
    for path, status in ((f"/S/{sign.serial}", 200), ("/S/NOSUCH99", 404)):
        page, context, response, requests, complaints = open_page(browser, live_server + path, "en-GB")
        try:
            assert response.status == status
            assert context.cookies() == [] and complaints == []
            assert all(url.startswith(live_server + "/") for url in requests)
            assert axe_violations(page) is None, axe_violations(page)
        finally:
            context.close()
    page, context, *_rest = open_page(browser, f"{live_server}/S/{sign.serial}", "en-GB")
    try:
        assert "Decommissioned since November 11, 2026" in page.locator(".banner").inner_text()
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_an_outdated_sign_still_shows_the_warning_and_the_five_answers_on_the_first_screen(
        browser, live_server, scanned_sign, db, owner, locale):
    from signage.sites.services import update_site
    site, sign = scanned_sign
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0 + timedelta(days=1), settings=PackSettings())
    db.session.commit()
    page, context, *_rest = open_page(browser, f"{live_server}/S/{sign.serial}", locale)
    try:
        assert page.locator(".note--warn").count() == 1  # the sign is outdated, and says so at the top
        headline, summary = page.locator("h1").bounding_box(), page.locator("dl.summary").bounding_box()
        assert headline["y"] < summary["y"] and page.locator("h1 svg").count() == 1
        assert summary["y"] + summary["height"] <= VIEWPORT["height"], summary
        assert axe_violations(page) is None, axe_violations(page)
    finally:
        context.close()


@pytest.mark.parametrize("locale", ["zh-CN", "en-US"])
def test_a_draft_signs_page_says_only_that_the_code_is_genuine_and_is_accessible(browser, live_server, make_site,
                                                                                make_sign, locale):
    site = make_site()
    sign = make_sign(site)
    page, context, response, requests, complaints = open_page(browser, f"{live_server}/S/{sign.serial}", locale)
    try:
        assert response.status == 200 and context.cookies() == [] and complaints == []
        assert site.organisation.legal_name in page.locator("main").inner_text()
        assert "北门" not in page.content() and "North gate" not in page.content()
        assert axe_violations(page) is None, axe_violations(page)
    finally:
        context.close()
