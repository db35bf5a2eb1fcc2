"""The compliance calendar as iCalendar text (RFC 5545), written by hand: one all-day VEVENT per dated duty,
so Google Calendar, Outlook and Apple Calendar all show it (Google ignores VTODO). Pure: the feed's view
gives plain values, already translated, and streams the strings these functions return.

Every content line is folded at 75 octets without splitting a UTF-8 character (RFC 5545 3.1) and ends in
CRLF; TEXT values escape backslash, semicolon, comma and newline (3.3.11).
"""
from collections.abc import Mapping
from datetime import date, datetime, timedelta, timezone

CRLF = "\r\n"
#: RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break.
LINE_OCTETS = 75
PRODID = "-//signage//Compliance calendar//EN"
#: How often a subscribed client should fetch the feed again (the feed's own Cache-Control is shorter).
REFRESH = "PT1H"
#: The status marker a done duty's summary starts with.
DONE_MARK = "✓"
_TEXT_ESCAPES = {ord("\\"): "\\\\", ord(";"): "\\;", ord(","): "\\,", ord("\n"): "\\n",
                 # TEXT allows no control character but HTAB; an operator's text keeps its words
                 **{code: None for code in range(0x20) if code not in (0x09, 0x0A)}, 0x7F: None}


def escaped(text: str) -> str:
    """Return text as an iCalendar TEXT value: backslash, semicolon, comma and newline escaped."""
    return text.replace("\r\n", "\n").replace("\r", "\n").translate(_TEXT_ESCAPES)


def folded(line: str) -> str:
    """Return one content line folded into lines of at most 75 octets, each ended by CRLF; a continuation
    starts with a space, which counts, and a multi-byte character is never split between two lines."""
    lines, current, size = [], [], 0
    for char in line:
        width = len(char.encode())
        if size + width > LINE_OCTETS:
            lines.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    lines.append("".join(current))
    return CRLF.join(lines) + CRLF


def _text(name: str, value: str) -> str:
    return folded(f"{name}:{escaped(value)}")


def _date(day: date) -> str:
    return day.strftime("%Y%m%d")


def _utc(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y%m%dT%H%M%SZ")


def calendar_head(name: str, *, prodid: str = PRODID, refresh: str = REFRESH) -> str:
    """Return the start of a published calendar with its name and how often clients should refresh it."""
    return "".join((folded("BEGIN:VCALENDAR"), folded("VERSION:2.0"), _text("PRODID", prodid),
                    folded("CALSCALE:GREGORIAN"), folded("METHOD:PUBLISH"), _text("X-WR-CALNAME", name),
                    folded(f"REFRESH-INTERVAL;VALUE=DURATION:{refresh}"), folded(f"X-PUBLISHED-TTL:{refresh}")))


def duty_event(event: Mapping) -> str:
    """Return one all-day VEVENT: uid, due_on, updated_at (aware), sequence, summary, description, url,
    and cancelled (a withdrawn duty, so clients remove the event they showed)."""
    return "".join((
        folded("BEGIN:VEVENT"), _text("UID", event["uid"]), folded(f"DTSTAMP:{_utc(event['updated_at'])}"),
        folded(f"DTSTART;VALUE=DATE:{_date(event['due_on'])}"),
        folded(f"DTEND;VALUE=DATE:{_date(event['due_on'] + timedelta(days=1))}"),
        _text("SUMMARY", event["summary"]), _text("DESCRIPTION", event["description"]),
        # URL is a URI value, not TEXT: written as it is, never escaped
        folded(f"URL:{event['url']}"), folded(f"SEQUENCE:{event['sequence']}"),
        folded(f"LAST-MODIFIED:{_utc(event['updated_at'])}"),
        folded(f"STATUS:{'CANCELLED' if event['cancelled'] else 'CONFIRMED'}"), folded("TRANSP:TRANSPARENT"),
        folded("END:VEVENT")))


def calendar_tail() -> str:
    """Return the end of the calendar."""
    return folded("END:VCALENDAR")


def duty_summary(wordings: list[Mapping], *, kind: str, status: str | None, site_names: list[str]) -> str:
    """Return a duty's summary in each language, " / " between them: its kind and site, "✓" before a done
    one, and overdue saying so. A wording is one language's "kinds", "summary" and "overdue" texts."""
    parts = []
    for wording, site in zip(wordings, site_names):
        template = wording["overdue"] if status == "overdue" else wording["summary"]
        parts.append(template % {"kind": wording["kinds"][kind], "site": site})
    mark = f"{DONE_MARK} " if status in ("done", "done_late") else ""
    return mark + " / ".join(parts)


def duty_description(wordings: list[Mapping], *, rule_id: str, source: str, due_on: date, status: str | None,
                     provisional_years: list[int]) -> str:
    """Return a duty's description, one paragraph per language: its rule and source, due date, status (when
    given),
    and, when the date was counted across a year without China's working-day table, that it is provisional."""
    paragraphs = []
    for wording in wordings:
        lines = [wording["rule"] % {"rule": rule_id, "source": source}, wording["due"] % {"date": due_on.isoformat()}]
        if status is not None:
            lines.append(wording["status"] % {"status": wording["statuses"][status]})
        if provisional_years:
            lines.append(wording["provisional"] % {"years": ", ".join(str(year) for year in provisional_years)})
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)
