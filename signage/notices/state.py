"""What a public notice page depends on, read in as few and as cheap queries as possible."""
from sqlalchemy import and_, bindparam, func, select

from signage.extensions import db
from signage.notices.models import NoticeVersion
from signage.notices.services import current_content
from signage.sites.models import Site

# What the ETag needs, in one Core query: no ORM objects, no notice content.
_sites, _versions = Site.__table__, NoticeVersion.__table__
_older = _versions.alias("older")
_latest = (select(func.max(_older.c.number)).where(_older.c.site_id == _sites.c.id).correlate(_sites)
           .scalar_subquery())
HEAD_COLUMNS = (_sites.c.id, _sites.c.code, _sites.c.status, _sites.c.status_changed_at,
                _versions.c.id.label("version_id"), _versions.c.number, _versions.c.sha256)


def head_statement(*extra_columns, joined=None, key_column=_sites.c.code):
    """Return the query for a page's head: the site, its latest version, and columns of a joined table.

    A feature built on notices (signs) passes its own table joined to sites and its own key column.
    """
    source = (joined if joined is not None else _sites).outerjoin(
        _versions, and_(_versions.c.site_id == _sites.c.id, _versions.c.number == _latest))
    return select(*HEAD_COLUMNS, *extra_columns).select_from(source).where(key_column == bindparam("key"))


SITE_HEAD = head_statement()


def query_head(statement, key: str):
    """Return the page head for a key (upper-cased, as codes and serials are), or None."""
    with db.engine.connect() as connection:
        return connection.execute(statement, {"key": key.upper()}).first()


def version_hash(site_id: int, number: int) -> str | None:
    """Return the stored hash of one published version, or None if it does not exist."""
    return db.session.scalar(select(NoticeVersion.sha256)
                             .where(NoticeVersion.site_id == site_id, NoticeVersion.number == number))


def draft_content(site_id: int) -> dict:
    """Build a draft's notice live from the site record: there is no published version to show yet."""
    return current_content(db.session.get(Site, site_id))
