"""Each site's duties are kept in the transaction of the change that moves them, marked done with
evidence in the audit log, and counted and listed in SQL."""
import hashlib
import json
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from signage.audit.models import AuditEntry
from signage.auth.services import update_organisation
from signage.calendar.models import Duty, DutyEvidence
from signage.calendar.queries import DutyFilters, duties_page, month_days, open_counts
from signage.calendar.services import mark_duty_done
from signage.errors import Conflict
from signage.housekeeping import run_housekeeping
from signage.rules.duties import duty_status
from signage.rules.packs import PackSettings
from signage.signs.services import change_sign_status
from signage.sites.services import update_site
from tests.helpers import T0, photo_evidence

SETTINGS = PackSettings()


def duties_of(db, site) -> dict[str, Duty]:
    return {duty.key: duty for duty in db.session.scalars(select(Duty).where(Duty.site_id == site.id))}


def test_going_live_and_putting_up_a_sign_set_the_duties_that_follow(db, live_site, owner):
    site, sign = live_site
    change_sign_status(sign, "installed", by=owner, now=T0, settings=SETTINGS)
    db.session.commit()

    duties = duties_of(db, site)
    pia = duties["pia_before_go_live"]
    assert (pia.due_on, pia.done_on) == (T0.date(), date(2026, 1, 1))  # assessed before going live
    inspection = duties[f"sign_inspection:{sign.serial}:{(T0.date() + timedelta(days=7)).isoformat()}"]
    assert inspection.due_on == T0.date() + timedelta(days=7) and inspection.done_on is None
    assert "cn_filing" not in duties  # the organisation stores no one yet


def test_marking_an_inspection_done_logs_its_evidence_and_starts_the_next_quarter(db, live_site, owner):
    site, sign = live_site
    change_sign_status(sign, "installed", by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    first = duties_of(db, site)[f"sign_inspection:{sign.serial}:{(T0.date() + timedelta(days=7)).isoformat()}"]
    photo = b"\x89PNG\r\n\x1a\n" + b"photo" * 10
    later = T0 + timedelta(days=10)

    mark_duty_done(first, {"done_on": later.date(), "reference": "Photo 17",
                           "evidence": {"name": "north.png", "media_type": "image/png", "content": photo}},
                   by=owner, now=later, settings=SETTINGS)
    db.session.commit()

    assert duty_status(first.due_on, first.done_on, today=later.date()) == "done_late"  # 10 days, not 7
    assert first.evidence_sha256 == hashlib.sha256(photo).hexdigest()
    assert db.session.get(DutyEvidence, first.id).content == photo
    entry = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "duty.done")).one()
    assert json.loads(entry.canonical)["changes"]["evidence_sha256"] == [None, first.evidence_sha256]
    following = duties_of(db, site)["sign_inspection:" + sign.serial + ":2027-02-12"]
    assert following.trigger_on == later.date()  # a quarter after the inspection
    with pytest.raises(Conflict):
        mark_duty_done(first, {"done_on": later.date()}, by=owner, now=later, settings=SETTINGS)


def test_a_duty_cannot_be_marked_done_in_the_future(db, live_site, owner):
    site, _sign = live_site
    [pia_redo_free] = [duty for duty in duties_of(db, site).values() if duty.kind == "pia_before_go_live"]
    pia_redo_free.done_on = None  # as if not assessed yet
    with pytest.raises(Conflict) as refused:
        mark_duty_done(pia_redo_free, {"done_on": T0.date() + timedelta(days=1)}, by=owner, now=T0, settings=SETTINGS)
    assert "done_on" in refused.value.errors


def test_crossing_the_filing_threshold_puts_the_filing_on_the_calendar_in_working_days(db, live_site, owner):
    site, _sign = live_site
    update_organisation(owner.organisation, {"stored_individuals_count": 100_000,
                                             "count_threshold_reached_on": date(2026, 9, 15)},
                        by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    run_housekeeping()  # the change reaches the sites through a job

    filing = duties_of(db, site)["cn_filing"]
    # 30 CN working days from 2026-09-15 (counted by hand: Mid-Autumn and National Day off, 20 Sep and
    # 10 Oct worked); a weekday count would give 2026-10-27
    assert (filing.trigger_on, filing.due_on, filing.provisional_years) == (date(2026, 9, 15), date(2026, 11, 2), [])


def test_a_reportable_change_to_a_filed_site_is_a_change_report_the_record_keeps(db, live_site, owner):
    site, _sign = live_site
    update_site(site, {"filing": {"status": "filed", "filed_on": date(2026, 10, 1), "filing_ref": "F-1"}},
                by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    later = T0 + timedelta(days=3)
    update_site(site, {"retention_period_days": 3}, by=owner, now=later, settings=SETTINGS)
    db.session.commit()

    duties = duties_of(db, site)
    report = duties[f"cn_change_report:{later.date().isoformat()}"]
    assert report.origin == "change" and report.params["fields"] == ["retention_period_days"]
    redo = duties[f"pia_redo:{later.date().isoformat()}"]
    assert redo.done_on is None
    update_site(site, {"pia_completed_on": later.date()}, by=owner, now=later, settings=SETTINGS)
    db.session.commit()
    assert redo.done_on == later.date()
    assert duties_of(db, site)[report.key].done_on is None  # reported by the operator, with evidence


def test_a_duty_that_no_longer_applies_is_withdrawn_and_a_calendar_sees_it_change(db, live_site, owner):
    site, _sign = live_site
    organisation = owner.organisation
    update_organisation(organisation, {"stored_individuals_count": 100_000,
                                       "count_threshold_reached_on": date(2026, 9, 15)},
                        by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    run_housekeeping()
    filing = duties_of(db, site)["cn_filing"]
    sequence = filing.sequence

    update_organisation(organisation, {"stored_individuals_count": 10}, by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    run_housekeeping()

    assert filing.withdrawn_at is not None and filing.sequence == sequence + 1
    assert duty_status(filing.due_on, filing.done_on, today=T0.date(), withdrawn=True) == "withdrawn"


def test_housekeeping_derives_the_duties_of_sites_that_had_none(db, live_site):
    site, _sign = live_site
    db.session.execute(Duty.__table__.delete())
    site.findings_at = None  # as the migration leaves every site
    db.session.commit()

    run_housekeeping()

    assert "pia_before_go_live" in duties_of(db, site)


def test_lists_counts_and_months_read_the_organisation_s_duties_only(db, live_site, owner, make_site, make_user):
    site, sign = live_site
    change_sign_status(sign, "installed", by=owner, now=T0, settings=SETTINGS)
    other = make_user("owner")
    make_site(by=other, site_name="Elsewhere")
    db.session.commit()
    today = T0.date()

    page = duties_page(owner.organisation_id, DutyFilters(), today=today, soon_days=30, limit=50, cursor=None)
    assert {duty.kind for duty in page.items} == {"sign_inspection"}  # the assessment is done
    everything = duties_page(owner.organisation_id, DutyFilters(status="all"), today=today, soon_days=30,
                             limit=50, cursor=None)
    assert {duty.site_id for duty in everything.items} == {site.id}
    assert open_counts(owner.organisation_id, today=today, soon_days=30) == \
        {"overdue": 0, "due_soon": 1, "upcoming": 0, "undated": 0}
    month = month_days(owner.organisation_id, today.replace(day=1))
    assert month[today + timedelta(days=7)]["count"] == 1
    assert month[today]["duties"][0].kind == "pia_before_go_live"


def test_a_withdrawal_puts_the_deletion_on_the_calendar_and_its_confirmation_marks_it_done(db, gym_site, owner,
                                                                                          make_consent):
    from signage.consent.services import confirm_deletion, withdraw_consent
    consent, _code = make_consent(gym_site)
    withdraw_consent(consent, {"channel": "operator", "scope": "all"}, by=owner, now=T0, settings=SETTINGS)
    db.session.commit()

    [deletion] = [duty for duty in duties_of(db, gym_site).values() if duty.kind == "consent_deletion"]
    assert deletion.due_on == consent.deletion_due_at.date() and deletion.params == {"count": 1, "pending": 1}
    later = T0 + timedelta(days=2)
    confirm_deletion(consent, {"deleted_on": later, "method": "template erased", "system": "turnstile"},
                     by=owner, now=later)
    db.session.commit()
    assert deletion.done_on == later.date() and deletion.params["pending"] == 0


def test_a_request_s_deadline_is_on_the_calendar_and_answering_it_marks_it_done(db, live_site, owner):
    from signage.requests.services import act, file_request
    site, _sign = live_site
    request, _code = file_request(site, {"category": "rights", "kind": "access", "language": "zh-Hans"},
                                  now=T0, settings=SETTINGS)
    db.session.commit()

    duty = duties_of(db, site)[f"request_answer:{request.id}"]
    assert duty.due_on == request.effective_due_on and duty.done_on is None
    assert duty.next_reminder_at is None  # the request queue reminds of it already
    later = T0 + timedelta(days=3)
    act(request, "answer", {"action": "answer", "message": "Here is your data."}, by=owner, now=later,
        settings=SETTINGS)
    db.session.commit()
    assert duty.done_on == later.date()


def test_an_inspection_on_the_day_the_sign_went_up_starts_the_next_quarter(db, live_site, owner):
    site, sign = live_site
    change_sign_status(sign, "installed", by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    [first] = [duty for duty in duties_of(db, site).values() if duty.kind == "sign_inspection"]

    mark_duty_done(first, {"done_on": T0.date(), "evidence": photo_evidence()}, by=owner, now=T0, settings=SETTINGS)
    db.session.commit()

    inspections = sorted((duty.due_on, duty.done_on) for duty in duties_of(db, site).values()
                         if duty.kind == "sign_inspection")
    assert inspections == [(T0.date() + timedelta(days=7), T0.date()), (date(2027, 2, 2), None)]


def test_a_change_report_is_withdrawn_when_the_site_is_decommissioned(db, live_site, owner):
    from signage.sites.services import change_status
    site, _sign = live_site
    update_site(site, {"filing": {"status": "filed", "filed_on": date(2026, 10, 1)}}, by=owner, now=T0,
                settings=SETTINGS)
    update_site(site, {"retention_period_days": 3}, by=owner, now=T0, settings=SETTINGS)
    update_site(site, {"security_measures": ["encryption"]}, by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    [report] = [duty for duty in duties_of(db, site).values() if duty.kind == "cn_change_report"]
    assert report.params["fields"] == ["retention_period_days", "security_measures"]  # one day, one report

    change_status(site, "decommissioned", reason="closed", by=owner, now=T0, settings=SETTINGS)
    db.session.commit()

    assert report.withdrawn_at is not None
    assert "cn_cancellation" in duties_of(db, site)


def test_today_is_the_organisation_s_day_when_a_duty_is_marked_done(db, live_site, owner):
    from datetime import datetime, timezone
    site, sign = live_site
    owner.organisation.time_zone = "Asia/Shanghai"
    change_sign_status(sign, "installed", by=owner, now=T0, settings=SETTINGS)
    db.session.commit()
    [first] = [duty for duty in duties_of(db, site).values() if duty.kind == "sign_inspection"]
    half_past_one_in_shanghai = datetime(2026, 11, 2, 17, 30, tzinfo=timezone.utc)

    mark_duty_done(first, {"done_on": date(2026, 11, 3), "evidence": photo_evidence()}, by=owner,
                   now=half_past_one_in_shanghai, settings=SETTINGS)

    assert first.done_on == date(2026, 11, 3)
