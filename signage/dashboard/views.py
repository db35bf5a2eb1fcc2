"""The home page: sites by status, what needs attention, the first items of each kind, jobs under way."""
from datetime import timedelta

from flask import Blueprint, g, render_template

from signage.auth.login import require
from signage.calendar.queries import due_by
from signage.config import pack_settings
from signage.consent.renewals import renewals_count
from signage.consent.services import deletion_counts
from signage.database import utcnow
from signage.jobs.services import pending_jobs
from signage.requests.services import local_day, request_counts, suspected_fakes
from signage.signs.services import first_signs_to_reprint
from signage.rules.duties import duty_status
from signage.rules.months import add_months
from signage.rules.workdays import missing_next_year
from signage.sites.lists import first_blocked, site_counts
from signage.sites.summaries import shown_summaries

bp = Blueprint("dashboard", __name__)
#: How many of each kind the home page shows before linking to the full, filtered list.
FIRST = 5


@bp.get("/")
@require("read")
def index():
    """Show at a glance what needs attention, in a fixed number of queries whatever the organisation's size."""
    organisation_id, now = g.user.organisation_id, utcnow()
    today = local_day(now, g.user.organisation.time_zone)
    blocked = first_blocked(organisation_id, FIRST)
    month_end = add_months(today.replace(day=1), 1) - timedelta(days=1)
    due, due_count = due_by(organisation_id, month_end, limit=FIRST)
    by_status, attention = site_counts(organisation_id)
    return render_template("dashboard/index.html", organisation=g.user.organisation,
                           by_status=by_status, attention=attention,
                           blocked=blocked, due=due, due_count=due_count, today=today,
                           soon_days=pack_settings().duty_due_soon_days, duty_status=duty_status,
                           missing_year=missing_next_year(today),
                           jobs=pending_jobs(organisation_id),
                           summaries=shown_summaries(blocked, now=now, settings=pack_settings()),
                           stale_signs=first_signs_to_reprint(organisation_id, FIRST),
                           deletions=deletion_counts(organisation_id, now=now),
                           renewals=renewals_count(organisation_id),
                           requests=request_counts(organisation_id, today=today),
                           fakes=suspected_fakes(organisation_id, limit=FIRST))
