"""The consent ledger as CSV and JSON, streamed a batch at a time: memory stays flat however long it is."""
import csv
import io
import json

from sqlalchemy import Text, cast
from sqlalchemy.orm import lazyload

from signage.consent.models import ConsentRecord
from signage.extensions import db
from signage.notices.models import NoticeVersion
from signage.sites.models import Site

MIMETYPES = {"csv": "text/csv; charset=utf-8", "json": "application/json"}
COLUMNS = ("id", "record_id", "site_id", "site_code", "subject_ref", "state", "purposes", "notice_version",
           "notice_sha256", "answered_at", "state_changed_at", "expires_at", "deletion_due_at", "deletion_confirmed_at")
BATCH = 2000
TIME_COLUMNS = tuple((index, name) for index, name in enumerate(COLUMNS) if name.endswith("_at"))
#: Spreadsheets read a CSV file as UTF-8 (and so Chinese correctly) only when it starts with a byte order mark.
BOM = "\ufeff"


def ledger_batches(consents):
    """Yield the filtered ledger as lists of plain tuples in COLUMNS order, by id, one statement a batch: the
    ledger's own query (its filters) with the columns exported and the site's and the notice's joined in."""
    statement = (consents.options(lazyload("*"))
                 .with_only_columns(ConsentRecord.id, ConsentRecord.record_uuid, ConsentRecord.site_id, Site.code,
                                    ConsentRecord.subject_ref, ConsentRecord.state,
                                    cast(ConsentRecord.purpose_states, Text),
                                    NoticeVersion.number, NoticeVersion.sha256, ConsentRecord.answered_at,
                                    ConsentRecord.state_changed_at, ConsentRecord.expires_at,
                                    ConsentRecord.deletion_due_at, ConsentRecord.deletion_confirmed_at,
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


def _time(value) -> str:
    return value.isoformat() if value is not None else ""


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
        items = ",".join(encode({**dict(zip(COLUMNS, row)), "purposes": json.loads(row[6]),
                                 **{name: _time(row[index]) or None for index, name in TIME_COLUMNS}})
                         for row in rows)
        yield ("" if first else ",") + items
        first = False
    yield "]"
