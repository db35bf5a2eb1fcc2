"""Housekeeping keeps requests' personal data to the minimum and their clocks in view: the reply contact is
erased after closure while the audit chain still verifies, and each reminder reaches the operator once, through
a real SMTP server, however often housekeeping runs."""
import email
import email.policy
from datetime import timedelta

import pytest
from sqlalchemy import select

from signage.audit.models import AuditEntry
from signage.database import utcnow
from signage.housekeeping import run_housekeeping
from signage.outbox.models import OutboxMessage
from signage.requests.models import PublicRequest
from signage.requests.services import act, file_request
from signage.rules.packs import PackSettings

from test_outbox import smtp_server, free_port, Inbox  # noqa: F401 - the real SMTP server fixture


def _file(db, site, *, now, **data):
    filed, code = file_request(site, {"category": "rights", "kind": "access", "language": "en", **data}, now=now,
                               settings=PackSettings())
    db.session.commit()
    return filed, code


def test_housekeeping_erases_the_contact_after_closure_and_the_chain_still_verifies(live_site, db, owner, runner,
                                                                                    client):
    site, _sign = live_site
    long_ago = utcnow() - timedelta(days=120)
    old, old_code = _file(db, site, now=long_ago, reply_channel="email", reply_contact="sam@example.org",
                          description="I passed at eight")
    act(old, "answer", {"message": "Nothing is kept."}, by=owner, now=long_ago + timedelta(days=2),
        settings=PackSettings())
    act(old, "close", {}, by=owner, now=long_ago + timedelta(days=3), settings=PackSettings())
    recent, _code = _file(db, site, now=utcnow() - timedelta(days=10), reply_channel="phone",
                          reply_contact="+86 21 5555 0100")
    act(recent, "close", {}, by=owner, now=utcnow() - timedelta(days=9), settings=PackSettings())
    db.session.commit()
    result = runner.invoke(args=["housekeeping"])
    assert result.exit_code == 0 and "1 requests' reply contacts erased" in result.output, result.output
    db.session.rollback()
    old, recent = db.session.get(PublicRequest, old.id), db.session.get(PublicRequest, recent.id)
    assert (old.reply_contact, old.reply_channel) == (None, None) and old.contact_erased_at is not None
    assert old.description == "I passed at eight"  # what was asked stays on record
    assert recent.reply_contact == "+86 21 5555 0100"  # closed 9 days ago: kept for now
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "request.contact_erased"))
    assert entry.subject_id == old.id and b"reply_contact" in entry.canonical
    assert b"sam@example.org" not in entry.canonical
    assert b"sam@example.org" not in b"".join(row.canonical for row in db.session.scalars(select(AuditEntry)))
    verify = runner.invoke(args=["audit", "verify"])
    assert verify.exit_code == 0 and "intact" in verify.output.lower(), verify.output
    # the person's page says the contact is gone
    assert "was erased after the request was closed" in client.get(f"/q/{old_code}?lang=en").get_data(as_text=True)
    assert runner.invoke(args=["housekeeping"]).output.count("0 requests' reply contacts erased") == 1


def test_each_reminder_reaches_the_operator_once_through_smtp(make_site, owner, db, make_app, smtp_server):
    inbox, port = smtp_server
    owner.organisation.request_answer_days = 2
    db.session.commit()
    site = make_site(jurisdictions=["US-NYC"], legal_basis_cn=None)
    soon, _code = _file(db, site, now=utcnow())  # due in two days: within the three of the first reminder
    late, _code = _file(db, site, now=utcnow() - timedelta(days=10))  # due eight days ago
    answered, _code = _file(db, site, now=utcnow() - timedelta(days=10))
    act(answered, "answer", {"message": "Done."}, by=owner, now=utcnow(), settings=PackSettings())
    db.session.commit()
    sender = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="signage@operator.example", SMTP_TIMEOUT=5)
    for _run in range(2):
        with sender.app_context():
            run_housekeeping()
    subjects = sorted(message["Subject"] for message in inbox.messages)
    # three requests received, one due soon, one overdue: five messages, each once; the answered one is quiet
    assert len(subjects) == 5, subjects
    assert sum(subject.startswith("New:") for subject in subjects) == 3
    assert sum(subject.startswith("Overdue:") for subject in subjects) == 1
    assert sum(subject.startswith("Due ") for subject in subjects) == 1
    assert all(message["To"] == owner.email for message in inbox.messages)
    db.session.rollback()
    assert all(row.sent_at is not None for row in db.session.scalars(select(OutboxMessage)))
    assert db.session.get(PublicRequest, late.id).next_reminder_at is None
    # the next one: the start (UTC here) of the day after the date
    following = db.session.get(PublicRequest, soon.id).next_reminder_at
    assert following.date() == soon.effective_due_on + timedelta(days=1) and following.hour == 0


def test_housekeeping_finishes_with_many_requests_whose_reminder_has_not_come(make_site, owner, db, runner):
    owner.organisation.request_answer_days = 4  # the first reminder, three days before, is due tomorrow
    db.session.commit()
    site = make_site(jurisdictions=["US-NYC"], legal_basis_cn=None)
    for _ in range(12):
        _file(db, site, now=utcnow())
    result = runner.invoke(args=["housekeeping", "--batch", "5"])
    assert result.exit_code == 0, result.output  # and it returns: nothing is read again and again
    db.session.rollback()
    assert all(row.next_reminder_at > utcnow() for row in db.session.scalars(select(PublicRequest)))
