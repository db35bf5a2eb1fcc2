"""Appending to the audit log and reading it back."""
import itertools
import json
from datetime import datetime

from sqlalchemy import select, text

from signage.audit.chain import GENESIS_HASH, Break, canonical_bytes, entry_hash, verify_chain
from signage.audit.models import AuditEntry
from signage.extensions import db

#: Any constant works; it only has to be the same for every writer.
APPEND_LOCK_KEY = 0x5167_4E41


def describe_actor(actor) -> dict:
    """Name who acted: a user (maybe through a token), or the system."""
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
    db.session.flush()  # the subject needs its id before it can be named
    _lock_chain()
    last = db.session.execute(select(AuditEntry.id, AuditEntry.hash).order_by(AuditEntry.id.desc()).limit(1)).first()
    seq, prev_hash = (last.id + 1, last.hash) if last else (1, GENESIS_HASH)
    subject_type, subject_id = _subject_ref(subject)
    org_id = organisation_id if organisation_id is not None else getattr(subject, "organisation_id", None)
    content = {"seq": seq, "time": now, "action": action, "actor": describe_actor(actor),
               "subject": {"type": subject_type, "id": subject_id}, "organisation_id": org_id,
               "changes": changes or {}, "reason": reason}
    canonical = canonical_bytes(content)
    entry = AuditEntry(id=seq, organisation_id=org_id, subject_type=subject_type, subject_id=subject_id,
                       action=action, created_at=now, canonical=canonical, prev_hash=prev_hash,
                       hash=entry_hash(prev_hash, canonical))
    db.session.add(entry)
    db.session.flush()
    return entry


def _lock_chain():
    # PostgreSQL: serialise appenders until commit; SQLite already allows one writer at a time
    if db.session.get_bind().dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": APPEND_LOCK_KEY})


def _subject_ref(subject) -> tuple[str, int | None]:
    if isinstance(subject, tuple):
        return subject
    return type(subject).__tablename__, subject.id


def verify_log(batch_size: int = 50_000) -> tuple[int, Break | None]:
    """Verify the whole stored chain straight from the database; return (entries read, first break)."""
    connection = db.session.connection()
    count = connection.exec_driver_sql("SELECT count(*) FROM audit_entries").scalar()
    # the driver's own cursor, inside the session's transaction: SQLAlchemy's row objects cost
    # more than hashing here, and nothing but plain tuples is needed
    raw = connection.connection.dbapi_connection
    # psycopg's binary protocol skips parsing text for every row: about 1.5x faster to read
    cursor = raw.cursor(binary=True) if connection.dialect.name == "postgresql" else raw.cursor()
    try:
        cursor.execute("SELECT id, prev_hash, hash, canonical FROM audit_entries ORDER BY id")
        found = verify_chain(itertools.chain.from_iterable(iter(lambda: cursor.fetchmany(batch_size), [])))
    finally:
        cursor.close()
    return count, found


def entries_for(subject_type: str | None = None, subject_id: int | None = None, *,
                organisation_id: int | None = None, limit: int = 500) -> list[dict]:
    """Return decoded entries, newest first: what auditors read is the hashed content itself."""
    query = select(AuditEntry).order_by(AuditEntry.id.desc()).limit(limit)
    if subject_type is not None:
        query = query.where(AuditEntry.subject_type == subject_type, AuditEntry.subject_id == subject_id)
    if organisation_id is not None:
        query = query.where(AuditEntry.organisation_id == organisation_id)
    return [decoded(entry) for entry in db.session.scalars(query)]


def decoded(entry: AuditEntry) -> dict:
    """Return an entry's canonical content with its hashes."""
    content = json.loads(entry.canonical)
    content.update(prev_hash=entry.prev_hash, hash=entry.hash)
    return content


def checkpoint_break(seq: int, expected_hash: str) -> Break | None:
    """Compare a saved checkpoint with the log: the entry must still exist with the same hash."""
    stored = db.session.scalar(select(AuditEntry.hash).where(AuditEntry.id == seq))
    if stored is None:
        return Break(seq, "named by the checkpoint is gone (history was cut back)")
    if stored != expected_hash:
        return Break(seq, "has a different hash than the checkpoint (history was rewritten)")
    return None
