"""Public pages may reuse a site's state for a few seconds per worker, and never longer."""
from signage.notices.state import _state_cache, page_state
from signage.sites.services import change_status

from conftest import T0


def test_state_is_reused_within_the_ttl_and_refreshed_after(make_site, owner, db, settings):
    _state_cache.clear()
    site = make_site()
    first = page_state("site", site.code.lower(), ttl=5, clock=lambda: 100.0)
    assert first.status == "draft"
    change_status(site, "decommissioned", reason="closed", by=owner, now=T0, settings=settings)
    db.session.commit()
    assert page_state("site", site.code, ttl=5, clock=lambda: 104.9).status == "draft"
    assert page_state("site", site.code, ttl=5, clock=lambda: 105.1).status == "decommissioned"
    assert page_state("site", site.code, ttl=0).status == "decommissioned"


def test_unknown_codes_are_none(db):
    assert page_state("site", "NOSUCHCODE", ttl=0) is None
    assert page_state("sign", "NOSUCH", ttl=0) is None
