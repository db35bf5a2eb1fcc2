"""Sign use cases: issue, install, retire, reprint, render files and packs, find signs to reprint."""
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import contains_eager

from signage.audit.services import append_entry
from signage.errors import Conflict, InvalidInput, NotFound, RuleViolation
from signage.extensions import db
from signage.notices.services import latest_version
from signage.signs.content import fitted
from signage.signs.layout import layout
from signage.signs.models import Sign
from signage.signs.packs import specs_for
from signage.signs.render import SIZES, SignSpec, sign_pdf, sign_png, sign_svg
from signage.rules.packs import PackSettings
from signage.sites.models import Site
from signage.sites.summaries import refresh_summaries
from signage.sites.services import new_code, site_findings

SERIAL_LENGTH = 8
#: Allowed moves; a retired sign stays retired, and its QR code still opens the current notice.
SIGN_TRANSITIONS = {"issued": ("installed", "retired"), "installed": ("retired",), "retired": ()}
RENDERERS = {"pdf": sign_pdf, "svg": sign_svg, "png": sign_png}
MIMETYPES = {"pdf": "application/pdf", "svg": "image/svg+xml", "png": "image/png"}


def site_signs_query(site):
    """Return the query of a site's signs, retired ones included, for a caller to order and page."""
    return select(Sign).where(Sign.site_id == site.id)


def signs_for(site, *, limit: int | None = None) -> list[Sign]:
    """Return the site's signs in the order they were issued, the first `limit` of them if given."""
    return list(db.session.scalars(site_signs_query(site).order_by(Sign.id).limit(limit)))


def issue_sign(site, data: dict, *, by, now: datetime, settings: PackSettings, base_url: str | None = None) -> Sign:
    """Issue a sign for a placement; it carries the notice version its text comes from.

    Given the public base URL, the sign is laid out first, and text too long
    for its size is refused naming the field to shorten.
    """
    sign = _issue(site, data, by=by, now=now, base_url=base_url)
    refresh_summaries([site], now=now, settings=settings)
    return sign


def _issue(site, data: dict, *, by, now: datetime, base_url: str | None, replaces: Sign | None = None) -> Sign:
    if site.status == "decommissioned":
        raise Conflict("Signs cannot be issued for a decommissioned site.",
                       errors={"site": ["The site is decommissioned."]})
    current = latest_version(site)
    sign = Sign(serial=_unused_serial(), site_id=site.id, placement=data["placement"],
                text_translations=data.get("text_translations") or None, size=data["size"],
                languages=list(data["languages"]), notice_version=current.number if current else 1,
                status="issued", issued_at=now, stale_fields=[])
    sign.site = site
    if base_url is not None:
        # what does not fit at the minimum type sizes is left to the full notice: the issuer is told which
        sign.moved_to_notice = fitted(layout, spec_for(sign, size=sign.size, base_url=base_url, now=now)).moved
    db.session.add(sign)
    changes = {"serial": [None, sign.serial], "placement": [None, sign.placement], "size": [None, sign.size],
               "languages": [None, sign.languages], "notice_version": [None, sign.notice_version]}
    if sign.text_translations:
        changes["text_translations"] = [None, sign.text_translations]
    if replaces is not None:
        changes["replaces"] = [None, replaces.serial]
    append_entry("sign.issued", actor=by, subject=sign, now=now, organisation_id=site.organisation_id,
                 changes=changes)
    return sign


def _unused_serial() -> str:
    while True:
        serial = new_code(SERIAL_LENGTH)
        if db.session.scalar(select(Sign.id).where(Sign.serial == serial)) is None:
            return serial


def get_sign(organisation_id: int, serial: str) -> Sign:
    """Return one of the organisation's signs by serial; others do not exist."""
    sign = db.session.scalar(select(Sign).where(Sign.serial == serial.upper()))
    if sign is None or sign.site.organisation_id != organisation_id:
        raise NotFound("No such sign.")
    return sign


def change_sign_status(sign: Sign, status: str, *, by, now: datetime, settings: PackSettings,
                       reason: str | None = None) -> Sign:
    """Record that a sign was put up or taken down, with the date, and log it."""
    if status not in SIGN_TRANSITIONS[sign.status]:
        allowed = ", ".join(SIGN_TRANSITIONS[sign.status]) or "none"
        raise Conflict(f"A sign that is {sign.status} cannot become {status}.",
                       errors={"status": [f"Allowed from {sign.status}: {allowed}."]})
    if status == "installed":
        _refuse_outdated(sign, "installed")
    before = sign.status
    sign.status = status
    setattr(sign, f"{status}_at", now)
    append_entry("sign.status_changed", actor=by, subject=sign, now=now, reason=reason,
                 organisation_id=sign.site.organisation_id,
                 changes={"status": [before, status], f"{status}_at": [None, now.isoformat()]})
    refresh_summaries([sign.site], now=now, settings=settings)
    return sign


def reprint_sign(sign: Sign, *, by, now: datetime, settings: PackSettings, base_url: str | None = None) -> Sign:
    """Replace a sign with a fresh one for the same placement, retiring the old; return the new sign.

    The new sign gets a new serial and the current notice version, so a scan
    tells which printing someone saw; the old record stays, retired, and its
    QR code keeps opening the current notice.
    """
    if sign.status == "retired":
        raise Conflict("A retired sign cannot be reprinted; issue a new sign instead.",
                       errors={"status": ["The sign is retired."]})
    data = {"placement": sign.placement, "text_translations": sign.text_translations, "size": sign.size,
            "languages": sign.languages}
    new = _issue(sign.site, data, by=by, now=now, base_url=base_url, replaces=sign)
    before = sign.status
    sign.status, sign.retired_at = "retired", now
    append_entry("sign.status_changed", actor=by, subject=sign, now=now, reason=f"Replaced by sign {new.serial}.",
                 organisation_id=sign.site.organisation_id,
                 changes={"status": [before, "retired"], "retired_at": [None, now.isoformat()],
                          "replaced_by": [None, new.serial]})
    refresh_summaries([sign.site], now=now, settings=settings)
    return new


def organisation_signs_query(organisation_id: int, *, stale_only: bool = False):
    """Return the query of the organisation's signs not retired, or only those to reprint."""
    query = (select(Sign).join(Sign.site)
             .where(Site.organisation_id == organisation_id, Sign.status != "retired"))
    return query.where(Sign.stale_since.is_not(None)) if stale_only else query


def first_signs_to_reprint(organisation_id: int, limit: int) -> list[Sign]:
    """Return the organisation's signs to reprint that were flagged first, with their sites, in one query."""
    return list(db.session.scalars(organisation_signs_query(organisation_id, stale_only=True)
                                   .options(contains_eager(Sign.site)).order_by(Sign.stale_since, Sign.id)
                                   .limit(limit)))


def _refuse_outdated(sign: Sign, doing: str) -> None:
    if sign.status == "retired":
        raise Conflict(f"Sign {sign.serial} is retired and cannot be {doing}.",
                       errors={"status": ["The sign is retired."]})
    if sign.stale_since is not None:
        fields_ = ", ".join(sign.stale_fields or [])
        raise Conflict(f"Sign {sign.serial} is out of date ({fields_} changed); reprint it instead.",
                       errors={"stale_fields": list(sign.stale_fields or [])})
    if sign.site.status == "decommissioned":
        raise Conflict(f"Sign {sign.serial} belongs to a decommissioned site.",
                       errors={"site": ["The site is decommissioned."]})


def spec_for(sign: Sign, *, size: str, base_url: str, now: datetime) -> SignSpec:
    """Return what the sign prints at a size: the current record, its operator and its notice version."""
    return specs_for([sign], size=size, base_url=base_url, now=now)[0]


#: Errors that putting up signs itself resolves: a site refused only by these may print its signs.
SATISFIED_BY_SIGNS = frozenset({"ACT-SIGN", "NYC-ENTRANCE-SIGNS"})


def refuse_unlawful(site: Site, *, now: datetime, settings: PackSettings) -> None:
    """Refuse to print signs for a site a rule refuses (a draft is checked as if going live): a sign that
    looks final must never hang where the law forbids the cameras."""
    refused = [finding for finding in site_findings(site, today=now.date(), settings=settings)
               if finding["severity"] == "error" and finding["rule_id"] not in SATISFIED_BY_SIGNS]
    if refused:
        rules = ", ".join(dict.fromkeys(finding["rule_id"] for finding in refused))
        raise RuleViolation(f"The signs of {site.site_name} cannot be printed while the rules refuse the site "
                            f"({rules}): fix the site first.", findings=refused)


def sign_file(sign: Sign, fmt: str, *, size: str | None, base_url: str, now: datetime,
              settings: PackSettings) -> bytes:
    """Render a current sign as PDF, SVG or PNG (300 dpi) at its own size or another one, if its site may
    have signs at all."""
    if fmt not in RENDERERS:
        raise InvalidInput("Unknown file format.", errors={"format": [f"Use one of: {', '.join(RENDERERS)}."]})
    _refuse_outdated(sign, "printed")
    refuse_unlawful(sign.site, now=now, settings=settings)
    spec = spec_for(sign, size=_size(size or sign.size), base_url=base_url, now=now)
    data = fitted(RENDERERS[fmt], spec)
    return data.encode() if isinstance(data, str) else data


def _size(size: str) -> str:
    if size not in SIZES:
        raise InvalidInput("Unknown sign size.", errors={"size": [f"Choose one of: {', '.join(SIZES)}."]})
    return size
