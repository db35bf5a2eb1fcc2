"""What a site keeps about its findings (and what its organisation's counts add up) is what the rules
say right now: after every kind of change that can move it, the stored summary equals a fresh one."""
from datetime import timedelta

import pytest
from sqlalchemy import text

from signage.auth.services import update_organisation
from signage.housekeeping import run_housekeeping
from signage.signs.services import change_sign_status, reprint_sign, signs_for
from signage.sites.lists import site_counts
from signage.sites.models import Site
from signage.sites.services import acknowledge_finding, change_status, site_findings, update_site
from signage.sites.summaries import SUMMARY_COLUMNS, fresh_summaries

from helpers import T0


def stored(site: Site) -> dict:
    return {name: getattr(site, name) for name in SUMMARY_COLUMNS}


def assert_fresh(db, settings, organisation_id):
    """Every site's stored summary is a fresh computation; the organisation's counts add up its sites."""
    db.session.expire_all()
    sites = list(db.session.scalars(db.select(Site).where(Site.organisation_id == organisation_id).order_by(Site.id)))
    for site in sites:
        fresh = fresh_summaries([site], today=site.findings_at.date(), settings=settings)[site.id]
        assert stored(site) == fresh, site.site_name
    by_status, attention = site_counts(organisation_id)
    expected_status = {}
    for site in sites:
        expected_status[site.status] = expected_status.get(site.status, 0) + 1
    live = [site for site in sites if site.status != "decommissioned"]
    assert by_status == expected_status
    assert attention == {"blocking": sum(site.blocking for site in live),
                         "warnings": sum(site.warnings_count > 0 for site in live),
                         "signs_to_reprint": sum(site.stale_signs_count for site in live),
                         "due": sum(site.next_due_on is not None for site in live)}
    return sites


@pytest.fixture
def three(make_site, make_sign, owner, db, settings):
    """A live station with a sign, a draft the rules refuse, and a draft with an open warning."""
    live = make_site()
    make_sign(live)
    change_status(live, "active", reason=None, by=owner, now=T0, settings=settings)
    refused = make_site(site_name="Changing room", venue_class="private_space", private_space_type="changing_room")
    office = make_site(site_name="Office lobby", storage_mode="cloud")  # face data in the cloud: a warning
    db.session.commit()
    return live, refused, office


def test_registering_and_going_live(three, owner, db, settings):
    live, refused, _office = three
    sites = assert_fresh(db, settings, owner.organisation_id)
    assert refused.blocking and not live.blocking and len(sites) == 3


def test_editing_a_site_both_ways(three, owner, db, settings):
    _live, refused, office = three
    assert "CN-PRIVATE-SPACE" in {f["rule_id"] for f in refused.findings_summary}
    update_site(refused, {"venue_class": "public_place", "private_space_type": None}, by=owner, now=T0,
                settings=settings)
    update_site(office, {"retention_period_days": 5000}, by=owner, now=T0, settings=settings)
    db.session.commit()
    assert_fresh(db, settings, owner.organisation_id)
    # the ban on changing rooms no longer applies; putting up a sign at a public place now does
    assert {f["rule_id"] for f in refused.findings_summary if f["severity"] == "error"} == {"ACT-SIGN"}


def test_a_site_change_that_outdates_its_signs_then_a_reprint(three, owner, db, settings):
    live, _refused, _office = three
    update_site(live, {"capture_area_description": "The north gate, the ticket hall and the lifts."}, by=owner,
                now=T0, settings=settings)
    db.session.commit()
    assert_fresh(db, settings, owner.organisation_id)
    assert live.stale_signs_count == 1
    old = signs_for(live)[0]
    reprint_sign(old, by=owner, now=T0, settings=settings)
    db.session.commit()
    assert_fresh(db, settings, owner.organisation_id)
    assert live.stale_signs_count == 0


def test_signs_put_up_and_taken_down(three, owner, db, settings):
    live, _refused, _office = three
    sign = signs_for(live)[0]
    change_sign_status(sign, "installed", by=owner, now=T0, settings=settings)
    db.session.commit()
    assert_fresh(db, settings, owner.organisation_id)
    change_sign_status(sign, "retired", by=owner, now=T0, settings=settings)
    db.session.commit()
    assert_fresh(db, settings, owner.organisation_id)


def test_acknowledging_a_warning(three, owner, db, settings):
    _live, _refused, office = three
    warnings = [f for f in site_findings(office, today=T0.date(), settings=settings) if f["severity"] == "warn"]
    assert warnings, "the office needs an open warning for this test"
    before = office.warnings_count
    acknowledge_finding(office, {"rule_id": warnings[0]["rule_id"], "note": "Seen."}, by=owner, now=T0,
                        settings=settings)
    db.session.commit()
    assert_fresh(db, settings, owner.organisation_id)
    assert office.warnings_count == before - 1


def test_an_operator_change_finished_by_housekeeping(three, owner, db, settings):
    update_organisation(owner.organisation, {"contact_phone": "+86 21 5555 0199"}, by=owner, now=T0,
                        settings=settings)
    db.session.commit()
    run_housekeeping()
    live = assert_fresh(db, settings, owner.organisation_id)[0]
    assert live.stale_signs_count == 1  # its sign shows the old phone number


def test_decommissioning_moves_the_counts(three, owner, db, settings):
    live, _refused, _office = three
    change_status(live, "decommissioned", reason="Closed.", by=owner, now=T0, settings=settings)
    db.session.commit()
    assert_fresh(db, settings, owner.organisation_id)
    assert site_counts(owner.organisation_id)[0].get("decommissioned") == 1


def test_summaries_a_day_old_are_refreshed_by_housekeeping(three, owner, db, settings):
    with db.engine.begin() as connection:
        connection.execute(text("UPDATE sites SET findings_at = :old, warnings_count = 0, errors_count = 0, "
                                "blocking = false"), {"old": T0 - timedelta(days=3)})
    db.session.expire_all()
    assert site_counts(owner.organisation_id)[1]["blocking"] == 0  # the counts follow even a raw update
    report = run_housekeeping()
    assert report["summaries"] == 3
    sites = assert_fresh(db, settings, owner.organisation_id)
    assert any(site.blocking for site in sites)
