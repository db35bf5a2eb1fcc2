"""Jobs: a piece of organisation-wide work, its progress, and where to continue."""
from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from signage.database import UTCDateTime
from signage.extensions import db

#: A failed job stopped at the same batch MAX_ATTEMPTS runs in a row (an error that does not pass by
#: itself); `flask housekeeping --retry-failed` puts it back to pending once the cause is fixed.
JOB_STATES = ("pending", "done", "failed")
MAX_ATTEMPTS = 3


class Job(db.Model):
    """Organisation-wide work done in batches; the cursor says where the next batch starts."""

    __tablename__ = "jobs"
    __table_args__ = (Index("ix_jobs_state", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: Which handler does the work: a name a feature registered (signage.jobs.services.handlers).
    kind: Mapped[str] = mapped_column(String(40))
    state: Mapped[str] = mapped_column(String(12), default="pending")
    #: What the handler needs to know, in plain JSON (who asked, what changed).
    payload: Mapped[dict] = mapped_column(JSON, default=dict)
    #: The last site id done: the next batch starts after it.
    cursor: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    #: Runs in a row that failed at the batch after the cursor; a batch done sets it back to 0.
    attempts: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)
