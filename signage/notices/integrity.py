"""Check every published notice version against its own hash and the audit entry that published it."""
import json

from sqlalchemy import select

from signage.audit.services import RecordBreak, published_entries
from signage.extensions import db
from signage.notices.content import content_sha256
from signage.notices.models import NoticeVersion
from signage.sites.models import Site

KIND = "Notice version"


def notice_breaks(_sender=None, **_) -> list[RecordBreak]:
    """Return each published version whose content, hash, number, site or date differs from what was published."""
    published = published_entries("notice.published")
    rows = db.session.execute(select(NoticeVersion.id, NoticeVersion.site_id, NoticeVersion.number,
                                     NoticeVersion.effective_from, NoticeVersion.sha256, NoticeVersion.content,
                                     Site.organisation_id).join(Site, Site.id == NoticeVersion.site_id)
                              .order_by(NoticeVersion.id))
    breaks = []
    for row in rows:
        reason = _mismatch(row, published.get(row.id))
        if reason:
            breaks.append(RecordBreak(KIND, row.id, row.organisation_id, reason))
    return breaks


def _mismatch(row, entry: dict | None) -> str | None:
    content = row.content if isinstance(row.content, dict) else json.loads(row.content)
    if content_sha256(content) != row.sha256:
        return "does not match its SHA-256 (its content was edited)"
    if entry is None:
        return "was never published through the audit log (inserted)"
    changes = entry.get("changes") or {}
    if (changes.get("sha256") or [None, None])[1] != row.sha256:
        return "has a different SHA-256 than the audit log recorded (rewritten)"
    if (changes.get("number") or [None, None])[1] != row.number:
        return "has a different number than the audit log recorded (moved)"
    if "site_id" in changes and changes["site_id"][1] != row.site_id:
        return "belongs to another site than the audit log recorded (moved)"
    if entry.get("organisation_id") != row.organisation_id:
        return "belongs to another organisation than the audit log recorded (moved)"
    if entry.get("time") != row.effective_from.isoformat():
        return "has a different effective date than the audit log recorded (edited)"
    return None
