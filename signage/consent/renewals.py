"""Re-consent: when a new notice version changes what people agreed to, their consents need renewal, and
a renewed answer supersedes the earlier one."""
from datetime import datetime

from sqlalchemy import and_, func, select

from signage.audit.services import append_entry
from signage.consent import rules
from signage.consent.models import ConsentRecord, ConsentRenewal
from signage.extensions import db
from signage.sites.records import site_record

#: Notice items whose change alters what a person consented to: purpose, function, data, retention,
#: recipients and the operator's contact (PIPL 14 and 17: consent again when these change).
MATERIAL = ("purpose", "purpose_text", "function", "secondary_uses", "storage_mode", "raw_image_retained",
            "internet_transfer_basis", "retention_period_days", "retention_criteria_text", "recipients_third_parties",
            "operator")


def flag_renewals(version, *, site, changed: list, by, now: datetime, **_) -> None:
    """Mark the site's consents under earlier versions as needing renewal when the new version changes
    what they agreed to, and log it once for the site (subscriber of notices.signals.notice_published)."""
    material = sorted(set(changed) & set(MATERIAL))
    if version.number == 1 or not material or not rules.consent_jurisdictions(site_record(site)):
        return
    renewal = db.session.get(ConsentRenewal, site.id)
    before = renewal.from_number if renewal else None
    if renewal is None:
        renewal = ConsentRenewal(site_id=site.id, from_number=version.number, since=now)
        db.session.add(renewal)
    renewal.from_number, renewal.since = version.number, now
    append_entry("consent.renewal_needed", actor=by, subject=site, now=now,
                 changes={"from_number": [before, version.number], "fields": [None, material]})


def renewal_thresholds(site_ids) -> dict[int, int]:
    """Return {site id: the version number consents must be under or above} for sites that need renewals."""
    ids = sorted(set(site_ids))
    if not ids:
        return {}
    return dict(db.session.execute(select(ConsentRenewal.site_id, ConsentRenewal.from_number)
                                   .where(ConsentRenewal.site_id.in_(ids))).all())


def needs_renewal(consent: ConsentRecord, thresholds: dict[int, int]) -> bool:
    """Say whether a given consent was given under a version older than its site's latest material change."""
    return consent.state == "given" and consent.notice_number < thresholds.get(consent.site_id, 0)


def renewal_filter():
    """The condition of consents that need renewal, for a query joined to nothing else."""
    return ConsentRecord.id.in_(
        select(ConsentRecord.id).join(ConsentRenewal, and_(ConsentRenewal.site_id == ConsentRecord.site_id,
                                                           ConsentRecord.notice_number < ConsentRenewal.from_number))
        .where(ConsentRecord.state == "given"))


def renewals_count(organisation_id: int) -> int:
    """Count the organisation's consents that need renewal."""
    return db.session.scalar(select(func.count()).select_from(ConsentRecord).join(
        ConsentRenewal, and_(ConsentRenewal.site_id == ConsentRecord.site_id,
                             ConsentRecord.notice_number < ConsentRenewal.from_number))
        .where(ConsentRecord.organisation_id == organisation_id, ConsentRecord.state == "given"))
