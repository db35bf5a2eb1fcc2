"""Dashboard pages for sites: list, register, edit, go live, acknowledge warnings."""
from flask import Blueprint, g, redirect, render_template, request, url_for

from signage.audit.services import entries_for
from signage.auth.login import require
from signage.database import utcnow
from signage.errors import Conflict, InvalidInput, RuleViolation
from signage.extensions import db
from signage.http import load_input
from signage.notices.services import versions_for
from signage.signs.services import signs_for
from signage.sites import services
from signage import vocabulary as vocab
from signage.config import pack_settings
from signage.sites.schemas import AcknowledgementSchema, SiteSchema, StatusChangeSchema

bp = Blueprint("sites", __name__, url_prefix="/sites")


@bp.get("")
@require("read")
def index():
    """List the organisation's sites with status, jurisdictions and open findings."""
    rows = services.site_overview(g.user.organisation_id, today=utcnow().date(), settings=pack_settings())
    return render_template("sites/index.html", rows=rows)


@bp.get("/new")
@require("edit")
def new():
    """Show an empty site form."""
    return _form(None, values={}, errors={}, findings=[])


@bp.post("")
@require("edit")
def create():
    """Save a new site as a draft, however incomplete."""
    try:
        data = load_input(SiteSchema())
    except InvalidInput as error:
        return _form(None, values=request.form, errors=error.errors, findings=[], status=422)
    site = services.register_site(g.user.organisation, data, by=g.user, now=utcnow())
    db.session.commit()
    return redirect(url_for("sites.detail", site_id=site.id), 303)


@bp.get("/<int:site_id>")
@require("read")
def detail(site_id: int):
    """Show a site with its findings beside the fields, its signs, notices and history."""
    return _detail(services.get_site(g.user.organisation_id, site_id))


def _detail(site, status=200, refused=None):
    findings = services.site_findings(site, today=utcnow().date(), settings=pack_settings())
    return render_template("sites/detail.html", site=site, record=services.site_record(site), findings=findings,
                           findings_by_field=services.findings_by_field(findings), refused=refused,
                           transitions=vocab.STATUS_TRANSITIONS[site.status], sections=vocab.SECTIONS,
                           history=entries_for("sites", site.id), notices=versions_for(site),
                           signs=signs_for(site)), status


@bp.get("/<int:site_id>/edit")
@require("edit")
def edit(site_id: int):
    """Show the site form filled with the current record."""
    site = services.get_site(g.user.organisation_id, site_id)
    findings = services.site_findings(site, today=utcnow().date(), settings=pack_settings())
    return _form(site, values=services.site_record(site), errors={}, findings=findings)


@bp.post("/<int:site_id>")
@require("edit")
def update(site_id: int):
    """Save the form; an active site must still pass every ERROR rule."""
    site = services.get_site(g.user.organisation_id, site_id)
    try:
        data = load_input(SiteSchema())
        services.update_site(site, data, by=g.user, now=utcnow(), settings=pack_settings(), replace=True)
    except (InvalidInput, RuleViolation, Conflict) as error:
        db.session.rollback()
        site = services.get_site(g.user.organisation_id, site_id)
        refused = None if isinstance(error, InvalidInput) else error.detail
        return _form(site, values=request.form, errors=error.errors or {}, findings=error.findings or [],
                     status=error.status, refused=refused)
    db.session.commit()
    return redirect(url_for("sites.detail", site_id=site.id), 303)


def _form(site, *, values, errors, findings, status=200, refused=None):
    return render_template("sites/form.html", site=site, values=values, errors=errors, refused=refused,
                           findings_by_field=services.findings_by_field(findings),
                           sections=vocab.SECTIONS), status


@bp.post("/<int:site_id>/status")
@require("edit")
def change_status(site_id: int):
    """Activate, suspend or decommission; a refusal names the rules and the fields to fix."""
    site = services.get_site(g.user.organisation_id, site_id)
    data = load_input(StatusChangeSchema())
    try:
        services.change_status(site, data["status"], reason=data.get("reason"), by=g.user, now=utcnow(),
                               settings=pack_settings())
    except RuleViolation as error:
        db.session.rollback()
        return _detail(services.get_site(g.user.organisation_id, site_id), status=409, refused=error)
    db.session.commit()
    return redirect(url_for("sites.detail", site_id=site.id), 303)


@bp.post("/<int:site_id>/acknowledgements")
@require("edit")
def acknowledge(site_id: int):
    """Acknowledge a warning; the acknowledgement is logged."""
    site = services.get_site(g.user.organisation_id, site_id)
    data = load_input(AcknowledgementSchema())
    services.acknowledge_finding(site, data, by=g.user, now=utcnow(), settings=pack_settings())
    db.session.commit()
    return redirect(url_for("sites.detail", site_id=site.id, _anchor="findings"), 303)
