"""The organisation's compliance calendar as an iCalendar feed at its secret URL: no account and no cookie
(a calendar client has neither), every dated duty an all-day event in English and Chinese, streamed in
keyset batches, so a feed of any size costs constant memory and one statement per batch."""
import hashlib

from flask import Blueprint, Response, abort, current_app, request, stream_with_context

from signage.auth.models import Organisation
from signage.calendar import ical
from signage.calendar.feed_rows import feed_rows, feed_version
from signage.calendar.feeds import organisation_of_token
from signage.config import pack_settings
from signage.database import reads_only, utcnow
from signage.extensions import db
from signage.labels import choice_label
from signage.local_time import zone
from signage.rules.duties import KINDS, STATUSES, duty_status
from signage.rules.texts import text_in
from signage.translation import force_locale, gettext

bp = Blueprint("calendar_feed", __name__)
#: The feed's languages, in the order each summary and description gives them ("English / 中文").
LOCALES = ("en", "zh_Hans")
TAGS = ("en", "zh-Hans")
#: Short, so a duty marked done shows within minutes; private, as it is one organisation's calendar.
CACHE_CONTROL = "private, max-age=300"
#: Bump when the feed's text changes shape, so ETags made before never match it.
FEED_FORMAT = "3"  # 3: UIDs on a fixed domain, not the public host
#: The statuses an event states.
SETTLED = ("done", "done_late", "withdrawn")


@bp.get("/calendar/feed/<token>.ics")
@reads_only
def feed(token: str):
    """Serve the organisation's duties as a calendar to subscribe to; a forged or revoked URL is not found."""
    organisation_id = organisation_of_token(token, secret=current_app.config["SECRET_KEY"])
    organisation = db.session.get(Organisation, organisation_id) if organisation_id is not None else None
    if organisation is None:
        abort(404)
    now = utcnow()
    today = now.astimezone(zone(organisation.time_zone)).date()  # "overdue" from the organisation's midnight
    etag = _etag(organisation, today)
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    else:
        body = _calendar(organisation.id, f"signage — {organisation.legal_name}", now=now, today=today)
        response = Response(stream_with_context(body), mimetype="text/calendar")
    response.set_etag(etag)
    response.headers["Cache-Control"] = CACHE_CONTROL
    return response


#: The right-hand side of every event's UID (RFC 5545 3.8.4.7): fixed, so a calendar keeps its events when
#: PUBLIC_BASE_URL changes.
UID_DOMAIN = "duties.signage"


def _etag(organisation: Organisation, today) -> str:
    version = (FEED_FORMAT, organisation.id, organisation.legal_name, today, *feed_version(organisation.id))
    return hashlib.sha256(repr(version).encode()).hexdigest()[:32]


def _calendar(organisation_id: int, name: str, *, now, today):
    """Yield the calendar piece by piece: its head, an event per duty shown, its tail."""
    wordings = _wordings()
    base = current_app.config["PUBLIC_BASE_URL"]
    soon_days = pack_settings().duty_due_soon_days
    yield ical.calendar_head(name)
    for row in feed_rows(organisation_id, now=now, today=today):
        yield ical.duty_event(_event(row, wordings, base=base, today=today, soon_days=soon_days))
    yield ical.calendar_tail()


def _event(row, wordings: list[dict], *, base: str, today, soon_days: int) -> dict:
    status = duty_status(row.due_on, row.done_on, today=today, withdrawn=row.withdrawn_at is not None,
                         soon_days=soon_days)
    # an event shows only what raises its SEQUENCE (done, done late, cancelled): not "overdue" or "due soon",
    # which the days move without the duty changing, so clients keep the event they have
    settled = status if status in SETTLED else None
    record = {"site_name": row.site_name, "text_language": row.text_language,
              "text_translations": row.text_translations}
    rule_id, source = KINDS[row.kind]
    return {
        # the site's code (random, unique) and the duty's key stay the same while it is the same duty, whatever
        # its date; not the public host, which an installation may move without the duty changing
        "uid": f"{row.site_code}.{row.key}@{UID_DOMAIN}", "due_on": row.due_on, "updated_at": row.updated_at,
        "sequence": row.sequence, "cancelled": status == "withdrawn",
        "summary": ical.duty_summary(wordings, kind=row.kind, status=settled,
                                     site_names=[text_in(record, "site_name", tag) for tag in TAGS]),
        "description": ical.duty_description(wordings, rule_id=rule_id, source=source, due_on=row.due_on,
                                             status=settled, provisional_years=row.provisional_years or []),
        # the dashboard's calendar page, which asks the reader to sign in
        "url": f"{base}/calendar?site={row.site_id}"}


def _wordings() -> list[dict]:
    """Translate, once per feed, every text its events are made of, in each of its languages."""
    wordings = []
    for locale in LOCALES:
        with force_locale(locale):
            wordings.append({
                "kinds": {kind: str(choice_label("duty_kind", kind)) for kind in KINDS},
                "statuses": {status: str(choice_label("duty_status", status)) for status in STATUSES},
                "summary": gettext("%(kind)s, %(site)s"), "overdue": gettext("Overdue: %(kind)s, %(site)s"),
                "rule": gettext("Rule %(rule)s: %(source)s"), "due": gettext("Due on %(date)s"),
                "status": gettext("Status: %(status)s"),
                "provisional": gettext("provisional: China's working-day table for %(years)s is not loaded")})
    return wordings

