"""Check every consent event against its own hash and the audit entry that appended it, when the log is
verified: an event edited, moved, inserted or deleted by someone who set the database's triggers aside."""
import hashlib
import json
from datetime import datetime
from itertools import groupby

from sqlalchemy import Text, cast, select

from signage.audit.models import AuditEntry
from signage.audit.verification import RecordBreak
from signage.consent.content import event_sha256, replayed
from signage.consent.models import ConsentEvent, ConsentRecord
from signage.extensions import db

KIND = "Consent event"
SUBJECT = ConsentRecord.__tablename__


def consent_breaks(_sender=None, **_) -> list[RecordBreak]:
    """Return each consent event that differs from what its audit entry recorded, and each one that is gone.

    Events and entries are read as two streams in record order and merged, so memory holds one record's
    events at a time, however many consents there are.
    """
    events = db.session.execute(
        select(ConsentEvent.id, ConsentEvent.record_id, ConsentEvent.seq, ConsentEvent.event_type,
               ConsentEvent.event_time, ConsentEvent.sha256, cast(ConsentEvent.content, Text).label("content"),
               ConsentRecord.organisation_id, *RECORD_COLUMNS)
        .join(ConsentRecord, ConsentRecord.id == ConsentEvent.record_id)
        .order_by(ConsentEvent.record_id, ConsentEvent.seq).execution_options(yield_per=2000))
    entries = db.session.execute(
        select(AuditEntry.subject_id, AuditEntry.canonical).where(AuditEntry.subject_type == SUBJECT)
        .order_by(AuditEntry.subject_id, AuditEntry.id).execution_options(yield_per=2000))
    by_record = groupby(events, key=lambda row: row.record_id)
    logged = groupby(((subject_id, json.loads(canonical)) for subject_id, canonical in entries), key=lambda item: item[0])
    return list(_merged(by_record, logged))


def _merged(by_record, logged):
    record, entry = next(by_record, None), next(logged, None)
    while record is not None or entry is not None:
        if entry is None or (record is not None and record[0] < entry[0]):
            yield from _compared(list(record[1]), [])
            record = next(by_record, None)
        elif record is None or entry[0] < record[0]:
            yield from _compared([], [content for _, content in entry[1]], record_id=entry[0])
            entry = next(logged, None)
        else:
            yield from _compared(list(record[1]), [content for _, content in entry[1]])
            record, entry = next(by_record, None), next(logged, None)


def _compared(rows: list, contents: list[dict], record_id: int | None = None):
    """Compare one record's events with its entries, the k-th event with the k-th entry, then the record's own
    columns (which lists, the API and withdrawals read) with what its events say."""
    broken = False
    for index in range(max(len(rows), len(contents))):
        row = rows[index] if index < len(rows) else None
        entry = contents[index] if index < len(contents) else None
        if row is None:
            yield RecordBreak("Consent record", record_id or rows[0].record_id, entry.get("organisation_id"),
                              f"lost its event {index + 1}, which the audit log recorded (deleted)")
            continue
        reason = mismatch(row, entry, index + 1)
        if reason:
            broken = True
            yield RecordBreak(KIND, row.id, row.organisation_id, reason)
    if rows and not broken:
        columns = columns_mismatch(rows[0], replayed([json.loads(row.content) for row in rows]))
        if columns:
            yield RecordBreak("Consent record", rows[0].record_id, rows[0].organisation_id,
                              f"says other {columns} than its events (edited)")


#: The record's columns that copy what its events say, read with each event row.
RECORD_COLUMNS = (ConsentRecord.state.label("r_state"), ConsentRecord.subject_ref.label("r_subject_ref"),
                  ConsentRecord.site_id.label("r_site_id"), ConsentRecord.notice_version_id.label("r_notice_version_id"),
                  ConsentRecord.notice_number.label("r_notice_number"),
                  cast(ConsentRecord.purpose_states, Text).label("r_purpose_states"),
                  ConsentRecord.expires_at.label("r_expires_at"), ConsentRecord.deletion_due_at.label("r_deletion_due_at"),
                  ConsentRecord.deletion_confirmed_at.label("r_deletion_confirmed_at"))
TIMES = ("expires_at", "deletion_due_at", "deletion_confirmed_at")


def columns_mismatch(row, expected: dict) -> str | None:
    """Name the record's columns that differ from what its events say, or None when they agree."""
    differ = []
    for name, value in expected.items():
        stored = getattr(row, f"r_{name}")
        if name == "purpose_states":
            stored = json.loads(stored)
        elif name in TIMES:
            value = datetime.fromisoformat(value) if value else None
        if stored != value:
            differ.append(name)
    return ", ".join(differ) or None


def mismatch(row, entry: dict | None, position: int) -> str | None:
    """Say how a stored event differs from the entry that appended it, or None when they agree."""
    if hashlib.sha256(row.content.encode("utf-8")).hexdigest() != row.sha256 and \
            event_sha256(json.loads(row.content)) != row.sha256:
        return "does not match its SHA-256 (its content was edited)"
    if entry is None:
        return "was never appended through the audit log (inserted)"
    changes = entry.get("changes") or {}
    if (changes.get("sha256") or [None, None])[1] != row.sha256:
        return "has a different SHA-256 than the audit log recorded (rewritten)"
    if row.seq != position or (changes.get("event") or [None, None])[1] != row.seq:
        return "is out of its place in the record (moved)"
    if entry.get("action") != f"consent.{row.event_type}":
        return "is of another kind than the audit log recorded (edited)"
    if entry.get("time") != row.event_time.isoformat():
        return "has a different time than the audit log recorded (edited)"
    if entry.get("organisation_id") != row.organisation_id:
        return "belongs to another organisation than the audit log recorded (moved)"
    return None
