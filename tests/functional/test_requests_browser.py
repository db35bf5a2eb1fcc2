"""Sam at the station: a real Chromium on a 360 px phone, in Simplified Chinese and in English, opens the
notice from the sign, reports it as suspected fake, and follows it by its code; then asks about their data.
No cookie, no request elsewhere, no script needed, and axe-core clean on every screen."""
import pytest

from helpers import follow
from test_consent_browser import PHONE, clean, opened

pytestmark = pytest.mark.browser
WORDS = {"zh-Hans": {"report": "报告此标识的问题", "ask": "询问您的个人信息", "send": "发送",
                     "fake": "标识或其二维码可能是伪造的", "deletion": "删除我的信息", "received": "已收到"},
         "en": {"report": "Report this sign", "ask": "Ask about your data", "send": "Send",
                "fake": "The sign or its QR code may be fake", "deletion": "Delete my data", "received": "Received"}}


@pytest.mark.parametrize("lang", ["zh-Hans", "en"])
def test_a_passer_by_reports_a_sign_and_asks_about_their_data_at_360_px(browser, live_server, live_site, lang):
    _site, sign = live_site
    words = WORDS[lang]
    context, page, requests = opened(browser, PHONE, f"{live_server}/S/{sign.serial}?lang={lang}")
    try:
        follow(page, page.get_by_role("link", name=words["report"]))
        assert page.get_attribute("html", "lang") == lang and sign.serial in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        clean(page)
        page.get_by_label(words["fake"]).check()
        page.fill("#description", "<b>sticker</b> over the code")
        follow(page, page.get_by_role("button", name=words["send"]))
        code = page.locator(".receipt-code code").inner_text()
        assert "/q/" in page.url and words["received"] in page.locator(".banner").inner_text()
        assert sign.serial in page.inner_text("main")
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        clean(page)
        page.goto(f"{live_server}/S/{sign.serial}?lang={lang}")
        follow(page, page.get_by_role("link", name=words["ask"]))
        page.get_by_label(words["deletion"]).check()
        follow(page, page.get_by_role("button", name=words["send"]))
        assert page.locator(".receipt-code code").inner_text() != code
        clean(page)
        page.goto(f"{live_server}/q/?lang={lang}")
        page.fill("#code", code.lower())
        follow(page, page.locator("form button"))
        assert words["fake"] in page.inner_text("h1")
        clean(page)
        assert context.cookies() == []
        assert all(url.startswith(live_server + "/") for url in requests), requests
    finally:
        context.close()


def test_the_forms_work_with_javascript_switched_off(browser, live_server, live_site):
    _site, sign = live_site
    context = browser.new_context(viewport=PHONE, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/S/{sign.serial}?lang=en")
        follow(page, page.get_by_role("link", name="Report this sign"))
        page.get_by_label("The sign is damaged").check()
        follow(page, page.get_by_role("button", name="Send"))
        assert "/q/" in page.url and "The sign is damaged" in page.inner_text("h1")
    finally:
        context.close()
