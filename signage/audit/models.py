"""Audit entries: append-only, each hashing its predecessor."""
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from signage.database import UTCDateTime
from signage.extensions import db


class AuditEntry(db.Model):
    """One change to one record; the stored canonical bytes are what the hash covers."""

    __tablename__ = "audit_entries"
    # an organisation's log and a record's history are both paged newest first by id
    __table_args__ = (Index("ix_audit_entries_subject_page", "subject_type", "subject_id", "id"),
                      Index("ix_audit_entries_organisation_page", "organisation_id", "id"),
                      Index("ix_audit_entries_actor_page", "organisation_id", "actor_id", "id"))

    #: Assigned as previous id + 1 under the append lock, so a gap means a deleted entry.
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                    autoincrement=False)
    #: Copies of canonical content, kept only so entries can be filtered by SQL.
    organisation_id: Mapped[int | None] = mapped_column(ForeignKey("organisations.id"))
    subject_type: Mapped[str] = mapped_column(String(40))
    subject_id: Mapped[int | None] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(60))
    #: The acting user's id (chain.actor_ref), None for the system: the log filtered by who acted.
    actor_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: UTF-8 JSON with sorted keys: the bytes the hash is computed over.
    canonical: Mapped[bytes] = mapped_column(LargeBinary)
    #: Hash of the entry before this one; unique, so the chain can never fork.
    prev_hash: Mapped[str] = mapped_column(String(64), unique=True)
    hash: Mapped[str] = mapped_column(String(64), unique=True)


class LogHash(db.Model):
    """A hash of the audit log's Merkle tree (audit.merkle) at a level the tiles publish: level 0 holds each
    entry's leaf hash, level 8 each complete subtree of 256 leaves, level 16 of 65,536, and so on. Derived
    from the entries and written only by audit.transparency, which checks it against them when verifying."""

    __tablename__ = "log_hashes"

    level: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    index: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True,
                                       autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


class LogCheckpoint(db.Model):
    """A checkpoint of the log signed by the service (C2SP tlog-checkpoint in a signed note)."""

    __tablename__ = "log_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    size: Mapped[int] = mapped_column(BigInteger)
    root: Mapped[bytes] = mapped_column(LargeBinary(32))
    #: the whole signed note, as /log/checkpoint serves it
    note: Mapped[str] = mapped_column(String(2000))
    signed_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
