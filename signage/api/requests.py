"""Requests and sign reports in the API: the operator's queue, one request and the actions on it; and the
public side, which needs no token: filing from a notice, and the status a reference code opens."""
from flask import current_app, g
from flask.views import MethodView
from sqlalchemy import select

from signage.api.core import LINK_HEADER, RATE_LIMIT_HEADERS, Blueprint, paged, requires
from signage.config import pack_settings
from signage.consent.codes import normalised_code
from signage.database import utcnow
from signage.extensions import db, limiter
from signage.notices.services import latest_version
from signage.pagination import keyset_page
from signage.requests import rules, services
from signage.requests.models import PublicRequest
from signage.requests.public_views import per_address_limit, per_site_limit
from signage.requests.schemas import (PublicFilingSchema, PublicStatusSchema, QueueQuerySchema, RequestActionSchema,
                                      RequestSchema)
from signage.errors import NotFound
from signage.signs.models import Sign
from signage.sites.models import Site
from signage.sites.services import get_site

blp = Blueprint("requests-api", __name__, url_prefix="/api/v1",
                description="Rights requests and sign reports from the notice pages, with their clocks.")
public_blp = Blueprint("public-requests-api", __name__, url_prefix="/api/v1/public", public=True,
                       description="Filing a request or a sign report without an account, and following it by its "
                                   "reference code: what the notice page's forms do, for apps.")


def _steps(steps) -> list[dict]:
    return [{"seq": step.seq, "action": step.action, "state": step.state, "at": step.at, "message": step.message}
            for step in steps]


def request_document(filed: PublicRequest, *, today) -> dict:
    """Return a request as the operator's API shows it, with its steps and where its clock stands."""
    document = {name: getattr(filed, name) for name in (
        "id", "site_id", "category", "kind", "language", "state", "passed_at", "description", "reply_channel",
        "reply_contact", "contact_erased_at", "received_at", "due_on", "due_provisional", "due_basis",
        "extended_due_on", "extension_reason", "answered_at", "closed_at")}
    document["sign_serial"] = filed.sign.serial if filed.sign is not None else None
    document["clock"] = rules.clock_state(filed.effective_due_on, today, state=filed.state)
    document["steps"] = _steps(filed.steps)  # loaded with the page (requests_query), not one query each
    return document


def _today():
    return services.local_day(utcnow(), g.user.organisation.time_zone)


def _loaded(organisation_id: int, request_id: int) -> PublicRequest:
    filed = db.session.scalar(services.requests_query(organisation_id, state="all")
                              .where(PublicRequest.id == request_id))
    if filed is None:
        raise NotFound("No such request.")
    return filed


@blp.route("/requests")
class RequestCollection(MethodView):
    @requires("read")
    @blp.arguments(QueueQuerySchema, location="query")
    @blp.response(200, RequestSchema(many=True), headers=LINK_HEADER)
    @blp.problems(403, 404, 422)
    def get(self, query):
        """List the organisation's requests and reports: open ones by default, oldest first; filter by state,
        category, kind, site and overdue."""
        site = get_site(g.user.organisation_id, query["site"]) if query["site"] else None
        today = _today()
        requests = services.requests_query(g.user.organisation_id, state=query["state"], category=query["category"],
                                           kind=query["kind"], site_id=site.id if site else None,
                                           overdue_on=today if query["overdue"] else None)
        page = keyset_page(db.session, requests, PublicRequest.id, descending=not rules.oldest_first(query["state"]),
                           limit=query["limit"], cursor=query["cursor"])
        return paged(page, items=[request_document(filed, today=today) for filed in page.items])


@blp.route("/requests/<int:request_id>")
class RequestItem(MethodView):
    @requires("read")
    @blp.response(200, RequestSchema)
    @blp.problems(403, 404)
    def get(self, request_id: int):
        """Read one request with its steps; another organisation's does not exist."""
        return request_document(_loaded(g.user.organisation_id, request_id), today=_today())


@blp.route("/requests/<int:request_id>/actions")
class RequestActions(MethodView):
    @requires("edit")
    @blp.arguments(RequestActionSchema)
    @blp.response(200, RequestSchema)
    @blp.problems(403, 404, 409, 413, 415, 422)
    def post(self, data, request_id: int):
        """Acknowledge, ask for more information, extend (where the law allows, once, before the date), answer
        or close; the message is what the person reads on the status page. 409 when the action does not fit
        the request's state or its law."""
        filed = _loaded(g.user.organisation_id, request_id)
        services.act(filed, data["action"], data, by=g.user, now=utcnow(), settings=pack_settings())
        db.session.commit()
        return request_document(_loaded(g.user.organisation_id, request_id), today=_today())


def status_document(filed: PublicRequest, code: str) -> dict:
    """Return what the person may see of their request by its code: never the contact or the description."""
    site = db.session.get(Site, filed.site_id)
    base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
    return {"reference_code": code, "status_url": f"{base}/q/{code}", "site_code": site.code,
            "category": filed.category, "kind": filed.kind, "state": filed.state, "received_at": filed.received_at,
            "due_on": filed.due_on, "extended_due_on": filed.extended_due_on,
            "extension_reason": filed.extension_reason, "steps": _steps(services.steps_of(filed))}


@public_blp.route("/notices/<code:code>/requests")
class PublicFiling(MethodView):
    decorators = [per_address_limit, per_site_limit]  # counted with the forms' own

    @public_blp.arguments(PublicFilingSchema)
    @public_blp.response(201, PublicStatusSchema, headers=RATE_LIMIT_HEADERS)
    @public_blp.problems(404, 413, 415, 422)
    def post(self, data, code: str):
        """File a rights request (category `rights`) or a sign report (`sign`) at the site whose notice has this
        code. The answer holds the reference code, shown only here: it is the only key to the status."""
        site = db.session.scalar(select(Site).where(Site.code == code.upper()))
        if site is None or latest_version(site) is None:
            raise NotFound("No notice has this code.")
        serial = data.pop("sign", None)
        sign = db.session.scalar(select(Sign).where(Sign.serial == serial.upper(), Sign.site_id == site.id)) \
            if serial else None
        filed, reference = services.file_request(site, data, now=utcnow(), settings=pack_settings(), sign=sign,
                                                 dashboard_url=current_app.config["PUBLIC_BASE_URL"])
        db.session.commit()
        return status_document(filed, reference), 201


@public_blp.route("/requests/<code:code>")
class PublicStatus(MethodView):
    decorators = [limiter.limit(lambda: current_app.config["RATELIMIT_RECEIPT_LOOKUP"], scope="receipt-lookup")]

    @public_blp.response(200, PublicStatusSchema, headers=RATE_LIMIT_HEADERS)
    @public_blp.problems(404)
    def get(self, code: str):
        """Where a request or report stands, by its reference code; an unknown code answers 404, as a code
        that is not yours would."""
        filed = services.request_for_code(code)
        return status_document(filed, normalised_code(code))
