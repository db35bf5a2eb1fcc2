"""Housekeeping: finish organisation-wide jobs, refresh findings summaries that dates may have moved, render
notice pages ahead, fill the public register's rows of sites published before it existed, expire consents
past their validity, erase the reply contacts of requests closed long enough ago, write the reminders of
requests' dates and of the calendar's duties, add new entries to the transparency log and sign its checkpoint when due, and send the
outbox.

Each batch is its own transaction, so a run that stops leaves every batch done or untouched, and the
next run carries on. Safe to run twice, and at the same time from two places: PostgreSQL hands each
job to one runner (SKIP LOCKED); SQLite lets one writer work at a time. `flask --app wsgi housekeeping`
runs it once (for a scheduler); gunicorn.conf.py runs it in each worker every SIGNAGE_HOUSEKEEPING_EVERY
seconds.
"""
import logging
import threading
import time
from collections.abc import Callable

from flask import Flask, current_app
from sqlalchemy.exc import IntegrityError
from signage.audit.transparency import checkpoint_due, extend_log, sign_checkpoint
from signage.calendar.reminders import remind_duties
from signage.config import pack_settings
from signage.consent.services import expire_consents
from signage.database import utcnow
from signage.extensions import db
from signage.jobs.models import MAX_ATTEMPTS
from signage.jobs.services import BATCH_SIZE, next_job, record_failure, run_batch
from signage.notices.cache import caches
from signage.notices.pages import render_missing_pages
from signage.outbox.services import send_pending
from signage.register.services import fill_register
from signage.requests.services import erase_closed_contacts, remind_deadlines
from signage.sites.summaries import refresh_summaries, stale_summaries

log = logging.getLogger(__name__)


def run_housekeeping(*, batch_size: int = BATCH_SIZE, on_batch: Callable[[str, int, int], None] | None = None,
                     deadline: float | None = None) -> dict:
    """Do pending jobs, refresh stale summaries, then render the public pages of new notice versions, a
    committed batch at a time; return what was done."""
    report = {"batches": 0, "summaries": 0, "pages": 0, "listed": 0, "expired": 0, "erased": 0, "failed": 0,
              "logged": 0, "checkpoints": 0}
    settings = pack_settings()
    stumbled: set[int] = set()  # jobs whose batch failed in this run: tried again by the next run, not this one
    while deadline is None or time.monotonic() < deadline:
        job = next_job(frozenset(stumbled))
        if job is None:
            db.session.rollback()
            break
        job_id, kind, cursor = job.id, job.kind, job.cursor
        try:
            run_batch(job, now=utcnow(), settings=settings, batch_size=batch_size)
            progress = (job.kind, job.done, job.total)
            db.session.commit()
        except Exception:  # the batch is undone whole; the others go on, and this one is tried again later
            db.session.rollback()
            # logged first: counting the failure needs the database, which may be what failed
            log.exception("housekeeping: a batch of job %s (%s) failed", job_id, kind)
            stumbled.add(job_id)
            if record_failure(job_id, cursor, now=utcnow()):
                log.error("housekeeping: job %s set aside after %s failed runs in a row, until `flask housekeeping "
                          "--retry-failed`", job_id, MAX_ATTEMPTS)
            db.session.commit()
            report["failed"] += 1
            continue
        report["batches"] += 1
        if on_batch:
            on_batch(*progress)
    while deadline is None or time.monotonic() < deadline:
        now = utcnow()
        sites = stale_summaries(now=now, limit=batch_size)
        if not sites:
            db.session.rollback()
            break
        refresh_summaries(sites, now=now, settings=settings)
        db.session.commit()
        report["summaries"] += len(sites)
        if on_batch:
            on_batch("summaries", report["summaries"], report["summaries"])
    notice_caches = caches()
    while deadline is None or time.monotonic() < deadline:
        # the public pages of new versions, rendered ahead; an idle pass looks only at versions it has not seen
        done = render_missing_pages(notice_caches.assets, limit=batch_size, checked=notice_caches.pages_checked)
        if not done:
            db.session.rollback()
            break
        try:
            db.session.commit()
        except IntegrityError:  # another runner is storing the same pages: it finishes them, the next pass checks
            db.session.rollback()
            break
        report["pages"] += done
        if on_batch:
            on_batch("notice pages", report["pages"], report["pages"])
    while deadline is None or time.monotonic() < deadline:
        # register rows of sites published before the register existed; later ones get theirs as they change
        listed = fill_register(now=utcnow(), limit=batch_size,
                               checked=current_app.extensions.setdefault("signage.register_checked", {}))
        if not listed:
            db.session.rollback()
            break
        db.session.commit()
        report["listed"] += listed
        if on_batch:
            on_batch("register rows", report["listed"], report["listed"])
    while deadline is None or time.monotonic() < deadline:
        expired = expire_consents(now=utcnow(), limit=batch_size, settings=settings)
        if not expired:
            db.session.rollback()
            break
        db.session.commit()
        report["expired"] += expired
    while deadline is None or time.monotonic() < deadline:
        # the reply contacts of requests closed long enough ago: erased, each erasure audited without the value
        erased = erase_closed_contacts(now=utcnow(), kept_days=current_app.config["REQUEST_CONTACT_KEPT_DAYS"],
                                       limit=batch_size)
        db.session.commit()
        report["erased"] += erased
        if erased < batch_size:
            break
    while deadline is None or time.monotonic() < deadline:
        # the operator's reminders of dates near or passed, each written once into the outbox
        looked = remind_deadlines(now=utcnow(), dashboard_url=current_app.config["PUBLIC_BASE_URL"], limit=batch_size)
        db.session.commit()
        if looked < batch_size:
            break
    while deadline is None or time.monotonic() < deadline:
        # the compliance calendar's reminders, 30, 7 and 1 days before a duty's date and once it is overdue
        looked = remind_duties(now=utcnow(), dashboard_url=current_app.config["PUBLIC_BASE_URL"], limit=batch_size)
        db.session.commit()
        if looked < batch_size:
            break
    while deadline is None or time.monotonic() < deadline:
        # the transparency log: leaves for new entries, a batch a transaction, then a checkpoint when due
        logged = extend_log(limit=batch_size * 10)
        db.session.commit()
        report["logged"] += logged
        if logged < batch_size * 10:
            break
    if (deadline is None or time.monotonic() < deadline) and checkpoint_due(now=utcnow()):
        sign_checkpoint(now=utcnow())
        db.session.commit()
        report["checkpoints"] += 1
    report["sent"] = 0
    if current_app.config.get("ENV") == "production" and not current_app.config.get("SMTP_HOST"):
        return report  # nowhere to send: the messages wait, as the warning at start said
    try:
        report["sent"] = send_pending(deadline=deadline)["sent"]
    except Exception:  # a mail server down or misconfigured must not stop housekeeping: the messages wait
        db.session.rollback()
        log.exception("housekeeping: sending the outbox failed")
    return report


def start_housekeeping_thread(app: Flask, every: float) -> threading.Thread:
    """Run housekeeping in the background of a server process every few seconds."""

    def loop():
        while True:
            time.sleep(every)
            try:
                with app.app_context():
                    run_housekeeping(deadline=time.monotonic() + every)
            except Exception:  # a failed pass is logged and retried next time; the server keeps serving
                log.exception("housekeeping pass failed")

    thread = threading.Thread(target=loop, name="signage-housekeeping", daemon=True)
    thread.start()
    return thread
