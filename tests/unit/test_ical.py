"""The calendar's iCalendar text is what RFC 5545 asks for: TEXT escaped, lines of at most 75 octets that
never split a character, CRLF, and an independent parser (icalendar) reads back what was written."""
from datetime import date, datetime, timedelta, timezone

import icalendar

from signage.calendar.ical import (calendar_head, calendar_tail, duty_description, duty_event, duty_summary, escaped,
                                   folded)

UPDATED = datetime(2026, 11, 2, 9, 30, tzinfo=timezone.utc)
LONG_CHINESE = "现场检查标识并拍照，" * 12 + "北门；售票厅\\东侧\n第二行"
WORDING = {"kinds": {"sign_inspection": "Inspect the sign"}, "statuses": {"overdue": "Overdue", "done": "Done"},
           "summary": "%(kind)s, %(site)s", "overdue": "Overdue: %(kind)s, %(site)s",
           "rule": "Rule %(rule)s: %(source)s",
           "due": "Due on %(date)s", "status": "Status: %(status)s",
           "provisional": "provisional: China's working-day table for %(years)s is not loaded"}
ZH = {**WORDING, "kinds": {"sign_inspection": "检查标识"}, "statuses": {"overdue": "已逾期", "done": "已完成"},
      "summary": "%(kind)s，%(site)s", "overdue": "已逾期：%(kind)s，%(site)s"}


def event(**overrides) -> dict:
    return {"uid": "AB12CD.sign_inspection:S-1:2026-11-02@signs.example", "due_on": date(2026, 11, 9),
            "updated_at": UPDATED, "sequence": 2, "summary": "Inspect, North gate", "description": "Rule X",
            "url": "https://signs.example/calendar?site=1", "cancelled": False, **overrides}


def calendar(*events: dict) -> bytes:
    return (calendar_head("signage — Operator, Ltd.") + "".join(duty_event(e) for e in events)
            + calendar_tail()).encode()


def test_text_values_escape_backslash_semicolon_comma_and_newlines():
    assert escaped("a\\b;c,d\ne\r\nf") == "a\\\\b\\;c\\,d\\ne\\nf"
    assert escaped("bell\x07 tab\t") == "bell tab\t"  # TEXT allows no control character but HTAB


def test_long_chinese_lines_fold_at_75_octets_without_splitting_a_character():
    text = folded("SUMMARY:" + escaped(LONG_CHINESE))
    lines = text.encode().split(b"\r\n")
    assert lines[-1] == b"" and len(lines) > 5  # every line ends in CRLF
    assert all(len(line) <= 75 for line in lines)
    assert all(line.startswith(b" ") for line in lines[1:-1])
    for line in lines:
        line.decode()  # raises if a character was split between two lines
    assert text.replace("\r\n ", "") == "SUMMARY:" + escaped(LONG_CHINESE) + "\r\n"


def test_every_line_of_a_calendar_ends_in_crlf():
    body = calendar(event())
    assert body.endswith(b"END:VCALENDAR\r\n")
    assert b"\n" not in body.replace(b"\r\n", b"")


def test_a_parser_reads_back_the_calendar_and_its_all_day_event():
    parsed = icalendar.Calendar.from_ical(calendar(event(summary=LONG_CHINESE, description="a;b,c\\d")))
    assert (str(parsed["VERSION"]), str(parsed["METHOD"]), str(parsed["CALSCALE"])) == ("2.0", "PUBLISH", "GREGORIAN")
    # icalendar keeps a non-standard property as written; RFC 5545 3.8.8.2 makes it TEXT, escaped as SUMMARY is
    assert str(parsed["X-WR-CALNAME"]) == "signage — Operator\\, Ltd."
    assert parsed.decoded("REFRESH-INTERVAL") == timedelta(hours=1) and str(parsed["X-PUBLISHED-TTL"]) == "PT1H"
    [vevent] = parsed.walk("VEVENT")
    assert str(vevent["SUMMARY"]) == LONG_CHINESE
    assert str(vevent["DESCRIPTION"]) == "a;b,c\\d"
    assert vevent.decoded("DTSTART") == date(2026, 11, 9) and vevent.decoded("DTEND") == date(2026, 11, 10)
    assert vevent.decoded("DTSTAMP") == UPDATED and vevent.decoded("LAST-MODIFIED") == UPDATED
    assert (int(vevent["SEQUENCE"]), str(vevent["STATUS"]), str(vevent["TRANSP"])) == (2, "CONFIRMED", "TRANSPARENT")
    assert str(vevent["UID"]) == "AB12CD.sign_inspection:S-1:2026-11-02@signs.example"
    assert str(vevent["URL"]) == "https://signs.example/calendar?site=1"


def test_a_withdrawn_duty_is_a_cancelled_event():
    [vevent] = icalendar.Calendar.from_ical(calendar(event(cancelled=True))).walk("VEVENT")
    assert str(vevent["STATUS"]) == "CANCELLED"


def test_summaries_mark_done_and_overdue_duties_in_each_language():
    names = ["North gate", "北门"]
    assert duty_summary([WORDING, ZH], kind="sign_inspection", status="upcoming", site_names=names) == \
        "Inspect the sign, North gate / 检查标识，北门"
    assert duty_summary([WORDING, ZH], kind="sign_inspection", status="done", site_names=names) == \
        "✓ Inspect the sign, North gate / 检查标识，北门"
    assert duty_summary([WORDING, ZH], kind="sign_inspection", status="overdue", site_names=names) == \
        "Overdue: Inspect the sign, North gate / 已逾期：检查标识，北门"


def test_a_provisional_date_says_which_year_s_table_is_missing():
    text = duty_description([WORDING], rule_id="CN-FILING-DUE", source="CN Measures Art 15", due_on=date(2027, 1, 20),
                            status="overdue", provisional_years=[2027])
    assert text.splitlines() == ["Rule CN-FILING-DUE: CN Measures Art 15", "Due on 2027-01-20", "Status: Overdue",
                                 "provisional: China's working-day table for 2027 is not loaded"]
    assert "provisional" not in duty_description([WORDING], rule_id="R", source="S", due_on=date(2027, 1, 20),
                                                 status="done", provisional_years=[])
