"""Required fields of the site record (regulation.md §3, "Required when"), reported as REQUIRED-FIELD."""
from typing import Callable

from signage.vocabulary import (ANNEX_III_FUNCTIONS, INTERNET_STORAGE_MODES, PUBLICLY_ACCESSIBLE_VENUES,
                                  RECOGNISING_FUNCTIONS)
from signage.rules.findings import ERROR, N_, Finding, Rule, RuleContext, Site, in_jurisdiction, is_given

REQUIRED_FIELD = Rule("REQUIRED-FIELD", ERROR, N_("Fill in “%(field)s” before the site can go live."),
                      N_("Each field's own source: docs/rules.md, Required fields"))

DESIGN = "Design decision"
PIA_SOURCE = "CN Measures Art 9 (secondary); PIPL 55–56; GDPR 35 (unconfirmed)"


def _always(site: Site) -> bool:
    """Require the field on every site."""
    return True


def _euuk(site: Site) -> bool:
    """Require the field on EU and UK sites."""
    return in_jurisdiction(site, "EU", "UK")


def _pia_pack(site: Site) -> bool:
    """Require the field where an impact assessment comes before processing."""
    return in_jurisdiction(site, "CN", "EU", "UK")


def _police_rbi_off_public(site: Site) -> bool:
    """Require the authorisation for real-time police identification away from public places."""
    # In publicly accessible places EU-RBI-LAW-ENFORCEMENT reports the missing reference instead.
    return (in_jurisdiction(site, "EU") and site.get("operator_kind") == "law_enforcement"
            and site.get("function") == "identification_1toN" and site.get("live_mode") == "realtime"
            and site.get("venue_class") not in PUBLICLY_ACCESSIBLE_VENUES)


#: (field, required when, source). Fields whose absence a specific ERROR rule already reports are left
#: out so the operator sees one message, not two: retention_period_days (ANY-RETENTION), legal_basis_cn
#: (CN-LEGAL-BASIS), gdpr_art9_condition and recognising sites' gdpr_art6_basis (EUUK-SPECIAL-CATEGORY),
#: non_fr_alternative (FR-NO-ALTERNATIVE), pia_completed_on (ACT-PIA). portland_exception is never
#: required: its absence is the ban (US-PORTLAND-BAN).
REQUIREMENTS: tuple[tuple[str, Callable[[Site], bool], str], ...] = (
    ("site_name", _always, DESIGN),
    ("address", _always, DESIGN),
    ("geo", _always, DESIGN),
    ("jurisdictions", _always, DESIGN),
    ("venue_class", _always, "CN Measures Art 13 (secondary); 2023 draft (secondary)"),
    ("private_space_type", lambda site: site.get("venue_class") == "private_space",
     "CN Measures Art 13 (secondary)"),
    ("education_setting", lambda site: in_jurisdiction(site, "EU"), "AI Act 5(1)(f) (secondary)"),
    ("nyc_establishment_type", lambda site: in_jurisdiction(site, "US-NYC"), "NYC §22-1202(a)"),
    ("customer_entrances", lambda site: in_jurisdiction(site, "US-NYC"), "NYC §22-1202(a)"),
    ("capture_area_description", _always,
     "CN Measures Art 13 (secondary); EDPB 3/2019 §7.1.1 (secondary)"),
    ("function", _always, "CN Measures Art 19 (secondary); AI Act 5(1), 50(3) (secondary)"),
    ("live_mode", lambda site: site.get("function") == "identification_1toN", "AI Act 5(1)(h)"),
    ("operator_kind", _always, "AI Act 5(1)(h); Portland 34.10 (secondary)"),
    ("authorisation_ref", _police_rbi_off_public, "AI Act 5(1)(h)"),
    ("purpose", _always, "CN Measures Art 4, Art 5 (secondary); PIPL 26"),
    ("purpose_text", _always, "CN Measures Art 4, Art 5 (secondary); PIPL 26"),
    ("necessity_justification", _always, "CN Measures Art 4"),
    ("gdpr_art6_basis", lambda site: _euuk(site) and site.get("function") not in RECOGNISING_FUNCTIONS,
     "ICO guidance; GDPR 6 (unconfirmed)"),
    ("legitimate_interest_text", lambda site: site.get("gdpr_art6_basis") == "6_1_f", "GDPR 13(1)(d) (secondary)"),
    ("storage_mode", _always, "CN Measures Art 8 (secondary)"),
    ("internet_transfer_basis",
     lambda site: in_jurisdiction(site, "CN") and site.get("storage_mode") in INTERNET_STORAGE_MODES,
     "CN Measures Art 8 (secondary)"),
    ("raw_image_retained", _always, "2023 draft (unconfirmed)"),
    ("retention_criteria_text", lambda site: in_jurisdiction(site, "US-IL", "US-TX"),
     "BIPA 15(a); CUBI §503.001(c)(3)"),
    ("sensitive_trait_analysis", _always, "2023 draft Art 11 (secondary); AI Act 5(1)(g); PIPL 28"),
    ("minors_rules_url", lambda site: in_jurisdiction(site, "CN") and site.get("minors_expected") is True,
     "CN Measures Art 7 (secondary); PIPL 28"),
    ("pia_id", _pia_pack, PIA_SOURCE),
    ("pia_version", _pia_pack, PIA_SOURCE),
    ("pia_report_url", _pia_pack, PIA_SOURCE),
    ("security_measures", lambda site: in_jurisdiction(site, "CN"), "CN Measures Art 14 (secondary)"),
    ("automated_decisions", _euuk, "GDPR 13(2)(f) (secondary)"),
    ("automated_decisions_text", lambda site: _euuk(site) and site.get("automated_decisions") is True,
     "GDPR 13(2)(f) (secondary)"),
    ("logs_retention_days",
     lambda site: in_jurisdiction(site, "EU") and site.get("function") in ANNEX_III_FUNCTIONS,
     "AI Act 26(6) (secondary)"),
    ("filing", lambda site: in_jurisdiction(site, "CN"), "CN Measures Art 15; CAC 2025-05-28"),
)


def missing_required(site: Site, ctx: RuleContext) -> list[Finding]:
    """Return one REQUIRED-FIELD finding, citing the field's source, per required field left empty."""
    return [Finding(REQUIRED_FIELD.rule_id, REQUIRED_FIELD.severity, REQUIRED_FIELD.message, {"field": name},
                    (name,), source)
            for name, required_when, source in REQUIREMENTS
            if required_when(site) and not is_given(site.get(name))]
