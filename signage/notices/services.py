"""Publishing notice versions and flagging printed signs whose text went out of date."""
from datetime import datetime

from sqlalchemy import select

from signage.audit.services import append_entry
from signage.extensions import db
from signage.notices.content import changed_notice_fields, content_sha256, notice_content, operator_details
from signage.notices.models import NoticeVersion
from signage.signs.models import Sign
from signage.sites import fields as vocab
from signage.sites.models import Site


def latest_version(site) -> NoticeVersion | None:
    """Return the site's current notice version, or None before the first is published."""
    return db.session.scalar(select(NoticeVersion).where(NoticeVersion.site_id == site.id)
                             .order_by(NoticeVersion.number.desc()).limit(1))


def publish_version(site, *, by, now: datetime) -> NoticeVersion | None:
    """Publish a new version if the notice's content changed; return it, or None if nothing changed."""
    from signage.sites.services import site_record
    content = notice_content(site_record(site), operator_details(site.organisation))
    previous = latest_version(site)
    if previous is not None and previous.content == content:
        return None
    changed = changed_notice_fields(previous.content, content) if previous else []
    version = NoticeVersion(site_id=site.id, number=(previous.number + 1) if previous else 1,
                            effective_from=now, content=content, sha256=content_sha256(content),
                            changed_fields=changed)
    db.session.add(version)
    db.session.flush()
    append_entry("notice.published", actor=by, subject=version, now=now, organisation_id=site.organisation_id,
                 changes={"number": [previous.number if previous else None, version.number],
                          "sha256": [previous.sha256 if previous else None, version.sha256],
                          "fields": [None, changed]})
    return version


def publish_if_first_activation(site, *, by, now: datetime) -> NoticeVersion | None:
    """Publish version 1 when a site first goes live, so ACT-NOTICE holds.

    Without a contact the notice could not say whom to ask, so nothing is
    published and ACT-NOTICE refuses the activation. A refused activation rolls
    the publication back with it.
    """
    organisation = site.organisation
    if latest_version(site) is not None or not (organisation.contact_email or organisation.contact_phone):
        return None
    return publish_version(site, by=by, now=now)


def after_site_change(site, changes: dict, *, by, now: datetime) -> None:
    """After an edit: flag signs whose printed text changed, and republish a published notice."""
    printed = sorted(set(changes) & set(vocab.SIGN_FIELDS))
    if printed:
        flag_stale_signs(site, printed, by=by, now=now)
    if latest_version(site) is not None and set(changes) & set(vocab.NOTICE_FIELDS):
        publish_version(site, by=by, now=now)


#: Organisation fields shown on every notice, and the subset printed on signs.
OPERATOR_FIELDS = ("legal_name", "registration_number", "address", "contact_email", "contact_phone", "dpo_contact")
SIGN_OPERATOR_FIELDS = ("legal_name", "contact_email", "contact_phone", "dpo_contact")


def after_operator_change(organisation, changed, *, by, now: datetime) -> None:
    """After the operator's details change: republish each live notice and flag the signs that print them."""
    if not set(changed) & set(OPERATOR_FIELDS):
        return
    printed = bool(set(changed) & set(SIGN_OPERATOR_FIELDS))
    sites = db.session.scalars(select(Site).where(Site.organisation_id == organisation.id,
                                                  Site.status != "decommissioned"))
    for site in sites:
        if latest_version(site) is not None:
            publish_version(site, by=by, now=now)
        if printed:
            flag_stale_signs(site, ["operator"], by=by, now=now)


def flag_stale_signs(site, fields: list[str], *, by, now: datetime) -> list[Sign]:
    """Mark the site's printed signs for reprint, saying which printed fields changed."""
    signs = list(db.session.scalars(select(Sign).where(Sign.site_id == site.id, Sign.status != "retired")))
    for sign in signs:
        if set(fields) <= set(sign.stale_fields or []):
            continue
        before = list(sign.stale_fields or [])
        sign.stale_fields = sorted(set(before) | set(fields))
        sign.stale_since = sign.stale_since or now
        append_entry("sign.flagged_stale", actor=by, subject=sign, now=now, organisation_id=site.organisation_id,
                     changes={"stale_fields": [before, sign.stale_fields]})
    return signs


def versions_for(site) -> list[NoticeVersion]:
    """Return every published version of a site's notice, newest first."""
    return list(db.session.scalars(select(NoticeVersion).where(NoticeVersion.site_id == site.id)
                                   .order_by(NoticeVersion.number.desc())))
