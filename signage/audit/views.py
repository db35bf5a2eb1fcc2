"""The audit log for auditors: the organisation's entries a page at a time, and a verification of the chain."""
from flask import Blueprint, current_app, g, render_template

from signage.audit.models import AuditEntry
from signage.audit.schemas import AuditQuerySchema
from signage.audit.services import decoded, entries_query, report_for, verify_log
from signage.auth.login import require
from signage.database import reads_only
from signage.extensions import db, limiter
from signage.http import load_data, query_args
from signage.pagination import keyset_page

bp = Blueprint("audit", __name__, url_prefix="/audit")


def _entries_page(query: dict):
    subject_type, subject_id = query["subject"] or (None, None)
    entries = entries_query(subject_type, subject_id, organisation_id=g.user.organisation_id)
    return keyset_page(db.session, entries, AuditEntry.id, descending=True, limit=query["limit"],
                       cursor=query["cursor"])


@bp.get("")
@require("audit")
def index():
    """Show the organisation's audit entries, newest first, a page at a time, optionally of one record."""
    query = load_data(AuditQuerySchema(), query_args())
    page = _entries_page(query)
    return render_template("audit/index.html", entries=[decoded(entry) for entry in page.items], page=page,
                           subject=query["subject"], verification=None)


@bp.get("/verify")
@limiter.limit(lambda: current_app.config["RATELIMIT_VERIFY"])
@require("audit")
@reads_only
def verify():
    """Walk the whole chain and say whether it is intact, or where it breaks, with the newest entries."""
    report = report_for(verify_log(), organisation_id=g.user.organisation_id)
    page = _entries_page(load_data(AuditQuerySchema(), {}))
    return render_template("audit/index.html", entries=[decoded(entry) for entry in page.items], page=page,
                           subject=None, verification=report)
