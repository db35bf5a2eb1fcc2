"""Starting organisation-wide work, and doing it a batch of sites at a time.

A change that touches every site of an organisation (the operator's phone number, the count of people
stored) is saved at once with a job; `flask housekeeping` (or the server's housekeeping thread) then
does the work in batches, each in its own transaction, so a batch is done whole or not at all and a
stopped run carries on where it stopped. Features register a handler per kind of job.
"""
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, select

from signage.extensions import db
from signage.jobs.models import MAX_ATTEMPTS, Job

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


def next_job(excluding: frozenset[int] = frozenset()) -> Job | None:
    """Claim the oldest pending job not excluded; on PostgreSQL a job another worker holds is skipped."""
    query = select(Job).where(Job.state == "pending").order_by(Job.id).limit(1).with_for_update(skip_locked=True)
    if excluding:
        query = query.where(Job.id.not_in(excluding))
    return db.session.scalar(query)


def run_batch(job: Job, *, now: datetime, settings, batch_size: int = BATCH_SIZE) -> bool:
    """Do the next batch of a job; return whether more remains. The caller commits."""
    next_ids, handle = HANDLERS[job.kind]
    ids = next_ids(job.organisation_id, job.cursor, batch_size)
    if ids:
        handle(job, ids, now, settings)
        job.cursor, job.done, job.attempts = ids[-1], job.done + len(ids), 0
    job.updated_at = now
    if len(ids) < batch_size:
        job.state, job.done = "done", max(job.done, job.total)
        return False
    return True


def record_failure(job_id: int, cursor: int, *, now: datetime) -> bool:
    """Count a failed batch of a job, in the caller's fresh transaction; set the job aside (failed) once the
    same batch failed MAX_ATTEMPTS runs in a row. Return whether it was set aside.

    Nothing is counted if the job moved on meanwhile (another runner did that batch) or is no longer pending.
    """
    job = db.session.scalar(select(Job).where(Job.id == job_id).with_for_update())
    if job is None or job.state != "pending" or job.cursor != cursor:
        return False
    job.attempts, job.updated_at = job.attempts + 1, now
    if job.attempts >= MAX_ATTEMPTS:
        job.state = "failed"
    return job.state == "failed"


def failed_job_count() -> int:
    """Count the jobs set aside, of every organisation: what the housekeeping command reports."""
    return db.session.scalar(select(func.count(Job.id)).where(Job.state == "failed"))


def retry_failed(*, now: datetime) -> int:
    """Put every failed job back to pending, to carry on from its cursor; return how many. The caller commits."""
    jobs = list(db.session.scalars(select(Job).where(Job.state == "failed").with_for_update()))
    for job in jobs:
        job.state, job.attempts, job.updated_at = "pending", 0, now
    return len(jobs)


def pending_jobs(organisation_id: int) -> list[Job]:
    """Return the organisation's unfinished jobs (pending or failed), for the dashboard to show."""
    return list(db.session.scalars(select(Job).where(Job.organisation_id == organisation_id,
                                                     Job.state.in_(("pending", "failed"))).order_by(Job.id).limit(10)))
