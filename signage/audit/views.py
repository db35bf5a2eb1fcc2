"""The audit log for auditors: the organisation's entries and a verification of the chain."""
from flask import Blueprint, current_app, g, render_template

from signage.audit.services import entries_for, report_for, verify_log
from signage.auth.login import require
from signage.extensions import limiter

bp = Blueprint("audit", __name__, url_prefix="/audit")


@bp.get("")
@require("audit")
def index():
    """Show the organisation's audit entries, newest first."""
    return render_template("audit/index.html", entries=entries_for(organisation_id=g.user.organisation_id),
                           verification=None)


@bp.get("/verify")
@limiter.limit(lambda: current_app.config["RATELIMIT_VERIFY"])
@require("audit")
def verify():
    """Walk the whole chain and say whether it is intact, or where it breaks."""
    report = report_for(verify_log(), organisation_id=g.user.organisation_id)
    return render_template("audit/index.html", entries=entries_for(organisation_id=g.user.organisation_id),
                           verification=report)
