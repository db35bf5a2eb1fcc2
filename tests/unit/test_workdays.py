"""The CN working-day calendar reproduces the CAC's dates and marks guesses as provisional."""
from datetime import date

import pytest

from signage.rules.workdays import CN_CALENDAR, DueDate, add_working_days, is_working_day

WEEKDAYS_ONLY = {}  # no tables: Monday to Friday, which is what a naive count does


@pytest.mark.parametrize("trigger, due_on, weekday_due_on", [
    (date(2025, 6, 1), date(2025, 7, 14), date(2025, 7, 11)),
    (date(2025, 9, 15), date(2025, 10, 31), date(2025, 10, 27)),
])
def test_thirty_working_days_match_regulation_vectors(trigger, due_on, weekday_due_on):
    assert add_working_days(trigger, 30) == DueDate(on=due_on, provisional=False)
    assert add_working_days(trigger, 30, WEEKDAYS_ONLY).on == weekday_due_on
    assert due_on != weekday_due_on


@pytest.mark.parametrize("day, working", [
    (date(2025, 4, 27), True),  # Sunday made a working day for Labour Day
    (date(2025, 10, 11), True),  # Saturday made a working day for National Day
    (date(2025, 6, 2), False),  # Monday in the Dragon Boat holiday
    (date(2025, 10, 8), False),  # Wednesday in the combined National Day and Mid-Autumn holiday
    (date(2025, 6, 3), True),
    (date(2025, 6, 7), False),
    (date(2026, 1, 4), True),  # 2026: Sunday made a working day after New Year
    (date(2026, 2, 14), True),
    (date(2026, 2, 23), False),  # last day of the 2026 Spring Festival holiday
    (date(2026, 2, 28), True),
    (date(2026, 5, 5), False),
    (date(2026, 5, 9), True),
    (date(2026, 6, 19), False),  # Dragon Boat
    (date(2026, 9, 25), False),  # Mid-Autumn
    (date(2026, 9, 20), True),
    (date(2026, 10, 7), False),
    (date(2026, 10, 10), True),
])
def test_holidays_and_adjusted_working_days(day, working):
    assert is_working_day(day) is working


def test_counting_starts_the_day_after_the_trigger():
    assert add_working_days(date(2025, 6, 3), 1).on == date(2025, 6, 4)
    assert add_working_days(date(2025, 6, 3), 1, include_trigger=True).on == date(2025, 6, 3)


def test_due_date_counted_into_a_year_without_a_table_is_provisional():
    due = add_working_days(date(2026, 12, 15), 30)

    assert due.provisional is True
    assert due.on == date(2027, 1, 26)  # 1 January 2027 counts as a plain Friday until its table is loaded


def test_due_date_within_loaded_years_is_not_provisional():
    assert add_working_days(date(2026, 11, 2), 30).provisional is False


def test_counting_zero_working_days_is_refused():
    with pytest.raises(ValueError):
        add_working_days(date(2025, 6, 3), 0)


def test_every_loaded_year_cites_its_state_council_notice():
    assert set(CN_CALENDAR) == {2025, 2026}
    assert all("部分节假日安排的通知" in table.notice for table in CN_CALENDAR.values())
    assert "国办发明电〔2024〕12号" in CN_CALENDAR[2025].notice


def test_holiday_and_adjusted_day_counts_per_year():
    assert (len(CN_CALENDAR[2025].holidays), len(CN_CALENDAR[2025].adjusted_working_days)) == (28, 5)
    assert (len(CN_CALENDAR[2026].holidays), len(CN_CALENDAR[2026].adjusted_working_days)) == (33, 6)
