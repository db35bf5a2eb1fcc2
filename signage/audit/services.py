"""Appending to the audit log and reading it back; verifying it is signage.audit.verification."""
import json
from datetime import date, datetime, timedelta, timezone

from flask import has_request_context
from sqlalchemy import func, insert, select, text

from signage.audit.chain import GENESIS_HASH, actor_ref, canonical_bytes, entry_hash
from signage.audit.models import AuditEntry
from signage.database import WRITE_LOCK_KEY, write_intent
from signage.extensions import db
from signage.local_time import day_start


def describe_actor(actor) -> dict:
    """Name who acted: a user (maybe through a token), the system, or an actor described before (a job)."""
    if isinstance(actor, dict):
        return dict(actor)
    if actor is None or isinstance(actor, str):
        return {"type": "system", "label": actor or "system"}
    via = getattr(actor, "acting_via", None)
    described = {"type": "user", "id": actor.id, "label": actor.email}
    if via:
        described["via"] = via
    return described


def append_entry(action: str, *, actor, subject, now: datetime, changes: dict | None = None,
                 reason: str | None = None, organisation_id: int | None = None) -> AuditEntry:
    """Append one entry to the chain in the caller's transaction, never racing another writer."""
    now = _utc(now)
    seq, prev_hash = _chain_tail()  # flushed first: the subject has its id now
    subject_type, subject_id = _subject_ref(subject)
    org_id = organisation_id if organisation_id is not None else getattr(subject, "organisation_id", None)
    entry = AuditEntry(**_entry_row(seq + 1, prev_hash, now, action, actor, subject_type, subject_id, org_id,
                                    changes, reason))
    db.session.add(entry)
    db.session.flush()
    return entry


def append_entries(items: list[dict], *, now: datetime) -> int:
    """Append many entries at once (a bulk import), in order and in the caller's transaction.

    Each item has action, actor, subject ((type, id)), organisation_id, changes and optionally reason;
    the chain is the same as if append_entry had been called for each.
    """
    now = _utc(now)
    if not items:
        return 0
    seq, prev_hash = _chain_tail()
    rows = []
    for item in items:
        seq += 1
        rows.append(_entry_row(seq, prev_hash, now, item["action"], item["actor"], *item["subject"],
                               item["organisation_id"], item.get("changes"), item.get("reason")))
        prev_hash = rows[-1]["hash"]
    db.session.execute(insert(AuditEntry), rows)
    return len(rows)


def _utc(now: datetime) -> datetime:
    if now.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware UTC time")
    return now.astimezone(timezone.utc)  # the hashed time and the stored column must read alike


def _chain_tail() -> tuple[int, str]:
    """Flush pending rows, take the chain's turn, and return the last entry's number and hash (0 and the
    genesis hash for an empty log)."""
    db.session.flush()
    _lock_chain()
    last = db.session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    return (last.id, last.hash) if last else (0, GENESIS_HASH)


def _entry_row(seq, prev_hash, now, action, actor, subject_type, subject_id, organisation_id, changes,
               reason) -> dict:
    """Return one entry's stored columns, its canonical bytes hashed with its predecessor's hash."""
    described = describe_actor(actor)
    canonical = canonical_bytes({"seq": seq, "time": now, "action": action, "actor": described,
                                 "subject": {"type": subject_type, "id": subject_id},
                                 "organisation_id": organisation_id, "changes": changes or {}, "reason": reason})
    return {"id": seq, "organisation_id": organisation_id, "subject_type": subject_type, "subject_id": subject_id,
            "action": action, "actor_id": actor_ref(described), "created_at": now, "canonical": canonical,
            "prev_hash": prev_hash, "hash": entry_hash(prev_hash, canonical)}


def _lock_chain():
    if has_request_context() and not write_intent.get():
        # a request that appends must be a declared writer (signage.database), which holds the lock from its
        # first statement; a GET or reads_only view taking it only here, after rows it may have locked,
        # could deadlock, so it is a programming error
        raise RuntimeError("an audit entry appended by a request declared read-only")
    # PostgreSQL: serialise appenders until commit. A writer's transaction already holds the lock from
    # its first statement (signage.database), and taking it twice is harmless; work outside a request
    # (a command, a test's own session) takes it here. SQLite writers hold the write lock from BEGIN IMMEDIATE.
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": WRITE_LOCK_KEY})


def _subject_ref(subject) -> tuple[str, int | None]:
    if isinstance(subject, tuple):
        return subject
    return type(subject).__tablename__, subject.id


def organisation_entry_count(organisation_id: int) -> int:
    """Count the organisation's entries in the chain."""
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.organisation_id == organisation_id))


def entries_query(subject_type: str | None = None, subject_id: int | None = None, *,
                  organisation_id: int | None = None):
    """Return the query of entries, of one subject or one organisation, for a caller to order and page."""
    query = select(AuditEntry)
    if subject_type is not None:
        query = query.where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
    if organisation_id is not None:
        query = query.where(AuditEntry.organisation_id == organisation_id)
    return query


def filtered_entries(query, *, action: str | None = None, actor: int | str | None = None, since: date | None = None,
                     until: date | None = None, time_zone: str = "UTC"):
    """Narrow a query of entries to one action, one actor (a user's id, or "system" for what no user did) and
    to the days from `since` to `until`, both included, as the days of `time_zone` (an IANA name: the
    organisation's in the dashboard, UTC in the API)."""
    if action:
        query = query.where(AuditEntry.action == action)
    if actor == "system":
        query = query.where(AuditEntry.actor_id.is_(None))
    elif actor is not None:
        query = query.where(AuditEntry.actor_id == actor)
    start = day_start(since, time_zone) if since else None
    if start is not None:  # None: the first days there are, with nothing before them
        query = query.where(AuditEntry.created_at >= start)
    end = day_start(until + timedelta(days=1), time_zone) if until and until < date.max else None
    if end is not None:  # None: the last days there are, with nothing after them to exclude
        query = query.where(AuditEntry.created_at < end)
    return query


def entries_for(subject_type: str | None = None, subject_id: int | None = None, *,
                organisation_id: int | None = None, limit: int = 500) -> list[dict]:
    """Return decoded entries, newest first: what auditors read is the hashed content itself."""
    query = entries_query(subject_type, subject_id, organisation_id=organisation_id)
    return [decoded(entry) for entry in db.session.scalars(query.order_by(AuditEntry.id.desc()).limit(limit))]


def decoded(entry: AuditEntry) -> dict:
    """Return an entry's canonical content with its hashes."""
    content = json.loads(entry.canonical)
    content.update(prev_hash=entry.prev_hash, hash=entry.hash)
    return content
