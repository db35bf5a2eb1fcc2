"""The audit log for auditors: the organisation's entries a page at a time, and a verification of the chain."""
from flask import Blueprint, current_app, g, render_template
from sqlalchemy import func

from signage.audit.models import AuditEntry
from signage.audit.schemas import AuditQuerySchema
from signage.audit.services import decoded
from signage.audit.verification import report_for, verify_log
from signage.auth.login import require
from signage.auth.models import User
from signage.auth.services import member_names, members_query
from signage.database import reads_only
from signage.extensions import db, limiter
from signage.http import load_data, query_args
from signage.pagination import keyset_page
from signage.signs.history import audit_query, subject_names

bp = Blueprint("audit", __name__, url_prefix="/audit")
#: The users offered in the actor filter; an organisation with more reaches the others from an entry's name.
ACTOR_CHOICES = 200


def _entries_page(query: dict):
    # the dashboard's days are the organisation's own (the API's are UTC days)
    entries = audit_query(g.user.organisation_id, query, time_zone=g.user.organisation.time_zone)
    return keyset_page(db.session, entries, AuditEntry.id, descending=True,
                       limit=query["limit"], cursor=query["cursor"])


@bp.get("")
@require("audit")
def index():
    """Show the organisation's audit entries, newest first, a page at a time, optionally of one record."""
    query = load_data(AuditQuerySchema(), query_args(drop_empty=True))
    page = _entries_page(query)
    entries = [decoded(entry) for entry in page.items]
    return render_template("audit/index.html", entries=entries, page=page, subject=query["subject"], query=query,
                           subject_names=_names(entries), actors=_actor_choices(), verification=None)


@bp.get("/verify")
@limiter.limit(lambda: current_app.config["RATELIMIT_VERIFY"], scope="verify")
@require("audit")
@reads_only
def verify():
    """Walk the whole chain and say whether it is intact, or where it breaks, with the newest entries."""
    report = report_for(verify_log(), organisation_id=g.user.organisation_id)
    page = _entries_page(load_data(AuditQuerySchema(), {}))
    entries = [decoded(entry) for entry in page.items]
    return render_template("audit/index.html", entries=entries, page=page, subject=None, query={},
                           subject_names=_names(entries), actors=_actor_choices(), verification=report)


def _names(entries: list[dict]) -> dict:
    """Name what the entries are about and who made them."""
    return subject_names(entries) | member_names(g.user.organisation_id, entries)


def _actor_choices() -> list[tuple[int, str]]:
    # in the order they are listed by: their names, else their e-mails
    users = members_query(g.user.organisation_id).order_by(func.coalesce(User.name, User.email), User.id).limit(
        ACTOR_CHOICES)
    return [(user.id, user.name or user.email) for user in db.session.scalars(users)]
