"""Keep each site's duties as the rules derive them, and record the ones the operator marks done.

The duty rows are refreshed in the transaction of every change that refreshes the site's findings summary
(summaries_refreshed), with a fixed number of queries for any number of sites; a duty that changes in a way a
calendar shows has its sequence raised. Deriving them writes no audit entry (they are what the site's logged
record implies, as the summary is); marking one done is an operator's act, logged with its evidence.
"""
import hashlib
from datetime import date, datetime

from sqlalchemy import select

from signage.audit.services import append_entry
from signage.config import pack_settings
from signage.calendar.facts import duty_facts
from signage.calendar.models import Duty, DutyEvidence, ViolationNotice
from signage.calendar.reminders import schedule
from signage.errors import Conflict, NotFound
from signage.extensions import db
from signage.rules.duties import CYCLIC_KINDS, SEEN_DONE, DutySpec, change_duties, site_duties
from signage.rules.packs import PackSettings
from signage.sites.models import Site
from signage.sites.records import site_record

#: The columns a derived duty sets; a change to any of them is one a calendar shows.
SHOWN = ("trigger_on", "due_on", "provisional_years", "params", "done_on")


def due_order(due_on: date | None, duty_id: int) -> int:
    """Return the duty's place in date order, undated last, unique by its id."""
    return (due_on.toordinal() if due_on else date.max.toordinal()) * 2**32 + duty_id


def refresh_duties(sites: list, *, now: datetime, settings: PackSettings) -> None:
    """Rewrite the derived duties of each site from its record and facts, in the caller's transaction."""
    if not sites:
        return
    facts = duty_facts(sites, now=now, settings=settings)
    derived = {site.id: {spec.key: spec for spec in site_duties(site_record(site), facts[site.id])} for site in sites}
    stored = _stored([site.id for site in sites], {key for specs in derived.values() for key in specs})
    for site in sites:
        mine, specs = stored[site.id], derived[site.id]
        for spec in specs.values():
            _apply(site, mine.get(spec.key), spec, origin="record", now=now)
        for duty in mine.values():
            if duty.key in specs or duty.done_on is not None or duty.withdrawn_at is not None:
                continue
            if duty.origin == "record":
                _close(duty, specs.values(), now=now)
            elif duty.kind == "pia_redo" and (site.pia_completed_on or date.min) >= duty.trigger_on:
                duty.done_on = site.pia_completed_on  # the assessment was redone: its date says when
                duty.sequence += 1
                duty.updated_at = now
            schedule(duty, time_zone=site.organisation.time_zone, now=now)
    db.session.flush()


def _close(duty: Duty, derived, *, now: datetime) -> None:
    """A cycle whose successor appeared was done the day the successor starts; anything else no longer
    applies (the count fell, the jurisdiction went) and is withdrawn."""
    successor = next((spec for spec in derived if spec.kind == duty.kind and spec.kind in CYCLIC_KINDS
                      and _subject(spec.params) == _subject(duty.params)
                      and spec.trigger_on and duty.trigger_on and spec.trigger_on > duty.trigger_on), None)
    if successor is not None:
        duty.done_on = successor.trigger_on
    else:
        duty.withdrawn_at = now
    duty.sequence += 1
    duty.updated_at = now


def _subject(params: dict) -> dict:
    return {"serial": params["serial"]} if "serial" in params else {}


def _apply(site, duty: Duty | None, spec: DutySpec, *, origin: str, now: datetime) -> Duty:
    values = {"trigger_on": spec.trigger_on, "due_on": spec.due_on,
              "provisional_years": list(spec.provisional_years), "params": dict(spec.params),
              "done_on": spec.done_on}
    if duty is None:
        duty = Duty(organisation_id=site.organisation_id, site_id=site.id, key=spec.key, kind=spec.kind,
                    origin=origin, sequence=0, created_at=now, updated_at=now, **values)
        db.session.add(duty)
        db.session.flush()  # its id orders it
        duty.due_order = due_order(duty.due_on, duty.id)
        schedule(duty, time_zone=site.organisation.time_zone, now=now)
        return duty
    if duty.done_by_id is not None:  # marked done by a person: the record no longer decides
        values.pop("done_on")
    elif spec.params.get(SEEN_DONE) and duty.done_on is not None and spec.done_on is not None:
        values["done_on"] = duty.done_on  # done on the day first seen, not every day since
    changed = {name: value for name, value in values.items() if getattr(duty, name) != value}
    if changed or duty.withdrawn_at is not None:
        for name, value in changed.items():
            setattr(duty, name, value)
        duty.withdrawn_at = None
        duty.due_order = due_order(duty.due_on, duty.id)
        duty.sequence += 1
        duty.updated_at = now
        schedule(duty, time_zone=site.organisation.time_zone, now=now)
    return duty


def _stored(site_ids: list[int], keys: set[str]) -> dict[int, dict[str, Duty]]:
    """Return the sites' duties still open and those whose keys were just derived: not every duty ever done,
    which grows with the years."""
    stored: dict[int, dict[str, Duty]] = {site_id: {} for site_id in site_ids}
    wanted = Duty.done_on.is_(None) | Duty.key.in_(keys) if keys else Duty.done_on.is_(None)
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
    """Start the duties a change of the site's fields calls for (a CN change report, an assessment redone)."""
    for spec in change_duties(site_record(site), set(changes), on=now.date(), settings=pack_settings()):
        existing = db.session.scalar(select(Duty).where(Duty.site_id == site.id, Duty.key == spec.key))
        if existing is None or existing.done_on is None:
            _apply(site, existing, spec, origin="change", now=now)


def get_duty(organisation_id: int, duty_id: int) -> Duty:
    """Return one of the organisation's duties; others do not exist."""
    duty = db.session.get(Duty, duty_id)
    if duty is None or duty.organisation_id != organisation_id:
        raise NotFound("No such duty.")
    return duty


def mark_duty_done(duty: Duty, data: dict, *, by, now: datetime, settings: PackSettings) -> Duty:
    """Record that a duty was done, on which day, with a reference and optionally a file, and log it; the
    file's SHA-256 goes into the audit entry, so the evidence cannot be swapped unseen. A duty done after
    its date stays marked late."""
    if duty.done_on is not None:
        raise Conflict("This duty is already done.", errors={"done_on": [f"Done on {duty.done_on.isoformat()}."]})
    if duty.withdrawn_at is not None:
        raise Conflict("This duty no longer applies.", errors={"done_on": ["The duty was withdrawn."]})
    done_on = data["done_on"]
    if done_on > now.date():
        raise Conflict("A duty cannot be done in the future.", errors={"done_on": ["Use today or an earlier day."]})
    duty.done_on, duty.done_by_id, duty.done_reference = done_on, by.id, data.get("reference")
    changes = {"done_on": [None, done_on.isoformat()], "reference": [None, duty.done_reference]}
    evidence = data.get("evidence")
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
        raise Conflict("Only a New York City site has a cure window for a notice of violation.",
                       errors={"site": ["The site is not under US-NYC."]})
    if data["received_on"] > now.date():
        raise Conflict("A notice cannot be received in the future.",
                       errors={"received_on": ["Use today or an earlier day."]})
    notice = ViolationNotice(organisation_id=site.organisation_id, site_id=site.id, received_on=data["received_on"],
                             reference=data.get("reference"), recorded_by_id=by.id, created_at=now)
    db.session.add(notice)
    db.session.flush()
    append_entry("violation_notice.recorded", actor=by, subject=notice, now=now, organisation_id=site.organisation_id,
                 changes={"site_id": [None, site.id], "received_on": [None, notice.received_on.isoformat()],
                          "reference": [None, notice.reference]})
    refresh_duties([site], now=now, settings=settings)
    return notice
