"""The dashboard pages pass axe-core's WCAG 2.2 AA checks in a real browser, in both languages."""
import pytest
from axe_playwright_python.sync_playwright import Axe


from helpers import PASSWORD, follow

pytestmark = pytest.mark.browser
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}


def violations(page) -> str | None:
    results = Axe().run(page, options=WCAG)
    return results.generate_report() if results.violations_count else None


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
def test_dashboard_pages_have_no_axe_violations(live_server, browser, owner, make_site, make_sign, locale):
    site = make_site(purpose="marketing_analytics")
    make_sign(site)
    context = browser.new_context(locale=locale)
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        assert violations(page) is None
        page.fill("input[name=email]", owner.email)
        page.fill("input[name=password]", PASSWORD)
        follow(page, page.locator("main form button"))
        for path in ("/", "/sites", f"/sites/{site.id}", f"/sites/{site.id}/edit", "/sites/new",
                     "/sites/new?jurisdictions=CN&jurisdictions=EU", f"/sites/{site.id}/notice/preview", "/audit",
                     "/organisation", "/users", "/tokens", "/signs/reprint"):
            page.goto(f"{live_server}{path}")
            assert violations(page) is None, f"{path}: {violations(page)}"
        page.goto(f"{live_server}/sites/{site.id}")
        follow(page, page.locator("button[name=status][value=active]"))  # the refusal panel
        assert "CN-PUBLIC-PURPOSE" in page.content() and violations(page) is None
    finally:
        context.close()
