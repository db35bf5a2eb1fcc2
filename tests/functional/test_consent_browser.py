"""Mei at the gym: a real Chromium runs the kiosk at 1024×768 and her withdrawal on a 360 px phone, in
Simplified Chinese and in English, with no cookie, no request elsewhere and axe-core clean on every screen."""
import io

import pytest
import zxingcpp
from PIL import Image

from signage.consent.channels import open_channel

from helpers import T0, follow
from test_notice_browser import axe_violations

pytestmark = pytest.mark.browser
TABLET = {"width": 1024, "height": 768}
PHONE = {"width": 360, "height": 740}
WORDS = {"zh-Hans": {"continue": "继续", "yes": "同意", "no": "不同意", "withdraw": "撤回我的同意",
                     "withdrawn": "您已撤回同意"},
         "en": {"continue": "Continue", "yes": "Yes, I agree", "no": "No, I do not agree", "withdraw": "Withdraw my consent",
                "withdrawn": "You withdrew your consent"}}


@pytest.fixture
def kiosk_token(gym_site, owner, db):
    _channel, token = open_channel(gym_site, "kiosk", "Front desk", by=owner, now=T0)
    db.session.commit()
    return token


def opened(browser, viewport, url):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.goto(url)
    return context, page, requests


def clean(page):
    report = axe_violations(page)
    assert report is None, report


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_the_kiosk_flow_at_1024_by_768(browser, live_server, kiosk_token, lang, db):
    words = WORDS[lang]
    context, page, requests = opened(browser, TABLET, f"{live_server}/k/{kiosk_token}?lang={lang}")
    try:
        assert page.get_attribute("html", "lang") == lang
        clean(page)
        follow(page, page.get_by_role("button", name=words["continue"]))
        page.fill("#ref", "GYM-004213")
        page.check("input[name=age][value=adult]")
        clean(page)
        follow(page, page.get_by_role("button", name=words["continue"]))
        yes, no = page.locator("button.answer").all()
        assert (yes.inner_text(), no.inner_text()) == (words["yes"], words["no"])
        a, b = yes.bounding_box(), no.bounding_box()
        # No is exactly as easy as Yes: the same size, side by side on one line, both in view
        assert (a["width"], a["height"], a["y"]) == (b["width"], b["height"], b["y"]) and a["height"] >= 44
        assert b["y"] + b["height"] < TABLET["height"]
        assert page.locator(".alternative").is_visible()
        clean(page)
        follow(page, yes)
        assert page.locator("button.answer").count() == 2  # the optional purpose, asked on its own
        clean(page)
        follow(page, page.locator("button.answer").nth(1))
        code = page.locator(".receipt-code code").inner_text().replace("-", "")
        clean(page)
        shot = Image.open(io.BytesIO(page.locator(".qr-wrap svg").screenshot()))
        assert [result.text for result in zxingcpp.read_barcodes(shot)] == [f"https://signs.example/r/{code}"]
        assert context.cookies() == []
        assert all(url.startswith(live_server + "/") for url in requests), requests
    finally:
        context.close()


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_mei_withdraws_from_her_phone_at_360_px(browser, live_server, gym_site, make_consent, lang):
    _consent, code = make_consent(gym_site, language=lang)
    words = WORDS[lang]
    context, page, requests = opened(browser, PHONE, f"{live_server}/r/{code}")
    try:
        assert page.get_attribute("html", "lang") == lang
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        clean(page)
        follow(page, page.get_by_role("button", name=words["withdraw"]))
        assert "/r/" in page.url and code not in page.url  # the withdrawal receipt, with a code of its own
        clean(page)
        page.goto(f"{live_server}/r/{code}")
        assert words["withdrawn"] in page.locator(".banner").inner_text()
        assert page.get_by_role("button", name=words["withdraw"]).count() == 0
        clean(page)
        assert context.cookies() == []
        assert all(url.startswith(live_server + "/") for url in requests), requests
    finally:
        context.close()
