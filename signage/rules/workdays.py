"""China working-day calendar (regulation.md §8.1): statutory holidays and adjusted working days (调休)."""
from dataclasses import dataclass
from datetime import date, timedelta
from types import MappingProxyType
from typing import Mapping


@dataclass(frozen=True)
class YearTable:
    """One year's State Council holiday arrangement."""

    year: int
    notice: str
    holidays: frozenset[date]
    #: Weekend days the arrangement turns into working days.
    adjusted_working_days: frozenset[date]


@dataclass(frozen=True)
class DueDate:
    """A deadline, provisional when it was counted across a year without a loaded table."""

    on: date
    provisional: bool


def _span(first: date, last: date) -> set[date]:
    """Return every day from first to last, both included."""
    return {first + timedelta(days=offset) for offset in range((last - first).days + 1)}


def _table(year: int, notice: str, holidays: list[tuple[date, date]], adjusted: list[date]) -> YearTable:
    """Build a year table from holiday spans and adjusted working days."""
    days_off = set().union(*(_span(first, last) for first, last in holidays))
    return YearTable(year, notice, frozenset(days_off), frozenset(adjusted))


# 国务院办公厅关于2025年部分节假日安排的通知 (secondary: the Xinhua text as republished).
CN_2025 = _table(
    2025,
    "国务院办公厅关于2025年部分节假日安排的通知, 国办发明电〔2024〕12号, 2024-11-12",
    holidays=[
        (date(2025, 1, 1), date(2025, 1, 1)),  # New Year
        (date(2025, 1, 28), date(2025, 2, 4)),  # Spring Festival
        (date(2025, 4, 4), date(2025, 4, 6)),  # Qingming
        (date(2025, 5, 1), date(2025, 5, 5)),  # Labour Day
        (date(2025, 5, 31), date(2025, 6, 2)),  # Dragon Boat
        (date(2025, 10, 1), date(2025, 10, 8)),  # National Day with Mid-Autumn
    ],
    adjusted=[date(2025, 1, 26), date(2025, 2, 8), date(2025, 4, 27), date(2025, 9, 28), date(2025, 10, 11)],
)

# 国务院办公厅关于2026年部分节假日安排的通知, dated 2025-11-04 (secondary: the Xinhua text as
# republished by gmw.cn and hrbtv.net; the 国办发明电 document number was not found, so it is not cited).
CN_2026 = _table(
    2026,
    "国务院办公厅关于2026年部分节假日安排的通知, 2025-11-04",
    holidays=[
        (date(2026, 1, 1), date(2026, 1, 3)),  # New Year
        (date(2026, 2, 15), date(2026, 2, 23)),  # Spring Festival
        (date(2026, 4, 4), date(2026, 4, 6)),  # Qingming
        (date(2026, 5, 1), date(2026, 5, 5)),  # Labour Day
        (date(2026, 6, 19), date(2026, 6, 21)),  # Dragon Boat
        (date(2026, 9, 25), date(2026, 9, 27)),  # Mid-Autumn
        (date(2026, 10, 1), date(2026, 10, 7)),  # National Day
    ],
    adjusted=[date(2026, 1, 4), date(2026, 2, 14), date(2026, 2, 28), date(2026, 5, 9), date(2026, 9, 20),
              date(2026, 10, 10)],
)

#: Loading the next year's table when the State Council publishes it is yearly maintenance.
CN_CALENDAR: Mapping[int, YearTable] = MappingProxyType({table.year: table for table in (CN_2025, CN_2026)})


def is_working_day(day: date, calendar: Mapping[int, YearTable] = CN_CALENDAR) -> bool:
    """Say whether day is a CN working day: adjusted, or a weekday that is no holiday."""
    table = calendar.get(day.year)
    if table is not None and day in table.adjusted_working_days:
        return True
    if table is not None and day in table.holidays:
        return False
    return day.weekday() < 5


def add_working_days(trigger: date, count: int, calendar: Mapping[int, YearTable] = CN_CALENDAR,
                     *, include_trigger: bool = False) -> DueDate:
    """Return the day on which count working days after trigger are complete.

    Counting starts the day after the trigger unless include_trigger is set
    (regulation.md §9 point 8). Without a table for a year crossed, weekends
    alone are skipped there and the result is provisional.
    """
    if count < 1:
        raise ValueError("count must be at least one working day")
    day = trigger if include_trigger else trigger + timedelta(days=1)
    provisional, counted = False, 0
    while True:
        provisional = provisional or day.year not in calendar
        counted += is_working_day(day, calendar)
        if counted == count:
            return DueDate(on=day, provisional=provisional)
        day += timedelta(days=1)
