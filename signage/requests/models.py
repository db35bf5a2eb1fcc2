"""A person's request about their data, or a report about a sign, and the steps taken on it."""
from datetime import date, datetime

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from signage.database import UTCDateTime
from signage.extensions import db

#: Still waiting for the operator: what the queue and the home page count.
OPEN = "state <> 'closed'"
#: Closed with a reply contact still held: what housekeeping erases once the period after closure ends.
CONTACT_HELD = "reply_contact IS NOT NULL AND closed_at IS NOT NULL"
#: A reminder still to write: housekeeping looks only at these.
REMINDER_DUE = "next_reminder_at IS NOT NULL"


class PublicRequest(db.Model):
    """One rights request (access, deletion, objection, ...) or one sign report (missing, damaged, covered,
    moved, suspected fake), filed from a site's public notice; the reference code is its only key."""

    __tablename__ = "public_requests"
    __table_args__ = (
        Index("ix_public_requests_organisation_page", "organisation_id", "id"),
        Index("ix_public_requests_open", "organisation_id", "effective_due_on", "id", postgresql_where=text(OPEN),
              sqlite_where=text(OPEN)),
        Index("ix_public_requests_site", "site_id", "id"),
        Index("ix_public_requests_contact_held", "closed_at", postgresql_where=text(CONTACT_HELD),
              sqlite_where=text(CONTACT_HELD)),
        Index("ix_public_requests_reminder", "next_reminder_at", postgresql_where=text(REMINDER_DUE),
              sqlite_where=text(REMINDER_DUE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: SHA-256 of the reference code, which is shown once and never stored itself.
    code_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"))
    #: The sign scanned when the form was opened from a sign's URL.
    sign_id: Mapped[int | None] = mapped_column(ForeignKey("signs.id"))
    #: "rights" or "sign".
    category: Mapped[str] = mapped_column(String(10))
    kind: Mapped[str] = mapped_column(String(20))
    #: The language the person wrote in, which the status page opens in.
    language: Mapped[str] = mapped_column(String(10))
    #: When the person passed, roughly, as they gave it in local time ("2026-12-01T08:30"); optional.
    passed_at: Mapped[str | None] = mapped_column(String(16))
    description: Mapped[str | None] = mapped_column(Text)
    #: "email" or "phone", and where to reply: used for the reply only, never audited, erased after closure.
    reply_channel: Mapped[str | None] = mapped_column(String(10))
    reply_contact: Mapped[str | None] = mapped_column(String(254))
    contact_erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    state: Mapped[str] = mapped_column(String(20))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The law's date (the earliest of the site's jurisdictions), None where no period applies and the
    #: organisation set none; provisional when counted across a year without a working-day table.
    due_on: Mapped[date | None] = mapped_column(Date)
    due_provisional: Mapped[bool] = mapped_column(Boolean, default=False)
    #: Which period gave the date, as the rule's key (request_days_cn, request_months_eu, organisation).
    due_basis: Mapped[str | None] = mapped_column(String(40))
    extended_due_on: Mapped[date | None] = mapped_column(Date)
    extension_reason: Mapped[str | None] = mapped_column(Text)
    #: The extended date when there is one, else the law's: what the clocks colour by and overdue counts.
    effective_due_on: Mapped[date | None] = mapped_column(Date)
    #: When the next reminder to the operator is due: the start, in the organisation's time zone, of a day a few
    #: days before the date, then of the day after it. A moment, so housekeeping reads only the rows due.
    next_reminder_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
    steps_count: Mapped[int] = mapped_column(Integer, default=0)
    #: The one-time value of the form that filed it: the same form sent twice files one request.
    form_once: Mapped[str | None] = mapped_column(String(32), unique=True)

    site = relationship("Site", lazy="raise")
    sign = relationship("Sign", lazy="raise")
    steps = relationship("RequestStep", order_by="RequestStep.seq", lazy="raise", back_populates="request")


class RequestStep(db.Model):
    """One thing that happened to a request, shown on its status page: received, acknowledged, more
    information asked, extended, answered, closed. The message is what the person is told."""

    __tablename__ = "request_steps"
    __table_args__ = (Index("ix_request_steps_request", "request_id", "seq", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("public_requests.id"))
    seq: Mapped[int] = mapped_column(Integer)
    action: Mapped[str] = mapped_column(String(20))
    state: Mapped[str] = mapped_column(String(20))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: The dashboard user who acted; None for the person and for housekeeping.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    message: Mapped[str | None] = mapped_column(Text)

    request = relationship("PublicRequest", back_populates="steps", lazy="raise")
