"""China working-day calendar (regulation.md §8.1): statutory holidays and adjusted working days (调休),
read from data/cn_workdays.toml when the module loads, so the next year is one edit of that file."""
import tomllib
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

#: The State Council's arrangements, one [[year]] block each, every row naming its notice.
CALENDAR_FILE = Path(__file__).with_name("data") / "cn_workdays.toml"
#: Within this many days of a year's end, the next year's missing table is shown to the organisation.
MISSING_YEAR_WARNING_DAYS = 60


@dataclass(frozen=True)
class YearTable:
    """One year's State Council holiday arrangement."""

    year: int
    notice: str
    holidays: frozenset[date]
    #: Weekend days the arrangement turns into working days.
    adjusted_working_days: frozenset[date]
    #: Each listed day's row: the holiday or the holiday it is worked for, and the notice it comes from.
    sources: Mapping[date, tuple[str, str]] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class DueDate:
    """A deadline, provisional when it was counted across a year without a loaded table."""

    on: date
    provisional: bool
    #: The years crossed that have no table, so the date says why it is provisional.
    missing_years: tuple[int, ...] = ()


def _span(first: date, last: date) -> list[date]:
    """Return every day from first to last, both included."""
    return [first + timedelta(days=offset) for offset in range((last - first).days + 1)]


def year_table(block: Mapping) -> YearTable:
    """Build one year's table from its block of the calendar file, refusing a row outside its year."""
    year, notice = block["year"], block["notice"]
    holidays, adjusted, sources = set(), set(), {}
    for row in block.get("holidays", ()):
        for day in _span(row["first"], row["last"]):
            holidays.add(day)
            sources[day] = (row["name"], row.get("notice", notice))
    for row in block.get("working_days", ()):
        adjusted.add(row["day"])
        sources[row["day"]] = (row["for"], row.get("notice", notice))
    strays = sorted(day for day in sources if day.year != year)
    if strays or holidays & adjusted:
        raise ValueError(f"CN calendar {year}: rows outside the year or both holiday and working day: "
                         f"{strays or sorted(holidays & adjusted)}")
    return YearTable(year, notice, frozenset(holidays), frozenset(adjusted), MappingProxyType(sources))


def load_calendar(text: str) -> Mapping[int, YearTable]:
    """Return the year tables a calendar file holds, by year; years must follow each other without a gap."""
    tables = [year_table(block) for block in tomllib.loads(text)["year"]]
    years = [table.year for table in tables]
    if years != list(range(years[0], years[0] + len(years))):
        raise ValueError(f"CN calendar years must be contiguous and in order, not {years}")
    return MappingProxyType({table.year: table for table in tables})


#: Loading the next year's table when the State Council publishes it is yearly maintenance.
CN_CALENDAR: Mapping[int, YearTable] = load_calendar(CALENDAR_FILE.read_text(encoding="utf-8"))


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
    alone are skipped there and the result is provisional, naming the years.
    """
    if count < 1:
        raise ValueError("count must be at least one working day")
    day = trigger if include_trigger else trigger + timedelta(days=1)
    missing, counted = [], 0
    while True:
        if day.year not in calendar and day.year not in missing:
            missing.append(day.year)
        counted += is_working_day(day, calendar)
        if counted == count:
            return DueDate(on=day, provisional=bool(missing), missing_years=tuple(missing))
        day += timedelta(days=1)


def missing_next_year(today: date, calendar: Mapping[int, YearTable] = CN_CALENDAR) -> int | None:
    """Return next year when its table is not loaded and this year ends within MISSING_YEAR_WARNING_DAYS
    days, else None: the banner that asks for the State Council's new arrangement."""
    year_end = date(today.year, 12, 31)
    if (year_end - today).days <= MISSING_YEAR_WARNING_DAYS and today.year + 1 not in calendar:
        return today.year + 1
    return None
