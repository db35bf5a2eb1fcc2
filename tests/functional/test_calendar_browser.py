"""The compliance calendar in a real browser: the month view shows the duties of its days in both
languages, at a phone's width and a desk's, and the calendar's pages pass axe-core's WCAG 2.2 AA checks."""
import pytest
from axe_playwright_python.sync_playwright import Axe
from sqlalchemy import select

from signage.calendar.models import Duty
from signage.signs.services import change_sign_status

from helpers import PASSWORD, T0, follow

pytestmark = pytest.mark.browser
WCAG = {"runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]}}
HEADINGS = {"en-GB": ("Compliance calendar", "Inspect the sign in place"), "zh-CN": ("合规日历", "现场检查标识")}


def violations(page) -> str | None:
    results = Axe().run(page, options=WCAG)
    return results.generate_report() if results.violations_count else None


@pytest.mark.parametrize("locale", ["en-GB", "zh-CN"])
@pytest.mark.parametrize("width", [360, 1280])
def test_the_month_view_shows_each_day_s_duties_in_both_languages(live_server, browser, db, live_site, owner,
                                                                   settings, locale, width):
    site, sign = live_site
    change_sign_status(sign, "installed", by=owner, now=T0, settings=settings)
    db.session.commit()
    inspection = db.session.scalars(select(Duty).where(Duty.kind == "sign_inspection")).one()
    context = browser.new_context(locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login")
        page.fill("input[name=email]", owner.email)
        page.fill("input[name=password]", PASSWORD)
        follow(page, page.locator("main form button"))
        page.goto(f"{live_server}/calendar/month?month={inspection.due_on.strftime('%Y-%m')}")
        title, kind = HEADINGS[locale]
        assert page.locator("h1").inner_text().startswith(title)
        day = page.locator(".month__day", has=page.locator(f"a[href='/calendar/duties/{inspection.id}']"))
        assert day.count() == 1 and day.is_visible()
        assert kind in day.inner_text() and str(inspection.due_on.day) in day.inner_text()
        assert violations(page) is None, violations(page)
        for path in ("/calendar", "/calendar?status=all", f"/calendar/duties/{inspection.id}"):
            page.goto(f"{live_server}{path}")
            assert violations(page) is None, f"{path}: {violations(page)}"
        page.goto(f"{live_server}/calendar")
        follow(page, page.locator(".calendar-views a[href='/calendar/month']"))
        assert page.url.endswith("/calendar/month") and page.locator(".month__grid").count() == 1
    finally:
        context.close()
