"""The consent ledger as CSV and JSON, streamed a batch at a time: memory stays flat however long it is."""
import csv
import io
import json

from sqlalchemy import Text, cast, func
from sqlalchemy.orm import lazyload

from signage.consent.models import ConsentRecord
from signage.extensions import db
from signage.notices.models import NoticeVersion
from signage.sites.models import Site

MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
COLUMNS = ("id", "record_id", "site_id", "site_code", "subject_ref", "state", "purposes", "notice_version",
           "notice_sha256", "answered_at", "state_changed_at", "expires_at", "deletion_due_at", "deletion_confirmed_at")
BATCH = 2000
#: Spreadsheets read a CSV file as UTF-8 (and so Chinese correctly) only when it starts with a byte order mark.
BOM = "\ufeff"


def _iso_text(dialect: str):
    """Return how the database itself writes a UTC time as ISO 8601 text (2026-11-26T10:00:00.000000+00:00):
    a hundred thousand rows' times are then never parsed into Python datetimes only to be printed again."""
    if dialect == "postgresql":
        return lambda column: func.to_char(func.timezone("UTC", column), 'YYYY-MM-DD"T"HH24:MI:SS.US"+00:00"')
    # SQLite keeps UTCDateTime as 'YYYY-MM-DD HH:MM:SS.ffffff' in UTC
    return lambda column: func.replace(column, " ", "T", type_=Text) + "+00:00"


def ledger_batches(consents):
    """Yield the filtered ledger as lists of plain tuples in COLUMNS order, by id, one statement a batch: the
    ledger's own query (its filters) with the columns exported and the site's and the notice's joined in."""
    iso = _iso_text(db.session.get_bind().dialect.name)
    statement = (consents.options(lazyload("*"))
                 .with_only_columns(ConsentRecord.id, ConsentRecord.record_uuid, ConsentRecord.site_id, Site.code,
                                    ConsentRecord.subject_ref, ConsentRecord.state,
                                    cast(ConsentRecord.purpose_states, Text),
                                    NoticeVersion.number, NoticeVersion.sha256, iso(ConsentRecord.answered_at),
                                    iso(ConsentRecord.state_changed_at), iso(ConsentRecord.expires_at),
                                    iso(ConsentRecord.deletion_due_at), iso(ConsentRecord.deletion_confirmed_at),
                                    maintain_column_froms=True)
                 .join(Site, Site.id == ConsentRecord.site_id)
                 .join(NoticeVersion, NoticeVersion.id == ConsentRecord.notice_version_id)
                 .order_by(ConsentRecord.id))
    # through the connection: plain rows, without the ORM's per-row work; the JSON column comes as its text
    connection = db.session.connection()
    last = 0
    while True:
        rows = connection.execute(statement.where(ConsentRecord.id > last).limit(BATCH)).all()
        if rows:
            yield rows
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


#: A cell a spreadsheet would run as a formula when it starts with one of these (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _text(value: str) -> str:
    # shown as text, never run: a reference typed by anyone at a self-service form
    return "'" + value if value.startswith(FORMULA_STARTS) else value


def _time(value: str | None) -> str:
    return value or ""


def _csv_row(row) -> tuple:
    """One ledger row as CSV cells: each column formatted as its type needs, in one pass."""
    purposes = ";".join(f"{key}={state}" for key, state in json.loads(row[6]).items())
    return (row[0], row[1], row[2], row[3], _text(row[4]), row[5], purposes, row[7], row[8], _time(row[9]),
            _time(row[10]), _time(row[11]), _time(row[12]), _time(row[13]))


def ledger_csv(consents):
    """Yield the ledger as CSV text, a batch of rows a chunk, starting with a byte order mark and a header."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield BOM + buffer.getvalue()
    for rows in ledger_batches(consents):
        buffer.seek(0)
        buffer.truncate()
        writer.writerows(map(_csv_row, rows))
        yield buffer.getvalue()


def ledger_json(consents):
    """Yield the ledger as one JSON array of objects, a batch of rows a chunk."""
    yield "["
    first = True
    encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode
    for rows in ledger_batches(consents):
        items = ",".join(encode({**dict(zip(COLUMNS, row)), "purposes": json.loads(row[6])}) for row in rows)
        yield ("" if first else ",") + items
        first = False
    yield "]"
