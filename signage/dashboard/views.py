"""The home page: sites by status, open findings, signs to reprint, duties due."""
from flask import Blueprint, g, render_template

from signage.auth.login import require
from signage.database import utcnow
from signage.signs.services import signs_to_reprint
from signage.config import pack_settings
from signage.sites.services import site_overview

bp = Blueprint("dashboard", __name__)


@bp.get("/")
@require("read")
def index():
    """Show at a glance what needs attention."""
    rows = site_overview(g.user.organisation_id, today=utcnow().date(), settings=pack_settings())
    live = [row for row in rows if row["site"].status != "decommissioned"]
    by_status = {}
    for row in rows:
        by_status[row["site"].status] = by_status.get(row["site"].status, 0) + 1
    open_findings = [(row["site"], finding) for row in live for finding in row["findings"]
                     if not finding["acknowledged"]]
    return render_template("dashboard/index.html", rows=rows, by_status=by_status, open_findings=open_findings,
                           organisation=g.user.organisation, stale_signs=signs_to_reprint(g.user.organisation_id),
                           duties=dated_duties(live))


def dated_duties(rows: list[dict]) -> list[dict]:
    """Return the findings that carry a due date (filings, change reports), soonest first."""
    duties = [{"due_on": finding["params"]["due_on"], "title": finding["message"], "site": row["site"]}
              for row in rows for finding in row["findings"] if (finding.get("params") or {}).get("due_on")]
    return sorted(duties, key=lambda duty: str(duty["due_on"]))
