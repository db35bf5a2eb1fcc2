"""Check published notice versions against their own hash and the audit entry that published them:
all of them when the log is verified, and each one before a public page shows it."""
import hashlib
import json
from datetime import datetime
from typing import NamedTuple

from sqlalchemy import Text, and_, bindparam, case, cast, select

from signage.audit.models import AuditEntry
from signage.audit.verification import RecordBreak, published_stream
from signage.extensions import db
from signage.notices.content import content_sha256
from signage.notices.models import NoticeVersion
from signage.sites.models import Site

KIND = "Notice version"
PUBLISHED = "notice.published"


class NoticeTampered(Exception):
    """A stored notice version no longer matches what the audit log says was published."""


class PageVersion(NamedTuple):
    """A version as a page's history lists it: never its content."""

    number: int
    effective_from: datetime
    sha256: str
    changed_fields: list


_versions, _entries, _sites = NoticeVersion.__table__, AuditEntry.__table__, Site.__table__
_shown = _versions.c.number == bindparam("shown")
#: A site's versions up to the page's latest, newest first, with the shown one's content and the entry
#: that published it: all a public page reads after its head, in one query on two indexes.
PAGE_VERSIONS = (
    select(_versions.c.id, _versions.c.site_id, _versions.c.number, _versions.c.effective_from, _versions.c.sha256,
           _versions.c.changed_fields, cast(case((_shown, _versions.c.content)), Text).label("content"),
           _sites.c.organisation_id, _entries.c.canonical)
    .select_from(_versions.join(_sites, _sites.c.id == _versions.c.site_id).outerjoin(_entries, and_(
        _shown, _entries.c.subject_type == NoticeVersion.__tablename__, _entries.c.subject_id == _versions.c.id,
        _entries.c.action == PUBLISHED)))
    .where(_versions.c.site_id == bindparam("site_id"), _versions.c.number <= bindparam("up_to"))
    .order_by(_versions.c.number.desc()))


def notice_breaks(_sender=None, **_) -> list[RecordBreak]:
    """Return each published version whose content, hash, number, site, date or change list differs
    from what was published, and each published version that is gone.

    Versions and publishing entries are read as two streams in version id order and merged, so memory
    holds a batch of each, however many notices there are.
    """
    versions = db.session.execute(
        select(NoticeVersion.id, NoticeVersion.site_id, NoticeVersion.number, NoticeVersion.effective_from,
               NoticeVersion.sha256, cast(NoticeVersion.content, Text).label("content"), NoticeVersion.changed_fields,
               Site.organisation_id)
        .join(Site, Site.id == NoticeVersion.site_id)
        .order_by(NoticeVersion.id).execution_options(yield_per=1000))
    entries = _latest_by_subject(published_stream(PUBLISHED, NoticeVersion.__tablename__))
    breaks = []
    entry = next(entries, None)
    for row in versions:
        while entry is not None and entry[0] < row.id:  # published, but no version has that id any more
            breaks.append(_gone(*entry))
            entry = next(entries, None)
        published = None
        if entry is not None and entry[0] == row.id:
            published, entry = entry[1], next(entries, None)
        reason = mismatch(row, published)
        if reason:
            breaks.append(RecordBreak(KIND, row.id, row.organisation_id, reason))
    while entry is not None:
        breaks.append(_gone(*entry))
        entry = next(entries, None)
    return breaks


def _latest_by_subject(stream):
    """Keep the last entry of each subject from a stream ordered by subject and then id."""
    last = None
    for subject_id, content in stream:
        if last is not None and last[0] != subject_id:
            yield last
        last = (subject_id, content)
    if last is not None:
        yield last


def _gone(version_id: int, entry: dict) -> RecordBreak:
    return RecordBreak(KIND, version_id, entry.get("organisation_id"), "was published but is gone (deleted)")


def mismatch(row, entry: dict | None) -> str | None:
    """Say how a stored version differs from its publication entry, or None when they agree."""
    if not content_intact(row.content, row.sha256):
        return "does not match its SHA-256 (its content was edited)"
    if entry is None:
        return "was never published through the audit log (inserted)"
    changes = entry.get("changes") or {}
    recorded = {name: (changes.get(name) or [None, None])[1] for name in ("sha256", "number", "fields")}
    if recorded["sha256"] != row.sha256:
        return "has a different SHA-256 than the audit log recorded (rewritten)"
    if recorded["number"] != row.number:
        return "has a different number than the audit log recorded (moved)"
    if "site_id" in changes and changes["site_id"][1] != row.site_id:
        return "belongs to another site than the audit log recorded (moved)"
    if entry.get("organisation_id") != row.organisation_id:
        return "belongs to another organisation than the audit log recorded (moved)"
    if entry.get("time") != row.effective_from.isoformat():
        return "has a different effective date than the audit log recorded (edited)"
    if recorded["fields"] != list(row.changed_fields or []):
        return "lists other changes than the audit log recorded (edited)"
    return None


def content_intact(stored: str | dict, sha256: str) -> bool:
    """Say whether a version's content, as its stored JSON text (or decoded), hashes to its SHA-256.

    JSON columns are stored in the canonical form that is hashed (signage.app), so the stored text is
    itself the hashed bytes and needs no parsing; text stored in another form (before that, or rewritten
    by hand) is decoded and put in canonical form first.
    """
    if isinstance(stored, str):
        if hashlib.sha256(stored.encode("utf-8")).hexdigest() == sha256:
            return True
        try:
            stored = json.loads(stored)
        except ValueError:
            return False
    return content_sha256(stored) == sha256


def page_versions(site_id: int, up_to: int, shown: int) -> tuple[list[PageVersion], dict]:
    """Return a site's versions up to `up_to`, newest first, and the content of version `shown`, or raise
    NoticeTampered when that version no longer matches the entry that published it: nothing else may
    reach a reader.

    Bounded by the head's latest number, so a page built from a cached head never sees a version
    published after it (the head and the list stay one consistent picture).
    """
    rows = db.session.execute(PAGE_VERSIONS, {"site_id": site_id, "up_to": up_to, "shown": shown}).all()
    row = next((row for row in rows if row.number == shown), None)
    if row is None:
        raise NoticeTampered(f"site {site_id} version {shown} is gone")
    reason = mismatch(row, json.loads(row.canonical) if row.canonical is not None else None)
    if reason:
        raise NoticeTampered(f"site {site_id} version {shown} {reason}")
    history = [PageVersion(r.number, r.effective_from, r.sha256, r.changed_fields) for r in rows
               if r.number != shown or r is row]
    return history, json.loads(row.content)
