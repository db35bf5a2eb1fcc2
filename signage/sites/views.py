"""Dashboard pages for sites: list, register, edit, go live, acknowledge warnings."""
import hashlib
import json

from werkzeug.datastructures import MultiDict
from flask import Blueprint, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from signage.auth.login import require
from signage.auth.services import member_names
from signage.calendar.queries import DutyFilters, duties_page
from signage.database import utcnow
from signage.errors import Conflict, InvalidInput, RuleViolation
from signage.extensions import db
from signage.http import load_data, load_input, query_args
from signage.pagination import keyset_page
from signage.notices.services import versions_for
from signage.signs.services import signs_for
from signage.sites import services
from signage import vocabulary as vocab
from signage.config import pack_settings
from signage.sites.lists import SiteFilters, filtered_sites
from signage.sites.models import Site
from signage.labels import reader_tag
from signage.local_time import local_day
from signage.rules.duties import duty_status
from signage.rules.findings import is_given
from signage.rules.texts import TEXT_LANGUAGES, folded
from signage.sites.records import site_record
from signage.signs.history import site_history, subject_names
from signage.signs.preview import has_signs, predicted_effects
from signage.sites.schemas import (AcknowledgementSchema, EditReasonSchema, SiteListQuerySchema, SiteSchema,
                                   StatusChangeSchema)
from signage.sites.summaries import shown_summaries

bp = Blueprint("sites", __name__, url_prefix="/sites")


#: Sites per page of the list; newer and older pages follow by cursor.
PAGE_SIZE = 50
#: What a site's page shows of its longer lists before linking to the whole list.
FIRST_ENTRIES, FIRST_SIGNS, FIRST_VERSIONS, FIRST_DUTIES = 20, 50, 20, 10


@bp.get("")
@require("read")
def index():
    """List the organisation's sites that pass the filters, a page at a time, with their findings in brief."""
    # the filter form sends every field, an empty one for "Any": empty means no filter here
    query = load_data(SiteListQuerySchema(), query_args(drop_empty=True))
    filters = SiteFilters.from_query(query)
    page = keyset_page(db.session, filtered_sites(g.user.organisation_id, filters), Site.id, descending=True,
                       limit=min(query["limit"], PAGE_SIZE), cursor=query["cursor"])
    summaries = shown_summaries(page.items, now=utcnow(), settings=pack_settings())
    rows = [{"site": site, "errors": summaries[site.id]["errors_count"],
             "warnings": summaries[site.id]["warnings_count"]} for site in page.items]
    return render_template("sites/index.html", rows=rows, page=page, query=query, filtered=filters != SiteFilters(),
                           jurisdictions=vocab.JURISDICTIONS)


@bp.get("/new")
@require("edit")
def new():
    """Ask which laws apply first, then show the form with the fields those jurisdictions ask for."""
    chosen = [code for code in request.args.getlist("jurisdictions") if code in vocab.JURISDICTIONS]
    if not chosen:
        return render_template("sites/start.html", jurisdictions=vocab.JURISDICTIONS)
    return _form(None, values=MultiDict([("jurisdictions", code) for code in chosen]), errors={}, findings=[])


@bp.post("")
@require("edit")
def create():
    """Save a new site as a draft, however incomplete."""
    if request.form.get("_refresh"):  # the jurisdictions changed: show their fields, keep what was typed
        return _form(None, values=request.form, errors={}, findings=[])
    try:
        data = load_input(SiteSchema())
    except InvalidInput as error:
        return _form(None, values=request.form, errors=error.errors, findings=[], status=422)
    site = services.register_site(g.user.organisation, data, by=g.user, now=utcnow(), settings=pack_settings())
    db.session.commit()
    flash(_("Draft saved. Nothing is public until the site is activated."))
    return redirect(url_for("sites.detail", site_id=site.id), 303)


@bp.get("/<int:site_id>")
@require("read")
def detail(site_id: int):
    """Show a site with its findings beside the fields, its signs, notices and history."""
    return _detail(services.get_site(g.user.organisation_id, site_id))


def _detail(site, status=200, refused=None):
    findings = services.site_findings(site, today=utcnow().date(), settings=pack_settings())
    today, soon = local_day(utcnow(), site.organisation.time_zone), pack_settings().duty_due_soon_days
    duties = duties_page(site.organisation_id, DutyFilters(site_id=site.id), today=today, soon_days=soon,
                         limit=FIRST_DUTIES, cursor=None)
    history = site_history(site, limit=FIRST_ENTRIES + 1)
    return render_template("sites/detail.html", site=site, record=site_record(site), findings=findings,
                           findings_by_field=services.findings_by_field(findings), refused=refused,
                           transitions=vocab.STATUS_TRANSITIONS[site.status], sections=vocab.SECTIONS,
                           history=history,
                           subject_names=subject_names(history) | member_names(site.organisation_id, history),
                           notices=versions_for(site, limit=FIRST_VERSIONS + 1),
                           signs=signs_for(site, limit=FIRST_SIGNS + 1),
                           duties=duties, today=today, soon_days=soon, duty_status=duty_status,
                           first=(FIRST_ENTRIES, FIRST_VERSIONS, FIRST_SIGNS)), status


@bp.get("/<int:site_id>/edit")
@require("edit")
def edit(site_id: int):
    """Show the site form filled with the current record."""
    site = services.get_site(g.user.organisation_id, site_id)
    findings = services.site_findings(site, today=utcnow().date(), settings=pack_settings())
    return _form(site, values=folded(site_record(site)), errors={}, findings=findings)


@bp.post("/<int:site_id>")
@require("edit")
def update(site_id: int):
    """Save the form; an active site must still pass every ERROR rule."""
    site = services.get_site(g.user.organisation_id, site_id)
    if request.form.get("_refresh"):  # the jurisdictions changed: show their fields, keep what was typed
        return _form(site, values=request.form, errors={}, findings=[])
    # only the fields the form showed are replaced: those of other jurisdictions keep their values (a form
    # that does not say, such as one opened before the form said, replaces the fields it sends)
    sent = {key.split(".")[0] for key in request.form.keys()}
    shown = tuple(name for name in request.form.getlist("_shown") if name in vocab.EDITABLE_FIELDS) or \
        tuple(name for name in vocab.EDITABLE_FIELDS if name in sent)
    try:
        data = load_input(SiteSchema())
        reason = load_data(EditReasonSchema(), {"reason": request.form.get("_reason", "").strip() or None})["reason"]
        confirmation = form_fingerprint(request.form, site)
        if (site.status != "draft" or has_signs(site)) and request.form.get("_confirmed") != confirmation:
            # what passers-by see changes: say what saving would publish, flag and no longer fit, and save
            # only once that has been seen
            effects = predicted_effects(site, data, by=g.user, now=utcnow(), settings=pack_settings(),
                                        base_url=current_app.config["PUBLIC_BASE_URL"], replace=shown)
            if effects.public:
                site = services.get_site(g.user.organisation_id, site_id)
                return _form(site, values=request.form, errors={}, findings=[], effects=effects,
                             confirmation=confirmation, also_shown=shown)
        services.update_site(site, data, by=g.user, now=utcnow(), settings=pack_settings(), replace=shown,
                             reason=reason)
    except (InvalidInput, RuleViolation, Conflict) as error:
        db.session.rollback()
        site = services.get_site(g.user.organisation_id, site_id)
        refused = None if isinstance(error, InvalidInput) else error.detail
        return _form(site, values=request.form, errors=error.errors or {}, findings=error.findings or [],
                     status=error.status, refused=refused)
    db.session.commit()
    flash(_("Changes saved.") if site.status == "draft" else
          _("Changes saved. Where they change the notice a new version is published, and signs that print them "
            "are listed for reprinting."))
    return redirect(url_for("sites.detail", site_id=site.id), 303)


def form_fingerprint(form, site) -> str:
    """Name what a form says (with the fields it showed, apart from the reason and the confirmation) and the
    state of the site it was previewed against: a confirmed preview saves only the change that was previewed,
    to the site as it then was. Blank values are left out, as reading the form leaves them out (the re-shown
    form has more empty rows than the one sent)."""
    items = sorted((key, value.strip()) for key in form.keys()
                   if (not key.startswith("_") or key == "_shown") and key != "csrf_token"
                   for value in form.getlist(key) if value.strip())
    state = [site.id, site.updated_at.isoformat() if site.updated_at else None]
    return hashlib.sha256(json.dumps([state, items], ensure_ascii=False).encode()).hexdigest()


def _form(site, *, values, errors, findings, status=200, refused=None, effects=None, confirmation=None,
          also_shown=()):
    # the main fields are in the site's language; a new site's are in the language its author works in
    language = values.get("text_language") if values.get("text_language") in TEXT_LANGUAGES else None
    language = language or (site.text_language if site else reader_tag())
    by_field = services.findings_by_field(findings)
    return render_template("sites/form.html", site=site, values=values, errors=errors, refused=refused,
                           findings_by_field=by_field, text_language=language,
                           sections=vocab.SECTIONS, shown=shown_fields(values, by_field, errors, also_shown),
                           effects=effects, confirmation=confirmation), status


def shown_fields(values, findings_by_field: dict, errors: dict, also=()) -> tuple[str, ...]:
    """Name the fields the form shows: those of the chosen jurisdictions, and any other that holds a value
    (in any language), that a finding or an error points at, or that the form showed before, so nothing
    entered, wrong or just cleared is ever hidden."""
    jurisdictions = values.getlist("jurisdictions") if hasattr(values, "getlist") else values.get("jurisdictions")
    applying = set(vocab.fields_for(jurisdictions)) | set(also or ())
    return tuple(name for name in vocab.EDITABLE_FIELDS
                 if name in applying or name in findings_by_field or name in (errors or {})
                 or _holds_value(values, name))


def _holds_value(values, name: str) -> bool:
    if hasattr(values, "getlist"):  # a submitted form: flat dotted keys
        return any(value.strip() for key in values.keys()
                   if key == name or key.startswith(name + ".")
                   or (key.startswith("text_translations.") and key.endswith("." + name))
                   for value in values.getlist(key))
    translated = any(is_given((texts or {}).get(name)) for texts in (values.get("text_translations") or {}).values())
    return is_given(values.get(name)) or translated


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
    flash({"active": _("The site is live: its notice is public and its signs can go up."),
           "suspended": _("Suspended: the notice now says face recognition is switched off here."),
           "decommissioned": _("Decommissioned: the notice now says face recognition here has ended.")}[site.status])
    return redirect(url_for("sites.detail", site_id=site.id), 303)


@bp.post("/<int:site_id>/acknowledgements")
@require("edit")
def acknowledge(site_id: int):
    """Acknowledge a warning; the acknowledgement is logged."""
    site = services.get_site(g.user.organisation_id, site_id)
    data = load_input(AcknowledgementSchema())
    services.acknowledge_finding(site, data, by=g.user, now=utcnow(), settings=pack_settings())
    db.session.commit()
    flash(_("Warning acknowledged. The acknowledgement is in the audit log."))
    return redirect(url_for("sites.detail", site_id=site.id, _anchor="findings"), 303)
