"""Dashboard pages for signs: issue, download, pack, put up, take down, reprint."""
import logging

from flask import (Blueprint, Response, current_app, flash, g, redirect, render_template, request, stream_with_context,
                   url_for)
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import contains_eager

from signage.labels import field_label
from signage.rules.texts import LANGUAGE_NAMES
from signage.auth.login import require
from signage.config import pack_settings
from signage.database import utcnow
from signage.errors import Conflict, InvalidInput
from signage.extensions import db
from signage.http import load_data, load_input, query_args
from signage.signs import packs, services
from signage.signs.content import sign_url
from signage.pagination import keyset_page
from signage.signs.models import Sign
from signage.signs.schemas import (DEFAULT_LANGUAGES, SIGN_LANGUAGES, SignFileSchema, SignIssueSchema, SignListSchema,
                                   SignStatusSchema, SiteSignListSchema)
from signage.sites.services import get_site

bp = Blueprint("signs", __name__)
log = logging.getLogger(__name__)

#: Paper sizes as the forms offer them, largest first; keys of signs.spec.SIZES.
SIZE_LABELS = {"A3": _l("A3 (297 × 420 mm)"), "A4": _l("A4 (210 × 297 mm)"), "LETTER": _l("US Letter (8.5 × 11 in)"),
               "A5": _l("A5 (148 × 210 mm)"), "STICKER": _l("Sticker (100 × 100 mm)")}


@bp.app_context_processor
def sign_choices() -> dict:
    """Give templates the sign sizes, languages and short URLs."""
    return {"sign_sizes": SIZE_LABELS, "sign_languages": LANGUAGE_NAMES, "sign_default_languages": DEFAULT_LANGUAGES,
            "sign_short_url": lambda serial: sign_url(current_app.config["PUBLIC_BASE_URL"], serial)}


def _base_url() -> str:
    return current_app.config["PUBLIC_BASE_URL"]


@bp.get("/sites/<int:site_id>/signs")
@require("read")
def site_signs(site_id: int):
    """Show a site's signs with reprint flags, downloads and the form to issue one."""
    site = get_site(g.user.organisation_id, site_id)
    query = load_data(SiteSignListSchema(), query_args())
    page = keyset_page(db.session, services.site_signs_query(site), Sign.id, descending=False,
                       limit=query["limit"], cursor=query["cursor"])
    return render_template("signs/site.html", site=site, signs=page.items, page=page)


@bp.get("/sites/<int:site_id>/signs/new")
@require("edit")
def new(site_id: int):
    """Show the form to issue a sign."""
    site = get_site(g.user.organisation_id, site_id)
    return _issue_form(site, values={}, errors={})


@bp.post("/sites/<int:site_id>/signs")
@require("edit")
def issue(site_id: int):
    """Issue a sign; a field too long for the size is named on the form."""
    site = get_site(g.user.organisation_id, site_id)
    try:
        data = load_input(SignIssueSchema())
        sign = services.issue_sign(site, data, by=g.user, now=utcnow(), settings=pack_settings(),
                                   base_url=_base_url())
    except InvalidInput as error:
        db.session.rollback()
        return _issue_form(get_site(g.user.organisation_id, site_id), values=request.form, errors=error.errors or {},
                           refused=error.detail, status=422)
    db.session.commit()
    flash(_("Sign %(serial)s issued for %(placement)s: download it, print it and put it up.", serial=sign.serial,
            placement=sign.placement))
    moved = getattr(sign, "moved_to_notice", ())
    if moved:
        flash(_("At this size the sign leaves to the full notice, one scan away: %(elements)s. A larger size "
                "prints them too.", elements=", ".join(element_label(key) for key in moved)))
    return redirect(url_for("sites.detail", site_id=site.id, _anchor=f"sign-{sign.serial}"), 303)


def element_label(key: str) -> str:
    """Name a sign element as the operator knows it: by the site field it prints."""
    return field_label({"legal_basis": "gdpr_art6_basis", "recipients": "recipients_third_parties",
                        "capture_area": "capture_area_description", "retention": "retention_period_days",
                        "alternative": "non_fr_alternative"}.get(key, key))


def _issue_form(site, *, values, errors, refused=None, status=200):
    languages = values.getlist("languages") if hasattr(values, "getlist") else []
    return render_template("signs/issue.html", site=site, values=values, errors=errors, refused=refused,
                           chosen_languages=languages if len(languages) == 2 else SIGN_LANGUAGES), status


@bp.get("/signs/<code:serial>.<any(pdf, svg, png):fmt>")
@require("read")
def download(serial: str, fmt: str):
    """Download a sign as PDF, SVG or PNG (300 dpi), at its own size or ?size=."""
    sign = services.get_sign(g.user.organisation_id, serial)
    size = load_data(SignFileSchema(), query_args())["size"]
    body = services.sign_file(sign, fmt, size=size, base_url=_base_url(), now=utcnow(), settings=pack_settings())
    return _attachment(body, services.MIMETYPES[fmt], f"sign-{sign.serial}-{size or sign.size}.{fmt}")


@bp.get("/sites/<int:site_id>/signs/pack.pdf")
@require("read")
def site_pack(site_id: int):
    """Download one PDF with every current sign of a site."""
    site = get_site(g.user.organisation_id, site_id)
    size = load_data(SignFileSchema(), query_args())["size"]
    services.refuse_unlawful(site, now=utcnow(), settings=pack_settings())
    body = packs.sign_pack(packs.site_pack(site), size=size, base_url=_base_url(), now=utcnow())
    return _attachment(body, "application/pdf", f"signs-{site.code}.pdf")


@bp.get("/signs/pack.pdf")
@require("read")
def organisation_pack():
    """Download one PDF with every current sign of every active site (up to PACK_PAGES signs)."""
    size = load_data(SignFileSchema(), query_args())["size"]
    body = packs.sign_pack(packs.organisation_pack(g.user.organisation_id), size=size, base_url=_base_url(),
                           now=utcnow())
    return _attachment(body, "application/pdf", f"signs-{utcnow().date().isoformat()}.pdf")


@bp.get("/signs/pack.zip")
@require("read")
def organisation_pack_zip():
    """Stream a ZIP of PDFs with every current sign of every active site, however many there are."""
    size = load_data(SignFileSchema(), query_args())["size"]
    query = packs.organisation_pack(g.user.organisation_id)
    if not packs.pack_size(query, at_most=1):
        raise Conflict(packs.NOTHING_TO_PRINT)
    name = f"signs-{utcnow().date().isoformat()}"
    organisation_id = g.user.organisation_id

    def stopped(error):  # the download has begun: the archive says why it stops, and so does the log
        log.warning("sign pack of organisation %s stopped: %s", organisation_id, error.summary())

    stream = packs.sign_pack_zip(query, size=size, base_url=_base_url(), now=utcnow(), name=name, on_error=stopped)
    return Response(stream_with_context(stream), mimetype="application/zip",
                    headers={"Content-Disposition": f'attachment; filename="{name}.zip"'})


def _attachment(body: bytes, mimetype: str, filename: str) -> Response:
    return Response(body, mimetype=mimetype, headers={"Content-Disposition": f'attachment; filename="{filename}"'})


@bp.post("/signs/<code:serial>/status")
@require("edit")
def change_status(serial: str):
    """Mark a sign installed or retired; the date is recorded."""
    sign = services.get_sign(g.user.organisation_id, serial)
    data = load_input(SignStatusSchema())
    services.change_sign_status(sign, data["status"], reason=data.get("reason"), by=g.user, now=utcnow(),
                                settings=pack_settings())
    db.session.commit()
    flash(_("Sign %(serial)s is up.", serial=sign.serial) if sign.status == "installed" else
          _("Sign %(serial)s is taken down and retired.", serial=sign.serial))
    return redirect(_back(sign), 303)


@bp.post("/signs/<code:serial>/reprint")
@require("edit")
def reprint(serial: str):
    """Replace a sign with a fresh one for the same placement, retiring the old one."""
    sign = services.get_sign(g.user.organisation_id, serial)
    new_sign = services.reprint_sign(sign, by=g.user, now=utcnow(), settings=pack_settings(), base_url=_base_url())
    db.session.commit()
    flash(_("Sign %(new)s replaces %(old)s, now retired: print it and put it up in the old one's place.",
            new=new_sign.serial, old=sign.serial))
    return redirect(_back(new_sign), 303)


def _back(sign) -> str:
    if request.form.get("_next") == "reprints":
        return url_for("signs.reprints")
    return url_for("sites.detail", site_id=sign.site_id, _anchor=f"sign-{sign.serial}")


@bp.get("/signs/reprint")
@require("read")
def reprints():
    """List the organisation's signs to reprint, a page at a time, with what changed, and the organisation's pack."""
    query = load_data(SignListSchema(), query_args())
    signs = services.organisation_signs_query(g.user.organisation_id, stale_only=True).options(
        contains_eager(Sign.site))
    page = keyset_page(db.session, signs, Sign.id, descending=False, limit=query["limit"], cursor=query["cursor"])
    # counted only up to one more than a PDF holds: the page says "more than 500", never reads 100,000 rows
    printable = packs.pack_size(packs.organisation_pack(g.user.organisation_id), at_most=packs.PACK_PAGES + 1)
    return render_template("signs/reprint.html", signs=page.items, page=page, printable=printable,
                           pack_pages=packs.PACK_PAGES)
