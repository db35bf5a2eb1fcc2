"""The dated duties (deadlines and periodic duties of docs/calendar.md) that apply to a site, derived from its record and a few facts. Pure.

A duty has a key that stays the same while it is the same duty (a new one for each cycle of a periodic
duty), so a calendar can update it instead of adding another. Its due date is None where the law ties it
to an event yet to come ("before going live"). `done_on` is filled where the record itself shows the duty
done (a filing on record, an assessment dated); others are marked done by the operator with evidence.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Mapping

from signage.rules.cn import FILED_STATUSES, FILING_CHANGE_FIELDS
from signage.rules.findings import Site, filing_status, in_jurisdiction, is_given
from signage.rules.duty_facts import DutyFacts
from signage.rules.packs import PackSettings
from signage.rules.months import add_months
from signage.rules.workdays import DueDate, add_working_days
from signage.vocabulary import ANNEX_III_FUNCTIONS

#: Each kind of duty: its rule id (the finding or regulation row it comes from) and its source.
KINDS: Mapping[str, tuple[str, str]] = {
    "cn_filing": ("CN-FILING-DUE", "CN Measures Art 15; CAC 2025-05-28"),
    "cn_change_report": ("CN-FILING-CHANGE", "CAC 2025-05-28"),
    "cn_cancellation": ("CN-FILING-CANCEL", "CN Measures Art 15 (secondary)"),
    "pia_before_go_live": ("ACT-PIA", "CN Measures Art 9 (secondary); PIPL 55; GDPR 35 (unconfirmed)"),
    "pia_redo": ("CN-FILING-CHANGE", "CN Measures Art 9 (secondary); GDPR 35(11) (unconfirmed)"),
    "dpia_review": ("EUUK-DPIA", "GDPR 35(11) (unconfirmed); ICO guidance"),
    "il_retention_policy": ("IL-RETENTION-POLICY", "BIPA 15(a)"),
    "retention_purge": ("ANY-RETENTION", "CN Measures Art 8 (secondary); BIPA 15(a); CUBI §503.001(c)(3)"),
    "ai_logs_retention": ("EU-AI-LOGS", "AI Act 26(6) (secondary)"),
    "sign_inspection": ("SIGN-INSPECTION", "Design decision: signs re-photographed quarterly, with a photo"),
    "nyc_cure": ("NYC-CURE", "NYC Admin Code §22-1203 (secondary)"),
    "consent_deletion": ("CONSENT-DELETION", "PIPL 47 (unconfirmed); GDPR 17(1) (unconfirmed); pack settings "
                                             "deletion_days_cn, deletion_days_eu, deletion_days_other"),
    "request_answer": ("REQUEST-DEADLINE", "PIPL 50; GDPR 12(3); UK GDPR 12(3); pack settings "
                                           "request_working_days_cn, request_months_eu"),
}
#: Kinds whose next cycle starts when the last one is done: a cycle left open when its successor appears
#: was done on the day the successor starts.
CYCLIC_KINDS = ("dpia_review", "sign_inspection")
#: Kinds whose own feature already reminds the operator (the request queue's e-mails): the calendar does not
#: remind of them twice.
SELF_REMINDED = ("request_answer",)
STATUSES = ("overdue", "due_soon", "upcoming", "undated", "done", "done_late", "withdrawn")
#: A parameter saying the duty's trigger is not in the record (a count over the threshold without the day
#: it was reached): the day signage first saw it stands, so the date does not slide with each day.
TRIGGER_FIRST_SEEN = "trigger_first_seen"
#: Days before a duty's date its reminders go out, besides the day after it, when it is overdue.
REMINDER_DAYS = (30, 7, 1)
#: The statuses of a duty still to do.
OPEN_STATUSES = ("overdue", "due_soon", "upcoming", "undated")


@dataclass(frozen=True)
class DutySpec:
    """One duty as the rules see it today."""

    key: str
    kind: str
    trigger_on: date | None
    due_on: date | None
    #: Counted across a year without a CN working-day table: the years missing.
    provisional_years: tuple[int, ...] = ()
    done_on: date | None = None
    #: What the duty is about beyond the site, such as a sign's serial; JSON values only.
    params: Mapping[str, Any] = field(default_factory=dict, hash=False)

    @property
    def rule_id(self) -> str:
        return KINDS[self.kind][0]

    @property
    def source(self) -> str:
        return KINDS[self.kind][1]


def duty_status(due_on: date | None, done_on: date | None, *, today: date, withdrawn: bool = False,
                soon_days: int = 30) -> str:
    """Return where a duty stands: done (on time or late), withdrawn, or open (overdue, due soon, upcoming,
    or undated while its trigger has yet to happen). A duty done late stays marked late."""
    if done_on is not None:
        return "done_late" if due_on is not None and done_on > due_on else "done"
    if withdrawn:
        return "withdrawn"
    if due_on is None:
        return "undated"
    if due_on < today:
        return "overdue"
    return "due_soon" if (due_on - today).days <= soon_days else "upcoming"


def next_reminder(due_on: date | None, today: date) -> tuple[str | None, date | None]:
    """Return the reminder due today for an open duty due on `due_on` ("30d", "7d", "1d": the nearest
    threshold reached; "overdue" once its day has passed; None when none is) and the day the next one falls
    due (None when no more will). A threshold passed unseen is not sent late: the nearer one replaces it."""
    if due_on is None:
        return None, None
    overdue_from = due_on + timedelta(days=1)
    if today >= overdue_from:
        return "overdue", None
    left = (due_on - today).days
    reached = [days for days in sorted(REMINDER_DAYS) if left <= days]
    nearer = [days for days in REMINDER_DAYS if days < (reached[0] if reached else left)]
    following = due_on - timedelta(days=max(nearer)) if nearer else overdue_from
    return (f"{reached[0]}d" if reached else None), following


def site_duties(site: Site, facts: DutyFacts) -> list[DutySpec]:
    """Return every duty the site's record and facts call for today."""
    return [duty for derive in DERIVERS for duty in derive(site, facts)]


def change_duties(site: Site, changed: set[str], *, on: date, settings: PackSettings) -> list[DutySpec]:
    """Return the duties a change of a site's fields starts: on a filed CN site, a change to its purpose,
    method or processing rules is reported within the filing period, and its impact assessment redone by
    then; in the EU and the UK, a change of purpose or method calls for the DPIA to be reviewed."""
    duties = []
    if in_jurisdiction(site, "CN") and filing_status(site) in FILED_STATUSES and changed & set(FILING_CHANGE_FIELDS):
        due = _working_days(on, settings)
        fields = sorted(changed & set(FILING_CHANGE_FIELDS))
        duties.append(DutySpec(f"cn_change_report:{on.isoformat()}", "cn_change_report", on, due.on,
                               due.missing_years, params={"fields": fields}))
        duties.append(DutySpec(f"pia_redo:{on.isoformat()}", "pia_redo", on, due.on, due.missing_years,
                               _pia_done_since(site, on), {"fields": fields}))
    elif in_jurisdiction(site, "EU", "UK") and changed & {"purpose", "function", "live_mode"}:
        duties.append(DutySpec(f"pia_redo:{on.isoformat()}", "pia_redo", on, on, (), _pia_done_since(site, on),
                               {"fields": sorted(changed & {"purpose", "function", "live_mode"})}))
    return duties


def change_duty_applies(site: Site, kind: str) -> bool:
    """Say whether a duty a change started still applies: a CN change report (and its assessment redo)
    while the site is filed and in China, an EU/UK assessment redo while the site is there; none once the
    site is decommissioned (its cancellation is due instead)."""
    if site.get("status") == "decommissioned":
        return False
    if kind == "cn_change_report":
        return in_jurisdiction(site, "CN") and filing_status(site) in FILED_STATUSES
    return in_jurisdiction(site, "CN", "EU", "UK")


def _working_days(trigger: date, settings: PackSettings) -> DueDate:
    return add_working_days(trigger, settings.filing_working_days,
                            include_trigger=settings.working_days_include_trigger)


def _pia_done_since(site: Site, day: date) -> date | None:
    completed = site.get("pia_completed_on")
    return completed if completed is not None and completed >= day else None


def cn_filing(site: Site, facts: DutyFacts):
    """File with the provincial cyberspace administration within the period after the count reaches the
    threshold; a count reached before the Measures applied is counted from their first day."""
    settings, count = facts.settings, facts.operator_count
    filing = site.get("filing") or {}
    filed = filing_status(site) in FILED_STATUSES
    if not in_jurisdiction(site, "CN") or site.get("status") == "draft" or \
            (not filed and (count is None or count < settings.filing_threshold)):
        return
    reached = facts.threshold_reached_on or filing.get("filed_on") or facts.today
    trigger = max(reached, settings.cn_measures_in_force)
    due = _working_days(trigger, settings)
    # a filing on record without its date was done by the day signage first saw it (done stays done)
    done_on = (filing.get("filed_on") or facts.today) if filed else None
    yield DutySpec("cn_filing", "cn_filing", trigger, due.on, due.missing_years, done_on,
                   {"count": count, "threshold": settings.filing_threshold,
                    TRIGGER_FIRST_SEEN: not (facts.threshold_reached_on or filing.get("filed_on"))})


def cn_cancellation(site: Site, facts: DutyFacts):
    """Report the end of processing within the period once a filed site is decommissioned."""
    if in_jurisdiction(site, "CN") and filing_status(site) in FILED_STATUSES and facts.decommissioned_on:
        due = _working_days(facts.decommissioned_on, facts.settings)
        yield DutySpec("cn_cancellation", "cn_cancellation", facts.decommissioned_on, due.on, due.missing_years)


def pia_before_go_live(site: Site, facts: DutyFacts):
    """Finish the impact assessment before going live (CN, EU, UK): undated while a draft; done late, and
    so flagged, when it is dated after the day the site went live."""
    if not in_jurisdiction(site, "CN", "EU", "UK"):
        return
    completed = site.get("pia_completed_on")
    yield DutySpec("pia_before_go_live", "pia_before_go_live", facts.went_live_on, facts.went_live_on,
                   done_on=completed, params={"pia_id": site.get("pia_id")})


def dpia_review(site: Site, facts: DutyFacts):
    """Review the DPIA every period the pack sets (EU, UK), from the latest assessment or review."""
    if not in_jurisdiction(site, "EU", "UK") or site.get("status") in ("draft", "decommissioned"):
        return
    starts = [day for day in (site.get("pia_completed_on"), facts.last_review_on) if day is not None]
    if not starts:
        return
    start = max(starts)
    due = add_months(start, facts.settings.dpia_review_months)
    # keyed by its date: a review done on the day a cycle starts starts another, whose date is later
    yield DutySpec(f"dpia_review:{due.isoformat()}", "dpia_review", start, due)


def il_retention_policy(site: Site, facts: DutyFacts):
    """Publish the retention and destruction schedule before collection starts (Illinois)."""
    if not in_jurisdiction(site, "US-IL"):
        return
    done_on = facts.today if is_given(site.get("retention_policy_url")) else None
    yield DutySpec("il_retention_policy", "il_retention_policy", facts.went_live_on, facts.went_live_on, (), done_on)


def retention_purge(site: Site, facts: DutyFacts):
    """Delete the face data of a decommissioned site once its retention period has run, within the caps of
    Illinois (3 years) and Texas (1 year)."""
    days = site.get("retention_period_days")
    if facts.decommissioned_on is None or not days:
        return
    settings = facts.settings
    caps = [days] + ([settings.il_retention_cap_days] if in_jurisdiction(site, "US-IL") else []) \
        + ([settings.tx_retention_cap_days] if in_jurisdiction(site, "US-TX") else [])
    due = facts.decommissioned_on + timedelta(days=min(caps))
    yield DutySpec("retention_purge", "retention_purge", facts.decommissioned_on, due,
                   params={"retention_period_days": days})


def ai_logs_retention(site: Site, facts: DutyFacts):
    """Keep the system's logs at least the AI Act's period after a decommissioned EU site stops (Annex III
    functions): done by itself on the day they may go."""
    if not (in_jurisdiction(site, "EU") and site.get("function") in ANNEX_III_FUNCTIONS
            and facts.decommissioned_on):
        return
    days = max(site.get("logs_retention_days") or 0, facts.settings.ai_logs_min_days)
    keep_until = facts.decommissioned_on + timedelta(days=days)
    yield DutySpec("ai_logs_retention", "ai_logs_retention", facts.decommissioned_on, keep_until, (),
                   keep_until if facts.today >= keep_until else None, {"days": days})


def sign_inspection(site: Site, facts: DutyFacts):
    """Inspect each sign put up (a reprint is a new sign): first within the pack's days of its installation,
    then every period from the last inspection, with a photo."""
    if site.get("status") == "decommissioned":
        return
    settings = facts.settings
    for sign in facts.signs:
        if sign.last_inspected_on is None:
            start, due = sign.installed_on, sign.installed_on + timedelta(days=settings.sign_first_inspection_days)
        else:
            start, due = sign.last_inspected_on, add_months(sign.last_inspected_on, settings.sign_inspection_months)
        # keyed by its date: an inspection the day the sign went up starts a cycle with a later one
        yield DutySpec(f"sign_inspection:{sign.serial}:{due.isoformat()}", "sign_inspection", start, due,
                       params={"serial": sign.serial})


def nyc_cure(site: Site, facts: DutyFacts):
    """Cure a New York City violation within the pack's days of receiving its written notice."""
    for notice in facts.violations:
        yield DutySpec(f"nyc_cure:{notice.notice_id}", "nyc_cure", notice.received_on,
                       notice.received_on + timedelta(days=facts.settings.nyc_cure_days),
                       params={"reference": notice.reference})


def consent_deletions(site: Site, facts: DutyFacts):
    """Delete the face data of the people who withdrew (or whose consent expired), by the day the pack's
    period sets: one duty per day, done when the last deletion of that day is confirmed."""
    for group in facts.deletions:
        done_on = group.last_confirmed_on if group.pending == 0 else None
        yield DutySpec(f"consent_deletion:{group.due_on.isoformat()}", "consent_deletion", None, group.due_on,
                       (), done_on, {"count": group.total, "pending": group.pending})


def request_answers(site: Site, facts: DutyFacts):
    """Answer each request by the date its clock sets; done on the day it was answered or closed."""
    for request in facts.requests:
        yield DutySpec(f"request_answer:{request.request_id}", "request_answer", request.received_on,
                       request.due_on, (), request.answered_on,
                       {"request_id": request.request_id, "request_kind": request.kind,
                        "provisional": request.provisional})


DERIVERS = (cn_filing, cn_cancellation, pia_before_go_live, dpia_review, il_retention_policy, retention_purge,
            ai_logs_retention, sign_inspection, nyc_cure, consent_deletions, request_answers)
