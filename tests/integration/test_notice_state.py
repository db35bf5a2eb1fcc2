"""Public pages may reuse a site's state for a few seconds per worker, never longer, and never mix
a stale picture of the site with a newer notice version (finding 5 of the hardening issue)."""
import time

from signage.sites.services import change_status

from helpers import T0


def test_a_page_reuses_the_site_state_within_the_ttl_and_refreshes_after(make_app, make_site, make_sign, owner,
                                                                        db, settings):
    site = make_site()
    make_sign(site)
    client = make_app(NOTICE_STATE_TTL=1.0).test_client()
    assert "Not yet in operation" in client.get(f"/n/{site.code.lower()}").get_data(as_text=True)
    change_status(site, "decommissioned", reason="closed", by=owner, now=T0, settings=settings)
    db.session.commit()
    assert "Not yet in operation" in client.get(f"/n/{site.code}").get_data(as_text=True)
    time.sleep(1.05)
    assert "Decommissioned since" in client.get(f"/n/{site.code}").get_data(as_text=True)


def test_a_draft_state_cached_before_going_live_never_breaks_the_new_version_pages(make_app, make_site, make_sign,
                                                                                   owner, db, settings):
    site = make_site()
    make_sign(site)
    client = make_app(NOTICE_STATE_TTL=60.0).test_client()
    assert client.get(f"/n/{site.code}").status_code == 200  # the draft's state is now cached for a minute
    change_status(site, "active", reason="live", by=owner, now=T0, settings=settings)
    db.session.commit()
    for path in (f"/n/{site.code}", f"/n/{site.code}/v1", f"/n/{site.code}/v1/print", f"/n/{site.code}/print"):
        assert client.get(path).status_code == 200, path
    assert client.get(f"/n/{site.code}/v2").status_code == 404


def test_unknown_codes_and_serials_are_404(client):
    assert client.get("/n/NOSUCHCODE").status_code == 404
    assert client.get("/S/NOSUCH").status_code == 404
