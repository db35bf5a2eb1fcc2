"""The compliance calendar in the API: the organisation's duties, marking one done with its evidence, the
evidence file, and the secret calendar feed URL with its revocation."""
from flask import Response, current_app, g, url_for
from flask.views import MethodView
from sqlalchemy import select

from signage.api.core import LINK_HEADER, Blueprint, paged, requires
from signage.calendar import feeds, services
from signage.calendar.evidence import judge_evidence
from signage.calendar.models import Duty, DutyEvidence
from signage.calendar.queries import DutyFilters, duties_page
from signage.calendar.schemas import (DutyApiQuerySchema, DutyDoneApiSchema, DutySchema, FeedUrlSchema,
                                      ViolationNoticeSchema)
from signage.config import pack_settings
from signage.database import utcnow
from signage.errors import InvalidInput, NotFound
from signage.extensions import db
from signage.local_time import local_day
from signage.rules.duties import KINDS, duty_status
from signage.sites.services import get_site

blp = Blueprint("duties-api", __name__, url_prefix="/api/v1",
                description="The compliance calendar: each site's dated duties, marked done with evidence, and "
                            "the calendar feed that carries them to other calendars.")
#: What evidence can be, by its content (signage.calendar.evidence).
EVIDENCE_TYPES = ("application/pdf", "image/png", "image/jpeg", "image/webp")
FEED_ENDPOINT = "calendar_feed.feed"


def duty_document(duty: Duty, *, today, soon_days: int) -> dict:
    """Return a duty as the API shows it, with its rule, its source and where it stands today."""
    document = {name: getattr(duty, name) for name in (
        "id", "site_id", "kind", "key", "trigger_on", "due_on", "done_on", "done_reference", "evidence_name",
        "evidence_sha256", "withdrawn_at", "sequence", "updated_at", "params")}
    document["rule_id"], document["source"] = KINDS[duty.kind]
    document["site_code"] = duty.site.code  # loaded with the page (duties_page), not one query each
    document["provisional_years"] = list(duty.provisional_years or [])
    document["provisional"] = bool(document["provisional_years"])
    document["status"] = duty_status(duty.due_on, duty.done_on, today=today, withdrawn=duty.withdrawn_at is not None,
                                     soon_days=soon_days)
    return document


def _document(duty: Duty) -> dict:
    return duty_document(duty, today=local_day(utcnow(), g.user.organisation.time_zone),
                         soon_days=pack_settings().duty_due_soon_days)


def judged(data: dict) -> dict:
    """Return a duty's marked-done data with its evidence's media type, judged by the file's content; 422
    naming the evidence when it is not a file the calendar keeps."""
    evidence = data.get("evidence")
    if evidence is None:
        return data
    media_type, problem = judge_evidence(evidence["content"])
    if problem:
        raise InvalidInput("The evidence file cannot be kept.", errors={"evidence": {"content_base64": [problem]}})
    return {**data, "evidence": {**evidence, "media_type": media_type}}


def feed_url(organisation_id: int) -> dict:
    """Return the organisation's current feed URL, absolute."""
    token = feeds.feed_token(organisation_id, secret=current_app.config["SECRET_KEY"])
    return {"url": url_for(FEED_ENDPOINT, token=token, _external=True)}


@blp.route("/duties")
class DutyCollection(MethodView):
    @requires("read")
    @blp.arguments(DutyApiQuerySchema, location="query")
    @blp.response(200, DutySchema(many=True), headers=LINK_HEADER)
    @blp.problems(403, 404, 422)
    def get(self, query):
        """List the organisation's duties in date order, undated last: open ones by default; filter by status,
        site and a range of due dates. Statuses are counted in the organisation's time zone."""
        site = get_site(g.user.organisation_id, query["site"]) if query["site"] else None
        today, soon = local_day(utcnow(), g.user.organisation.time_zone), pack_settings().duty_due_soon_days
        filters = DutyFilters(query["status"], site.id if site else None, query["due_from"], query["due_to"])
        page = duties_page(g.user.organisation_id, filters, today=today, soon_days=soon, limit=query["limit"],
                           cursor=query["cursor"])
        return paged(page, items=[duty_document(duty, today=today, soon_days=soon) for duty in page.items])


@blp.route("/duties/<int:duty_id>")
class DutyItem(MethodView):
    @requires("read")
    @blp.response(200, DutySchema)
    @blp.problems(403, 404)
    def get(self, duty_id: int):
        """Read one duty; another organisation's does not exist."""
        return _document(services.get_duty(g.user.organisation_id, duty_id))


@blp.route("/duties/<int:duty_id>/done")
class DutyDone(MethodView):
    @requires("edit")
    @blp.arguments(DutyDoneApiSchema)
    @blp.response(200, DutySchema)
    @blp.problems(403, 404, 409, 413, 415, 422)
    def post(self, data, duty_id: int):
        """Mark a duty done on a day, with a reference and optionally an evidence file (a whole PDF, PNG, JPEG
        or WebP, base64, judged by its content: 422 otherwise, and for a sign inspection without its photo);
        the file's SHA-256 goes into the audit log. 409 when it is already done, no longer applies, or is done
        from the site's record (the filing, the assessments, deletions, answers to requests), or the day is in
        the future or before the duty began."""
        duty, now = services.get_duty(g.user.organisation_id, duty_id), utcnow()
        services.refuse_unless_open(duty, data["done_on"], now=now)  # before the file is judged
        services.mark_duty_done(duty, judged(data), by=g.user, now=now, settings=pack_settings())
        db.session.commit()
        return _document(duty)


@blp.route("/duties/<int:duty_id>/evidence")
class DutyEvidenceFile(MethodView):
    @requires("read")
    @blp.response(200)
    @blp.doc(responses={"200": {"description": "The file, as an attachment.", "content": {
        media_type: {"schema": {"type": "string", "format": "binary"}} for media_type in EVIDENCE_TYPES}}})
    @blp.problems(403, 404)
    def get(self, duty_id: int):
        """Download the evidence a duty was marked done with, in its own media type; 404 when it has none."""
        duty = services.get_duty(g.user.organisation_id, duty_id)
        evidence = db.session.get(DutyEvidence, duty.id)
        if evidence is None:
            raise NotFound("This duty has no evidence file.")
        return Response(evidence.content, mimetype=evidence.media_type, headers={
            "Content-Disposition": f'attachment; filename="duty-{duty.id}-evidence{_suffix(evidence.media_type)}"',
            "Cache-Control": "private, no-store"})


def _suffix(media_type: str) -> str:
    return {"application/pdf": ".pdf", "image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}.get(
        media_type, "")


@blp.route("/calendar/feed")
class CalendarFeed(MethodView):
    @requires("read")
    @blp.response(200, FeedUrlSchema)
    @blp.problems(403)
    def get(self):
        """Read the organisation's secret calendar feed URL (iCalendar): subscribe to it from any calendar."""
        return feed_url(g.user.organisation_id)


@blp.route("/calendar/feed/revoke")
class CalendarFeedRevocation(MethodView):
    @requires("manage")
    @blp.response(200, FeedUrlSchema)
    @blp.problems(403)
    def post(self):
        """Revoke the feed URL (owners only): every earlier URL stops working; the answer holds the new one."""
        feeds.revoke_feed(g.user.organisation, by=g.user, now=utcnow())
        db.session.commit()
        return feed_url(g.user.organisation_id)


@blp.route("/sites/<int:site_id>/violation-notices")
class ViolationNotices(MethodView):
    @requires("edit")
    @blp.arguments(ViolationNoticeSchema)
    @blp.response(201, DutySchema, headers={"Location": {"schema": {"type": "string"}}})
    @blp.problems(403, 404, 409, 422)
    def post(self, data, site_id: int):
        """Record a notice of violation a New York City site received (409 for a site elsewhere, or a day in
        the future); the answer is the cure window it puts on the calendar, at its Location."""
        site = get_site(g.user.organisation_id, site_id)
        notice = services.record_violation_notice(site, data, by=g.user, now=utcnow(), settings=pack_settings())
        db.session.commit()
        duty = db.session.scalar(select(Duty).where(Duty.site_id == site.id, Duty.key == f"nyc_cure:{notice.id}"))
        return _document(duty), 201, {
            "Location": url_for("duties-api.DutyItem", duty_id=duty.id, _external=True)}
