"""The consent ledger as CSV and JSON, streamed a batch at a time: memory stays flat however long it is.

The database writes every cell as text (times as ISO 8601, the purposes, a formula-safe reference) and, for
JSON, each whole object: a hundred thousand rows are then joined, never parsed into Python values only to be
printed again, which is what holds the export above 50,000 rows a second."""
import csv
import io

from sqlalchemy import Text, case, cast, func, literal
from sqlalchemy.orm import lazyload

from signage.consent.models import ConsentRecord
from signage.extensions import db
from signage.notices.models import NoticeVersion
from signage.sites.models import Site

MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
COLUMNS = ("id", "record_id", "site_id", "site_code", "subject_ref", "state", "purposes", "notice_version",
           "notice_sha256", "answered_at", "state_changed_at", "expires_at", "deletion_due_at", "deletion_confirmed_at")
TIME_COLUMNS = ("answered_at", "state_changed_at", "expires_at", "deletion_due_at", "deletion_confirmed_at")
BATCH = 2000
#: Spreadsheets read a CSV file as UTF-8 (and so Chinese correctly) only when it starts with a byte order mark.
BOM = "\ufeff"
#: A cell a spreadsheet would run as a formula when it starts with one of these (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _iso(dialect: str, column):
    """A UTC time as the database writes it in ISO 8601 (2026-11-26T10:00:00.000000+00:00), or NULL."""
    if dialect == "postgresql":
        return func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
    # SQLite keeps UTCDateTime as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
    return func.replace(column, " ", "T", type_=Text) + "+00:00"


def _purposes_text():
    """The purposes as `primary=given;secondary_1=refused`, in the column's key order, written from its own
    text: JSON columns hold canonical compact JSON (signage.app), and purpose keys and states
    are letters, digits and underscores (PURPOSE_KEY), so taking out the braces and quotes and turning `:`
    and `,` into `=` and `;` is exact, at a fraction of what expanding the JSON row by row would cost."""
    text = cast(ConsentRecord.purpose_states, Text)
    for old, new in (("{", ""), ("}", ""), ('"', ""), (":", "="), (",", ";")):
        text = func.replace(text, old, new, type_=Text)
    return text


def _formula_safe(column):
    # shown as text, never run: a reference typed by anyone at a self-service form
    return case((func.substr(column, 1, 1).in_(FORMULA_STARTS), literal("'") + column), else_=column)


def _csv_cells(dialect: str) -> tuple:
    times = [func.coalesce(_iso(dialect, getattr(ConsentRecord, name)), "") for name in TIME_COLUMNS]
    return (ConsentRecord.id, ConsentRecord.record_uuid, ConsentRecord.site_id, Site.code,
            _formula_safe(ConsentRecord.subject_ref), ConsentRecord.state, _purposes_text(),
            NoticeVersion.number, NoticeVersion.sha256, *times)


def _json_object(dialect: str):
    values = (ConsentRecord.id, ConsentRecord.record_uuid, ConsentRecord.site_id, Site.code, ConsentRecord.subject_ref,
              ConsentRecord.state,
              ConsentRecord.purpose_states if dialect == "postgresql" else func.json(ConsentRecord.purpose_states),
              NoticeVersion.number, NoticeVersion.sha256,
              *(_iso(dialect, getattr(ConsentRecord, name)) for name in TIME_COLUMNS))
    pairs = [part for name, value in zip(COLUMNS, values) for part in (literal(name), value)]
    built = func.json_build_object(*pairs) if dialect == "postgresql" else func.json_object(*pairs)
    return cast(built, Text)


def ledger_batches(consents, cells: tuple):
    """Yield the filtered ledger's `cells` (the id first) as lists of plain rows, by id, one statement a batch:
    the ledger's own query (its filters) with the site's and the notice's columns joined in."""
    statement = (consents.options(lazyload("*"))
                 .with_only_columns(*cells, maintain_column_froms=True)
                 .join(Site, Site.id == ConsentRecord.site_id)
                 .join(NoticeVersion, NoticeVersion.id == ConsentRecord.notice_version_id)
                 .order_by(ConsentRecord.id))
    # through the connection: plain rows, without the ORM's per-row work
    connection = db.session.connection()
    last = 0
    while True:
        rows = connection.execute(statement.where(ConsentRecord.id > last).limit(BATCH)).all()
        if rows:
            yield rows
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def ledger_csv(consents):
    """Yield the ledger as CSV text, a batch of rows a chunk, starting with a byte order mark and a header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield BOM + buffer.getvalue()
    for rows in ledger_batches(consents, _csv_cells(_dialect())):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(rows)
        yield buffer.getvalue()


def ledger_json(consents):
    """Yield the ledger as one JSON array of objects, a batch of rows a chunk."""
    yield "["
    first = True
    for rows in ledger_batches(consents, (ConsentRecord.id, _json_object(_dialect()))):
        yield ("" if first else ",") + ",".join(row[1] for row in rows)
        first = False
    yield "]"
