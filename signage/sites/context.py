"""Gather what the rules need to know beyond the site record itself."""
from datetime import date

from flask import current_app
from sqlalchemy import select

from signage.extensions import db
from signage.notices.models import NoticeVersion
from signage.signs.models import Sign
from signage.sites.packs import PackSettings
from signage.sites.rules import RuleContext


def rule_context(site, *, today: date, settings: PackSettings, activating: bool = False,
                 changed_fields: tuple = ()) -> RuleContext:
    """Build the RuleContext for one site from its notices, signs and organisation."""
    signs = list(db.session.scalars(select(Sign).where(Sign.site_id == site.id, Sign.status != "retired")))
    latest = db.session.scalar(select(NoticeVersion.number).where(NoticeVersion.site_id == site.id)
                               .order_by(NoticeVersion.number.desc()).limit(1))
    organisation = site.organisation
    return RuleContext(
        today=today,
        settings=settings,
        activating=activating,
        # going live publishes version 1 whenever the operator can be named as a contact
        has_published_notice=latest is not None or (activating and _can_publish(organisation)),
        sign_placements=tuple(sign.placement for sign in signs),
        operator_count=organisation.stored_individuals_count,
        threshold_reached_on=organisation.count_threshold_reached_on,
        changed_fields=tuple(changed_fields),
        stale_signs=tuple((sign.serial, sign.notice_version) for sign in signs if sign.stale_since),
        sign_generated_nyc=bool(signs) and "US-NYC" in (site.jurisdictions or []),
    )


def _can_publish(organisation) -> bool:
    return bool(organisation.contact_email or organisation.contact_phone)


def pack_settings() -> PackSettings:
    """Return the pack settings of the running app, built once from SIGNAGE_PACK_SETTINGS."""
    extension = current_app.extensions.setdefault("signage", {})
    if "pack_settings" not in extension:
        extension["pack_settings"] = PackSettings.from_mapping(current_app.config.get("PACK_SETTINGS") or {})
    return extension["pack_settings"]
