"""What a public notice page depends on, read in as few and as cheap queries as possible."""
from sqlalchemy import and_, bindparam, func, select

from signage.database import DriverRead
from signage.extensions import db
from signage.notices.models import NoticePage, NoticeVersion
from signage.notices.services import current_content
from signage.sites.models import Site

# What the ETag needs, in one Core query: no ORM objects, no notice content; and the current version's page
# rendered ahead in the reader's language (notices.pages), so a page nobody asked for lately costs this
# one query too.
_sites, _versions, _pages = Site.__table__, NoticeVersion.__table__, NoticePage.__table__
_older = _versions.alias("older")
_latest = (select(func.max(_older.c.number)).where(_older.c.site_id == _sites.c.id).correlate(_sites)
           .scalar_subquery())
HEAD_COLUMNS = (_sites.c.id, _sites.c.code, _sites.c.status, _sites.c.status_changed_at,
                _versions.c.id.label("version_id"), _versions.c.number, _versions.c.sha256,
                _pages.c.format.label("page_format"), _pages.c.parts.label("page_parts"),
                _pages.c.mac.label("page_mac"))


def head_statement(*extra_columns, joined=None, key_column=_sites.c.code):
    """Return the query for a page's head: the site, its latest version, and columns of a joined table.

    A feature built on notices (signs) passes its own table joined to sites and its own key column.
    """
    source = (joined if joined is not None else _sites).outerjoin(
        _versions, and_(_versions.c.site_id == _sites.c.id, _versions.c.number == _latest)).outerjoin(
        _pages, and_(_pages.c.version_id == _versions.c.id, _pages.c.language == bindparam("language")))
    return select(*HEAD_COLUMNS, *extra_columns).select_from(source).where(key_column == bindparam("key"))


SITE_HEAD = DriverRead(head_statement())


def query_head(statement: DriverRead, key: str, language: str = ""):
    """Return the page head for a key (upper-cased, as codes and serials are), or None; with the page
    rendered ahead in `language`, if there is one."""
    return statement.first(db.engine, {"key": key.upper(), "language": language})


def version_hash(site_id: int, number: int) -> str | None:
    """Return the stored hash of one published version, or None if it does not exist."""
    return db.session.scalar(select(NoticeVersion.sha256)
                             .where(NoticeVersion.site_id == site_id, NoticeVersion.number == number))


def draft_content(site_id: int) -> dict:
    """Build a draft's notice live from the site record: there is no published version to show yet."""
    return current_content(db.session.get(Site, site_id))
