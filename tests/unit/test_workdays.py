"""The CN working-day calendar reproduces the CAC's dates and marks guesses as provisional."""
from datetime import date

import pytest

from signage.rules.workdays import (CN_CALENDAR, DueDate, add_working_days, is_working_day, load_calendar,
                                    missing_next_year)

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


def test_the_calendar_file_holds_contiguous_years_each_row_naming_its_notice():
    years = sorted(CN_CALENDAR)
    assert years == list(range(years[0], years[-1] + 1))
    for table in CN_CALENDAR.values():
        listed = table.holidays | table.adjusted_working_days
        assert set(table.sources) == listed
        assert all(notice and str(table.year) in notice for _name, notice in table.sources.values())


def test_a_due_date_counted_into_a_missing_year_names_it():
    assert add_working_days(date(2026, 12, 15), 30).missing_years == (2027,)
    assert add_working_days(date(2026, 11, 2), 30).missing_years == ()


YEAR = """
[[year]]
year = {year}
notice = "通知 {year}"
holidays = [{{ name = "元旦", first = {year}-01-01, last = {year}-01-01 }}]
working_days = [{{ day = {year}-01-04, for = "元旦" }}]
"""


def test_the_next_year_is_one_block_of_the_file():
    calendar = load_calendar(YEAR.format(year=2026) + YEAR.format(year=2027))

    assert is_working_day(date(2027, 1, 1), calendar) is False  # a Friday, listed as a holiday
    assert is_working_day(date(2027, 1, 4), calendar) is True
    assert add_working_days(date(2027, 12, 1), 5, calendar).provisional is False


@pytest.mark.parametrize("text, message", [
    (YEAR.format(year=2025) + YEAR.format(year=2027), "contiguous"),
    (YEAR.format(year=2026).replace("last = 2026-01-01", "last = 2027-01-01"), "outside the year"),
    (YEAR.format(year=2026).replace("2026-01-04", "2026-01-01"), "both holiday and working day"),
])
def test_a_calendar_file_with_a_gap_or_a_stray_row_is_refused(text, message):
    with pytest.raises(ValueError, match=message):
        load_calendar(text)


@pytest.mark.parametrize("today, missing", [
    (date(2026, 11, 1), 2027),  # 60 days before the year's end
    (date(2026, 12, 31), 2027),
    (date(2026, 10, 31), None),  # 61 days: not yet
    (date(2025, 12, 1), None),  # 2026's table is loaded
])
def test_the_next_years_missing_table_is_announced_within_sixty_days_of_year_end(today, missing):
    assert missing_next_year(today) == missing
