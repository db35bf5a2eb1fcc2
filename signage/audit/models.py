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
