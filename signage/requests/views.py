"""Dashboard pages for requests and sign reports: the queue with its clocks, one request and its steps, and
the operator's actions on it."""
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from signage.auth.login import require
from signage.config import pack_settings
from signage.database import utcnow
from signage.errors import Conflict, InvalidInput
from signage.extensions import db
from signage.http import load_data, load_input, query_args
from signage.pagination import keyset_page
from signage.requests import rules, services
from signage.requests.models import PublicRequest
from signage.requests.schemas import QueueQuerySchema, RequestActionSchema
from signage.signs.models import Sign
from signage.sites.models import Site
from signage.sites.services import get_site

bp = Blueprint("requests", __name__, url_prefix="/requests")
PAGE_SIZE = 50


def _today():
    return services.local_day(utcnow(), g.user.organisation.time_zone)


@bp.get("")
@require("read")
def index():
    """List the organisation's requests and reports, open ones oldest first, each with its clock."""
    query = load_data(QueueQuerySchema(), query_args(drop_empty=True))
    site = get_site(g.user.organisation_id, query["site"]) if query["site"] else None
    today = _today()
    requests = services.requests_query(g.user.organisation_id, state=query["state"], category=query["category"],
                                       kind=query["kind"], site_id=site.id if site else None,
                                       overdue_on=today if query["overdue"] else None)
    page = keyset_page(db.session, requests, PublicRequest.id, descending=not rules.oldest_first(query["state"]),
                       limit=min(query["limit"], PAGE_SIZE), cursor=query["cursor"])
    return render_template("requests/queue.html", requests=page.items, page=page, query=query, site=site,
                           today=today, clock=rules.clock_state, kinds=rules.RIGHTS_KINDS + rules.SIGN_PROBLEMS,
                           states=rules.STATES)


@bp.get("/<int:request_id>")
@require("read")
def detail(request_id: int):
    """Show one request: what the person asked, its clock, every step, and the actions left."""
    return _detail(services.get_request(g.user.organisation_id, request_id))


def _detail(filed: PublicRequest, *, errors: dict | None = None, values: dict | None = None, status: int = 200):
    site = db.session.get(Site, filed.site_id)
    sign = db.session.get(Sign, filed.sign_id) if filed.sign_id else None
    today = _today()
    # only what can be done: no button that could only be refused (an extension where the law allows none)
    actions = [action for action in rules.ACTIONS
               if rules.action_refusal(action, filed.state, extended=filed.extended_due_on is not None,
                                       due_on=filed.due_on, today=today) is None
               and (action != "extend" or rules.extension_allowed(site.jurisdictions or [], category=filed.category,
                                                                  basis=filed.due_basis))]
    html = render_template("requests/detail.html", filed=filed, site=site, sign=sign, steps=services.steps_of(filed),
                           actions=actions, clock=rules.clock_state(filed.effective_due_on, today, state=filed.state),
                           errors=errors or {}, values=values or {}, needs_message=rules.NEEDS_MESSAGE,
                           kept_days=current_app.config["REQUEST_CONTACT_KEPT_DAYS"])
    return html, status


@bp.post("/<int:request_id>/act")
@require("edit")
def act(request_id: int):
    """Take one action on a request; the person's status page shows it at once."""
    filed = services.get_request(g.user.organisation_id, request_id)
    try:
        data = load_input(RequestActionSchema())
        services.act(filed, data["action"], data, by=g.user, now=utcnow(), settings=pack_settings())
    except (InvalidInput, Conflict) as error:
        db.session.rollback()
        filed = services.get_request(g.user.organisation_id, request_id)
        return _detail(filed, errors=error.errors or {"action": [str(error)]}, values=request.form.to_dict(),
                       status=422 if isinstance(error, InvalidInput) else 409)
    db.session.commit()
    flash(_("Done. The person sees it on their status page."))
    return redirect(url_for("requests.detail", request_id=filed.id), 303)
