"""Dashboard pages of the compliance calendar: the list of duties, a month, one duty with the form that
marks it done, its evidence, and the feed URL's revocation."""
import calendar as month_calendar
from datetime import date, timedelta

from flask import Blueprint, Response, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from signage.auth.login import require
from signage.calendar import feeds, queries, reminders, services
from signage.calendar.evidence import EVIDENCE_MAX_BYTES, evidence_name, judge_evidence
from signage.calendar.models import DutyEvidence
from signage.calendar.schemas import (FIRST_MONTH, LAST_MONTH, DutyDoneSchema, DutyQuerySchema, MonthQuerySchema,
                                      RemindersSchema, ViolationNoticeSchema)
from signage.config import pack_settings
from signage.database import utcnow
from signage.errors import Conflict, InvalidInput, NotFound
from signage.extensions import db
from signage.http import allow_large_body, load_data, load_input, query_args
from signage.local_time import local_day
from signage.rules.duties import KINDS, duty_status
from signage.rules.duty_done import DONE_BY_RECORD, EVIDENCE_REQUIRED
from signage.rules.workdays import missing_next_year
from signage.sites.services import get_site

bp = Blueprint("calendar", __name__, url_prefix="/calendar")
PAGE_SIZE = 50
#: The form marking a duty done takes a photo straight off a phone: bodies up to this size are read, so a
#: file over the evidence limit comes back to the form with the limit named instead of a bare 413 page.
DONE_FORM_MAX_BYTES = 16_000_000
allow_large_body("calendar.done", DONE_FORM_MAX_BYTES)


def _today() -> date:
    return local_day(utcnow(), g.user.organisation.time_zone)


def _status_of(today: date):
    soon = pack_settings().duty_due_soon_days
    return lambda duty: duty_status(duty.due_on, duty.done_on, today=today, withdrawn=duty.withdrawn_at is not None,
                                    soon_days=soon)


def _feed_url() -> str:
    token = feeds.feed_token(g.user.organisation_id, secret=current_app.config["SECRET_KEY"])
    return url_for("calendar_feed.feed", token=token, _external=True)


@bp.get("")
@require("read")
def index():
    """List the organisation's duties in date order, open ones by default, with counts by status."""
    query, errors = _filters(DutyQuerySchema())
    site = get_site(g.user.organisation_id, query["site"]) if query["site"] else None
    today, soon = _today(), pack_settings().duty_due_soon_days
    filters = queries.DutyFilters(query["status"], site.id if site else None, query["due_from"], query["due_to"])
    page = queries.duties_page(g.user.organisation_id, filters, today=today, soon_days=soon,
                               limit=min(query["limit"], PAGE_SIZE), cursor=query["cursor"])
    return render_template("calendar/index.html", duties=page.items, page=page, query=query, site=site, today=today,
                           status_of=_status_of(today), kinds=KINDS, statuses=queries.STATUS_CHOICES,
                           counts=queries.open_counts(g.user.organisation_id, today=today, soon_days=soon,
                                                      site_id=site.id if site else None),
                           feed_url=_feed_url(), missing_year=missing_next_year(today),
                           reminded=reminders.is_subscribed(g.user), errors=errors,
                           typed=query_args(drop_empty=True)), 422 if errors else 200


def _filters(schema) -> tuple[dict, dict]:
    """Return a page's filters and the messages of those refused: the page still shows, with the refused
    filters named above it and left out, so the operator can correct them. Leaving one out can uncover
    another (a range is checked once its two days are), so this repeats; an error of the whole query, or
    one no filter carries, leaves every filter out."""
    args, errors = query_args(drop_empty=True), {}
    while True:
        try:
            return load_data(schema, {key: value for key, value in args.items() if key not in errors}), errors
        except InvalidInput as error:
            found = error.errors or {"_schema": [error.detail]}
            newly_refused = (set(found) & set(args)) - set(errors)
            errors = {**errors, **found}
            if not newly_refused:
                return load_data(schema, {}), errors


@bp.get("/month")
@require("read")
def month():
    """Show one month as a grid of weeks, each day naming its first duties and linking to the rest."""
    query, errors = _filters(MonthQuerySchema())
    site = get_site(g.user.organisation_id, query["site"]) if query["site"] else None
    today = _today()
    first = queries.month_start(query["month"], today)
    days = queries.month_days(g.user.organisation_id, first, site_id=site.id if site else None)
    weeks = month_calendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    previous = (first - timedelta(days=1)).replace(day=1) if first > FIRST_MONTH else None
    following = (first + timedelta(days=32)).replace(day=1) if first < LAST_MONTH else None
    return render_template("calendar/month.html", first=first, weeks=weeks, days=days, today=today, site=site,
                           previous=previous, following=following, status_of=_status_of(today),
                           missing_year=missing_next_year(today), errors=errors), 422 if errors else 200


@bp.get("/duties/<int:duty_id>")
@require("read")
def detail(duty_id: int):
    """Show one duty: why it applies, by when, where it stands, and how it was done."""
    return _detail(services.get_duty(g.user.organisation_id, duty_id))


def _detail(duty, *, errors: dict | None = None, values: dict | None = None, status: int = 200):
    today = _today()
    return render_template("calendar/detail.html", duty=duty, site=duty.site, today=today,
                           status=_status_of(today)(duty), kinds=KINDS, errors=errors or {}, values=values or {},
                           max_kb=EVIDENCE_MAX_BYTES // 1000, done_by_record=DONE_BY_RECORD,
                           evidence_required=EVIDENCE_REQUIRED, earliest=services.earliest_done(duty).day), status


@bp.post("/duties/<int:duty_id>/done")
@require("edit")
def done(duty_id: int):
    """Mark a duty done on a day, with a reference and optionally a file; the audit log keeps its hash."""
    duty = services.get_duty(g.user.organisation_id, duty_id)
    try:
        data = load_input(DutyDoneSchema())
        now = utcnow()
        services.refuse_unless_open(duty, data["done_on"], now=now)  # before the file is read
        evidence = _uploaded()
        if evidence is not None:
            data["evidence"] = evidence
        services.mark_duty_done(duty, data, by=g.user, now=now, settings=pack_settings())
    except (InvalidInput, Conflict) as error:
        db.session.rollback()
        duty = services.get_duty(g.user.organisation_id, duty_id)
        return _detail(duty, errors=error.errors or {"done_on": [str(error)]}, values=request.form.to_dict(),
                       status=422 if isinstance(error, InvalidInput) else 409)
    db.session.commit()
    flash(_("Marked done. The audit log keeps the day, the reference and the file's SHA-256."))
    return redirect(url_for("calendar.detail", duty_id=duty_id))


def _uploaded() -> dict | None:
    """Return the attached file as the service takes it, refused by its content; None when none is attached."""
    upload = request.files.get("evidence")
    if upload is None or not upload.filename:
        return None
    content = upload.read(EVIDENCE_MAX_BYTES + 1)
    media_type, problem = judge_evidence(content)
    if problem is not None:
        raise InvalidInput("The evidence file cannot be kept.", errors={"evidence": [problem]})
    return {"name": evidence_name(upload.filename), "media_type": media_type, "content": content}


@bp.get("/duties/<int:duty_id>/evidence")
@require("read")
def evidence(duty_id: int):
    """Download the file a duty was marked done with."""
    duty = services.get_duty(g.user.organisation_id, duty_id)
    stored = db.session.get(DutyEvidence, duty.id)
    if stored is None:
        raise NotFound("This duty has no evidence file.")
    extension = {"application/pdf": "pdf", "image/png": "png", "image/jpeg": "jpg", "image/webp": "webp"}
    name = f"duty-{duty.id}-evidence.{extension.get(stored.media_type, 'bin')}"
    return Response(stored.content, mimetype=stored.media_type,
                    headers={"Content-Disposition": f'attachment; filename="{name}"',
                             "Cache-Control": "private, no-store"})


@bp.post("/feed/revoke")
@require("manage")
def revoke_feed():
    """Make the calendar feed's URL stop working and show the new one."""
    feeds.revoke_feed(g.user.organisation, by=g.user, now=utcnow())
    db.session.commit()
    flash(_("The old feed URL no longer works. Subscribe again with the new one."))
    return redirect(url_for("calendar.index"))


@bp.post("/reminders")
@require("edit")
def set_reminders():
    """Start or stop e-mailing the signed-in user the duties' reminders."""
    data = load_input(RemindersSchema())
    reminders.set_reminders(g.user, data["wanted"], by=g.user, now=utcnow())
    db.session.commit()
    flash(_("You will get an e-mail 30, 7 and 1 days before each duty's date, and when one is overdue.")
          if data["wanted"] else _("You will no longer get the duties' reminders."))
    return redirect(url_for("calendar.index"))


@bp.get("/sites/<int:site_id>/violation-notice")
@require("edit")
def violation_notice(site_id: int):
    """Show the form that records a notice of violation a New York City site received."""
    return _violation_form(get_site(g.user.organisation_id, site_id))


def _violation_form(site, *, errors: dict | None = None, values: dict | None = None, status: int = 200):
    settings = pack_settings()
    return render_template("calendar/violation_notice.html", site=site, today=_today(), errors=errors or {},
                           values=values or {}, cure_days=settings.nyc_cure_days,
                           law_in_force=settings.nyc_law_in_force,
                           applies="US-NYC" in (site.jurisdictions or [])), status


@bp.post("/sites/<int:site_id>/violation-notice")
@require("edit")
def record_violation_notice(site_id: int):
    """Record the notice; its cure window goes on the calendar."""
    site = get_site(g.user.organisation_id, site_id)
    try:
        data = load_input(ViolationNoticeSchema())
        services.record_violation_notice(site, data, by=g.user, now=utcnow(), settings=pack_settings())
    except (InvalidInput, Conflict) as error:
        db.session.rollback()
        return _violation_form(get_site(g.user.organisation_id, site_id), errors=error.errors,
                               values=request.form.to_dict(), status=422 if isinstance(error, InvalidInput) else 409)
    db.session.commit()
    flash(_("Notice recorded. Its cure window is on the calendar."))
    return redirect(url_for("calendar.index", site=site_id))
