"""Remind the owners and editors who asked, through the outbox, of duties 30, 7 and 1 days before their date
and once they are overdue: each threshold once, whatever the restarts and however many senders run.

Each duty carries the moment its next reminder is due (set whenever its date or state changes); a run reads
only the duties whose moment has come, and moves each to its next moment, so the cost follows the reminders,
not the number of duties. The outbox's unique key (duty, date, threshold, recipient) decides, not a read
first: two runs that see the same moment write each message once.
"""
from datetime import datetime

from flask import current_app, has_request_context
from sqlalchemy import select

from signage.audit.services import append_entry
from signage.auth.models import Organisation, User
from signage.calendar.models import Duty, DutyReminderSubscription
from signage.extensions import db
from signage.labels import choice_label
from signage.outbox.services import enqueue
from signage.requests.notifications import in_both_languages, subject_in_both
from signage.local_time import local_day, reminder_moment
from signage.rules.duties import SELF_REMINDED, next_reminder
from signage.sites.models import Site
from signage.translation import gettext


def schedule(duty: Duty, *, time_zone: str | None, now: datetime) -> None:
    """Set when the duty's next reminder is due: now when a threshold is reached today, else the start of
    the day the next one is, or never for a duty done, withdrawn or undated."""
    if duty.done_on is not None or duty.withdrawn_at is not None or duty.due_on is None \
            or duty.kind in SELF_REMINDED:
        duty.next_reminder_at = None
        return
    today = local_day(now, time_zone)
    threshold, following = next_reminder(duty.due_on, today)
    duty.next_reminder_at = reminder_moment(today if threshold else following, time_zone)


def remind_duties(*, now: datetime, dashboard_url: str = "", limit: int = 500) -> int:
    """Write the reminders that are due, once each; return how many duties were looked at."""
    rows = db.session.execute(
        select(Duty, Site.site_name, Organisation.time_zone)
        .join(Site, Site.id == Duty.site_id).join(Organisation, Organisation.id == Duty.organisation_id)
        .where(Duty.next_reminder_at.is_not(None), Duty.next_reminder_at <= now)
        .order_by(Duty.next_reminder_at, Duty.id).limit(limit)).all()
    recipients: dict[int, list[str]] = {}  # each organisation's subscribers, read once a batch
    for duty, site_name, time_zone in rows:
        if duty.done_on is not None or duty.withdrawn_at is not None or duty.due_on is None:
            duty.next_reminder_at = None
            continue
        threshold, following = next_reminder(duty.due_on, local_day(now, time_zone))
        if threshold is not None:
            if duty.organisation_id not in recipients:
                recipients[duty.organisation_id] = subscribers(duty.organisation_id)
            subject, body = reminder_message(duty, site_name, f"{dashboard_url}/calendar/duties/{duty.id}",
                                             threshold=threshold)
            # keyed on the date too: a duty whose date moves is reminded of afresh
            enqueue(duty.organisation_id, recipients[duty.organisation_id], subject=subject, body=body,
                    dedupe_key=f"duty:{duty.id}:{duty.due_on.isoformat()}:{threshold}", now=now)
        duty.next_reminder_at = reminder_moment(following, time_zone)
    return len(rows)


def subscribers(organisation_id: int) -> list[str]:
    """Return the addresses of the organisation's active owners and editors who asked for reminders."""
    return list(db.session.scalars(
        select(User.email).join(DutyReminderSubscription, DutyReminderSubscription.user_id == User.id)
        .where(User.organisation_id == organisation_id, User.active.is_(True), User.role.in_(("owner", "editor")))
        .order_by(User.id)))


def reminder_message(duty: Duty, site_name: str, link: str, *, threshold: str) -> tuple[str, str]:
    """Return the subject and body of a duty's reminder, in English and Chinese: the kind, the site, the
    date and a link, nothing else."""
    if not has_request_context():  # Flask-Babel reads the locale per request
        with current_app.test_request_context():
            return reminder_message(duty, site_name, link, threshold=threshold)

    def names() -> dict:
        return {"duty": choice_label("duty_kind", duty.kind), "site": site_name, "date": duty.due_on.isoformat()}

    def subject():
        if threshold == "overdue":
            return gettext("Overdue: %(duty)s, %(site)s", **names())
        return gettext("Due %(date)s: %(duty)s, %(site)s", **names())

    def body():
        first = gettext("This was due on %(date)s.", **names()) if threshold == "overdue" \
            else gettext("Due on %(date)s.", **names())
        return "\n".join([gettext("%(duty)s at %(site)s.", **names()), first, link])
    return subject_in_both(subject), in_both_languages(body)


def set_reminders(user, wanted: bool, *, by, now: datetime) -> bool:
    """Start or stop e-mailing a user the duties' reminders, and log it; return whether anything changed."""
    current = db.session.get(DutyReminderSubscription, user.id)
    if wanted == (current is not None):
        return False
    if wanted:
        db.session.add(DutyReminderSubscription(user_id=user.id, organisation_id=user.organisation_id, created_at=now))
    else:
        db.session.delete(current)
    append_entry("user.duty_reminders", actor=by, subject=user, now=now, organisation_id=user.organisation_id,
                 changes={"duty_reminders": [not wanted, wanted]})
    return True


def is_subscribed(user) -> bool:
    """Say whether a user receives the duties' reminders."""
    return db.session.get(DutyReminderSubscription, user.id) is not None
