"""Gather what a site's filing dossier says, as plain data: the record, the operator, the notice versions, the
signs, the consent and request counts, the duties and an audit extract with the checkpoint it verifies against.

A fixed number of statements whatever the site holds: each list is read once, capped, with its full count
taken in the same statement (a window count), so a site with 20 signs costs what a site with 2 does.
"""
from datetime import date, datetime

from sqlalchemy import Date, case, cast, func, select

from signage.audit import transparency
from signage.audit.models import AuditEntry
from signage.calendar.dossier_content import AUDIT_SHOWN, CN_KINDS, DUTIES_SHOWN, KINDS, LANGUAGES, SIGNS_SHOWN, \
    VERSIONS_SHOWN
from signage.calendar.dossier_labels import VALUE_KINDS
from signage.calendar.models import Duty
from signage.consent.models import ConsentRecord
from signage.extensions import db
from signage.i18n import LOCALES_BY_TAG
from signage.labels import AUDIT_ACTIONS, CHOICES, choice_label, tr
from signage.local_time import zone
from signage.notices.models import NoticeVersion
from signage.requests.models import PublicRequest
from signage.rules.duties import duty_status
from signage.signs.history import site_history_query
from signage.signs.models import Sign
from signage.translation import force_locale

#: Site fields the dossier prints, by our names (the site record's).
SITE_FIELDS = (
    "site_name", "code", "status", "jurisdictions", "address", "city", "venue_class", "capture_area_description",
    "purpose", "purpose_text", "necessity_justification", "function", "live_mode", "storage_mode",
    "internet_transfer_basis", "raw_image_retained", "security_measures", "retention_period_days",
    "retention_criteria_text", "retention_policy_url", "legal_basis_cn", "gdpr_art6_basis", "gdpr_art9_condition",
    "legitimate_interest_text", "secondary_uses", "recipients_third_parties", "pia_id", "pia_version",
    "pia_completed_on", "pia_report_url", "filing", "text_translations",
)


def dossier_kinds(site) -> tuple[str, ...]:
    """Return the dossiers a site can have: the CN filings for a site in China, the evidence file for any."""
    return KINDS if "CN" in (site.jurisdictions or ()) else tuple(kind for kind in KINDS if kind not in CN_KINDS)


def dossier_facts(site, kind: str, *, now: datetime, soon_days: int) -> dict:
    """Return everything the dossier of one kind says about a site, as JSON-ready plain data."""
    organisation = site.organisation
    today = now.astimezone(zone(organisation.time_zone)).date()
    audit = _audit(site)
    return {
        "kind": kind, "generated_at": _iso(now), "today": today.isoformat(),
        "site": _site(site), "operator": _operator(organisation),
        "notice": _notice(site), "signs": _signs(site),
        "consents": _counts(ConsentRecord.state, ConsentRecord.site_id == site.id),
        "requests": _requests(site, organisation.time_zone, now),
        "duties": _duties(site, today=today, soon_days=soon_days),
        "audit": audit,
        "values": value_labels(LANGUAGES[kind], actions={entry["action"] for entry in audit["entries"]}),
    }


def value_labels(language: str, *, actions=()) -> dict[str, dict[str, str]]:
    """Return the label of every allowed value the dossier prints, and of the audit actions, in its language."""
    with force_locale(LOCALES_BY_TAG[language]):
        values = {kind: {value: choice_label(kind, value) for value in CHOICES[kind]} for kind in VALUE_KINDS}
        values["audit_action"] = {action: tr(AUDIT_ACTIONS[action]) if action in AUDIT_ACTIONS else action
                                  for action in sorted(actions)}
    return values


def _iso(value):
    return value.isoformat() if isinstance(value, (date, datetime)) else value


def _site(site) -> dict:
    record = {name: _iso(getattr(site, name)) for name in SITE_FIELDS}
    record["id"] = site.id
    record["geo"] = None if site.latitude is None else {"lat": site.latitude, "lng": site.longitude}
    return record


def _operator(organisation) -> dict:
    return {"legal_name": organisation.legal_name, "registration_number": organisation.registration_number,
            "address": organisation.address, "contact_email": organisation.contact_email,
            "contact_phone": organisation.contact_phone, "dpo_contact": organisation.dpo_contact,
            "name_translations": organisation.name_translations,
            "stored_individuals_count": organisation.stored_individuals_count,
            "count_threshold_reached_on": _iso(organisation.count_threshold_reached_on),
            "time_zone": organisation.time_zone}


def _capped(query, cap: int) -> tuple[list, int]:
    """Run a query for its first `cap` rows and its full count, in one statement."""
    rows = db.session.execute(query.add_columns(func.count().over().label("total")).limit(cap)).all()
    total = rows[0].total if rows else 0
    return [row._asdict() for row in rows], total


def _notice(site) -> dict:
    query = (select(NoticeVersion.number, NoticeVersion.effective_from, NoticeVersion.sha256,
                    NoticeVersion.changed_fields).where(NoticeVersion.site_id == site.id)
             .order_by(NoticeVersion.number.desc()))
    rows, total = _capped(query, VERSIONS_SHOWN + 1)
    versions = [{"number": row["number"], "effective_from": _iso(row["effective_from"]), "sha256": row["sha256"],
                 "changed_fields": row["changed_fields"] or []} for row in rows]
    return {"current": versions[0] if versions else None, "earlier": versions[1:],
            "earlier_more": max(total - len(versions), 0)}


def _signs(site) -> dict:
    query = (select(Sign.serial, Sign.placement, Sign.status, Sign.issued_at, Sign.installed_at, Sign.retired_at)
             .where(Sign.site_id == site.id).order_by(Sign.id))
    rows, total = _capped(query, SIGNS_SHOWN)
    return {"rows": [{key: _iso(value) for key, value in row.items() if key != "total"} for row in rows],
            "more": total - len(rows), "total": total}


def _counts(column, condition) -> dict[str, int]:
    return {state: count for state, count in db.session.execute(
        select(column, func.count()).where(condition).group_by(column).order_by(column))}


def _requests(site, time_zone: str, now: datetime) -> dict:
    """Count the site's requests by state, and those answered after their (extended) due day, in one statement."""
    late = func.sum(case((_answered_day(time_zone, now) > PublicRequest.effective_due_on, 1), else_=0))
    rows = db.session.execute(select(PublicRequest.state, func.count(), late).where(PublicRequest.site_id == site.id)
                              .group_by(PublicRequest.state).order_by(PublicRequest.state)).all()
    return {"by_state": {state: count for state, count, _late in rows},
            "answered_late": sum(int(late or 0) for *_rest, late in rows), "total": sum(row[1] for row in rows)}


def _answered_day(time_zone: str, now: datetime):
    """The organisation's day a request was answered on, in SQL."""
    if db.session.get_bind().dialect.name == "postgresql":
        return cast(func.timezone(zone(time_zone).key, PublicRequest.answered_at), Date)
    # SQLite knows no time zones: the zone's offset now (a day near a clock change may shift by an hour)
    minutes = int(now.astimezone(zone(time_zone)).utcoffset().total_seconds() // 60)
    return func.date(PublicRequest.answered_at, f"{minutes:+d} minutes")


def _duties(site, *, today: date, soon_days: int) -> dict:
    query = (select(Duty.kind, Duty.key, Duty.due_on, Duty.done_on, Duty.withdrawn_at, Duty.done_reference,
                    Duty.provisional_years).where(Duty.site_id == site.id).order_by(Duty.due_order))
    rows, total = _capped(query, DUTIES_SHOWN)
    duties = [{"kind": row["kind"], "key": row["key"], "due_on": _iso(row["due_on"]), "done_on": _iso(row["done_on"]),
               "status": duty_status(row["due_on"], row["done_on"], today=today,
                                     withdrawn=row["withdrawn_at"] is not None, soon_days=soon_days),
               "done_reference": row["done_reference"], "provisional": bool(row["provisional_years"])}
              for row in rows]
    return {"rows": duties, "more": total - len(duties)}


def _audit(site) -> dict:
    """Return the site's newest audit entries (its own, its signs', its notice versions') and the latest
    signed checkpoint, saying which entries it covers."""
    query = (site_history_query(site.organisation_id, site.id)
             .with_only_columns(AuditEntry.id, AuditEntry.created_at, AuditEntry.action, AuditEntry.hash,
                                AuditEntry.subject_type, AuditEntry.subject_id)
             .order_by(AuditEntry.id.desc()))
    rows, total = _capped(query, AUDIT_SHOWN)
    checkpoint = transparency.latest_checkpoint()
    entries = [{"id": row["id"], "created_at": _iso(row["created_at"]), "action": row["action"], "hash": row["hash"],
                "subject": f"{row['subject_type']}/{row['subject_id']}",
                "in_checkpoint": checkpoint is not None and row["id"] <= checkpoint.size} for row in rows]
    signed = None if checkpoint is None else {"size": checkpoint.size, "signed_at": _iso(checkpoint.signed_at),
                                              "note": checkpoint.note}
    return {"entries": entries, "more": total - len(entries), "checkpoint": signed}
