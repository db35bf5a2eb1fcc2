"""The outbox sends each message once, to a real SMTP server on 127.0.0.1: run twice, by two senders at the
same time, or after a sender died holding it; a refusing or unreachable server leaves messages waiting, with
the server's answer recorded, until it takes them; `flask outbox send` and housekeeping drain it."""
import email
import email.policy
import logging
import socket
import threading
from datetime import timedelta

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import text

from signage.housekeeping import run_housekeeping
from signage.outbox.models import OutboxMessage
from signage.outbox.services import (LEASE_SECONDS, MAX_ATTEMPTS, RETRY_AFTER, claim, enqueue, mark_failed,
                                     mark_sent, send_pending)

from helpers import T0

LATER = T0 + timedelta(seconds=LEASE_SECONDS + 1)  # every lease taken at T0 has lapsed
BODY = "A new request came in from the notice page. Open the dashboard to answer it."


class Inbox:
    """An aiosmtpd handler that keeps what it is given, or refuses every recipient while `refusal` is set."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.refusal: str | None = None

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.refusal:
            return self.refusal
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
        return "250 Message accepted for delivery"

    def received(self) -> list[tuple[str, str]]:
        return sorted((message["To"], message["Subject"]) for message in self.messages)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def sender(make_app, smtp_server):
    """An app of its own (own engine, own sessions) that sends to the test SMTP server."""
    _inbox, port = smtp_server
    return make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=port, MAIL_FROM="signage@operator.example", SMTP_TIMEOUT=5)


@pytest.fixture
def organisation(make_org):
    return make_org()


def write(db, organisation, count=1, *, recipients=("owner@operator.example",), subject="新的请求 {n}"):
    """Enqueue `count` notices to the recipients and commit, as the cause's transaction would."""
    for n in range(count):
        enqueue(organisation.id, list(recipients), subject=subject.format(n=n), body=BODY, dedupe_key=f"test:{n}",
                now=T0)
    db.session.commit()


def send(app, **options) -> dict:
    with app.app_context():
        return send_pending(**{"now_fn": lambda: T0, **options})


def rows(db) -> list[OutboxMessage]:
    db.session.rollback()  # read what the senders committed
    return list(db.session.scalars(db.select(OutboxMessage).order_by(OutboxMessage.id)))


def test_every_message_arrives_once_with_its_chinese_subject_however_often_the_sender_runs(
        db, organisation, sender, smtp_server):
    inbox, _port = smtp_server
    write(db, organisation, 3, recipients=("owner@operator.example", "admin@operator.example"))
    assert send(sender) == {"sent": 6, "failed": 0}
    assert send(sender) == {"sent": 0, "failed": 0}
    assert inbox.received() == sorted((to, f"新的请求 {n}") for n in range(3)
                                      for to in ("owner@operator.example", "admin@operator.example"))
    assert {message["From"] for message in inbox.messages} == {"signage@operator.example"}
    assert inbox.messages[0].get_content().strip() == BODY
    assert all(row.sent_at == T0 and row.lease_token is None and row.attempts == 1 for row in rows(db))


def test_two_senders_at_once_send_each_message_once(db, organisation, make_app, sender, smtp_server):
    inbox, _port = smtp_server
    other = make_app(**{key: sender.config[key] for key in ("SMTP_HOST", "SMTP_PORT", "MAIL_FROM")})
    write(db, organisation, 40)
    start, counts, errors = threading.Barrier(2), [], []

    def run(app):
        try:
            start.wait(timeout=10)
            counts.append(send(app, limit=5))  # small batches, so the two take turns claiming
        except Exception as error:  # noqa: BLE001 - reported by the assertion below, not lost in the thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(app,)) for app in (sender, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    assert sum(count["sent"] for count in counts) == 40
    assert inbox.received() == sorted(("owner@operator.example", f"新的请求 {n}") for n in range(40))
    assert all(row.sent_at is not None and row.attempts == 1 for row in rows(db))


def test_a_message_whose_sender_died_goes_out_once_its_lease_lapses(db, organisation, sender, smtp_server):
    inbox, _port = smtp_server
    write(db, organisation)
    with sender.app_context():
        claim(now=T0)  # the sender dies here: handed to nobody, marked by nobody
    assert send(sender, now_fn=lambda: T0 + timedelta(seconds=LEASE_SECONDS - 1)) == {"sent": 0, "failed": 0}
    assert inbox.messages == []
    assert send(sender, now_fn=lambda: LATER) == {"sent": 1, "failed": 0}
    assert send(sender, now_fn=lambda: LATER + timedelta(days=1)) == {"sent": 0, "failed": 0}
    [row] = rows(db)
    assert (row.sent_at, row.attempts) == (LATER, 2)
    assert len(inbox.messages) == 1


def test_a_sender_whose_lease_lapsed_can_neither_mark_nor_fail_a_message_another_sender_now_holds(
        db, organisation, sender):
    write(db, organisation)
    with sender.app_context():  # db.session is the sender's own here
        [slow] = claim(now=T0)
        [current] = claim(now=LATER)  # the slow sender's lease lapsed: another sender took the message
        assert mark_sent(slow.id, slow.token, now=LATER) is False
        assert mark_failed(slow.id, slow.token, "421 too late", now=LATER) is False
        db.session.commit()
        [row] = rows(db)
        assert (row.sent_at, row.lease_token, row.last_error) == (None, current.token, None)
        assert mark_sent(current.id, current.token, now=LATER) is True
        db.session.commit()
    assert rows(db)[0].sent_at == LATER


def test_a_sender_whose_lease_runs_short_hands_nothing_more_over_and_claims_afresh(
        db, organisation, sender, smtp_server):
    inbox, _port = smtp_server
    write(db, organisation, 3)
    ticks = iter(range(10_000))
    # each look at the clock is 100 s on: a lease of 300 s lets one message out before it runs short
    assert send(sender, now_fn=lambda: T0 + timedelta(seconds=100 * next(ticks))) == {"sent": 3, "failed": 0}
    assert inbox.received() == sorted(("owner@operator.example", f"新的请求 {n}") for n in range(3))
    # one message per claim (claimed at 0 s, 400 s, 800 s; sent 200 s later): none went out on a lapsed lease
    assert [row.sent_at for row in rows(db)] == [T0 + timedelta(seconds=s) for s in (200, 600, 1000)]
    assert [row.attempts for row in rows(db)] == [1, 1, 1]  # a released claim is no attempt


@pytest.mark.postgresql
def test_on_postgresql_a_claim_passes_over_messages_another_sender_is_claiming(db, organisation):
    write(db, organisation, 3)
    first, *others = [row.id for row in rows(db)]
    with db.engine.connect() as other_sender:  # mid-claim: it holds the first message's row lock
        other_sender.execute(text("SELECT id FROM outbox_messages WHERE id = :id FOR UPDATE"), {"id": first})
        db.session.execute(text("SET LOCAL lock_timeout = '5s'"))  # without SKIP LOCKED: an error, not a hang
        claimed = claim(now=T0)
        other_sender.rollback()
    assert [message.id for message in claimed] == others


def test_the_same_notice_enqueued_twice_is_written_once_per_recipient(db, organisation):
    recipients = ["owner@operator.example", "admin@operator.example"]
    assert enqueue(organisation.id, recipients, subject="Request", body=BODY, dedupe_key="request:7:received",
                   now=T0) == 2
    assert enqueue(organisation.id, recipients, subject="Request", body=BODY, dedupe_key="request:7:received",
                   now=T0) == 0
    assert enqueue(organisation.id, [*recipients, "new@operator.example"], subject="Request", body=BODY,
                   dedupe_key="request:7:received", now=T0) == 1
    db.session.commit()
    assert sorted(row.dedupe_key for row in rows(db)) == [f"request:7:received|{to}" for to in
                                                          sorted([*recipients, "new@operator.example"])]


def test_a_refused_message_keeps_the_servers_answer_and_goes_out_once_the_server_takes_it(
        db, organisation, sender, smtp_server):
    inbox, _port = smtp_server
    inbox.refusal = "550 5.1.1 Mailbox unavailable"
    write(db, organisation)
    assert send(sender) == {"sent": 0, "failed": 1}
    [row] = rows(db)
    assert row.sent_at is None and row.lease_token is None and row.attempts == 1
    assert row.last_error == "550 5.1.1 Mailbox unavailable" and BODY not in row.last_error
    inbox.refusal = None
    assert send(sender, now_fn=lambda: T0 + RETRY_AFTER / 2) == {"sent": 0, "failed": 0}  # not retried at once
    assert send(sender, now_fn=lambda: T0 + RETRY_AFTER) == {"sent": 1, "failed": 0}
    assert send(sender, now_fn=lambda: T0 + RETRY_AFTER * 10) == {"sent": 0, "failed": 0}
    assert inbox.received() == [("owner@operator.example", "新的请求 0")]
    assert rows(db)[0].sent_at == T0 + RETRY_AFTER


def test_a_message_refused_every_time_is_given_up_after_the_last_attempt(
        db, organisation, sender, smtp_server, caplog):
    inbox, _port = smtp_server
    inbox.refusal = "550 5.1.1 Mailbox unavailable"
    write(db, organisation)
    with caplog.at_level(logging.ERROR, logger="signage.outbox"):
        for attempt in range(MAX_ATTEMPTS + 2):
            send(sender, now_fn=lambda: T0 + timedelta(days=attempt))
    [row] = rows(db)
    assert row.sent_at is None and row.attempts == MAX_ATTEMPTS
    assert f"message {row.id} given up after {MAX_ATTEMPTS} attempts" in caplog.text and BODY not in caplog.text


def test_an_unreachable_server_costs_no_attempt_and_the_messages_go_once_it_is_back(
        db, organisation, make_app, sender, smtp_server):
    inbox, _port = smtp_server
    down = make_app(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TIMEOUT=5)
    write(db, organisation, 3)
    assert send(down) == {"sent": 0, "failed": 1}  # stops at the first: the others would fail alike
    assert [(row.sent_at, row.attempts, row.lease_token) for row in rows(db)] == [(None, 0, None)] * 3
    assert "ConnectionRefusedError" in rows(db)[0].last_error
    assert send(sender, now_fn=lambda: T0 + RETRY_AFTER) == {"sent": 3, "failed": 0}
    assert len(inbox.messages) == 3


def test_flask_outbox_send_prints_the_counts_and_without_smtp_host_prints_the_mail(db, organisation, runner):
    write(db, organisation)
    result = runner.invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert "Subject: 新的请求 0" in result.output and "To: owner@operator.example" in result.output
    assert "Sent 1 messages, 0 failed." in result.output
    assert runner.invoke(args=["outbox", "send"]).output.strip() == "Sent 0 messages, 0 failed."
    assert rows(db)[0].sent_at is not None


def test_flask_outbox_send_sends_through_the_configured_smtp_server(db, organisation, sender, smtp_server):
    inbox, _port = smtp_server
    write(db, organisation, 2)
    with sender.app_context():  # the CLI uses the app whose context is current, not the one it was made from
        result = sender.test_cli_runner().invoke(args=["outbox", "send"])
    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Sent 2 messages, 0 failed."
    assert len(inbox.messages) == 2


def test_housekeeping_sends_the_outbox_and_carries_on_when_the_mail_server_is_down(
        db, organisation, make_app, sender, smtp_server, caplog):
    inbox, _port = smtp_server
    write(db, organisation, 2)
    with caplog.at_level(logging.WARNING):
        production = make_app(ENV="production")  # no SMTP_HOST: said once, at start
    assert caplog.text.count("SIGNAGE_SMTP_HOST is not set") == 1
    caplog.clear()
    with production.app_context(), caplog.at_level(logging.WARNING):
        for _run in range(2):
            assert run_housekeeping()["sent"] == 0  # nothing claimed, and no log at every pass
    assert "SIGNAGE_SMTP_HOST" not in caplog.text
    assert [(row.sent_at, row.attempts) for row in rows(db)] == [(None, 0)] * 2
    with sender.app_context():
        assert run_housekeeping()["sent"] == 2
    assert len(inbox.messages) == 2
