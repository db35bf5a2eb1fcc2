"""Consent records, their appended events and their receipts (regulation.md §7)."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from signage.database import UTCDateTime
from signage.extensions import db


#: A withdrawal whose deletion is not yet confirmed.
OWED = "deletion_due_at IS NOT NULL AND deletion_confirmed_at IS NULL"
#: A consent in force that ends on a date.
EXPIRING = "state = 'given' AND expires_at IS NOT NULL"


class ConsentRecord(db.Model):
    """One person's answer to one site's request for consent, under one notice version.

    The events are the record: every column here but the ids is a copy of what they say, kept in the
    transaction of each event so that lists filter and page without replaying them.
    """

    __tablename__ = "consent_records"
    __table_args__ = (
        Index("ix_consent_records_organisation_page", "organisation_id", "id"),
        Index("ix_consent_records_site_state", "site_id", "state", "id"),
        # the person's earlier answers at the same site, which a new one supersedes
        Index("ix_consent_records_subject", "site_id", "subject_ref", "id"),
        # the operator's queue of deletions owed after withdrawal: only those still owed are indexed
        Index("ix_consent_records_deletion_due", "organisation_id", "id", postgresql_where=text(OWED),
              sqlite_where=text(OWED)),
        # housekeeping's search for given consents past their expiry
        Index("ix_consent_records_expiring", "expires_at", postgresql_where=text(EXPIRING),
              sqlite_where=text(EXPIRING)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: ISO/IEC TS 27560 record_id: a UUID4, the identifier receipts carry.
    record_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    notice_version_id: Mapped[int] = mapped_column(ForeignKey("notice_versions.id"))
    #: The number of that version, so renewals compare without a join.
    notice_number: Mapped[int] = mapped_column(Integer)
    #: The operator's pseudonymous reference for the person (a membership number): never a face, a
    #: template or a government id.
    subject_ref: Mapped[str] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(20))
    #: {purpose key: state} for each purpose asked: the primary one and each optional one.
    purpose_states: Mapped[dict] = mapped_column(JSON)
    #: The time of the first answer (given or refused).
    answered_at: Mapped[datetime] = mapped_column(UTCDateTime)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set after a withdrawal: when the face data must be deleted by, and when the operator confirmed it.
    deletion_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    deletion_confirmed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    events_count: Mapped[int] = mapped_column(Integer, default=0)
    #: The one-time value of the kiosk or self-service flow that recorded the answer: the same form sent
    #: twice records one answer.
    capture_once: Mapped[str | None] = mapped_column(String(32), unique=True)

    events = relationship("ConsentEvent", order_by="ConsentEvent.seq", back_populates="record")
    notice_version = relationship("NoticeVersion")
    site = relationship("Site")


class ConsentEvent(db.Model):
    """One transition of a consent record; the database refuses UPDATE and DELETE (append-only)."""

    __tablename__ = "consent_events"
    __table_args__ = (UniqueConstraint("record_id", "seq", name="record_seq"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("consent_records.id"))
    #: 1 for the answer, then one more for each later event of the record.
    seq: Mapped[int] = mapped_column(Integer)
    #: given, refused, withdrawn, deletion_confirmed, superseded or expired
    event_type: Mapped[str] = mapped_column(String(30))
    #: The record's state after the event (ISO/IEC TS 27560 event_state).
    event_state: Mapped[str] = mapped_column(String(20))
    event_time: Mapped[datetime] = mapped_column(UTCDateTime)
    #: What the event says in full; the answer's event holds the whole record of §7.2.
    content: Mapped[dict] = mapped_column(JSON)
    #: SHA-256 of the canonical bytes of content, also in the event's audit entry.
    sha256: Mapped[str] = mapped_column(String(64))

    record = relationship("ConsentRecord", back_populates="events")


class ConsentReceipt(db.Model):
    """The receipt of an answer or a withdrawal; append-only like the events.

    Only the code's SHA-256 is stored: the code is the person's key to their withdrawal, so a copy of
    the database must not hand it out.
    """

    __tablename__ = "consent_receipts"

    id: Mapped[int] = mapped_column(primary_key=True)
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    #: The receipt's own identifier (Kantara consentReceiptID): a UUID4 that reveals nothing of the code.
    receipt_uuid: Mapped[str] = mapped_column(String(36), unique=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("consent_records.id"), index=True)
    event_id: Mapped[int] = mapped_column(ForeignKey("consent_events.id"))
    #: given, refused or withdrawn
    kind: Mapped[str] = mapped_column(String(20))
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The language the page and the PDF speak first: the one the person answered in.
    language: Mapped[str] = mapped_column(String(10))

    record = relationship("ConsentRecord")
    event = relationship("ConsentEvent")


class ConsentChannel(db.Model):
    """A way a site collects consent besides the API: a kiosk link, or self-service from its notice.

    A kiosk link is a secret URL bound to one site that can only record consents; only its SHA-256 is kept,
    so the URL is shown once. Revoking one ends it at once; nothing is deleted.
    """

    __tablename__ = "consent_channels"
    __table_args__ = (Index("ix_consent_channels_site", "site_id", "kind", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    #: kiosk or self_service
    kind: Mapped[str] = mapped_column(String(20))
    label: Mapped[str] = mapped_column(String(100))
    token_sha256: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    site = relationship("Site")


class ConsentRenewal(db.Model):
    """Since which notice version a site's consents must be asked again: a later version changed what the
    person agreed to (purpose, function, data, retention, recipients or contact). Consents given under an
    earlier version need renewal until the person answers again."""

    __tablename__ = "consent_renewals"

    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), primary_key=True)
    #: Consents given under a version below this number need renewal.
    from_number: Mapped[int] = mapped_column(Integer)
    since: Mapped[datetime] = mapped_column(UTCDateTime)
