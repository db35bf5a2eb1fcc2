"""Publishing notice versions: the first when a site goes live, a new one whenever what it says changes."""
from datetime import datetime

from sqlalchemy import select

from signage.audit.services import append_entry
from signage.extensions import db
from signage.notices.content import changed_notice_fields, content_sha256, notice_content, operator_details
from signage.notices.models import NoticeVersion
from signage.notices.signals import notice_published
from signage.sites.records import site_record

#: Organisation fields shown on every notice.
OPERATOR_FIELDS = ("legal_name", "registration_number", "address", "contact_email", "contact_phone", "dpo_contact",
                   "name_translations")


def latest_version(site) -> NoticeVersion | None:
    """Return the site's current notice version, or None before the first is published."""
    return db.session.scalar(select(NoticeVersion).where(NoticeVersion.site_id == site.id)
                             .order_by(NoticeVersion.number.desc()).limit(1))


def current_content(site) -> dict:
    """Return what the site's notice says right now, published or not."""
    return notice_content(site_record(site), operator_details(site.organisation))


def publish_version(site, *, by, now: datetime) -> NoticeVersion | None:
    """Publish a new version if the notice's content changed; return it, or None if nothing changed."""
    content = current_content(site)
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
                 changes={"site_id": [None, site.id],
                          "number": [previous.number if previous else None, version.number],
                          "sha256": [previous.sha256 if previous else None, version.sha256],
                          "fields": [None, changed]})
    notice_published.send(version, site=site, changed=changed, by=by, now=now)
    return version


def can_publish(organisation) -> bool:
    """Say whether a notice can name whom to ask: the operator has an e-mail or a phone."""
    return bool(organisation.contact_email or organisation.contact_phone)


def versions_query(site):
    """Return the query of a site's published versions, for a caller to order and page."""
    return select(NoticeVersion).where(NoticeVersion.site_id == site.id)


def versions_for(site, *, limit: int) -> list[NoticeVersion]:
    """Return the newest published versions of a site's notice, newest first."""
    return list(db.session.scalars(versions_query(site).order_by(NoticeVersion.number.desc()).limit(limit)))


def published_site_ids(site_ids) -> set[int]:
    """Return which of these sites have a published notice, in one query."""
    if not site_ids:
        return set()
    return set(db.session.scalars(select(NoticeVersion.site_id).where(NoticeVersion.site_id.in_(site_ids))
                                  .group_by(NoticeVersion.site_id)))


# Receivers of what sites and organisations announce (connected by signage.notices.subscribers).

def publish_on_activation(site, *, by, now: datetime, **_) -> None:
    """Publish version 1 when a site first goes live: the rules already passed, ACT-NOTICE included."""
    if latest_version(site) is None:
        publish_version(site, by=by, now=now)


def republish_on_site_change(site, *, changes: dict, by, now: datetime, **_) -> None:
    """Publish a new version when a change alters what a published notice says."""
    if latest_version(site) is not None:
        publish_version(site, by=by, now=now)


def republish_on_operator_change(organisation, *, sites: list, changes: dict, actor, now: datetime, **_) -> None:
    """Publish a new version of each published notice of a batch of sites when the operator's details change."""
    if not set(changes) & set(OPERATOR_FIELDS):
        return
    published = published_site_ids([site.id for site in sites])
    for site in sites:
        if site.id in published:
            publish_version(site, by=actor, now=now)


def notice_facts(sites: list, *, activating: frozenset, **_) -> dict[int, dict]:
    """Tell the rules which sites have a notice; going live publishes one when the operator has a contact."""
    published = published_site_ids([site.id for site in sites])
    return {site.id: {"has_published_notice": site.id in published or (
        site.id in activating and can_publish(site.organisation))} for site in sites}

