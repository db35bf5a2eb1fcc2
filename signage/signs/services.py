"""Sign use cases: issue, install, retire, and find the sign behind a scanned code."""
from datetime import datetime

from sqlalchemy import select

from signage.audit.services import append_entry
from signage.errors import Conflict, NotFound
from signage.extensions import db
from signage.notices.services import latest_version
from signage.signs.models import Sign
from signage.sites.services import new_code

SERIAL_LENGTH = 8


def signs_for(site) -> list[Sign]:
    """Return the site's signs, in the order they were issued."""
    return list(db.session.scalars(select(Sign).where(Sign.site_id == site.id).order_by(Sign.id)))


def issue_sign(site, data: dict, *, by, now: datetime) -> Sign:
    """Issue a sign for a placement; it carries the notice version its text comes from."""
    if site.status == "decommissioned":
        raise Conflict("Signs cannot be issued for a decommissioned site.",
                       errors={"site": ["The site is decommissioned."]})
    current = latest_version(site)
    sign = Sign(serial=_unused_serial(), site_id=site.id, placement=data["placement"], size=data["size"],
                languages=list(data["languages"]), notice_version=current.number if current else 1,
                status="issued", issued_at=now, stale_fields=[])
    db.session.add(sign)
    append_entry("sign.issued", actor=by, subject=sign, now=now, organisation_id=site.organisation_id,
                 changes={"serial": [None, sign.serial], "placement": [None, sign.placement],
                          "size": [None, sign.size], "languages": [None, sign.languages],
                          "notice_version": [None, sign.notice_version]})
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
