"""Consent use cases: record an answer, withdraw it, confirm the deletion that follows, find receipts."""
import hashlib
import uuid
from datetime import date, datetime
from pathlib import Path

from sqlalchemy import Text, case, cast, func, select
from sqlalchemy.orm import selectinload

from signage.audit.services import append_entry
from signage.consent import content as contents
from signage.consent import rules
from signage.consent.chart import last_months
from signage.consent.codes import new_receipt_code, normalised_code
from signage.consent.releases import release_path
from signage.consent.models import ConsentEvent, ConsentReceipt, ConsentRecord
from signage.errors import Conflict, InvalidInput, NotFound
from signage.extensions import db
from signage.local_time import day_start, zone
from signage.notices.services import latest_version
from signage.rules.packs import PackSettings
from signage.sites.records import site_record
from signage.sites.signals import site_records_changed


def record_consent(site, data: dict, *, by, now: datetime, releases: Path | None = None,
                   once: str | None = None) -> tuple[ConsentRecord, str]:
    """Record a person's answer under the site's current notice, with its receipt; return the record and the
    receipt code, which is shown once and stored only hashed. A signed release named as evidence must be
    one the organisation uploaded to `releases`; `once`, a capture flow's one-time value, records one answer
    however often its form is sent."""
    if once is not None and db.session.scalar(select(ConsentRecord.id).where(ConsentRecord.capture_once == once)):
        raise Conflict("This answer is already recorded. The next person starts again.")
    record = refuse_recording(site)
    version = latest_version(site)
    if version is None:  # an active site always has one (ACT-NOTICE); a database edited by hand may not
        raise Conflict("This site has no published notice to show the person.", errors={"site": ["No notice."]})
    if data.get("notice_version") not in (None, version.number):
        raise Conflict(f"The notice is now version {version.number}: show the person that one and ask again.",
                       errors={"notice_version": [f"Not the current version ({version.number})."]})
    jurisdictions = rules.consent_jurisdictions(record)
    purposes = _answered_purposes(version.content, data["purposes"])
    problems = rules.answer_problems(data, jurisdictions)
    if data.get("evidence_sha256") and (releases is None or release_path(releases, site.organisation_id,
                                                                        data["evidence_sha256"]) is None):
        problems["evidence_sha256"] = ["No signed release with this SHA-256 was uploaded for your organisation."]
    if problems:
        raise InvalidInput(f"{len(problems)} field{'s' if len(problems) > 1 else ''} must be given for this consent.",
                           errors=problems)
    state = rules.answer_state(data["purposes"])
    earlier = _in_force(site.id, data["subject_ref"], now=now)
    if earlier is not None and state == "refused":
        raise Conflict("This person's consent is in force: withdraw it instead, so that their face data is "
                       "deleted on time.", errors={"purposes": ["A consent in force is withdrawn, not refused."]})
    consent = ConsentRecord(
        record_uuid=str(uuid.uuid4()), organisation_id=site.organisation_id, site_id=site.id,
        notice_version_id=version.id, notice_number=version.number, subject_ref=data["subject_ref"], state=state,
        capture_once=once,
        purpose_states=rules.purpose_states({purpose["key"]: purpose["answer"] for purpose in purposes}),
        answered_at=now, state_changed_at=now, expires_at=data.get("expires_at"), events_count=0)
    db.session.add(consent)
    answer = contents.answer_content(
        record_uuid=consent.record_uuid, site={"id": site.id, "code": site.code},
        notice={"id": version.id, "number": version.number, "sha256": version.sha256, "content": version.content},
        data=data, purposes=purposes, jurisdictions=jurisdictions,
        consent_type=rules.consent_type(record, jurisdictions), state=state, now=now)
    event = _append_event(consent, answer, by=by, now=now, before=None)
    if earlier is not None:  # renewed, under this notice: the earlier answer gives way to it
        earlier.state, earlier.state_changed_at = "superseded", now
        earlier.purpose_states = rules.ended_states(earlier.purpose_states, "superseded")
        _append_event(earlier, contents.superseded_content(record_uuid=earlier.record_uuid,
                                                           by_record=consent.record_uuid, now=now),
                      by=by, now=now, before="given")
    return consent, _issue_receipt(consent, event, language=data["language"], now=now)


def _in_force(site_id: int, subject_ref: str, *, now: datetime) -> ConsentRecord | None:
    """Return the person's consent in force at the site, if any (the newest, should there be more); one past
    its expiry that housekeeping has not reached yet is not."""
    return db.session.scalar(select(ConsentRecord).where(
        ConsentRecord.site_id == site_id, ConsentRecord.subject_ref == subject_ref, ConsentRecord.state == "given",
        (ConsentRecord.expires_at.is_(None)) | (ConsentRecord.expires_at > now))
        .order_by(ConsentRecord.id.desc()).limit(1))


def refuse_recording(site) -> dict:
    """Raise Conflict (409) where the site cannot record consent now; return its record otherwise."""
    record = site_record(site)
    refusal = rules.recording_refusal(record, site.status)
    if refusal:
        raise Conflict(refusal % {"status": site.status}, errors={"site": [refusal % {"status": site.status}]})
    return record


def _answered_purposes(shown: dict, answers: dict) -> list[dict]:
    asked = {purpose["key"]: purpose for purpose in rules.asked_purposes(shown)}
    unknown = sorted(set(answers) - set(asked))
    if unknown:
        raise InvalidInput("The answers name purposes this notice does not ask about.",
                           errors={"purposes": [f"Not asked by this notice: {', '.join(unknown)}."]})
    return [{**asked[key], "answer": answers[key]} for key in asked if key in answers]


def withdraw_consent(consent: ConsentRecord, data: dict, *, by, now: datetime,
                     settings: PackSettings) -> tuple[ConsentRecord, str]:
    """Withdraw all of a consent or some of its optional purposes; a full withdrawal sets the date its face
    data must be deleted by. Return the record and the withdrawal receipt's code."""
    scope = data.get("scope", "all")
    problem = rules.withdrawal_problem(consent.state, consent.purpose_states, scope)
    if problem:
        message = problem % {"state": consent.state, "keys": ", ".join(sorted(set(scope) - set(consent.purpose_states)))
                             if scope != "all" else ""}
        raise Conflict(message, errors={"scope" if consent.state == "given" else "state": [message]})
    states = rules.withdrawn_states(consent.purpose_states, scope)
    state = rules.state_after_withdrawal(states)
    due = rules.deletion_due_at(_answer(consent)["jurisdiction"], settings, now) if state == "withdrawn" else None
    before = consent.state
    consent.purpose_states, consent.state, consent.state_changed_at = states, state, now
    consent.deletion_due_at = due
    event = _append_event(consent, contents.withdrawal_content(
        record_uuid=consent.record_uuid, channel=data["channel"], scope=scope, state=state, purpose_states=states,
        deletion_due_at=due, now=now), by=by, now=now, before=before)
    if due is not None:
        site_records_changed.send([consent.site_id], now=now)  # a deletion is owed by a day
    return consent, _issue_receipt(consent, event, language=_answer(consent)["language"], now=now)


def confirm_deletion(consent: ConsentRecord, data: dict, *, by, now: datetime) -> ConsentRecord:
    """Record that a withdrawn person's face data is deleted, which completes their withdrawal receipt."""
    if consent.state not in ("withdrawn", "expired") or consent.deletion_due_at is None:
        raise Conflict("Only a withdrawn or expired consent has a deletion to confirm.",
                       errors={"state": [f"This consent is {consent.state}."]})
    if consent.deletion_confirmed_at is not None:
        raise Conflict("This deletion is already confirmed.", errors={"state": ["Deletion already confirmed."]})
    if data["deleted_on"] > now:
        raise InvalidInput("A deletion cannot be confirmed ahead of time.",
                           errors={"deleted_on": ["Not in the future."]})
    if data["deleted_on"] < consent.state_changed_at:
        raise InvalidInput("The deletion is dated before the withdrawal.",
                           errors={"deleted_on": ["Not before the withdrawal."]})
    consent.deletion_confirmed_at = data["deleted_on"]
    _append_event(consent, contents.deletion_content(record_uuid=consent.record_uuid, data=data,
                                                     state=consent.state, now=now),
                  by=by, now=now, before=consent.state)
    site_records_changed.send([consent.site_id], now=now)
    return consent


def _append_event(consent: ConsentRecord, content: dict, *, by, now: datetime, before: str | None) -> ConsentEvent:
    """Append an event to the record and its audit entry, in the caller's transaction. The entry holds the
    event's hash, never the person's reference: entries cannot be changed, and their hashes are published."""
    consent.events_count += 1
    sha256 = contents.event_sha256(content)
    event = ConsentEvent(record=consent, seq=consent.events_count, event_type=content["event_type"],
                         event_state=content["event_state"], event_time=now, content=content, sha256=sha256)
    db.session.add(event)
    db.session.flush()
    append_entry(f"consent.{content['event_type']}", actor=by, subject=consent, now=now,
                 changes={"event": [None, event.seq], "sha256": [None, sha256], "state": [before, consent.state],
                          "site_id": [None, consent.site_id]})
    return event


def _issue_receipt(consent: ConsentRecord, event: ConsentEvent, *, language: str, now: datetime) -> str:
    code = new_receipt_code()
    db.session.add(ConsentReceipt(code_sha256=code_hash(code), receipt_uuid=str(uuid.uuid4()), record=consent,
                                  event=event, kind=event.event_type, issued_at=now, language=language))
    return code


def _answer(consent: ConsentRecord) -> dict:
    return consent.events[0].content


def code_hash(code: str) -> str:
    """Return the stored form of a receipt code."""
    return hashlib.sha256(code.encode("ascii")).hexdigest()


def receipt_for_code(text: str) -> ConsentReceipt:
    """Return the receipt a code opens, or raise NotFound: a mistyped code and an unknown one answer alike,
    after the same single lookup by hash."""
    code = normalised_code(text)
    # a malformed code is looked up too (as a hash nothing has), so both answers take the same time
    receipt = db.session.scalar(select(ConsentReceipt).where(
        ConsentReceipt.code_sha256 == code_hash(code or "-")))
    if receipt is None:
        raise NotFound("No receipt has this code. Check it against your paper receipt.")
    return receipt


def get_consent(organisation_id: int, consent_id: int) -> ConsentRecord:
    """Return one of the organisation's consent records; another organisation's does not exist."""
    consent = db.session.get(ConsentRecord, consent_id)
    if consent is None or consent.organisation_id != organisation_id:
        raise NotFound("No such consent.")
    return consent


def consents_query(organisation_id: int, *, site_id: int | None = None, state: str | None = None,
                   since: datetime | None = None, until: datetime | None = None, purpose: str | None = None):
    """Return the query of the organisation's consents, filtered, for a caller to order and page: answered from
    `since` and before `until`, and with `purpose` in force."""
    # each record's site comes in one more statement per page, not one per record
    query = select(ConsentRecord).where(ConsentRecord.organisation_id == organisation_id).options(
        selectinload(ConsentRecord.site))
    if site_id is not None:
        query = query.where(ConsentRecord.site_id == site_id)
    if state is not None:
        query = query.where(ConsentRecord.state == state)
    if since is not None:
        query = query.where(ConsentRecord.answered_at >= since)
    if until is not None:
        query = query.where(ConsentRecord.answered_at < until)
    if purpose is not None:
        # JSON columns hold canonical text (signage.app): the key and its state are adjacent, without spaces
        query = query.where(ConsentRecord.state == "given",
                            cast(ConsentRecord.purpose_states, Text).contains(f'"{purpose}":"given"'))
    return query


def later_events(receipt: ConsentReceipt) -> list[dict]:
    """Return the contents of the events after the receipt's answer: what its page and claims report."""
    return [event.content for event in receipt.record.events[1:]]


def pending_deletions_query(organisation_id: int):
    """Return the query of withdrawn consents whose deletion is not yet confirmed, for a caller to order."""
    return select(ConsentRecord).where(ConsentRecord.organisation_id == organisation_id,
                                       ConsentRecord.deletion_due_at.is_not(None),
                                       ConsentRecord.deletion_confirmed_at.is_(None)).options(
        selectinload(ConsentRecord.site))



#: Months the ledger's chart shows, the current one last.
CHART_MONTHS = 12


def monthly_counts(site_id: int, *, now: datetime, time_zone: str | None = None) -> list[dict]:
    """Count a site's consents given, refused and withdrawn in each of the last CHART_MONTHS months of the
    organisation's time zone (an event on the evening of the 31st in Shanghai is January's there, whatever
    UTC says), in one grouped statement over the site's events of that period."""
    local = now.astimezone(zone(time_zone))
    months = last_months((local.year, local.month), CHART_MONTHS)
    following = last_months((local.year + local.month // 12, local.month % 12 + 1), 1)
    starts = [day_start(date.fromisoformat(name + "-01"), time_zone) for name in months + following]
    # each event falls in the month whose local start it follows: the zone's months as UTC moments, so
    # neither database needs to know the zone
    month = case(*((ConsentEvent.event_time < end, name) for name, end in zip(months, starts[1:])), else_=None)
    rows = db.session.execute(
        select(month.label("month"), ConsentEvent.event_type, func.count())
        .join(ConsentRecord, ConsentRecord.id == ConsentEvent.record_id)
        .where(ConsentRecord.site_id == site_id, ConsentEvent.event_time >= starts[0],
               ConsentEvent.event_time < starts[-1], ConsentEvent.event_type.in_(("given", "refused", "withdrawn")))
        .group_by(month, ConsentEvent.event_type)).all()
    counts = {name: {"month": name, "given": 0, "refused": 0, "withdrawn": 0} for name in months}
    for name, kind, count in rows:
        if name in counts:
            counts[name][kind] = count
    return list(counts.values())


def deletion_counts(organisation_id: int, *, now: datetime) -> dict:
    """Count the deletions the organisation owes, and those overdue, on the index of those still owed."""
    owed = pending_deletions_query(organisation_id).subquery()
    row = db.session.execute(select(func.count(), func.count().filter(owed.c.deletion_due_at < now))
                             .select_from(owed)).one()
    return {"owed": row[0], "overdue": row[1]}


def expire_consents(*, now: datetime, limit: int, settings: PackSettings) -> int:
    """Move up to `limit` given consents whose expiry has passed to expired, each with its event and the date
    its face data must be deleted by, as after a withdrawal; return how many. Two runners at once take
    different records (PostgreSQL skips the rows another has locked)."""
    query = (select(ConsentRecord).where(ConsentRecord.state == "given", ConsentRecord.expires_at.is_not(None),
                                         ConsentRecord.expires_at <= now)
             .order_by(ConsentRecord.expires_at).limit(limit))
    if db.session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    consents = list(db.session.scalars(query))
    for consent in consents:
        due = rules.deletion_due_at(_answer(consent)["jurisdiction"], settings, consent.expires_at)
        consent.state, consent.state_changed_at, consent.deletion_due_at = "expired", now, due
        consent.purpose_states = rules.ended_states(consent.purpose_states, "expired")
        _append_event(consent, contents.expired_content(record_uuid=consent.record_uuid,
                                                        expires_at=consent.expires_at, deletion_due_at=due, now=now),
                      by=None, now=now, before="given")
    if consents:
        site_records_changed.send(sorted({consent.site_id for consent in consents}), now=now)
    return len(consents)
