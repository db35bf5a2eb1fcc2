"""The duties of each site, as the rules last derived them, and the evidence of those marked done.

A duty row is kept beside its site like the findings summary: rewritten in the transaction of every change
that can move it (rules/duties.py derives it), so a calendar of 100,000 sites reads one table through its
indexes. What only people know (that a duty was done, and the proof) is written by a service that logs it.
"""
from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, LargeBinary, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from signage.database import UTCDateTime
from signage.extensions import db


class Duty(db.Model):
    """One dated duty of one site."""

    __tablename__ = "duties"
    __table_args__ = (
        UniqueConstraint("site_id", "key", name="uq_duties_site_key"),
        # every list walks the organisation's duties in date order, a range of this index
        Index("ix_duties_by_date", "organisation_id", "due_order"),
        Index("ix_duties_site", "site_id", "due_order"),
        # the last cycle done of each sign and each site's review, read by a grouped index scan
        Index("ix_duties_cycles", "site_id", "kind", "subject", "done_on"),
        # the reminders whose moment has come, found at the start of an index
        Index("ix_duties_next_reminder", "next_reminder_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    #: Stable while it is the same duty ("cn_filing", "sign_inspection:<serial>:<cycle start>"): the feed's UID.
    key: Mapped[str] = mapped_column(String(80))
    kind: Mapped[str] = mapped_column(String(30))
    #: What the duty is about within the site, where it is one of several of its kind: a sign's serial.
    subject: Mapped[str | None] = mapped_column(String(40))
    #: "record": derived from the site's state, withdrawn when it no longer is; "change": started by an edit.
    origin: Mapped[str] = mapped_column(String(10))
    trigger_on: Mapped[date | None] = mapped_column(Date)
    due_on: Mapped[date | None] = mapped_column(Date)
    #: The date's day number times 2**32 plus the id (undated last): the list's order and keyset cursor.
    due_order: Mapped[int] = mapped_column(BigInteger, default=0)
    #: Years without a CN working-day table that the due date was counted across: it is provisional.
    provisional_years: Mapped[list] = mapped_column(JSON, default=list)
    params: Mapped[dict] = mapped_column(JSON, default=dict)
    done_on: Mapped[date | None] = mapped_column(Date)
    #: Who marked it done; None when the site's record shows it done (a filing date, an assessment date).
    done_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    done_reference: Mapped[str | None] = mapped_column(String(200))
    evidence_name: Mapped[str | None] = mapped_column(String(200))
    evidence_sha256: Mapped[str | None] = mapped_column(String(64))
    withdrawn_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: When the next reminder is due (the start of that day in the organisation's time zone); None when none is.
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Raised at each change a calendar shows (RFC 5545 SEQUENCE), so clients update the event in place.
    sequence: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)

    site = relationship("Site")


class DutyEvidence(db.Model):
    """The file the operator attached when marking a duty done; its SHA-256 is in the duty and the audit log."""

    __tablename__ = "duty_evidence"

    duty_id: Mapped[int] = mapped_column(ForeignKey("duties.id"), primary_key=True)
    media_type: Mapped[str] = mapped_column(String(40))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class CalendarFeed(db.Model):
    """How many times the organisation revoked its calendar feed: the feed's secret URL is a MAC of the
    organisation and this generation, so it exists without a write and revoking it moves to the next."""

    __tablename__ = "calendar_feeds"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    generation: Mapped[int] = mapped_column(Integer, default=0)
    revoked_at: Mapped[datetime] = mapped_column(UTCDateTime)


class DutyReminderSubscription(db.Model):
    """An owner or editor who asked to be e-mailed the reminders of the organisation's duties."""

    __tablename__ = "duty_reminder_subscriptions"

    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ViolationNotice(db.Model):
    """A written notice of a violation the operator received (New York City's sign rule), which opens the
    window to cure it; recorded by a service that logs it."""

    __tablename__ = "violation_notices"

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    received_on: Mapped[date] = mapped_column(Date)
    reference: Mapped[str | None] = mapped_column(String(100))
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
