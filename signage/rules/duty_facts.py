"""What the duties read besides a site's record: its lifecycle dates, signs, deletions owed, requests and
notices of violation, as plain frozen data the calendar gathers (calendar/facts.py). Pure."""
from dataclasses import dataclass
from datetime import date

from signage.rules.packs import PackSettings


@dataclass(frozen=True)
class SignFacts:
    """What a sign's inspections need: its serial, when it went up, and its last inspection."""

    serial: str
    installed_on: date
    last_inspected_on: date | None = None


@dataclass(frozen=True)
class DeletionFacts:
    """The withdrawn or expired consents of a site whose face data is to be deleted by one day."""

    due_on: date
    total: int
    pending: int
    last_confirmed_on: date | None = None


@dataclass(frozen=True)
class RequestFacts:
    """A person's request or sign report with a date to answer by."""

    request_id: int
    kind: str
    received_on: date
    due_on: date
    provisional: bool = False
    answered_on: date | None = None


@dataclass(frozen=True)
class ViolationFacts:
    """A written notice of a violation the operator recorded."""

    notice_id: int
    received_on: date
    reference: str | None = None


@dataclass(frozen=True)
class DutyFacts:
    """What the duties need beyond the site record: dates of its lifecycle, its signs, the operator's count."""

    today: date
    settings: PackSettings = PackSettings()
    #: The day the site first went live (its first notice), None while it never did.
    went_live_on: date | None = None
    #: The day it was decommissioned.
    decommissioned_on: date | None = None
    operator_count: int | None = None
    threshold_reached_on: date | None = None
    signs: tuple[SignFacts, ...] = ()
    #: The day of the last DPIA review the operator marked done.
    last_review_on: date | None = None
    deletions: tuple[DeletionFacts, ...] = ()
    requests: tuple[RequestFacts, ...] = ()
    violations: tuple[ViolationFacts, ...] = ()
