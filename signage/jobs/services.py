"""Starting organisation-wide work, and doing it a batch of sites at a time.

A change that touches every site of an organisation (the operator's phone number, the count of people
stored) is saved at once with a job; `flask housekeeping` (or the server's housekeeping thread) then
does the work in batches, each in its own transaction, so a batch is done whole or not at all and a
stopped run carries on where it stopped. Features register a handler per kind of job.
"""
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select

from signage.extensions import db
from signage.jobs.models import Job

#: kind -> (next_ids(organisation_id, after, limit), handle(job, ids, now, settings)) as registered.
HANDLERS: dict[str, tuple[Callable, Callable]] = {}
BATCH_SIZE = 200


def register_handler(kind: str, next_ids: Callable, handle: Callable) -> None:
    """Say how a kind of job finds its next batch of record ids and does the work for them (idempotent).

    The jobs know nothing of sites: the feature that starts a job says what it covers.
    """
    HANDLERS[kind] = (next_ids, handle)


def start_job(organisation_id: int, kind: str, payload: dict, *, total: int, now: datetime) -> Job:
    """Record work to do over an organisation's records, in the caller's transaction."""
    job = Job(organisation_id=organisation_id, kind=kind, state="pending", payload=payload, cursor=0, done=0,
              total=total, created_at=now, updated_at=now)
    db.session.add(job)
    db.session.flush()
    return job


def next_job() -> Job | None:
    """Claim the oldest pending job; on PostgreSQL a job another worker holds is skipped."""
    query = select(Job).where(Job.state == "pending").order_by(Job.id).limit(1).with_for_update(skip_locked=True)
    return db.session.scalar(query)


def run_batch(job: Job, *, now: datetime, settings, batch_size: int = BATCH_SIZE) -> bool:
    """Do the next batch of a job; return whether more remains. The caller commits."""
    next_ids, handle = HANDLERS[job.kind]
    ids = next_ids(job.organisation_id, job.cursor, batch_size)
    if ids:
        handle(job, ids, now, settings)
        job.cursor, job.done = ids[-1], job.done + len(ids)
    job.updated_at = now
    if len(ids) < batch_size:
        job.state, job.done = "done", max(job.done, job.total)
        return False
    return True


def mark_failed(job_id: int, *, now: datetime) -> None:
    """Set a job aside after an error, in the caller's (fresh) transaction, so that the others go on."""
    job = db.session.get(Job, job_id)
    if job is not None and job.state == "pending":
        job.state, job.updated_at = "failed", now


def retry_failed(*, now: datetime) -> int:
    """Put every failed job back to pending, to carry on from its cursor; return how many. The caller commits."""
    jobs = list(db.session.scalars(select(Job).where(Job.state == "failed").with_for_update()))
    for job in jobs:
        job.state, job.updated_at = "pending", now
    return len(jobs)


def pending_jobs(organisation_id: int) -> list[Job]:
    """Return the organisation's unfinished jobs (pending or failed), for the dashboard to show."""
    return list(db.session.scalars(select(Job).where(Job.organisation_id == organisation_id,
                                                     Job.state.in_(("pending", "failed"))).order_by(Job.id).limit(10)))
