"""The consent ledger as CSV and JSON, streamed a batch at a time: memory stays flat however long it is."""
import csv
import io
import json

from sqlalchemy import select

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


def ledger_rows(consents):
    """Yield the filtered ledger as plain tuples in COLUMNS order, by id, a batch of rows per statement."""
    ids = consents.with_only_columns(ConsentRecord.id).subquery()
    statement = (select(ConsentRecord.id, ConsentRecord.record_uuid, ConsentRecord.site_id, Site.code,
                        ConsentRecord.subject_ref, ConsentRecord.state, ConsentRecord.purpose_states,
                        NoticeVersion.number, NoticeVersion.sha256, ConsentRecord.answered_at,
                        ConsentRecord.state_changed_at, ConsentRecord.expires_at, ConsentRecord.deletion_due_at,
                        ConsentRecord.deletion_confirmed_at)
                 .join(Site, Site.id == ConsentRecord.site_id)
                 .join(NoticeVersion, NoticeVersion.id == ConsentRecord.notice_version_id)
                 .where(ConsentRecord.id.in_(select(ids.c.id)))
                 .order_by(ConsentRecord.id))
    last = 0
    while True:
        rows = db.session.execute(statement.where(ConsentRecord.id > last).limit(BATCH)).all()
        yield from rows
        if len(rows) < BATCH:
            return
        last = rows[-1][0]


#: A cell a spreadsheet would run as a formula when it starts with one of these (CSV injection).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _cell(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value  # shown as text, never run: a reference typed by anyone at a self-service form
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if isinstance(value, dict):
        return ";".join(f"{key}={state}" for key, state in value.items())
    return value


def ledger_csv(consents):
    """Yield the ledger as CSV text, starting with a byte order mark and a header row."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(COLUMNS)
    yield BOM + buffer.getvalue()
    for row in ledger_rows(consents):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([_cell(value) for value in row])
        yield buffer.getvalue()


def ledger_json(consents):
    """Yield the ledger as one JSON array of objects, row by row."""
    yield "["
    first = True
    for row in ledger_rows(consents):
        item = {name: (value.isoformat() if hasattr(value, "isoformat") else value) for name, value in zip(COLUMNS, row)}
        yield ("" if first else ",") + json.dumps(item, ensure_ascii=False, separators=(",", ":"))
        first = False
    yield "]"
