"""Many demo sites at once, for trying signage at an operator's size: `flask demo seed --sites N`.

The sites are the demo's four kinds (a CN metro station, an EU office, a New York store, a draft the
rules refuse) with their own names and addresses; half are active with a published notice and a sign.
Rows go in with set-based inserts, a batch at a time, and every one of them has its audit entry in the
chain, so `flask audit verify` stays intact.
"""
from collections.abc import Callable
from datetime import datetime

from sqlalchemy import func, insert, select, text, update

from signage.audit.services import append_entries
from signage.audit.transparency import sign_checkpoint
from signage.demo import NYC_STORE, OFFICE, REFUSED_DRAFT, STATION
from signage.extensions import db
from signage.notices.content import content_sha256
from signage.notices.models import NoticeVersion
from signage.notices.services import current_content
from signage.register.services import refresh_entries
from signage.rules.packs import PackSettings
from signage.signs.models import Sign
from signage.sites.models import Site
from signage.sites.services import new_code
from signage.sites.summaries import fresh_summaries

BATCH = 2_000
KINDS = ((STATION, "active"), (OFFICE, "active"), (NYC_STORE, "draft"), (REFUSED_DRAFT, "draft"))
#: Cities for each kind, in the jurisdiction its rules are written for.
CITIES = (("Shanghai", "Beijing", "Shenzhen", "Guangzhou", "Chengdu"), ("Berlin", "Munich", "Hamburg", "Cologne"),
          ("New York",), ("Shanghai", "Hangzhou", "Nanjing"))
SITE_COLUMNS = {column.key for column in Site.__table__.columns}


def seed_sites(organisation, owner, count: int, *, now: datetime, settings: PackSettings,
               on_batch: Callable[[int], None] | None = None) -> int:
    """Add count demo sites to the organisation, a committed batch at a time; return how many were added."""
    start = db.session.scalar(select(func.count(Site.id)).where(Site.organisation_id == organisation.id))
    added = 0
    while added < count:
        size = min(BATCH, count - added)
        _insert_batch(organisation, owner, range(start + added, start + added + size), now=now, settings=settings)
        # the batch published notices: as any publication does, it signs a checkpoint that covers them
        sign_checkpoint(now=now)
        db.session.commit()
        added += size
        if on_batch:
            on_batch(added)
    # a bulk load moves the planner's statistics: refreshed now, not at autovacuum's leisure
    db.session.execute(text("ANALYZE"))
    db.session.commit()
    return added


def _record(number: int) -> tuple[dict, str, int]:
    kind = number % len(KINDS)
    template, status = KINDS[kind]
    cities = CITIES[kind]
    city = cities[number // len(KINDS) % len(cities)]
    record = {**template, "site_name": f"{template['site_name'].split(',')[0]} #{number + 1}",
              "address": f"{number + 1} {city} Road, {city}", "city": city}
    # the numbered name and address are the same in every language; the prose keeps its translations
    record["text_translations"] = {tag: {name: value for name, value in texts.items()
                                         if name not in ("site_name", "address")}
                                   for tag, texts in (template.get("text_translations") or {}).items()}
    return record, status, kind


def _columns(record: dict) -> dict:
    columns = {name: value for name, value in record.items() if name in SITE_COLUMNS}
    if record.get("geo"):
        columns.update(latitude=record["geo"]["lat"], longitude=record["geo"]["lng"])
    return columns


def _insert_batch(organisation, owner, numbers, *, now: datetime, settings: PackSettings) -> None:
    rows, kinds = [], []
    for number in numbers:
        record, status, kind = _record(number)
        kinds.append(kind)
        rows.append({**_columns(record), "organisation_id": organisation.id, "code": new_code(), "status": status,
                     "status_changed_at": now, "created_at": now, "updated_at": now})
    site_ids = _insert(Site, rows, Site.code, "code")
    live_ids = [site_id for site_id, row in zip(site_ids, rows) if row["status"] == "active"]
    live = list(db.session.scalars(select(Site).where(Site.id.in_(live_ids)).order_by(Site.id))) if live_ids else []
    versions = [{"site_id": site.id, "number": 1, "effective_from": now, "changed_fields": [],
                 "content": (content := current_content(site)), "sha256": content_sha256(content)} for site in live]
    signs = [{"serial": new_code(8), "site_id": site.id, "placement": "Main entrance", "size": "A4",
              "languages": ["zh-Hans", "en"], "notice_version": 1, "status": "issued", "issued_at": now,
              "stale_fields": []} for site in live]
    version_ids = _insert(NoticeVersion, versions, NoticeVersion.site_id, "site_id", NoticeVersion.number == 1)
    sign_ids = _insert(Sign, signs, Sign.serial, "serial")
    append_entries(list(_entries(organisation.id, owner, site_ids, rows, versions, version_ids, signs, sign_ids)),
                   now=now)
    _store_summaries(site_ids, kinds, now=now, settings=settings)
    refresh_entries(live_ids, now=now)


def _insert(model, rows: list[dict], key_column, key: str, *where) -> list[int]:
    """Insert rows in one statement and return their ids in the rows' order, read back by a unique key.

    Rows may differ in their columns (each kind of demo site fills its own), and RETURNING in the rows'
    order then costs a statement per row; grouped by columns and read back by key, a batch costs a few.
    """
    if not rows:
        return []
    # rows with the same columns side by side: the insert is then one statement per set of columns
    db.session.execute(insert(model), sorted(rows, key=lambda row: sorted(row)))
    ids = dict(db.session.execute(select(key_column, model.id).where(
        key_column.in_([row[key] for row in rows]), *where)).all())
    return [ids[row[key]] for row in rows]


def _store_summaries(site_ids, kinds, *, now: datetime, settings: PackSettings) -> None:
    """Compute the findings of one site of each kind and give them to its kind: only names and addresses differ."""
    db.session.flush()
    by_kind: dict[int, list[int]] = {}
    for site_id, kind in zip(site_ids, kinds):
        by_kind.setdefault(kind, []).append(site_id)
    for ids in by_kind.values():
        first = db.session.get(Site, ids[0])
        summary = fresh_summaries([first], today=now.date(), settings=settings)[first.id]
        db.session.execute(update(Site).where(Site.id.in_(ids)).values(**summary, findings_at=now))


def _entries(organisation_id, owner, site_ids, rows, versions, version_ids, signs, sign_ids):
    for site_id, row in zip(site_ids, rows):
        yield {"action": "site.registered", "actor": owner, "subject": ("sites", site_id),
               "organisation_id": organisation_id, "reason": "Demo data for size",
               "changes": {"site_name": [None, row["site_name"]], "address": [None, row["address"]]}}
    for version, version_id, sign, sign_id in zip(versions, version_ids, signs, sign_ids):
        site_id = version["site_id"]
        yield {"action": "sign.issued", "actor": owner, "subject": ("signs", sign_id), "organisation_id": organisation_id,
               "changes": {"serial": [None, sign["serial"]], "placement": [None, sign["placement"]]}}
        yield {"action": "site.status_changed", "actor": owner, "subject": ("sites", site_id),
               "organisation_id": organisation_id, "changes": {"status": ["draft", "active"]},
               "reason": "Demo data for size"}
        yield {"action": "notice.published", "actor": owner, "subject": ("notice_versions", version_id),
               "organisation_id": organisation_id,
               "changes": {"site_id": [None, site_id], "number": [None, 1], "sha256": [None, version["sha256"]],
                           "fields": [None, []]}}
