"""The compliance calendar's duties, derived on fixed dates: each kind, its due date, and where it stands."""
from datetime import date

import pytest

from signage.rules.duties import change_duties, duty_status, site_duties
from signage.rules.duty_facts import DutyFacts, SignFacts
from signage.rules.packs import PackSettings

TODAY = date(2026, 3, 2)
SETTINGS = PackSettings()


def cn_site(**fields):
    return {"jurisdictions": ["CN"], "status": "active", "pia_completed_on": date(2025, 5, 20),
            "retention_period_days": 7, "function": "identification_1toN", **fields}


def by_kind(site, **facts):
    duties = site_duties(site, DutyFacts(today=facts.pop("today", TODAY), settings=SETTINGS, **facts))
    return {duty.kind: duty for duty in duties}


@pytest.mark.parametrize("reached_on, due_on", [
    (date(2025, 9, 15), date(2025, 10, 31)),  # regulation.md §8.1: across National Day, not 2025-10-27
    (date(2025, 3, 1), date(2025, 7, 14)),  # reached before the Measures applied: the CAC's legacy date
])
def test_the_cn_filing_falls_due_thirty_working_days_after_the_count_reaches_the_threshold(reached_on, due_on):
    duty = by_kind(cn_site(), operator_count=100_000, threshold_reached_on=reached_on)["cn_filing"]

    assert (duty.due_on, duty.provisional_years, duty.done_on, duty.rule_id) == (due_on, (), None, "CN-FILING-DUE")
    assert duty_status(duty.due_on, duty.done_on, today=TODAY) == "overdue"


def test_a_filing_counted_into_a_year_without_a_table_is_provisional_and_names_the_year():
    duty = by_kind(cn_site(), operator_count=120_000, threshold_reached_on=date(2026, 12, 15))["cn_filing"]

    assert (duty.due_on, duty.provisional_years) == (date(2027, 1, 26), (2027,))


def test_no_filing_duty_below_the_threshold_and_a_filed_one_is_done_on_its_filing_date():
    assert "cn_filing" not in by_kind(cn_site(), operator_count=99_999)
    filed = cn_site(filing={"status": "filed", "filed_on": date(2025, 10, 20)})
    duty = by_kind(filed, operator_count=100_000, threshold_reached_on=date(2025, 9, 15))["cn_filing"]

    assert duty_status(duty.due_on, duty.done_on, today=TODAY) == "done"
    late = cn_site(filing={"status": "filed", "filed_on": date(2025, 11, 3)})
    duty = by_kind(late, operator_count=100_000, threshold_reached_on=date(2025, 9, 15))["cn_filing"]
    assert duty_status(duty.due_on, duty.done_on, today=TODAY) == "done_late"


def test_a_reportable_change_to_a_filed_cn_site_starts_a_change_report_and_a_pia_redo():
    site = cn_site(filing={"status": "filed", "filed_on": date(2025, 7, 1)})
    duties = {duty.kind: duty for duty in change_duties(site, {"retention_period_days", "site_name"},
                                                        on=date(2025, 9, 15), settings=SETTINGS)}

    assert duties["cn_change_report"].due_on == date(2025, 10, 31)
    assert duties["cn_change_report"].params["fields"] == ["retention_period_days"]
    assert duties["pia_redo"].due_on == date(2025, 10, 31) and duties["pia_redo"].done_on is None
    assert change_duties(site, {"site_name"}, on=date(2025, 9, 15), settings=SETTINGS) == []
    assert change_duties(cn_site(), {"purpose"}, on=date(2025, 9, 15), settings=SETTINGS) == []  # not filed


def test_decommissioning_a_filed_site_starts_its_cancellation_the_purge_and_the_logs_hold():
    site = cn_site(status="decommissioned", jurisdictions=["CN", "EU"], filing={"status": "filed"},
                   logs_retention_days=90)
    duties = by_kind(site, decommissioned_on=date(2025, 9, 15), today=date(2025, 9, 16))

    assert duties["cn_cancellation"].due_on == date(2025, 10, 31)
    assert duties["retention_purge"].due_on == date(2025, 9, 22)  # 7 days of retention
    assert duties["ai_logs_retention"].due_on == date(2026, 3, 14)  # at least 180 days, whatever the site says
    assert duties["ai_logs_retention"].done_on is None
    later = by_kind(site, decommissioned_on=date(2025, 9, 15), today=date(2026, 3, 14))
    assert later["ai_logs_retention"].done_on == date(2026, 3, 14)


def test_the_purge_of_a_texas_site_is_capped_at_a_year():
    site = {"jurisdictions": ["US-TX"], "status": "decommissioned", "retention_period_days": 1000}

    assert by_kind(site, decommissioned_on=date(2026, 1, 10))["retention_purge"].due_on == date(2027, 1, 10)


def test_an_impact_assessment_dated_after_going_live_is_done_late():
    draft = by_kind(cn_site(status="draft", pia_completed_on=None))["pia_before_go_live"]
    assert duty_status(draft.due_on, draft.done_on, today=TODAY) == "undated"
    on_time = by_kind(cn_site(), went_live_on=date(2025, 6, 1))["pia_before_go_live"]
    assert duty_status(on_time.due_on, on_time.done_on, today=TODAY) == "done"
    late = by_kind(cn_site(pia_completed_on=date(2025, 6, 3)), went_live_on=date(2025, 6, 1))["pia_before_go_live"]
    assert (duty_status(late.due_on, late.done_on, today=TODAY), late.rule_id) == ("done_late", "ACT-PIA")


def test_the_dpia_is_reviewed_yearly_from_the_latest_assessment_or_review():
    site = {"jurisdictions": ["EU"], "status": "active", "pia_completed_on": date(2025, 2, 28)}

    assert by_kind(site)["dpia_review"].due_on == date(2026, 2, 28)
    reviewed = by_kind(site, last_review_on=date(2026, 2, 20))["dpia_review"]
    assert (reviewed.key, reviewed.due_on) == ("dpia_review:2027-02-20", date(2027, 2, 20))
    assert "dpia_review" not in by_kind({**site, "pia_completed_on": None})


def test_illinois_needs_its_retention_policy_before_collection():
    site = {"jurisdictions": ["US-IL"], "status": "draft"}

    assert by_kind(site)["il_retention_policy"].done_on is None
    assert by_kind({**site, "retention_policy_url": "https://example.com/p"})["il_retention_policy"].done_on == TODAY


def test_a_sign_is_first_inspected_within_a_week_then_every_quarter():
    first = by_kind(cn_site(), signs=(SignFacts("AB12CD34", date(2026, 1, 30)),))["sign_inspection"]
    assert (first.key, first.due_on, first.params["serial"]) == \
        ("sign_inspection:AB12CD34:2026-02-06", date(2026, 2, 6), "AB12CD34")
    later = by_kind(cn_site(), signs=(SignFacts("AB12CD34", date(2026, 1, 30), date(2026, 2, 5)),))
    assert later["sign_inspection"].due_on == date(2026, 5, 5)


@pytest.mark.parametrize("due_on, done_on, today, withdrawn, status", [
    (date(2026, 3, 31), None, date(2026, 3, 1), False, "due_soon"),  # 30 days ahead
    (date(2026, 4, 1), None, date(2026, 3, 1), False, "upcoming"),
    (date(2026, 3, 1), None, date(2026, 3, 1), False, "due_soon"),  # due today is not yet overdue
    (date(2026, 2, 28), None, date(2026, 3, 1), False, "overdue"),
    (date(2026, 2, 28), date(2026, 3, 1), date(2026, 3, 1), False, "done_late"),
    (date(2026, 2, 28), date(2026, 2, 28), date(2026, 3, 1), True, "done"),
    (date(2026, 2, 28), None, date(2026, 3, 1), True, "withdrawn"),
])
def test_where_a_duty_stands(due_on, done_on, today, withdrawn, status):
    assert duty_status(due_on, done_on, today=today, withdrawn=withdrawn) == status


@pytest.mark.parametrize("today, reminder, following", [
    (date(2026, 1, 1), None, date(2026, 2, 1)),  # 61 days ahead: the first reminder is 30 days before
    (date(2026, 2, 1), "30d", date(2026, 2, 24)),
    (date(2026, 2, 20), "30d", date(2026, 2, 24)),  # first seen 11 days ahead: 30d, then 7d on its day
    (date(2026, 2, 24), "7d", date(2026, 3, 2)),
    (date(2026, 2, 27), "7d", date(2026, 3, 2)),
    (date(2026, 3, 2), "1d", date(2026, 3, 4)),
    (date(2026, 3, 3), "1d", date(2026, 3, 4)),  # due today: the 1-day reminder, if not sent yet
    (date(2026, 3, 4), "overdue", None),
])
def test_reminders_come_30_7_and_1_days_before_and_once_overdue(today, reminder, following):
    from signage.rules.duties import next_reminder
    assert next_reminder(date(2026, 3, 3), today) == (reminder, following)


def test_a_notice_of_violation_gives_thirty_days_to_cure():
    from signage.rules.duty_facts import ViolationFacts
    site = {"jurisdictions": ["US-NYC"], "status": "active"}

    duty = by_kind(site, violations=(ViolationFacts(4, date(2026, 11, 20), "DCWP-1"),))["nyc_cure"]

    assert (duty.key, duty.trigger_on, duty.due_on, duty.rule_id) == \
        ("nyc_cure:4", date(2026, 11, 20), date(2026, 12, 20), "NYC-CURE")
