"""The site record of regulation.md §3 and acknowledgements of its warnings."""
from datetime import date, datetime

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from signage.database import UTCDateTime, utcnow
from signage.extensions import db


class Site(db.Model):
    """One FR deployment at one location, with a defined capture area."""

    __tablename__ = "sites"
    # every list of sites is one organisation's, paged newest first by id; the filters have their own
    # indexes (partial where a filter keeps few rows). Text search and the jurisdiction filter use
    # indexes of their own backend, made by the migration (see signage.database.maintained_by_hand).
    __table_args__ = (
        Index("ix_sites_organisation_page", "organisation_id", "id"),
        Index("ix_sites_organisation_status", "organisation_id", "status", "id"),
        Index("ix_sites_blocking", "organisation_id", "id", postgresql_where=text("blocking"),
              sqlite_where=text("blocking")),
        Index("ix_sites_reprint", "organisation_id", "id", postgresql_where=text("stale_signs_count > 0"),
              sqlite_where=text("stale_signs_count > 0")),
        Index("ix_sites_next_due", "organisation_id", "next_due_on"),
        # housekeeping's search for summaries missing or older than a day
        Index("ix_sites_findings_at", "findings_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"))
    #: Public identifier in notice URLs; random, so URLs reveal nothing about counts.
    code: Mapped[str] = mapped_column(String(12), unique=True)
    status: Mapped[str] = mapped_column(String(20), default="draft")
    status_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    # place and capture area
    site_name: Mapped[str] = mapped_column(String(200))
    address: Mapped[str | None] = mapped_column(String(500))
    city: Mapped[str | None] = mapped_column(String(100), index=True)
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    jurisdictions: Mapped[list] = mapped_column(JSON, default=list)
    venue_class: Mapped[str | None] = mapped_column(String(40))
    private_space_type: Mapped[str | None] = mapped_column(String(40))
    education_setting: Mapped[bool | None] = mapped_column(Boolean)
    nyc_establishment_type: Mapped[str | None] = mapped_column(String(40))
    customer_entrances: Mapped[list] = mapped_column(JSON, default=list)
    capture_area_description: Mapped[str | None] = mapped_column(Text)

    # what the system does and why
    function: Mapped[str | None] = mapped_column(String(40))
    live_mode: Mapped[str | None] = mapped_column(String(20))
    operator_kind: Mapped[str | None] = mapped_column(String(20))
    authorisation_ref: Mapped[str | None] = mapped_column(String(200))
    purpose: Mapped[str | None] = mapped_column(String(40), index=True)
    purpose_text: Mapped[str | None] = mapped_column(Text)
    necessity_justification: Mapped[str | None] = mapped_column(Text)
    non_fr_alternative: Mapped[str | None] = mapped_column(Text)
    secondary_uses: Mapped[list] = mapped_column(JSON, default=list)
    sensitive_trait_analysis: Mapped[bool | None] = mapped_column(Boolean)
    automated_decisions: Mapped[bool | None] = mapped_column(Boolean)
    automated_decisions_text: Mapped[str | None] = mapped_column(Text)
    portland_exception: Mapped[str | None] = mapped_column(String(40))

    # legal basis
    legal_basis_cn: Mapped[str | None] = mapped_column(String(40))
    gdpr_art6_basis: Mapped[str | None] = mapped_column(String(10))
    gdpr_art9_condition: Mapped[str | None] = mapped_column(String(10))
    legitimate_interest_text: Mapped[str | None] = mapped_column(Text)
    consent_before_capture: Mapped[bool | None] = mapped_column(Boolean)
    consent_bundled: Mapped[bool | None] = mapped_column(Boolean)
    commercial_enrolment: Mapped[bool | None] = mapped_column(Boolean)
    enrolment_safeguard: Mapped[bool | None] = mapped_column(Boolean)

    # data handling
    storage_mode: Mapped[str | None] = mapped_column(String(40))
    internet_transfer_basis: Mapped[str | None] = mapped_column(String(40))
    raw_image_retained: Mapped[bool | None] = mapped_column(Boolean)
    retention_period_days: Mapped[int | None] = mapped_column(Integer)
    retention_criteria_text: Mapped[str | None] = mapped_column(Text)
    retention_policy_url: Mapped[str | None] = mapped_column(String(500))
    recipients_third_parties: Mapped[list] = mapped_column(JSON, default=list)
    security_measures: Mapped[list] = mapped_column(JSON, default=list)
    logs_retention_days: Mapped[int | None] = mapped_column(Integer)

    # people affected
    minors_expected: Mapped[bool | None] = mapped_column(Boolean)
    minors_rules_url: Mapped[str | None] = mapped_column(String(500))
    guardian_consent_flow: Mapped[bool | None] = mapped_column(Boolean)

    # assessments and filing
    pia_id: Mapped[str | None] = mapped_column(String(100))
    pia_version: Mapped[str | None] = mapped_column(String(50))
    pia_completed_on: Mapped[date | None] = mapped_column(Date)
    pia_report_url: Mapped[str | None] = mapped_column(String(500))
    #: {"status", "authority", "due_on", "filed_on", "filing_ref"} with ISO dates (CN filing, 备案).
    filing: Mapped[dict | None] = mapped_column(JSON)
    #: The language the main text fields are written in (rules/texts.py), by BCP 47 tag.
    text_language: Mapped[str] = mapped_column(String(10), default="en", server_default="en")
    #: Operator-written text in other languages: {"en": {"purpose_text": ...}, "zh-Hans": {...}}.
    text_translations: Mapped[dict | None] = mapped_column(JSON)

    # What the rules say, kept with the site and refreshed in the transaction of every change that can
    # move it, so lists read it instead of running every rule for every row.
    #: An ERROR stands: activation (for a draft) or the next change (for a live site) would be refused.
    blocking: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    errors_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: Warnings not yet acknowledged.
    warnings_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    stale_signs_count: Mapped[int] = mapped_column(Integer, default=0, server_default="0")
    #: The soonest due date a finding names (a filing, a change report), for the duties list.
    next_due_on: Mapped[date | None] = mapped_column(Date)
    #: The open findings in brief: [{"rule_id", "severity", "params", "fields"}], errors first.
    findings_summary: Mapped[list | None] = mapped_column(JSON, default=list)
    #: When the summary was computed; None before the first computation. Housekeeping recomputes a summary
    #: older than a day (dates move findings) and pages show a fresh one meanwhile.
    findings_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    organisation = relationship("Organisation")
    acknowledgements = relationship("FindingAcknowledgement", back_populates="site",
                                    order_by="FindingAcknowledgement.id")


class FindingAcknowledgement(db.Model):
    """An operator's acknowledgement of a WARN finding, which hides it from the dashboard."""

    __tablename__ = "finding_acknowledgements"
    __table_args__ = (UniqueConstraint("site_id", "rule_id", name="site_rule"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    site_id: Mapped[int] = mapped_column(ForeignKey("sites.id"), index=True)
    rule_id: Mapped[str] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(String(500))
    acknowledged_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    acknowledged_at: Mapped[datetime] = mapped_column(UTCDateTime)

    site = relationship("Site", back_populates="acknowledgements")


class SiteCount(db.Model):
    """How many of an organisation's sites are in one status, and how many of those need attention.

    Kept by database triggers on sites (made by the migration), in the same statement as each change,
    so the home page reads a handful of rows whatever the organisation's size.
    """

    __tablename__ = "site_counts"

    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), primary_key=True)
    sites: Mapped[int] = mapped_column(Integer, default=0)
    #: sites an ERROR stands against
    blocking: Mapped[int] = mapped_column(Integer, default=0)
    #: sites with open warnings
    warnings: Mapped[int] = mapped_column(Integer, default=0)
    #: signs to reprint, summed over the sites
    signs_to_reprint: Mapped[int] = mapped_column(Integer, default=0)
    #: sites with a dated duty
    due: Mapped[int] = mapped_column(Integer, default=0)
