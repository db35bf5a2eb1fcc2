"""Reading the register: filters in SQL, each sort along an index, pages by keyset on the sort's own key
(a late page costs what the first does), and counts bounded so no page ever counts the whole table."""
from dataclasses import dataclass

from sqlalchemy import Integer, and_, column, func, literal_column, or_, select, text, tuple_

from signage.audit.models import AuditEntry
from signage.extensions import db
from signage.pagination import INTEGER_MAX, Page, encode_cursor
from signage.register.entries import STATUS_RANKS
from signage.register.models import RegisterDocument, RegisterEntry, RegisterJurisdiction
from signage.register.opendata import DOCUMENTS_FORMAT
from signage.sites.lists import TRIGRAM, contains_pattern, fts_phrase

_entries = RegisterEntry.__table__
#: Each sort's key, all ascending (since_order is minus the date): the columns of one index each.
SORTS = {
    "name": (_entries.c.status_rank, _entries.c.name_key, _entries.c.site_id),
    "city": (_entries.c.status_rank, _entries.c.city_key, _entries.c.name_key, _entries.c.site_id),
    "newest": (_entries.c.status_rank, _entries.c.since_order, _entries.c.site_id),
}
_jurisdictions = RegisterJurisdiction.__table__
#: The same keys as a jurisdiction's rows carry them: a list filtered by jurisdiction walks these instead.
JURISDICTION_SORTS = {name: tuple(_jurisdictions.c[key.name] for key in keys) for name, keys in SORTS.items()}
STATUS_CHOICES = (*STATUS_RANKS, "all")
#: A list says how many rows match up to this; beyond it, "more than".
COUNT_CAP = 10_000


@dataclass(frozen=True)
class RegisterFilters:
    """Which deployments a list or a download holds."""

    q: str | None = None
    city: str | None = None
    jurisdiction: str | None = None
    purpose: str | None = None
    function: str | None = None
    status: str = "active"
    #: (west, south, east, north) in degrees, as GeoJSON's bbox orders them
    bbox: tuple | None = None

    @classmethod
    def from_query(cls, query: dict) -> "RegisterFilters":
        """Build filters from a loaded register query (schemas.RegisterQuerySchema)."""
        return cls(**{name: query[name] for name in cls.__dataclass_fields__ if query.get(name) is not None})

    def as_query(self) -> dict:
        """Return the filters as query parameters, leaving out what is not set (the default status too)."""
        values = {name: getattr(self, name) for name in self.__dataclass_fields__}
        values["bbox"] = bbox_text(self.bbox)
        return {name: value for name, value in values.items()
                if value is not None and not (name == "status" and value == "active")}


def bbox_text(bbox: tuple | None) -> str | None:
    """Write a box back as the query gives it: its ten decimals kept (no exponent), so a link lists what the
    page did."""
    return ",".join(f"{value:.10f}".rstrip("0").rstrip(".") for value in bbox) if bbox else None


def sort_columns(filters: RegisterFilters, sort: str) -> tuple:
    """Return the columns a list in this sort walks: the jurisdiction's copy of the keys when it filters by
    one (filtered() joins it), so the page is one range of one index."""
    return JURISDICTION_SORTS[sort] if filters.jurisdiction else SORTS[sort]


def filtered(filters: RegisterFilters, query=None):
    """Return the query (by default of the register rows) narrowed to the rows that pass the filters, for a
    caller to order by sort_columns() and page."""
    query = select(RegisterEntry) if query is None else query
    if filters.jurisdiction:
        query = query.join(_jurisdictions, and_(_jurisdictions.c.site_id == _entries.c.site_id,
                                                _jurisdictions.c.jurisdiction == filters.jurisdiction))
    if filters.status != "all":
        status = _jurisdictions.c.status_rank if filters.jurisdiction else _entries.c.status_rank
        query = query.where(status == STATUS_RANKS[filters.status])
    if filters.city:
        query = query.where(RegisterEntry.city_key == filters.city.strip().casefold())
    if filters.purpose:
        query = query.where(RegisterEntry.purpose == filters.purpose)
    if filters.function:
        query = query.where(RegisterEntry.function == filters.function)
    if filters.bbox:
        west, south, east, north = filters.bbox
        query = query.where(RegisterEntry.latitude.between(south, north))
        if west <= east:
            query = query.where(RegisterEntry.longitude.between(west, east))
        else:  # across the antimeridian (RFC 7946 §5.2)
            query = query.where(or_(RegisterEntry.longitude >= west, RegisterEntry.longitude <= east))
    if filters.q:
        query = query.where(_matches(filters.q))
    return query


def _matches(q: str):
    folded = q.casefold()
    if db.session.get_bind().dialect.name == "postgresql" or len(folded) < TRIGRAM:
        # the stored text is folded already; pg_trgm's index serves LIKE, SQLite scans for one or two letters
        return RegisterEntry.search.like(contains_pattern(folded), escape="\\")
    # `site_id + 0` keeps SQLite from driving the page by the matches' rowids, which sorts every match: it
    # walks the sort's index instead and stops at a page, testing each row against the matches' set
    return (RegisterEntry.site_id + 0).in_(
        text("SELECT rowid FROM register_search WHERE register_search MATCH :phrase")
        .bindparams(phrase=fts_phrase(folded)).columns(column("rowid", Integer)))


def register_page(filters: RegisterFilters, *, sort: str, limit: int, cursor: tuple | None) -> Page:
    """Return one page of the register in a sort's order, continuing after (or before) the row a loaded
    cursor names: two statements, the row's sort key and the page, whatever the page's number.

    A cursor is the id of the row a page ended at, so every cursor the document's pattern allows means
    something in every sort; one naming no row of the register continues from nothing (an empty page).
    """
    key_columns = sort_columns(filters, sort)
    direction, site_id = cursor or ("after", None)
    forward = direction == "after"
    query = filtered(filters)
    if site_id is not None:
        # read from the row itself, so a cursor at a row that has since left the filter still continues
        key = db.session.execute(select(*SORTS[sort]).where(_entries.c.site_id == min(site_id, INTEGER_MAX))).first()
        if key is None:
            return Page([], None, None)
        compared, values = key_columns, tuple(key)
        if filters.status != "all":  # the status is fixed: comparing it too hides the index from SQLite
            compared, values = key_columns[1:], values[1:]
        query = query.where(tuple_(*compared) > tuple_(*values) if forward else tuple_(*compared) < tuple_(*values))
    order = [column_.asc() if forward else column_.desc() for column_ in key_columns]
    rows = list(db.session.scalars(query.order_by(*order).limit(limit + 1)))
    more = len(rows) > limit
    rows = rows[:limit] if forward else list(reversed(rows[:limit]))
    if not rows:
        return Page([], None, None)
    after_exists = more if forward else site_id is not None
    before_exists = site_id is not None if forward else more
    return Page(rows, encode_cursor("after", rows[-1].site_id) if after_exists else None,
                encode_cursor("before", rows[0].site_id) if before_exists else None)


def numbered_page(number: int, *, limit: int) -> Page | None:
    """Return page `number` (from 1) of the deployments in operation by name, or None past the last page.

    By offset, unlike every other list: a static copy (signage.static_export) can only serve pages with
    numbers. A late page walks the name index up to its first row, which at 100,000 sites costs a few
    milliseconds; the pages' cursors are the numbers either side."""
    query = filtered(RegisterFilters()).order_by(*SORTS["name"]).offset((number - 1) * limit).limit(limit + 1)
    rows = list(db.session.scalars(query)) if number >= 1 else []
    if not rows and number != 1:
        return None
    return Page(rows[:limit], number + 1 if len(rows) > limit else None, number - 1 if number > 1 else None)


def count_matching(filters: RegisterFilters) -> int:
    """Count the rows that pass the filters, up to COUNT_CAP + 1 (more than the cap reads as "more than")."""
    capped = filtered(filters).with_only_columns(literal_column("1")).limit(COUNT_CAP + 1).subquery()
    return db.session.scalar(select(func.count()).select_from(capped))


def register_revision() -> tuple[int, str, int]:
    """Return what the downloads' ETags move with: how many rows the register holds, when one was last
    refreshed, and the audit log's last entry, which every change that moves a row appends in its own
    transaction (a refresh's time alone could go backwards: a transaction may commit after a later one)."""
    count, newest = db.session.execute(select(func.count(), func.max(RegisterEntry.refreshed_at))).one()
    last_entry = db.session.scalar(select(func.max(AuditEntry.id))) or 0
    return count, newest.isoformat() if newest else "", last_entry


#: Rows a download reads a statement.
BATCH = 2_000


def download_batches(filters: RegisterFilters, *, sort: str, fmt: str):
    """Yield the filtered register in a sort's order as lists of (code, stored, entry): a row's stored
    document in the format (opendata.stored_documents), or, where it has none of the current format, None
    and the row itself; a keyset batch a statement, so memory stays flat however long the register is."""
    key_columns = sort_columns(filters, sort)
    stored = and_(_documents.c.site_id == _entries.c.site_id, _documents.c.format == DOCUMENTS_FORMAT)
    rows = select(_entries.c.code, _documents.c[f"{fmt}_text"], *key_columns).select_from(
        _entries.outerjoin(_documents, stored))
    statement = filtered(filters, rows).order_by(*key_columns).limit(BATCH)
    connection = db.session.connection()  # plain rows, without the ORM's work per row
    key = None
    while True:
        page = statement if key is None else statement.where(tuple_(*key_columns) > tuple_(*key))
        rows = connection.execute(page).all()
        if rows:
            yield _with_entries(rows)
        if len(rows) < BATCH:
            return
        key = tuple(rows[-1][2:])


def _with_entries(rows) -> list[tuple]:
    """The rows as (code, stored, None), and as (code, None, entry) where the stored document is missing: one
    more statement for a batch that has any (each sort key ends with the site id)."""
    missing = [row[-1] for row in rows if row[1] is None]
    if not missing:
        return [(row[0], row[1], None) for row in rows]
    entries = {entry.site_id: entry for entry in
               db.session.scalars(select(RegisterEntry).where(RegisterEntry.site_id.in_(missing)))}
    return [(row[0], row[1], None if row[1] is not None else entries[row[-1]]) for row in rows]


_documents = RegisterDocument.__table__
