"""Site use cases: register, edit, move through the lifecycle, acknowledge warnings."""
import secrets
from datetime import date, datetime

from signage import vocabulary as vocab
from signage.audit.services import append_entry
from signage.errors import Conflict, NotFound, RuleViolation
from signage.extensions import db
from signage.rules.engine import blocking, site_findings as rule_findings
from signage.rules.packs import PackSettings
from signage.sites.context import rule_context
from signage.sites.models import FindingAcknowledgement, Site
from signage.sites.records import site_record
from signage.sites.signals import site_activated, site_changed, site_status_changed
from signage.sites.summaries import acknowledged_rules, checked_as_going_live, marked_findings, refresh_summaries

#: Upper-case letters and digits without look-alikes (0/O, 1/I), so codes survive being read aloud.
CODE_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
LIST_FIELDS = ("jurisdictions", "customer_entrances", "secondary_uses", "recipients_third_parties",
               "security_measures")


def new_code(length: int = 8) -> str:
    """Return a random public code in QR alphanumeric characters."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(length))


def get_site(organisation_id: int, site_id: int) -> Site:
    """Return one of the organisation's sites; another organisation's site does not exist."""
    site = db.session.get(Site, site_id)
    if site is None or site.organisation_id != organisation_id:
        raise NotFound("No such site.")
    return site


def register_site(organisation, data: dict, *, by, now: datetime, settings: PackSettings) -> Site:
    """Register a new site as a draft, however incomplete, and log it."""
    site = Site(organisation_id=organisation.id, code=new_code(), status="draft", status_changed_at=now,
                created_at=now, updated_at=now, site_name=data["site_name"])
    changes = _apply(site, data, replace=True)
    db.session.add(site)
    append_entry("site.registered", actor=by, subject=site, now=now, changes=changes)
    refresh_summaries([site], now=now, settings=settings)
    return site


def update_site(site: Site, data: dict, *, by, now: datetime, settings: PackSettings,
                replace=False, reason: str | None = None) -> Site:
    """Change a site's fields, with the reason the auditor will read; an active site must still pass
    every ERROR rule. A change that changes nothing is no change: nothing is logged."""
    if site.status == "decommissioned":
        raise Conflict("A decommissioned site can no longer be changed.")
    changes = _apply(site, data, replace=replace)
    if not changes:
        return site
    if site.status == "active":
        ctx = rule_context(site, today=now.date(), settings=settings, changed_fields=tuple(changes))
        _refuse_if_blocked(site, ctx, "This change would break the rules for an active site.")
    site.updated_at = now
    append_entry("site.updated", actor=by, subject=site, now=now, changes=changes, reason=reason)
    site_changed.send(site, changes=changes, by=by, now=now)
    refresh_summaries([site], now=now, settings=settings)
    return site


def change_status(site: Site, status: str, *, reason: str | None, by, now: datetime,
                  settings: PackSettings) -> Site:
    """Move a site through its lifecycle; going live runs every rule first."""
    if status not in vocab.STATUS_TRANSITIONS[site.status]:
        raise Conflict(f"A {site.status} site cannot become {status}.",
                       errors={"status": [f"Allowed from {site.status}: "
                                          f"{', '.join(vocab.STATUS_TRANSITIONS[site.status]) or 'none'}."]})
    if status == "active":
        # the rules run before anything is published: a refusal leaves nothing behind to roll back
        ctx = rule_context(site, today=now.date(), settings=settings, activating=True)
        _refuse_if_blocked(site, ctx, "The site cannot go live yet.")
    before = site.status
    site.status, site.status_changed_at, site.updated_at = status, now, now
    append_entry("site.status_changed", actor=by, subject=site, now=now, reason=reason,
                 changes={"status": [before, status]})
    if status == "active":
        site_activated.send(site, by=by, now=now)
    site_status_changed.send(site, before=before, by=by, now=now)
    refresh_summaries([site], now=now, settings=settings)
    return site


def _refuse_if_blocked(site: Site, ctx, detail: str):
    errors = blocking(rule_findings(site_record(site), ctx))
    if errors:
        raise RuleViolation(detail, findings=[finding.to_dict() for finding in errors])


def site_findings(site: Site, *, today: date, settings: PackSettings) -> list[dict]:
    """Return every finding for the site, marking acknowledged warnings.

    A draft is checked as if it were going live, so the operator sees what
    activation would refuse before trying.
    """
    ctx = rule_context(site, today=today, settings=settings, activating=checked_as_going_live(site))
    return marked_findings(rule_findings(site_record(site), ctx), acknowledged_rules([site.id])[site.id])


def acknowledge_finding(site: Site, data: dict, *, by, now: datetime, settings: PackSettings):
    """Record that an operator has seen a warning; errors cannot be acknowledged away."""
    current = {f["rule_id"]: f for f in site_findings(site, today=now.date(), settings=settings)}
    finding = current.get(data["rule_id"])
    if finding is None or finding["severity"] != "warn":
        raise Conflict("Only a current warning can be acknowledged.",
                       errors={"rule_id": ["Not a current warning for this site."]})
    if finding["acknowledged"]:
        raise Conflict("This warning is already acknowledged.")
    ack = FindingAcknowledgement(site_id=site.id, rule_id=data["rule_id"], note=data.get("note"),
                                 acknowledged_by_id=by.id, acknowledged_at=now)
    db.session.add(ack)
    append_entry("site.finding_acknowledged", actor=by, subject=site, now=now, reason=data.get("note"),
                 changes={"acknowledged": [None, data["rule_id"]]})
    refresh_summaries([site], now=now, settings=settings)
    return ack


def _apply(site: Site, data: dict, *, replace) -> dict:
    """Set fields from loaded data; return {field: [before, after]} for those that changed.

    replace=True clears every field the data leaves out; a collection of names clears only those (the
    fields a form showed), with their translations; False clears nothing.
    """
    replaced = set(vocab.EDITABLE_FIELDS) if replace is True else set(replace or ())
    changes = {}
    for name in vocab.EDITABLE_FIELDS + ("text_translations", "text_language"):
        # the language is kept unless named: the form sends it, an API client may well not
        shown = name in replaced or (name == "text_translations" and bool(replaced))
        if name not in data and (name == "text_language" or not shown):
            continue
        before = _read(site, name)
        after = data.get(name, [] if name in LIST_FIELDS else None)
        if name == "text_translations" and not isinstance(replace, bool):  # a form that showed some fields
            after = _kept_translations(before, after, replaced)
        after = _json_ready(after)
        if after != before:
            _write(site, name, after)
            changes[name] = [before, after]
    return changes


def _kept_translations(before: dict | None, after: dict | None, replaced: set) -> dict | None:
    """Merge translations: the replaced fields' from `after`, every other field's kept from `before`."""
    merged = {}
    for tag in set(before or {}) | set(after or {}):
        kept = {name: value for name, value in ((before or {}).get(tag) or {}).items() if name not in replaced}
        texts = {**kept, **((after or {}).get(tag) or {})}
        if texts:
            merged[tag] = texts
    return merged or None


def _read(site: Site, name: str):
    if name == "geo":
        return None if site.latitude is None else {"lat": site.latitude, "lng": site.longitude}
    value = getattr(site, name)
    return _json_ready(value)


def _write(site: Site, name: str, value):
    if name == "geo":
        site.latitude, site.longitude = (value["lat"], value["lng"]) if value else (None, None)
    elif name == "pia_completed_on":
        site.pia_completed_on = date.fromisoformat(value) if value else None
    else:
        setattr(site, name, value)


def _json_ready(value):
    """Turn dates into ISO strings so before/after values compare and log as JSON."""
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, dict):
        return {key: _json_ready(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_ready(item) for item in value]
    return value


def findings_by_field(findings: list[dict]) -> dict[str, list[dict]]:
    """Group findings under each field they concern, so forms can show them in place."""
    grouped: dict[str, list[dict]] = {}
    for finding in findings:
        for name in finding.get("fields") or ("_site",):
            grouped.setdefault(name, []).append(finding)
    return grouped
