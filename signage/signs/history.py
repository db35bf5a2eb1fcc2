"""A site's history as auditors read it: the site's own entries with those of its signs and its notice
versions, newest first, in one query whatever the number of signs."""
from sqlalchemy import and_, or_, select

from signage.audit.models import AuditEntry
from signage.audit.services import decoded, entries_query, filtered_entries
from signage.extensions import db
from signage.notices.models import NoticeVersion
from signage.signs.models import Sign


def site_history_query(organisation_id: int, site_id: int):
    """Return the query of the entries about a site, its signs and its notice versions, for a caller to page."""
    signs = select(Sign.id).where(Sign.site_id == site_id)
    versions = select(NoticeVersion.id).where(NoticeVersion.site_id == site_id)
    return select(AuditEntry).where(AuditEntry.organisation_id == organisation_id, or_(
        and_(AuditEntry.subject_type == "sites", AuditEntry.subject_id == site_id),
        and_(AuditEntry.subject_type == "signs", AuditEntry.subject_id.in_(signs)),
        and_(AuditEntry.subject_type == "notice_versions", AuditEntry.subject_id.in_(versions))))


def audit_query(organisation_id: int, query: dict, *, time_zone: str = "UTC"):
    """Return the query of the organisation's entries an audit-log query asks for: of one subject (a site's
    with its signs' and notice versions'), of one action, of one actor, within a range of days of `time_zone`."""
    subject_type, subject_id = query.get("subject") or (None, None)
    if subject_type == "sites":
        entries = site_history_query(organisation_id, subject_id)
    else:
        entries = entries_query(subject_type, subject_id, organisation_id=organisation_id)
    return filtered_entries(entries, action=query.get("action"), actor=query.get("actor"), since=query.get("since"),
                            until=query.get("until"), time_zone=time_zone)


def site_history(site, *, limit: int) -> list[dict]:
    """Return the newest decoded entries of a site's history."""
    query = site_history_query(site.organisation_id, site.id).order_by(AuditEntry.id.desc()).limit(limit)
    return [decoded(entry) for entry in db.session.scalars(query)]


def subject_names(entries: list[dict]) -> dict[tuple[str, int], str]:
    """Name the signs and notice versions the entries are about (serial, version number), with the site
    each belongs to under ("site_of", kind, id), in two queries."""
    ids = {kind: {e["subject"]["id"] for e in entries if (e.get("subject") or {}).get("type") == kind}
           for kind in ("signs", "notice_versions")}
    names = {}
    if ids["signs"]:
        for sign_id, serial, site_id in db.session.execute(
                select(Sign.id, Sign.serial, Sign.site_id).where(Sign.id.in_(ids["signs"]))):
            names[("signs", sign_id)], names[("site_of", "signs", sign_id)] = serial, site_id
    if ids["notice_versions"]:
        for version_id, number, site_id in db.session.execute(
                select(NoticeVersion.id, NoticeVersion.number, NoticeVersion.site_id).where(
                    NoticeVersion.id.in_(ids["notice_versions"]))):
            names[("notice_versions", version_id)] = f"v{number}"
            names[("site_of", "notice_versions", version_id)] = site_id
    return names
