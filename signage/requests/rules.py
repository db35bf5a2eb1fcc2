"""What a request may be, where it may go next, and when the law wants it answered. Pure functions.

Periods (regulation.md §8 and the pack settings): China counts working days through the State Council's
calendar (counting from the day after receipt); the EU and the UK count one month, to the same date of the
next month or that month's last day when it has no such date (Regulation 1182/71 Art 3(2)(c); the roll to
the next working day of Art 3(4) is not applied, so the date shown is never later than the law's); other
jurisdictions set no period, and the organisation's own applies when it gave one. With several
jurisdictions the earliest date binds.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from signage.rules.months import add_months
from signage.rules.workdays import add_working_days

RIGHTS = "rights"
SIGN = "sign"
#: A rights request names one of these; GDPR 15-21 and PIPL 44-47 between them.
RIGHTS_KINDS = ("access", "correction", "deletion", "objection", "withdrawal", "complaint")
#: A sign report names one of these.
SIGN_PROBLEMS = ("missing", "damaged", "covered", "moved", "suspected_fake")
KINDS = {RIGHTS: RIGHTS_KINDS, SIGN: SIGN_PROBLEMS}
REPLY_CHANNELS = ("email", "phone")
STATES = ("received", "acknowledged", "info_requested", "answered", "closed")
#: The operator's actions, from which states each is allowed, and the state it leads to (None: unchanged).
ACTIONS = {
    "acknowledge": (("received",), "acknowledged"),
    "ask": (("received", "acknowledged", "info_requested"), "info_requested"),
    "extend": (("received", "acknowledged", "info_requested"), None),
    "answer": (("received", "acknowledged", "info_requested"), "answered"),
    "close": (("received", "acknowledged", "info_requested", "answered"), "closed"),
}
#: The actions whose message the person reads on the status page, and so must be written.
NEEDS_MESSAGE = ("ask", "extend", "answer")
MESSAGE_MAX = 2000
DESCRIPTION_MAX = 2000
#: Days before the due date the operator is reminded, besides on the day it passes.
REMINDER_DAYS = (3,)


@dataclass(frozen=True)
class Clock:
    """A due date and where it comes from; provisional when counted across a year without a CN table."""

    due_on: date | None
    provisional: bool = False
    basis: str | None = None


def _periods(received: date, jurisdictions, settings) -> list[Clock]:
    clocks = []
    if "CN" in jurisdictions:
        # counted from the day after receipt, whatever the filing clocks' setting (working_days_include_trigger)
        due = add_working_days(received, settings.request_working_days_cn, include_trigger=False)
        clocks.append(Clock(due.on, due.provisional, "request_working_days_cn"))
    if {"EU", "UK"} & set(jurisdictions):
        clocks.append(Clock(add_months(received, settings.request_months_eu), False, "request_months_eu"))
    return clocks


def due_clock(received: date, jurisdictions, *, category: str, settings, organisation_days: int | None) -> Clock:
    """Return when a request received on `received` (the organisation's local date) must be answered: the
    earliest of the site's jurisdictions' periods; the organisation's own where none sets one. A sign report
    has no period in law: only the organisation's own."""
    clocks = _periods(received, jurisdictions, settings) if category == RIGHTS else []
    if not clocks and organisation_days:
        clocks.append(Clock(received + timedelta(days=organisation_days), False, "organisation"))
    if not clocks:
        return Clock(None)
    return min(clocks, key=lambda clock: clock.due_on)


def extension_allowed(jurisdictions, *, category: str = RIGHTS, basis: str | None = "request_months_eu") -> bool:
    """Say whether the law lets the time to answer be extended: for a rights request whose date is the EU's or
    the UK's month. China names no extension, and a sign report's or an organisation's own period is the
    organisation's own promise, which the law does not extend."""
    return (category == RIGHTS and basis == "request_months_eu" and "CN" not in jurisdictions
            and bool({"EU", "UK"} & set(jurisdictions)))


def extended_clock(received: date, jurisdictions, *, settings) -> date | None:
    """Return the furthest date an extension may set, or None when the law allows none."""
    if not extension_allowed(jurisdictions):
        return None
    return add_months(received, settings.request_months_eu + settings.request_extension_months_eu)


def oldest_first(state: str) -> bool:
    """Say whether a queue of requests in `state` lists the oldest first: those still waiting, by how long they
    have waited; answered, closed and all of them newest first."""
    return state in ("open", "received", "acknowledged", "info_requested")


def action_refusal(action: str, state: str, *, extended: bool, due_on: date | None, today: date) -> str | None:
    """Say why an action cannot be taken now, or None when it can."""
    if action not in ACTIONS:
        return "unknown"
    allowed, _ = ACTIONS[action]
    if state not in allowed:
        return "state"
    if action == "extend":
        if extended:
            return "extended"
        if due_on is not None and today > due_on:
            return "late"  # the person must be told within the first period (GDPR 12(3))
    return None


def first_reminder_on(due_on: date | None) -> date | None:
    """Return the day the first reminder of a request due on `due_on` falls due (housekeeping writes it on
    its first run from then on, and it is today when the date is already that near)."""
    return due_on - timedelta(days=max(REMINDER_DAYS)) if due_on is not None else None


def next_reminder(due_on: date | None, today: date) -> tuple[str | None, date | None]:
    """Return the reminder due today for a request due on `due_on` ("3d" some days before, "overdue" once the
    day has passed; None when none is) and the day the one after it falls due (None when no more will)."""
    if due_on is None:
        return None, None
    overdue_from = due_on + timedelta(days=1)
    if today >= overdue_from:
        return "overdue", None
    soon = [days for days in sorted(REMINDER_DAYS) if (due_on - today).days <= days]
    if soon:
        return f"{soon[0]}d", overdue_from
    return None, due_on - timedelta(days=max(REMINDER_DAYS))


def clock_state(due_on: date | None, today: date, *, state: str) -> str:
    """Name how a request stands against its clock: none, done, overdue, due_soon or running."""
    if due_on is None:
        return "none"
    if state in ("answered", "closed"):
        return "done"
    if today > due_on:
        return "overdue"
    if (due_on - today).days <= REMINDER_DAYS[0]:
        return "due_soon"
    return "running"
