"""Times in an organisation's own time zone (IANA names, from the tzdata package): what the dashboard
shows, and where its days begin. Pure functions; UTC is stored everywhere."""
from datetime import date, datetime, time, timedelta, timezone
from functools import lru_cache
from zoneinfo import ZoneInfo, available_timezones

@lru_cache(maxsize=1)
def time_zones() -> tuple[str, ...]:
    """Return every IANA zone a user may choose, sorted (the form offers them as suggestions); read when
    first asked, not at start-up, where listing the zones would cost 30 ms of every process."""
    return tuple(sorted(available_timezones() - {"Factory", "localtime"}))


@lru_cache(maxsize=1)
def _known() -> frozenset[str]:
    return frozenset(time_zones())


def is_time_zone(name) -> bool:
    """Say whether `name` is a time zone we know, exactly as written (IANA names are case-sensitive)."""
    return isinstance(name, str) and name in _known()


@lru_cache(maxsize=64)
def zone(name: str | None) -> ZoneInfo:
    """Return the zone of this name; UTC for a name we do not know (as before any was chosen)."""
    return ZoneInfo(name if is_time_zone(name) else "UTC")


def offset_label(moment: datetime) -> str:
    """Name a moment's offset from UTC unambiguously: "UTC", "UTC+8", "UTC+5:30", "UTC-4"."""
    offset = moment.utcoffset() or timedelta(0)
    if not offset:
        return "UTC"
    sign = "+" if offset > timedelta(0) else "-"
    hours, rest = divmod(abs(int(offset.total_seconds())), 3600)
    return f"UTC{sign}{hours}" + (f":{rest // 60:02d}" if rest else "")


def local_text(value, zone_name: str | None) -> str:
    """Show a stored UTC time (ISO text or aware datetime) in the zone: "2026-12-02 01:43 UTC+8"; a date
    alone stays a date."""
    if isinstance(value, str):
        if len(value) <= 10:
            return value
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return value
    if not isinstance(value, datetime):
        return str(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    local = value.astimezone(zone(zone_name))
    return f"{local:%Y-%m-%d %H:%M} {offset_label(local)}"


def day_start(day: date, zone_name: str | None) -> datetime | None:
    """Return the UTC moment a day begins in the zone, or None when that lies outside what a datetime
    holds (the first or the last days there are: nothing lies beyond them)."""
    try:
        return datetime.combine(day, time(), zone(zone_name)).astimezone(timezone.utc)
    except OverflowError:
        return None


def local_day(moment: datetime, time_zone: str | None) -> date:
    """Return the organisation's date at a moment: the day a request counts as received, a duty as done."""
    return moment.astimezone(zone(time_zone)).date()


def reminder_moment(day: date | None, time_zone: str | None) -> datetime | None:
    """Return when a reminder due on the organisation's `day` is due: that day's start in its time zone."""
    return day_start(day, time_zone) if day is not None else None
