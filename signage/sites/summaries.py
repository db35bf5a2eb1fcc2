"""The findings summary each site keeps: what the rules say, in brief, refreshed in the transaction of
every change that can move it, so lists and the home page never run the rules row by row."""
from collections import defaultdict
from datetime import date, datetime, timedelta

from sqlalchemy import select

from signage.extensions import db
from signage.rules.engine import BANS, site_findings as rule_findings
from signage.rules.findings import problem_count
from signage.rules.packs import PackSettings
from signage.sites.context import rule_contexts
from signage.sites.models import FindingAcknowledgement, Site
from signage.sites.records import site_record
from signage.sites.signals import summaries_refreshed

#: A summary older than this may miss a date-driven finding (a filing falling due): it is recomputed.
FRESH_FOR = timedelta(days=1)


def checked_as_going_live(site: Site) -> bool:
    """Say whether the rules judge the site as if it were being activated: drafts and suspended sites."""
    return site.status in ("draft", "suspended")


def acknowledged_rules(site_ids) -> dict[int, set[str]]:
    """Return the acknowledged warning rule ids of each site, in one query."""
    found: dict[int, set[str]] = defaultdict(set)
    if site_ids:
        rows = db.session.execute(select(FindingAcknowledgement.site_id, FindingAcknowledgement.rule_id)
                                  .where(FindingAcknowledgement.site_id.in_(site_ids)))
        for site_id, rule_id in rows:
            found[site_id].add(rule_id)
    return found


def marked_findings(findings, acknowledged: set[str]) -> list[dict]:
    """Return findings as dicts, each warning marked acknowledged or not."""
    rows = []
    for finding in findings:
        row = finding.to_dict()
        row["acknowledged"] = finding.severity == "warn" and finding.rule_id in acknowledged
        rows.append(row)
    return rows


def summary_of(findings: list[dict], stale_signs: int) -> dict:
    """Return the columns a site keeps about its findings: counts, whether it is blocked, the soonest date."""
    open_findings = [f for f in findings if not f["acknowledged"]]
    errors = [f for f in open_findings if f["severity"] == "error"]
    due = [f["params"]["due_on"] for f in open_findings if (f.get("params") or {}).get("due_on")]
    # counted as the site page shows them: the missing fields and texts are one checklist, not one each
    return {"blocking": bool(errors), "errors_count": problem_count(errors, BANS),
            "warnings_count": len(open_findings) - len(errors), "stale_signs_count": stale_signs,
            "next_due_on": date.fromisoformat(min(due)) if due else None,
            "findings_summary": [{key: f[key] for key in ("rule_id", "severity", "params", "fields")}
                                 for f in open_findings]}


def fresh_summaries(sites: list[Site], *, today: date, settings: PackSettings) -> dict[int, dict]:
    """Compute the summary of each site now, with a fixed number of queries for all of them."""
    contexts = rule_contexts(sites, today=today, settings=settings,
                             activating=frozenset(site.id for site in sites if checked_as_going_live(site)))
    acknowledged = acknowledged_rules([site.id for site in sites])
    summaries = {}
    for site in sites:
        findings = marked_findings(rule_findings(site_record(site), contexts[site.id]), acknowledged[site.id])
        summaries[site.id] = summary_of(findings, len(contexts[site.id].stale_signs))
    return summaries


def refresh_summaries(sites: list[Site], *, now: datetime, settings: PackSettings) -> None:
    """Store a fresh summary on each site, in the caller's transaction."""
    db.session.flush()  # what the change just did must be what the rules see
    fresh = fresh_summaries(sites, today=now.date(), settings=settings)
    for site in sites:
        _store(site, fresh[site.id], now)
    summaries_refreshed.send(sites, now=now, settings=settings)


def _store(site: Site, summary: dict, now: datetime) -> None:
    for name, value in summary.items():
        setattr(site, name, value)
    site.findings_at = now


def stale_summaries(*, now: datetime, limit: int) -> list[Site]:
    """Return up to `limit` sites whose summary is missing or older than a day, the oldest first.

    Two range reads of ix_sites_findings_at (never-summarised, then older than a day), not one OR that
    makes SQLite walk the whole index while nearly every summary is fresh.
    """
    missing = list(db.session.scalars(select(Site).where(Site.findings_at.is_(None)).order_by(Site.id).limit(limit)))
    if len(missing) == limit:
        return missing
    return missing + list(db.session.scalars(select(Site).where(Site.findings_at < now - FRESH_FOR)
                                             .order_by(Site.findings_at, Site.id).limit(limit - len(missing))))


def shown_summaries(sites: list[Site], *, now: datetime, settings: PackSettings) -> dict[int, dict]:
    """Return the summary to show for each site: the stored one, or a fresh one where it is stale.

    A page that only reads never writes: housekeeping stores what it computes.
    """
    stale = [site for site in sites if site.findings_at is None or site.findings_at < now - FRESH_FOR]
    fresh = fresh_summaries(stale, today=now.date(), settings=settings) if stale else {}
    return {site.id: fresh.get(site.id) or {name: getattr(site, name) for name in SUMMARY_COLUMNS}
            for site in sites}


SUMMARY_COLUMNS = ("blocking", "errors_count", "warnings_count", "stale_signs_count", "next_due_on",
                   "findings_summary")
