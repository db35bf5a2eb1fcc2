"""The outbox: messages waiting to be sent, and when each was."""
from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from signage.database import UTCDateTime
from signage.extensions import db

#: Not yet sent: what a sender looks for.
UNSENT = "sent_at IS NULL"


class OutboxMessage(db.Model):
    """One e-mail to one dashboard user. `dedupe_key` names what it is about (a request received, a deadline
    three days away), so the same notice is written once however often the cause is seen."""

    __tablename__ = "outbox_messages"
    __table_args__ = (Index("ix_outbox_messages_unsent", "lease_until", "id", postgresql_where=text(UNSENT),
                            sqlite_where=text(UNSENT)),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: A sender's claim: until then no other sender takes the message; a sender that died lets it lapse.
    lease_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    lease_token: Mapped[str | None] = mapped_column(String(32))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: The last failure's reason (the SMTP server's answer), never the message's content.
    last_error: Mapped[str | None] = mapped_column(String(500))
