"""What a public notice page depends on, read in as few and as cheap queries as possible."""
import time

from sqlalchemy import and_, bindparam, func, select

from signage.extensions import db
from signage.notices.content import notice_content, operator_details
from signage.notices.models import NoticeVersion
from signage.signs.models import Sign
from signage.sites.models import Site

STATE_CACHE_SIZE = 4096
_state_cache: dict = {}


# What the ETag needs, in one Core query: no ORM objects, no notice content.
_sites, _signs, _versions_table = Site.__table__, Sign.__table__, NoticeVersion.__table__
_older = _versions_table.alias("older")
_latest = (select(func.max(_older.c.number)).where(_older.c.site_id == _sites.c.id).correlate(_sites)
           .scalar_subquery())
_HEAD_COLUMNS = (_sites.c.id, _sites.c.code, _sites.c.status, _sites.c.status_changed_at,
                 _versions_table.c.number, _versions_table.c.sha256)
_WITH_LATEST = and_(_versions_table.c.site_id == _sites.c.id, _versions_table.c.number == _latest)
SITE_HEAD = (select(*_HEAD_COLUMNS).select_from(_sites.outerjoin(_versions_table, _WITH_LATEST))
             .where(_sites.c.code == bindparam("key")))
SIGN_HEAD = (select(*_HEAD_COLUMNS, _signs.c.serial, _signs.c.placement, _signs.c.status.label("sign_status"),
                    _signs.c.notice_version, _signs.c.stale_since)
             .select_from(_signs.join(_sites, _signs.c.site_id == _sites.c.id)
                          .outerjoin(_versions_table, _WITH_LATEST))
             .where(_signs.c.serial == bindparam("key")))


def _query_state(statement, key: str):
    """Return the site's (and sign's) state and its latest version's number and hash, or None."""
    with db.engine.connect() as connection:
        return connection.execute(statement, {"key": key.upper()}).first()


def version_hash(site_id: int, number: int) -> str | None:
    return db.session.scalar(select(NoticeVersion.sha256)
                             .where(NoticeVersion.site_id == site_id, NoticeVersion.number == number))


def version_list(site_id: int) -> list:
    """Return number, date, hash and changes of every version, newest first; never the content."""
    return list(db.session.execute(
        select(NoticeVersion.number, NoticeVersion.effective_from, NoticeVersion.sha256,
               NoticeVersion.changed_fields).where(NoticeVersion.site_id == site_id)
        .order_by(NoticeVersion.number.desc())))


STATEMENTS = {"site": SITE_HEAD, "sign": SIGN_HEAD}


def page_state(kind: str, key: str, *, ttl: float, clock=time.monotonic):
    """Return what a public page's ETag depends on, for a site code or sign serial, or None.

    With a positive ttl the answer is kept that many seconds per worker: the page
    already tells caches it may be 300 seconds old, and skipping the query lets a
    worker serve a cached page almost as fast as fixed bytes.
    """
    if ttl <= 0:
        return _query_state(STATEMENTS[kind], key)
    now = clock()
    cached = _state_cache.get((kind, key.upper()))
    if cached is not None and cached[0] > now:
        return cached[1]
    state = _query_state(STATEMENTS[kind], key)
    if len(_state_cache) >= STATE_CACHE_SIZE:
        _state_cache.clear()
    _state_cache[(kind, key.upper())] = (now + ttl, state)
    return state


def draft_content(site_id: int) -> dict:
    """Build a draft's notice live from the site record: there is no published version to show yet."""
    from signage.sites.services import site_record  # sites import this module at load time
    site = db.session.get(Site, site_id)
    return notice_content(site_record(site), operator_details(site.organisation))


def version_content(site_id: int, number: int) -> dict:
    return db.session.scalar(select(NoticeVersion.content)
                             .where(NoticeVersion.site_id == site_id, NoticeVersion.number == number))
