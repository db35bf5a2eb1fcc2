"""The organisation's sites as lists: filtered in SQL on the stored summaries, paged by id, and counted
for the home page, in a fixed number of statements whatever the organisation's size."""
from dataclasses import dataclass

from sqlalchemy import Integer, column, literal_column, select, text
from sqlalchemy.dialects.postgresql import JSONB

from signage.extensions import db
from signage.sites.models import Site, SiteCount

#: What the text search matches: written out as the migration's pg_trgm index is, so PostgreSQL uses it.
SEARCHED = literal_column("(coalesce(sites.site_name, '') || ' ' || coalesce(sites.address, ''))")
#: SQLite's trigram index needs three characters; shorter text is matched by a scan of the page's rows.
TRIGRAM = 3
#: The filters written out exactly as the predicates of their partial indexes (signage.sites.models): a
#: planner uses such an index only when it can see the query implies the predicate, and neither SQLite
#: nor PostgreSQL sees it through "blocking IS 1" or "stale_signs_count > :param".
BLOCKING = literal_column("sites.blocking")
TO_REPRINT = literal_column("sites.stale_signs_count > 0")


@dataclass(frozen=True)
class SiteFilters:
    """Which of the organisation's sites a list shows."""

    status: str | None = None
    jurisdiction: str | None = None
    #: Only sites an ERROR stands against (activation or the next change would be refused).
    blocking: bool = False
    #: Only sites with signs to reprint.
    reprint: bool = False
    #: Only sites whose name or address contains this text.
    q: str | None = None

    @classmethod
    def from_query(cls, query: dict) -> "SiteFilters":
        """Build filters from a loaded list query (SiteListQuerySchema)."""
        return cls(**{name: query.get(name) or cls.__dataclass_fields__[name].default
                      for name in cls.__dataclass_fields__})


def filtered_sites(organisation_id: int, filters: SiteFilters = SiteFilters()):
    """Return the query of the organisation's sites that pass the filters, for a caller to page."""
    query = select(Site).where(Site.organisation_id == organisation_id)
    if filters.status:
        query = query.where(Site.status == filters.status)
    elif filters.blocking or filters.reprint:
        # what needs attention is the live sites', as the home page counts it: a decommissioned site's
        # findings and signs wait for nobody (asked for by status, they are listed)
        query = query.where(Site.status != "decommissioned")
    if filters.blocking:
        query = query.where(BLOCKING)
    if filters.reprint:
        query = query.where(TO_REPRINT)
    if filters.jurisdiction:
        query = query.where(_in_jurisdiction(filters.jurisdiction))
    if filters.q:
        query = query.where(_matches(filters.q))
    return query


def _postgresql() -> bool:
    return db.session.get_bind().dialect.name == "postgresql"


def _in_jurisdiction(code: str):
    if _postgresql():  # the GIN index on jurisdictions::jsonb answers @>
        return Site.jurisdictions.cast(JSONB).contains([code])
    return text("EXISTS (SELECT 1 FROM json_each(sites.jurisdictions) WHERE json_each.value = :jurisdiction)"
                ).bindparams(jurisdiction=code)


def contains_pattern(q: str) -> str:
    """A LIKE pattern (escape character backslash) matching text that contains q as it is written."""
    return "%" + q.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def fts_phrase(q: str) -> str:
    """q as one FTS5 phrase, whatever FTS5 operators the text holds."""
    return '"' + q.replace('"', '""') + '"'


def _matches(q: str):
    if _postgresql() or len(q) < TRIGRAM:  # pg_trgm serves ILIKE; SQLite scans for one or two letters
        return SEARCHED.ilike(contains_pattern(q), escape="\\")
    return Site.id.in_(text("SELECT rowid FROM sites_search WHERE sites_search MATCH :phrase")
                       .bindparams(phrase=fts_phrase(q)).columns(column("rowid", Integer)))


def site_counts(organisation_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """Count the organisation's sites by status, and the live ones that need attention (refused by an
    error, open warnings, signs to reprint, a dated duty): a few rows of site_counts, kept by triggers."""
    rows = list(db.session.scalars(select(SiteCount).where(SiteCount.organisation_id == organisation_id)))
    live = [row for row in rows if row.status != "decommissioned"]
    attention = {"blocking": sum(row.blocking for row in live), "warnings": sum(row.warnings for row in live),
                 "signs_to_reprint": sum(row.signs_to_reprint for row in live), "due": sum(row.due for row in live)}
    return {row.status: row.sites for row in rows if row.sites}, attention


def first_blocked(organisation_id: int, limit: int) -> list[Site]:
    """Return the newest live sites an error stands against."""
    return list(db.session.scalars(filtered_sites(organisation_id, SiteFilters(blocking=True))
                                   .order_by(Site.id.desc()).limit(limit)))
