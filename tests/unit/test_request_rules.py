"""The requests' clocks and steps, as pure rules: months that end early, working days across holidays, the
earliest jurisdiction, extensions the law allows, and when each reminder falls due."""
from datetime import date

import pytest

from signage.requests import rules
from signage.rules.packs import PackSettings

SETTINGS = PackSettings()


@pytest.mark.parametrize("day, months, expected", [
    (date(2027, 1, 31), 1, date(2027, 2, 28)), (date(2028, 1, 31), 1, date(2028, 2, 29)),
    (date(2026, 12, 15), 1, date(2027, 1, 15)), (date(2027, 1, 31), 3, date(2027, 4, 30)),
    (date(2026, 11, 30), 3, date(2027, 2, 28)), (date(2026, 3, 31), 1, date(2026, 4, 30))])
def test_a_month_ends_on_the_same_date_or_the_last_day_of_a_shorter_month(day, months, expected):
    assert rules.add_months(day, months) == expected


def test_the_earliest_jurisdiction_binds_and_a_sign_report_has_no_period_in_law():
    both = rules.due_clock(date(2026, 9, 28), ["EU", "CN"], category="rights", settings=SETTINGS,
                           organisation_days=None)
    assert (both.due_on, both.basis) == (date(2026, 10, 23), "request_working_days_cn")
    eu = rules.due_clock(date(2026, 9, 28), ["EU"], category="rights", settings=SETTINGS, organisation_days=10)
    assert (eu.due_on, eu.basis) == (date(2026, 10, 28), "request_months_eu")  # the law's, not the organisation's
    us = rules.due_clock(date(2026, 9, 28), ["US-IL"], category="rights", settings=SETTINGS, organisation_days=None)
    assert us == rules.Clock(None)
    report = rules.due_clock(date(2026, 9, 28), ["CN"], category="sign", settings=SETTINGS, organisation_days=None)
    assert report.due_on is None
    own = rules.due_clock(date(2026, 9, 28), ["CN"], category="sign", settings=SETTINGS, organisation_days=5)
    assert (own.due_on, own.basis) == (date(2026, 10, 3), "organisation")


def test_a_pack_setting_changes_the_period():
    thirty = PackSettings.from_mapping({"request_working_days_cn": 30})
    clock = rules.due_clock(date(2026, 9, 28), ["CN"], category="rights", settings=thirty, organisation_days=None)
    assert clock.due_on > date(2026, 10, 23)


def test_only_the_eu_and_uk_allow_an_extension_and_never_beside_china():
    assert rules.extension_allowed(["EU"]) and rules.extension_allowed(["UK", "US-NYC"])
    assert not rules.extension_allowed(["CN"]) and not rules.extension_allowed(["CN", "EU"])
    assert not rules.extension_allowed(["US-IL"])
    assert rules.extended_clock(date(2027, 1, 31), ["EU"], settings=SETTINGS) == date(2027, 4, 30)
    assert rules.extended_clock(date(2027, 1, 31), ["CN", "EU"], settings=SETTINGS) is None


def test_which_actions_each_state_allows():
    today, due = date(2027, 2, 1), date(2027, 2, 28)
    assert rules.action_refusal("acknowledge", "received", extended=False, due_on=due, today=today) is None
    assert rules.action_refusal("acknowledge", "acknowledged", extended=False, due_on=due, today=today) == "state"
    assert rules.action_refusal("answer", "closed", extended=False, due_on=due, today=today) == "state"
    assert rules.action_refusal("close", "answered", extended=False, due_on=due, today=today) is None
    assert rules.action_refusal("extend", "received", extended=True, due_on=due, today=today) == "extended"
    assert rules.action_refusal("extend", "received", extended=False, due_on=due, today=date(2027, 3, 1)) == "late"
    assert rules.action_refusal("fly", "received", extended=False, due_on=due, today=today) == "unknown"


def test_each_reminder_falls_due_once_in_order():
    due = date(2026, 12, 20)
    assert rules.first_reminder_on(due) == date(2026, 12, 17) and rules.first_reminder_on(None) is None
    assert rules.next_reminder(due, date(2026, 12, 10)) == (None, date(2026, 12, 17))
    assert rules.next_reminder(due, date(2026, 12, 17)) == ("3d", date(2026, 12, 21))
    assert rules.next_reminder(due, date(2026, 12, 20)) == ("3d", date(2026, 12, 21))
    assert rules.next_reminder(due, date(2026, 12, 21)) == ("overdue", None)
    assert rules.next_reminder(None, date(2026, 12, 21)) == (None, None)


def test_where_a_request_stands_against_its_clock():
    due = date(2026, 12, 20)
    assert rules.clock_state(None, date(2026, 12, 1), state="received") == "none"
    assert rules.clock_state(due, date(2026, 12, 1), state="received") == "running"
    assert rules.clock_state(due, date(2026, 12, 18), state="acknowledged") == "due_soon"
    assert rules.clock_state(due, date(2026, 12, 21), state="info_requested") == "overdue"
    assert rules.clock_state(due, date(2026, 12, 21), state="answered") == "done"
