"""Keep each site's duties as the rules derive them, and record the ones the operator marks done.

The duty rows are refreshed in the transaction of every change that refreshes the site's findings summary
(summaries_refreshed), with a fixed number of queries for any number of sites; a duty that changes in a way a
calendar shows has its sequence raised. Deriving them writes no audit entry (they are what the site's logged
record implies, as the summary is); marking one done is an operator's act, logged with its evidence.
"""
import hashlib
from dataclasses import replace
from datetime import date, datetime

from sqlalchemy import select

from signage.audit.services import append_entry
from signage.config import pack_settings
from signage.calendar.facts import duty_facts
from signage.calendar.models import Duty, DutyEvidence, ViolationNotice
from signage.calendar.reminders import schedule
from signage.errors import Conflict, InvalidInput, NotFound
from signage.extensions import db
from signage.local_time import local_day
from signage.rules.duty_done import DONE_BY_RECORD, EVIDENCE_REQUIRED, Earliest, earliest_done_on
from signage.rules.duties import (CYCLIC_KINDS, TRIGGER_FIRST_SEEN, DutySpec, change_duties, change_duty_applies,
                                  site_duties)
from signage.rules.findings import N_
from signage.rules.packs import PackSettings
from signage.sites.models import Site
from signage.sites.records import site_record

#: What a calendar shows of a duty (its date, whether it is done, why the date is provisional): a change to
#: any of these raises its sequence, so a subscribed calendar updates the event; other changes do not.
SHOWN = ("due_on", "provisional_years", "done_on")
TODAY_OR_EARLIER = N_("Use today or an earlier day.")


def due_order(due_on: date | None, duty_id: int) -> int:
    """Return the duty's place in date order, undated last, unique by its id."""
    return (due_on.toordinal() if due_on else date.max.toordinal()) * 2**32 + duty_id


def refresh_duties(sites: list, *, now: datetime, settings: PackSettings) -> None:
    """Rewrite the derived duties of each site from its record and facts, in the caller's transaction."""
    if not sites:
        return
    facts = duty_facts(sites, now=now, settings=settings)
    records = {site.id: site_record(site) for site in sites}
    derived = {site.id: {spec.key: spec for spec in site_duties(records[site.id], facts[site.id])} for site in sites}
    stored = _stored([site.id for site in sites], {key for specs in derived.values() for key in specs})
    added = []
    for site in sites:
        mine, specs = stored[site.id], derived[site.id]
        for spec in specs.values():
            if spec.key in mine:
                _update(site, mine[spec.key], spec, now=now)
            else:
                added.append((site, _new(site, spec, origin="record", now=now)))
        for duty in mine.values():
            if duty.key not in specs and duty.done_on is None and duty.withdrawn_at is None:
                _settle(site, records[site.id], duty, specs.values(), now=now)
    _place(added, now=now)


def _settle(site, record: dict, duty: Duty, derived, *, now: datetime) -> None:
    """Close an open duty the rules no longer derive: a record duty by its successor or withdrawn; a duty a
    change started once the assessment is redone, or withdrawn once it no longer applies."""
    if duty.origin == "record":
        _close(duty, derived, now=now)
    elif not change_duty_applies(record, duty.kind):
        _shown(duty, now=now, withdrawn_at=now)
    elif duty.kind == "pia_redo" and (site.pia_completed_on or date.min) >= duty.trigger_on:
        _shown(duty, now=now, done_on=site.pia_completed_on)  # the assessment was redone: its date says when
    schedule(duty, time_zone=site.organisation.time_zone, now=now)


def _close(duty: Duty, derived, *, now: datetime) -> None:
    """A cycle whose successor appeared was done the day the successor starts; anything else no longer
    applies (the count fell, the jurisdiction went) and is withdrawn."""
    successor = next((spec for spec in derived if spec.kind == duty.kind and spec.kind in CYCLIC_KINDS
                      and _subject(spec.params) == _subject(duty.params)
                      and spec.trigger_on and duty.trigger_on and spec.trigger_on > duty.trigger_on), None)
    if successor is not None:
        _shown(duty, now=now, done_on=successor.trigger_on)
    else:
        _shown(duty, now=now, withdrawn_at=now)


def _shown(duty: Duty, *, now: datetime, **values) -> None:
    """Change what a calendar shows of a duty, raising its sequence."""
    for name, value in values.items():
        setattr(duty, name, value)
    duty.sequence += 1
    duty.updated_at = now


def _subject(params: dict) -> dict:
    return {"serial": params["serial"]} if "serial" in params else {}


def _values(spec: DutySpec) -> dict:
    return {"trigger_on": spec.trigger_on, "due_on": spec.due_on, "provisional_years": list(spec.provisional_years),
            "params": dict(spec.params), "done_on": spec.done_on}


def _new(site, spec: DutySpec, *, origin: str, now: datetime) -> Duty:
    duty = Duty(organisation_id=site.organisation_id, site_id=site.id, key=spec.key, kind=spec.kind, origin=origin,
                subject=spec.params.get("serial"), sequence=0, created_at=now, updated_at=now, **_values(spec))
    db.session.add(duty)
    return duty


def _place(added: list, *, now: datetime) -> None:
    """Give new duties their place in date order (which needs their ids: one flush for all) and their first
    reminder."""
    if added:
        db.session.flush()
    for site, duty in added:
        duty.due_order = due_order(duty.due_on, duty.id)
        schedule(duty, time_zone=site.organisation.time_zone, now=now)


def _update(site, duty: Duty, spec: DutySpec, *, now: datetime) -> None:
    values = _values(spec)
    if duty.done_on is not None:  # done stays done, on its day: a later record does not move it
        values.pop("done_on")
    if spec.params.get(TRIGGER_FIRST_SEEN) and duty.trigger_on is not None:
        values.pop("trigger_on"), values.pop("due_on"), values.pop("provisional_years")
    changed = {name: value for name, value in values.items() if getattr(duty, name) != value}
    if not changed and duty.withdrawn_at is None:
        return
    for name, value in changed.items():
        setattr(duty, name, value)
    if duty.withdrawn_at is not None or set(changed) & set(SHOWN):
        duty.withdrawn_at = None
        duty.sequence += 1
    duty.due_order = due_order(duty.due_on, duty.id)
    duty.updated_at = now
    schedule(duty, time_zone=site.organisation.time_zone, now=now)


def _stored(site_ids: list[int], keys: set[str]) -> dict[int, dict[str, Duty]]:
    """Return the sites' open duties and those whose keys were just derived: not every duty ever done or
    withdrawn, which grow with the years."""
    stored: dict[int, dict[str, Duty]] = {site_id: {} for site_id in site_ids}
    still_open = Duty.done_on.is_(None) & Duty.withdrawn_at.is_(None)
    wanted = still_open | Duty.key.in_(keys) if keys else still_open
    for duty in db.session.scalars(select(Duty).where(Duty.site_id.in_(site_ids), wanted)):
        stored[duty.site_id][duty.key] = duty
    return stored


def on_summaries_refreshed(sites, *, now: datetime, settings: PackSettings, **_) -> None:
    """Refresh the duties of sites whose findings were just refreshed (the same changes move both)."""
    refresh_duties(list(sites), now=now, settings=settings)


def on_records_changed(site_ids, *, now: datetime, **_) -> None:
    """Refresh the duties of sites whose consents or requests just moved what is owed, and by when."""
    sites = list(db.session.scalars(select(Site).where(Site.id.in_(list(site_ids))).order_by(Site.id)))
    refresh_duties(sites, now=now, settings=pack_settings())


def on_site_changed(site, *, changes: dict, now: datetime, **_) -> None:
    """Start the duties a change of the site's fields calls for (a CN change report, an assessment redone).
    A second change the same day joins the first's duty while it is open, or starts its own once it is done."""
    today = local_day(now, site.organisation.time_zone)
    for spec in change_duties(site_record(site), set(changes), on=today, settings=pack_settings()):
        same_day = list(db.session.scalars(select(Duty).where(Duty.site_id == site.id,
                                                               Duty.key.startswith(spec.key, autoescape=True))
                                           .order_by(Duty.id)))
        still_open = [duty for duty in same_day if duty.done_on is None and duty.withdrawn_at is None]
        if still_open:
            duty = still_open[0]
            duty.params = {**duty.params, "fields": sorted({*duty.params.get("fields", ()), *spec.params["fields"]})}
            duty.updated_at = now
            continue
        key = spec.key if not same_day else f"{spec.key}:{len(same_day) + 1}"
        _place([(site, _new(site, replace(spec, key=key), origin="change", now=now))], now=now)


def get_duty(organisation_id: int, duty_id: int) -> Duty:
    """Return one of the organisation's duties; others do not exist."""
    duty = db.session.get(Duty, duty_id)
    if duty is None or duty.organisation_id != organisation_id:
        raise NotFound("No such duty.")
    return duty


def earliest_done(duty: Duty) -> Earliest:
    """Return the first day the duty can have been done, in its organisation's days."""
    site = duty.site
    return earliest_done_on(duty.kind, duty.trigger_on,
                            registered_on=local_day(site.created_at, site.organisation.time_zone))


def refuse_unless_open(duty: Duty, done_on: date, *, now: datetime) -> None:
    """Raise Conflict, naming done_on, when the duty cannot be marked done on that day: already done,
    withdrawn, done from the record, or a day in the future or before the duty could have been done. The
    views call it before judging a file, so a file is read only for a duty that can take it."""
    if duty.done_on is not None:
        raise Conflict(N_("This duty is already done."), errors={"done_on": [f"Done on {duty.done_on.isoformat()}."]})
    if duty.withdrawn_at is not None:
        raise Conflict(N_("This duty no longer applies."), errors={"done_on": [N_("The duty was withdrawn.")]})
    if duty.kind in DONE_BY_RECORD:
        raise Conflict(N_("This duty is done from the site's record, not by hand."),
                       errors={"done_on": [DONE_BY_RECORD[duty.kind]]})
    if done_on > local_day(now, duty.site.organisation.time_zone):
        raise Conflict(N_("A duty cannot be done in the future."), errors={"done_on": [TODAY_OR_EARLIER]})
    earliest = earliest_done(duty)
    if done_on < earliest.day:
        raise Conflict(N_("A duty cannot be done before it began."),
                       errors={"done_on": [f"Use {earliest.day.isoformat()}, {earliest.why}, or a later day."]})


def mark_duty_done(duty: Duty, data: dict, *, by, now: datetime, settings: PackSettings) -> Duty:
    """Record that a duty was done, on which day, with a reference and optionally a file, and log it; the
    file's SHA-256 goes into the audit entry, so the evidence cannot be swapped unseen. A duty done after
    its date stays marked late."""
    refuse_unless_open(duty, data["done_on"], now=now)
    done_on = data["done_on"]
    evidence = data.get("evidence")
    if evidence is None and duty.kind in EVIDENCE_REQUIRED:
        raise InvalidInput(N_("The evidence file is missing."), errors={"evidence": [EVIDENCE_REQUIRED[duty.kind]]})
    duty.done_on, duty.done_by_id, duty.done_reference = done_on, by.id, data.get("reference")
    changes = {"done_on": [None, done_on.isoformat()], "reference": [None, duty.done_reference]}
    if evidence is not None:
        duty.evidence_name, duty.evidence_sha256 = evidence["name"], hashlib.sha256(evidence["content"]).hexdigest()
        db.session.add(DutyEvidence(duty_id=duty.id, media_type=evidence["media_type"], content=evidence["content"]))
        changes["evidence_sha256"] = [None, duty.evidence_sha256]
    duty.sequence += 1
    duty.updated_at = now
    duty.next_reminder_at = None
    append_entry("duty.done", actor=by, subject=duty, now=now, organisation_id=duty.organisation_id,
                 changes={"kind": [None, duty.kind], "key": [None, duty.key], **changes})
    # the next cycle of a periodic duty starts from this one
    refresh_duties([db.session.get(Site, duty.site_id)], now=now, settings=settings)
    return duty


def record_violation_notice(site, data: dict, *, by, now: datetime, settings: PackSettings) -> ViolationNotice:
    """Record the written notice of a violation a New York City site received, and log it; its cure window
    goes on the calendar at once."""
    if "US-NYC" not in (site.jurisdictions or []):
        raise Conflict(N_("Only a New York City site has a cure window for a notice of violation."),
                       errors={"site": [N_("The site is not under US-NYC.")]})
    if data["received_on"] > local_day(now, site.organisation.time_zone):
        raise Conflict(N_("A notice cannot be received in the future."), errors={"received_on": [TODAY_OR_EARLIER]})
    if data["received_on"] < settings.nyc_law_in_force:
        raise Conflict(N_("No notice under New York City's law is dated before it took effect."),
                       errors={"received_on": [f"Use {settings.nyc_law_in_force.isoformat()}, when the law took "
                                               "effect, or a later day."]})
    notice = ViolationNotice(organisation_id=site.organisation_id, site_id=site.id, received_on=data["received_on"],
                             reference=data.get("reference"), recorded_by_id=by.id, created_at=now)
    db.session.add(notice)
    db.session.flush()
    append_entry("violation_notice.recorded", actor=by, subject=notice, now=now, organisation_id=site.organisation_id,
                 changes={"site_id": [None, site.id], "received_on": [None, notice.received_on.isoformat()],
                          "reference": [None, notice.reference]})
    refresh_duties([site], now=now, settings=settings)
    return notice
