"""Duty reminders go to the owners and editors who asked, 30, 7 and 1 days before a duty's date and once
overdue: each threshold once, across runs and with two senders at the same time."""
import threading
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from signage.calendar.models import Duty
from signage.calendar.reminders import remind_duties, set_reminders
from signage.extensions import db as database
from signage.outbox.models import OutboxMessage
from signage.auth.services import update_organisation
from signage.sites.services import update_site
from signage.sites.summaries import refresh_summaries

from helpers import POSTGRES_URL, T0


@pytest.fixture
def filing(db, live_site, owner, settings, make_user):
    """The live site's CN filing duty, due 30 working days after T0, with one subscriber."""
    site, _sign = live_site
    set_reminders(owner, True, by=owner, now=T0)
    make_user("editor", organisation=owner.organisation)  # not subscribed: never reminded
    update_site(site, {"filing": {"status": "not_required"}}, by=owner, now=T0, settings=settings)
    update_organisation(owner.organisation, {"stored_individuals_count": 100_000}, by=owner, now=T0,
                        settings=settings)
    refresh_summaries([site], now=T0, settings=settings)  # what the operator-change job does, at T0
    db.session.commit()
    return db.session.scalars(select(Duty).where(Duty.kind == "cn_filing")).one()


def sent(db) -> list[tuple[str, str]]:
    return [(row.recipient, row.dedupe_key.split(":")[-1].split("|")[0])
            for row in db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("duty:%"))
                                          .order_by(OutboxMessage.id))]


def at(day) -> datetime:
    return datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)


def test_each_threshold_is_reminded_once_to_the_subscribers(db, filing, owner):
    due = filing.due_on
    for day in (due - timedelta(days=40), due - timedelta(days=30), due - timedelta(days=29),
                due - timedelta(days=7), due - timedelta(days=7), due - timedelta(days=1), due,
                due + timedelta(days=1), due + timedelta(days=5)):
        remind_duties(now=at(day))
        db.session.commit()

    assert sent(db) == [(owner.email, "30d"), (owner.email, "7d"), (owner.email, "1d"), (owner.email, "overdue")]
    message = db.session.scalars(select(OutboxMessage).where(OutboxMessage.dedupe_key.like("duty:%"))).first()
    assert "File with the cyberspace administration" in message.subject and "向网信部门备案" in message.subject
    assert f"/calendar/duties/{filing.id}" in message.body
    assert db.session.get(Duty, filing.id).next_reminder_at is None


def test_a_duty_done_is_no_longer_reminded(db, filing, live_site, owner, settings):
    site, _sign = live_site
    # a filing is done from the site's record: the filing recorded there
    update_site(site, {"filing": {"status": "filed", "filed_on": T0.date(), "number": "沪备-2026-0001"}},
                by=owner, now=T0, settings=settings)
    db.session.commit()
    assert db.session.get(Duty, filing.id).done_on == T0.date()

    remind_duties(now=at(filing.due_on + timedelta(days=1)))
    db.session.commit()

    assert sent(db) == []


def test_a_user_who_stops_the_reminders_gets_none(db, filing, owner):
    set_reminders(owner, False, by=owner, now=T0)
    db.session.commit()

    remind_duties(now=at(filing.due_on))
    db.session.commit()

    assert sent(db) == []


@pytest.mark.skipif(not POSTGRES_URL, reason="two connections at once need PostgreSQL")
def test_two_senders_at_once_write_each_reminder_once(db, app, filing, owner, make_app):
    other = make_app()
    when = at(filing.due_on - timedelta(days=7))
    start, errors = threading.Barrier(2), []

    def run(app):
        try:
            with app.app_context():
                start.wait(timeout=10)
                remind_duties(now=when)
                database.session.commit()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(each,)) for each in (app, other)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert errors == []
    assert sent(db) == [(owner.email, "7d")]
