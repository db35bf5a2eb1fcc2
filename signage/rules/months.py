"""Calendar months, as the EU's rules on periods count them (Regulation 1182/71 Art 3(2)(c)). Pure."""
import calendar
from datetime import date


def add_months(day: date, months: int) -> date:
    """Return the same date `months` later, or that month's last day when it has no such date."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))
