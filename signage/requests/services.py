"""Request use cases: a person files a request or a sign report, follows it by its code; the operator acts on
it; housekeeping erases the reply contact after closure and reminds the operator of deadlines.

The audit chain records a request's existence, kind, states and dates only: its entries cannot be changed and
their hashes are published, so the reply contact, the description and the messages never enter them.
"""
import hashlib
from datetime import date, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from signage.audit.services import append_entry
from signage.auth.models import Organisation, User
from signage.consent.codes import new_receipt_code, normalised_code
from signage.errors import Conflict, NotFound
from signage.extensions import db
from signage.local_time import local_day, reminder_moment
from signage.outbox.services import enqueue
from signage.requests import rules
from signage.requests.models import PublicRequest, RequestStep
from signage.requests.notifications import deadline_message, received_message
from signage.rules.findings import N_
from signage.signs.models import Sign
from signage.sites.models import Site
from signage.sites.signals import site_records_changed

#: The person filing from the notice page: no account, so no user; the log names them so in each language.
PUBLIC_ACTOR = {"type": "person", "label": "public"}
HOUSEKEEPING_ACTOR = {"type": "system", "label": "system"}
#: Days after closure the reply contact is kept, unless the app is configured otherwise.
CONTACT_KEPT_DAYS = 90

REFUSALS = {
    "state": N_("This request is no longer at a step where that can be done."),
    "extended": N_("The time to answer was extended already: the law allows it once."),
    "late": N_("The time to answer has passed: an extension must be told to the person within the first period."),
    "no_extension": N_("The law of this site's jurisdictions allows no extension of the time to answer."),
    "unknown": N_("Unknown action."),
}


def code_hash(code: str) -> str:
    """Return the stored form of a reference code."""
    return hashlib.sha256(b"request|" + code.encode("ascii")).hexdigest()


def file_request(site, data: dict, *, now: datetime, settings, sign=None, form_once: str | None = None,
                 dashboard_url: str = "") -> tuple[PublicRequest, str]:
    """File a rights request or a sign report about `site` (and `sign`, when opened from its URL); return it and
    its reference code, which is shown once and stored only hashed. The organisation's owners and editors are
    told through the outbox in the same transaction. A form sent twice (`form_once` seen) files nothing new
    and returns the first request with no code."""
    if form_once is not None:
        earlier = db.session.scalar(select(PublicRequest).where(PublicRequest.form_once == form_once))
        if earlier is not None:
            return earlier, ""
    organisation = db.session.get(Organisation, site.organisation_id)
    category = data["category"]
    clock = rules.due_clock(local_day(now, organisation.time_zone), site.jurisdictions or [], category=category,
                            settings=settings, organisation_days=organisation.request_answer_days)
    code = new_receipt_code()
    request = PublicRequest(
        code_sha256=code_hash(code), organisation_id=site.organisation_id, site_id=site.id,
        sign_id=sign.id if sign is not None else None, category=category, kind=data["kind"],
        language=data["language"], passed_at=data.get("passed_at"), description=data.get("description"),
        reply_channel=data.get("reply_channel") if data.get("reply_contact") else None,
        reply_contact=data.get("reply_contact"), state="received", received_at=now, due_on=clock.due_on,
        due_provisional=clock.provisional, due_basis=clock.basis, effective_due_on=clock.due_on, updated_at=now,
        next_reminder_at=reminder_moment(rules.first_reminder_on(clock.due_on), organisation.time_zone),
        steps_count=0, form_once=form_once)
    db.session.add(request)
    db.session.flush()
    _step(request, "received", now=now)
    append_entry("request.received", actor=PUBLIC_ACTOR, subject=request, now=now, changes={
        "category": [None, category], "kind": [None, request.kind], "site_id": [None, site.id],
        "sign": [None, sign.serial if sign is not None else None], "state": [None, "received"],
        "due_on": [None, _iso(clock.due_on)]})
    _notify_received(request, site, sign, organisation, now=now, dashboard_url=dashboard_url)
    if request.effective_due_on is not None:
        site_records_changed.send([site.id], now=now)  # an answer is owed by a day
    return request, code


def act(request: PublicRequest, action: str, data: dict, *, by, now: datetime, settings) -> PublicRequest:
    """Take one of the operator's actions (acknowledge, ask, extend, answer, close); the message, where the
    action has one, is what the person reads on the status page."""
    organisation = db.session.get(Organisation, request.organisation_id)
    today = local_day(now, organisation.time_zone)
    refusal = rules.action_refusal(action, request.state, extended=request.extended_due_on is not None,
                                   due_on=request.due_on, today=today)
    changes: dict = {}
    if refusal is None and action == "extend":
        site = db.session.get(Site, request.site_id)
        allowed = rules.extension_allowed(site.jurisdictions or [], category=request.category, basis=request.due_basis)
        furthest = rules.extended_clock(local_day(request.received_at, organisation.time_zone),
                                        site.jurisdictions or [], settings=settings) if allowed else None
        if furthest is None or (request.due_on is not None and furthest <= request.due_on):
            refusal = "no_extension"
        else:
            changes["extended_due_on"] = [None, furthest.isoformat()]
            request.extended_due_on = request.effective_due_on = furthest
            request.next_reminder_at = reminder_moment(rules.first_reminder_on(furthest), organisation.time_zone)
            request.extension_reason = data["message"]
    if refusal is not None:
        raise Conflict(REFUSALS[refusal], errors={"action": [REFUSALS[refusal]]})
    before = request.state
    request.state = rules.ACTIONS[action][1] or request.state
    if action == "answer":
        request.answered_at = now
    if action == "close":
        request.closed_at = now
    if request.state in ("answered", "closed"):
        request.next_reminder_at = None
    request.updated_at = now
    _step(request, action, now=now, user_id=getattr(by, "id", None), message=data.get("message"))
    changes["state"] = [before, request.state]  # said even when unchanged: the log shows where each step left it
    append_entry(f"request.{action}", actor=by, subject=request, now=now, changes=changes)
    if request.effective_due_on is not None:
        site_records_changed.send([request.site_id], now=now)
    return request


def _step(request: PublicRequest, action: str, *, now: datetime, user_id: int | None = None,
          message: str | None = None) -> RequestStep:
    request.steps_count = (request.steps_count or 0) + 1
    step = RequestStep(request_id=request.id, seq=request.steps_count, action=action, state=request.state, at=now,
                       user_id=user_id, message=message or None)
    db.session.add(step)
    return step


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None


def request_for_code(text: str) -> PublicRequest:
    """Return the request a reference code opens, or raise NotFound: a mistyped code and an unknown one answer
    alike, after the same single lookup by hash."""
    code = normalised_code(text)
    # a malformed code is looked up too (as a hash nothing has), so both answers take the same time
    request = db.session.scalar(select(PublicRequest).where(PublicRequest.code_sha256 == code_hash(code or "-")))
    if request is None:
        raise NotFound("No request has this reference code. Check it against the one you were given.")
    return request


def get_request(organisation_id: int, request_id: int) -> PublicRequest:
    """Return one of the organisation's requests; another organisation's does not exist."""
    request = db.session.get(PublicRequest, request_id)
    if request is None or request.organisation_id != organisation_id:
        raise NotFound("No such request.")
    return request


def steps_of(request: PublicRequest) -> list[RequestStep]:
    return list(db.session.scalars(select(RequestStep).where(RequestStep.request_id == request.id)
                                   .order_by(RequestStep.seq)))


def erase_closed_contacts(*, now: datetime, kept_days: int = CONTACT_KEPT_DAYS, limit: int = 500) -> int:
    """Erase the reply contact of requests closed more than `kept_days` ago, a batch at a time; each erasure is
    audited by the fields erased, never their value. Return how many were erased."""
    cutoff = now - timedelta(days=kept_days)
    requests = list(db.session.scalars(
        select(PublicRequest).where(PublicRequest.reply_contact.is_not(None), PublicRequest.closed_at.is_not(None),
                                    PublicRequest.closed_at < cutoff).order_by(PublicRequest.id).limit(limit)))
    for request in requests:
        request.reply_contact = request.reply_channel = None
        request.contact_erased_at = request.updated_at = now
        _step(request, "contact_erased", now=now)
        append_entry("request.contact_erased", actor=HOUSEKEEPING_ACTOR, subject=request, now=now,
                     changes={"erased": [None, ["reply_channel", "reply_contact"]]},
                     reason=f"{kept_days} days after closure")
    return len(requests)


def _recipients(organisation_id: int) -> list[str]:
    return list(db.session.scalars(select(User.email).where(
        User.organisation_id == organisation_id, User.active.is_(True), User.role.in_(("owner", "editor")))
        .order_by(User.id)))


def _link(dashboard_url: str, request: PublicRequest) -> str:
    return f"{dashboard_url}/requests/{request.id}"


def _notify_received(request: PublicRequest, site, sign, organisation, *, now: datetime, dashboard_url: str) -> None:
    subject, body = received_message(request, site.site_name, sign.serial if sign is not None else None,
                                     _link(dashboard_url, request))
    enqueue(organisation.id, _recipients(organisation.id), subject=subject, body=body,
            dedupe_key=f"request:{request.id}:received", now=now)


def remind_deadlines(*, now: datetime, dashboard_url: str = "", limit: int = 500) -> int:
    """Write the reminders due of open requests, once each (due within REMINDER_DAYS days, then overdue): only
    the rows whose reminder moment has come are read, and each one read moves on to its next moment (or to
    none), so the cost follows the reminders, not the backlog, and a second run finds nothing. Return how
    many requests were looked at."""
    rows = db.session.execute(
        select(PublicRequest, Site.site_name, Sign.serial, Organisation.time_zone)
        .join(Site, Site.id == PublicRequest.site_id)
        .join(Organisation, Organisation.id == PublicRequest.organisation_id)
        .outerjoin(Sign, Sign.id == PublicRequest.sign_id)
        .where(PublicRequest.next_reminder_at.is_not(None), PublicRequest.next_reminder_at <= now)
        .order_by(PublicRequest.next_reminder_at, PublicRequest.id).limit(limit)).all()
    recipients: dict[int, list[str]] = {}  # each organisation's owners and editors, read once a batch
    for request, site_name, serial, time_zone in rows:
        if request.state in ("answered", "closed"):
            request.next_reminder_at = None
            continue
        threshold, following = rules.next_reminder(request.effective_due_on, local_day(now, time_zone))
        if threshold is not None:
            subject, body = deadline_message(request, site_name, serial, _link(dashboard_url, request),
                                             overdue=threshold == "overdue")
            # keyed on the date too: an extension's new date is reminded of afresh
            if request.organisation_id not in recipients:
                recipients[request.organisation_id] = _recipients(request.organisation_id)
            enqueue(request.organisation_id, recipients[request.organisation_id], subject=subject, body=body,
                    dedupe_key=f"request:{request.id}:{request.effective_due_on.isoformat()}:{threshold}", now=now)
        # the start of a later local day (the moment read had come, so its day is today or before), or none
        request.next_reminder_at = reminder_moment(following, time_zone)
    return len(rows)


def requests_query(organisation_id: int, *, state: str | None = "open", category: str | None = None,
                   kind: str | None = None, site_id: int | None = None, overdue_on: date | None = None):
    """Return the query of the organisation's requests, filtered, for a caller to order and page: `state`
    "open" (the default) is every state but closed, "all" every state; `overdue_on` keeps the open ones whose
    date has passed by that day."""
    # each request's site and sign come in one more statement a page each, not one per request
    query = (select(PublicRequest).where(PublicRequest.organisation_id == organisation_id)
             .options(selectinload(PublicRequest.site), selectinload(PublicRequest.sign),
                      selectinload(PublicRequest.steps)))
    if state == "open":
        query = query.where(PublicRequest.state != "closed")
    elif state not in (None, "all"):
        query = query.where(PublicRequest.state == state)
    if category is not None:
        query = query.where(PublicRequest.category == category)
    if kind is not None:
        query = query.where(PublicRequest.kind == kind)
    if site_id is not None:
        query = query.where(PublicRequest.site_id == site_id)
    if overdue_on is not None:  # still waiting for the answer, and past the date
        query = query.where(PublicRequest.state.not_in(("answered", "closed")),
                            PublicRequest.effective_due_on < overdue_on)
    return query


def request_counts(organisation_id: int, *, today: date) -> dict:
    """Count the organisation's requests waiting for an answer, those overdue, and the open reports of a
    suspected fake sign, on the index of open requests: the home page reads three numbers whatever the
    backlog."""
    waiting = PublicRequest.state.not_in(("answered", "closed"))
    row = db.session.execute(
        select(func.count().filter(waiting), func.count().filter(waiting, PublicRequest.effective_due_on < today),
               func.count().filter(PublicRequest.kind == "suspected_fake"))
        .where(PublicRequest.organisation_id == organisation_id, PublicRequest.state != "closed")).one()
    return {"waiting": row[0], "overdue": row[1], "fake": row[2]}


def suspected_fakes(organisation_id: int, *, limit: int = 5) -> list[PublicRequest]:
    """Return the open reports of a suspected fake sign, oldest first: each is a sign to check on site."""
    return list(db.session.scalars(
        select(PublicRequest).where(PublicRequest.organisation_id == organisation_id, PublicRequest.state != "closed",
                                    PublicRequest.kind == "suspected_fake")
        .options(selectinload(PublicRequest.site), selectinload(PublicRequest.sign))
        .order_by(PublicRequest.id).limit(limit)))
