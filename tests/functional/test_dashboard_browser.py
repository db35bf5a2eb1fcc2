"""Lin's journey in a real browser: sign in, register a site a rule refuses, fix it, activate it."""
import pytest

from helpers import browser_sign_in, follow

pytestmark = pytest.mark.browser

SITE_FIELDS = {
    "site_name": "Lobby turnstiles", "address": "1 Example Road", "city": "Springfield",
    "geo.lat": "40.1", "geo.lng": "-75.2", "capture_area_description": "The turnstiles beside reception.",
    "purpose_text": "Opening the turnstiles for enrolled members.",
    "necessity_justification": "Members asked for hands-free entry; enrolment is voluntary.",
    "non_fr_alternative": "Use your member card, or ask reception.", "retention_period_days": "30",
}
#: The same prose in Chinese: each sentence a sign or notice prints is needed in both languages.
CHINESE = {"capture_area_description": "前台旁的闸机。", "purpose_text": "为已登记的会员打开闸机。",
           "necessity_justification": "会员希望免接触进入；登记自愿。", "non_fr_alternative": "使用会员卡，或询问前台。"}
SELECTS = {"venue_class": "private_space", "private_space_type": "changing_room", "function": "verification_1to1",
           "operator_kind": "private", "purpose": "access_control", "storage_mode": "on_device"}
NO = ("raw_image_retained", "sensitive_trait_analysis", "minors_expected")  # what every jurisdiction asks


def test_operator_is_refused_fixes_the_field_and_activates(live_server, browser, owner):
    page = browser_sign_in(browser, live_server, owner)
    page.goto(f"{live_server}/sites/new")
    page.check("input[name=jurisdictions][value=OTHER]")
    follow(page, page.locator("main form button.btn--primary"))
    for name, value in SITE_FIELDS.items():
        page.fill(f"[name='{name}']", value)
    for name, value in CHINESE.items():
        page.fill(f"[name='text_translations.zh-Hans.{name}']", value)
    for name, value in SELECTS.items():
        page.select_option(f"select[name={name}]", value)
    page.check("input[name=jurisdictions][value=OTHER]")
    for name in NO:
        page.check(f"#field-{name}-no")
    follow(page, page.locator("form.site-form button.btn--primary"))
    assert "/sites/" in page.url and page.url.rstrip("/").split("/")[-1].isdigit()

    follow(page, page.locator("button[name=status][value=active]"))
    ban = page.locator(".refusal .refusal__ban")
    assert "ANY-PRIVATE-SPACE" in ban.inner_text() and "private spaces" in ban.inner_text()
    assert "This cannot be made lawful here" in ban.inner_text()
    assert ban.locator("a").count() == 0  # no field makes a changing room lawful: nothing offers a "fix"
    # it was never a changing room: Lin picked the wrong kind of place, and corrects the record
    follow(page, page.locator("a[href$='/edit']"))
    page.select_option("select[name=venue_class]", "business_premises_public_access")
    follow(page, page.locator("form.site-form button.btn--primary"))

    follow(page, page.locator("button[name=status][value=active]"))
    assert page.locator(".refusal").count() == 0
    assert page.locator("main .badge--active").count() >= 1
