"""Keeping the register's rows and their documents: refreshed in the transaction of each change that moves one,
set-based, so a batch of sites costs the same few statements as one; and filled by housekeeping for sites
published before the register existed, and for rows whose documents are missing or of an older format."""
from datetime import datetime

from sqlalchemy import delete, func, insert, select

from signage.extensions import db
from signage.notices.models import NoticeVersion
from signage.register.entries import entry_row, jurisdiction_rows
from signage.register.models import RegisterDocument, RegisterEntry, RegisterJurisdiction
from signage.register.opendata import DOCUMENTS_FORMAT, stored_documents
from signage.sites.models import Site

_sites, _versions = Site.__table__, NoticeVersion.__table__
SITE_COLUMNS = (_sites.c.id, _sites.c.organisation_id, _sites.c.code, _sites.c.status, _sites.c.status_changed_at,
                _sites.c.city, _sites.c.latitude, _sites.c.longitude, _sites.c.venue_class)
#: The site fields a register row shows besides its notice's: a change to one refreshes the row.
PLACE_FIELDS = frozenset({"city", "geo", "latitude", "longitude", "venue_class"})


def refresh_entries(site_ids, *, now: datetime) -> int:
    """Recompute the register rows of these sites, and their documents, from their current published versions
    (sites never published, or drafts, have none); return how many rows they now have. At most eight
    statements, however many sites."""
    site_ids = sorted(set(site_ids))
    if not site_ids:
        return 0
    sites = {row.id: row._asdict() for row in db.session.execute(
        select(*SITE_COLUMNS).where(_sites.c.id.in_(site_ids), _sites.c.status != "draft"))}
    latest = (select(_versions.c.site_id, func.max(_versions.c.number).label("number"),
                     func.min(_versions.c.effective_from).label("first"))
              .where(_versions.c.site_id.in_(list(sites))).group_by(_versions.c.site_id).subquery())
    versions = db.session.execute(
        select(_versions.c.site_id, _versions.c.number, _versions.c.sha256, _versions.c.effective_from,
               _versions.c.content, latest.c.first)
        .join(latest, (latest.c.site_id == _versions.c.site_id) & (latest.c.number == _versions.c.number))).all()
    rows = [entry_row(sites[version.site_id], version._asdict(), version.first, now=now) for version in versions]
    db.session.execute(delete(RegisterJurisdiction).where(RegisterJurisdiction.site_id.in_(site_ids)))
    db.session.execute(delete(RegisterDocument).where(RegisterDocument.site_id.in_(site_ids)))
    db.session.execute(delete(RegisterEntry).where(RegisterEntry.site_id.in_(site_ids)))
    if rows:
        db.session.execute(insert(RegisterEntry), rows)
        db.session.execute(insert(RegisterDocument), [{"site_id": row["site_id"], **stored_documents(row)}
                                                      for row in rows])
        codes = [code for row in rows for code in jurisdiction_rows(row)]
        if codes:
            db.session.execute(insert(RegisterJurisdiction), codes)
    return len(rows)


def unlisted_sites(*, above: int, limit: int) -> list[int]:
    """Return the ids of up to `limit` published sites above an id that have no register row, lowest first."""
    published = select(_versions.c.site_id).where(_versions.c.site_id == _sites.c.id).correlate(_sites).exists()
    listed = select(RegisterEntry.site_id).where(RegisterEntry.site_id == _sites.c.id).correlate(_sites).exists()
    return list(db.session.scalars(select(_sites.c.id).where(_sites.c.id > above, _sites.c.status != "draft",
                                                             published, ~listed)
                                   .order_by(_sites.c.id).limit(limit)))


def undocumented_sites(*, limit: int) -> list[int]:
    """Return the ids of up to `limit` register rows without documents of the current format, lowest first."""
    documented = (select(RegisterDocument.site_id)
                  .where(RegisterDocument.site_id == RegisterEntry.site_id,
                         RegisterDocument.format == DOCUMENTS_FORMAT).correlate(RegisterEntry).exists())
    return list(db.session.scalars(select(RegisterEntry.site_id).where(~documented)
                                   .order_by(RegisterEntry.site_id).limit(limit)))


def fill_register(*, now: datetime, limit: int, checked: dict | None = None) -> int:
    """Give up to `limit` published sites without a register row theirs, and rows without current documents
    theirs, in the caller's transaction; return how many rows were written. `checked`, kept by a long-lived
    caller, remembers the site id below which none lacks a row, and that no row lacked its documents: later
    publications write both in their own transaction, so an idle pass looks only above that id."""
    checked = {} if checked is None else checked
    floor = checked.get("register", 0)
    top = db.session.scalar(select(func.max(_sites.c.id))) or 0
    missing = unlisted_sites(above=floor, limit=limit)
    if not checked.get("documents") and len(missing) < limit:
        missing += undocumented_sites(limit=limit - len(missing))
        checked["documents"] = not missing
    if not missing:
        checked["register"] = top
    return refresh_entries(missing, now=now) if missing else 0


# Receivers of what sites and notices announce (connected by signage.register.subscribers).

def on_notice_published(version, *, site, now: datetime, **_) -> None:
    """A new version changes what the register says of its site."""
    refresh_entries([site.id], now=now)


def on_status_changed(site, *, now: datetime, **_) -> None:
    """A site suspended, resumed or decommissioned shows so in the register, with the date."""
    refresh_entries([site.id], now=now)


def on_site_changed(site, *, changes: dict, now: datetime, **_) -> None:
    """The city, the coordinates and the kind of venue are the register's own: a change to them shows."""
    if PLACE_FIELDS & set(changes):
        refresh_entries([site.id], now=now)
