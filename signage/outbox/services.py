"""Write notifications in the transaction of what caused them, and send them once each.

A sender claims a few unsent messages at a time with a lease (a time and a token), commits the claim,
hands each to the transport, and commits `sent_at` after each. Another sender, or the same one after a
restart, skips leased messages until the lease lapses; a sender whose lease lapsed can no longer mark the
message, since the token moved on. So a message goes out twice only if a sender dies between the server
taking it and the commit that marks it sent, and then only once its lease has lapsed.
"""
import hashlib
import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from signage.database import utcnow
from signage.extensions import db
from signage.outbox.models import OutboxMessage
from signage.outbox.transport import MessageRefused, ServerUnavailable, transport_from_config

log = logging.getLogger(__name__)

#: Claims before a message is given up (left unsent, no longer claimed): refusals, and senders that died.
MAX_ATTEMPTS = 5
#: How long a claim holds: longer than a batch takes to send, or a second sender would send it too.
LEASE_SECONDS = 300
#: A message is handed over only while its lease has at least this long to run: one slow SMTP exchange.
LEASE_MARGIN = timedelta(seconds=60)
#: The wait before trying again after the server was unreachable, and after a refusal, times the attempts.
RETRY_AFTER = timedelta(minutes=5)
_LIMITS = {column: OutboxMessage.__table__.c[column].type.length
           for column in ("dedupe_key", "subject", "last_error")}


@dataclass(frozen=True)
class ClaimedMessage:
    """A message a sender holds: plain data, so sending it needs no database transaction open."""

    id: int
    token: str
    recipient: str
    subject: str
    body: str


def enqueue(organisation_id: int, recipients: list[str], *, subject: str, body: str, dedupe_key: str,
            now: datetime) -> int:
    """Add one message per recipient to the outbox, in the caller's transaction, keyed "dedupe_key|recipient";
    a recipient already written for this dedupe_key is skipped. Return how many messages are new."""
    rows = [{"organisation_id": organisation_id, "dedupe_key": _row_key(dedupe_key, recipient),
             "recipient": recipient, "subject": _shortened(subject, _LIMITS["subject"]), "body": body,
             "created_at": now, "attempts": 0} for recipient in dict.fromkeys(recipients)]
    if not rows:
        return 0
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    # the unique key decides, not a read first: two transactions seeing the same cause write it once
    statement = (dialect.insert(OutboxMessage).values(rows).on_conflict_do_nothing(index_elements=["dedupe_key"])
                 .returning(OutboxMessage.id))
    return len(db.session.execute(statement).all())


def _row_key(dedupe_key: str, recipient: str) -> str:
    key = f"{dedupe_key}|{recipient}"
    if len(key) <= _LIMITS["dedupe_key"]:
        return key
    # a long address would not fit (PostgreSQL would refuse the cause's whole transaction): its digest does
    key = f"{dedupe_key}|sha256:{hashlib.sha256(recipient.encode()).hexdigest()}"
    if len(key) > _LIMITS["dedupe_key"]:
        raise ValueError(f"dedupe key too long: {dedupe_key[:40]}…")
    return key


def _shortened(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def claim(*, now: datetime, limit: int = 50, lease_seconds: int = LEASE_SECONDS) -> list[ClaimedMessage]:
    """Lease up to `limit` unsent messages that nobody holds to this sender, oldest first, and COMMIT the claim.

    Unlike other services this commits: the sender is an edge, like a view, and its claim must be visible to
    every other sender before it hands anything over. Each claim counts an attempt, so a message whose
    sender keeps dying is given up after MAX_ATTEMPTS like one the server keeps refusing.
    """
    claimable = (select(OutboxMessage.id)
                 .where(OutboxMessage.sent_at.is_(None), OutboxMessage.attempts < MAX_ATTEMPTS,
                        or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until <= now))
                 .order_by(OutboxMessage.id).limit(limit)
                 # PostgreSQL: rows another sender is claiming right now are passed over, not waited for.
                 # SQLite renders no FOR UPDATE; one UPDATE statement runs whole under its write lock.
                 .with_for_update(skip_locked=True))
    token = secrets.token_hex(16)
    statement = (update(OutboxMessage).where(OutboxMessage.id.in_(claimable.scalar_subquery()))
                 .values(lease_until=now + timedelta(seconds=lease_seconds), lease_token=token,
                         attempts=OutboxMessage.attempts + 1)
                 .returning(OutboxMessage.id, OutboxMessage.recipient, OutboxMessage.subject, OutboxMessage.body)
                 .execution_options(synchronize_session=False))
    rows = db.session.execute(statement).all()
    db.session.commit()
    return sorted((ClaimedMessage(row.id, token, row.recipient, row.subject, row.body) for row in rows),
                  key=lambda message: message.id)


def mark_sent(message_id: int, token: str, *, now: datetime) -> bool:
    """Record that the server took a message, if this sender still holds it (its lease may have lapsed and
    another sender claimed it); return whether it did. The caller commits."""
    result = db.session.execute(update(OutboxMessage).where(_held(message_id, token))
                                .values(sent_at=now, lease_until=None, lease_token=None)
                                .execution_options(synchronize_session=False))
    return result.rowcount == 1


def mark_failed(message_id: int, token: str, error: str, *, now: datetime) -> bool:
    """Record the server's refusal and let go of the message, to be tried again after a wait that grows each
    attempt; after MAX_ATTEMPTS it stays unsent and is no longer claimed. Return whether this sender still
    held it. The caller commits.

    `error` is the server's reply, never the message: it is kept in the database and written to the log.
    """
    held = _held(message_id, token)
    attempts = db.session.scalar(select(OutboxMessage.attempts).where(held))
    if attempts is None:
        return False
    # the lease's time stays as "not before": nobody holds the message, and no sender retries it too soon
    db.session.execute(update(OutboxMessage).where(held)
                       .values(last_error=_shortened(error, _LIMITS["last_error"]), lease_token=None,
                               lease_until=now + RETRY_AFTER * attempts)
                       .execution_options(synchronize_session=False))
    if attempts >= MAX_ATTEMPTS:
        log.error("outbox: message %s given up after %s attempts; last error: %s", message_id, attempts, error)
    return True


def release(message_ids: list[int], token: str, *, retry_at: datetime | None, reason: str | None = None) -> int:
    """Let go of messages this sender holds without counting an attempt, to be claimed again from `retry_at`
    (None: at once); `reason`, if given, becomes their last error. Return how many. The caller commits."""
    if not message_ids:
        return 0
    values = {"lease_token": None, "lease_until": retry_at, "attempts": OutboxMessage.attempts - 1}
    if reason is not None:
        values["last_error"] = _shortened(reason, _LIMITS["last_error"])
    result = db.session.execute(update(OutboxMessage).where(_held(message_ids, token)).values(**values)
                                .execution_options(synchronize_session=False))
    return result.rowcount


def _held(message_ids: int | list[int], token: str):
    """Where a sender's claim still stands: its token is the message's, and the message is not sent."""
    ids = OutboxMessage.id.in_(message_ids) if isinstance(message_ids, list) else OutboxMessage.id == message_ids
    return ids & (OutboxMessage.lease_token == token) & OutboxMessage.sent_at.is_(None)


def send_pending(*, now_fn: Callable[[], datetime] = utcnow, transport=None, limit: int = 50,
                 deadline: float | None = None) -> dict:
    """Send every claimable message, a claimed batch at a time, committing after each; stop early when the
    server is unreachable or the monotonic `deadline` has passed. Return {"sent": n, "failed": m}.

    A transport is anything with send(recipient, subject, body) that raises signage.outbox.transport's
    MessageRefused or ServerUnavailable. Without one, the app's configuration chooses, before anything is
    claimed: a configuration that cannot send leaves the messages as they were.
    """
    if transport is None:
        transport = transport_from_config(current_app.config)
    counts = {"sent": 0, "failed": 0}
    while deadline is None or time.monotonic() < deadline:
        now = now_fn()
        batch = claim(now=now, limit=limit)
        if not batch:
            break
        if not _send_batch(batch, transport, now_fn, now + timedelta(seconds=LEASE_SECONDS), counts):
            break
    return counts


def _send_batch(batch: list[ClaimedMessage], transport, now_fn, lease_until: datetime, counts: dict) -> bool:
    """Hand each claimed message over while the lease holds; return False when the server is unreachable."""
    for position, message in enumerate(batch):
        if now_fn() > lease_until - LEASE_MARGIN:  # too late to hand over: another sender may take them soon
            release([held.id for held in batch[position:]], message.token, retry_at=None)
            db.session.commit()
            return True
        try:
            transport.send(message.recipient, message.subject, message.body)
        except MessageRefused as refusal:
            log.warning("outbox: message %s refused: %s", message.id, refusal)
            mark_failed(message.id, message.token, str(refusal), now=now_fn())
            db.session.commit()
            counts["failed"] += 1
            continue
        except ServerUnavailable as outage:
            log.error("outbox: mail server unavailable, %s messages wait: %s", len(batch) - position, outage)
            release([held.id for held in batch[position:]], message.token, retry_at=now_fn() + RETRY_AFTER,
                    reason=str(outage))
            db.session.commit()
            counts["failed"] += 1
            return False
        if not mark_sent(message.id, message.token, now=now_fn()):
            log.warning("outbox: message %s was sent after its lease passed to another sender", message.id)
        db.session.commit()
        counts["sent"] += 1
        log.info("outbox: sent message %s", message.id)
    return True
