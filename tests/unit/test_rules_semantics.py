"""When rules apply: lifecycle gates, filing deadlines, pack settings, consent events and required fields."""
import json
from datetime import date

import pytest

from signage.rules.packs import PackSettings
from signage.rules.engine import blocking, site_findings
from signage.rules.findings import RuleContext
from signage.rules.required import missing_required


def evaluate(site: dict, ctx: RuleContext) -> list:
    """Return the engine's findings for the site without the required-field ones."""
    return [finding for finding in site_findings(site, ctx) if finding.rule_id != "REQUIRED-FIELD"]

TODAY = date(2026, 3, 2)


def ids(findings) -> list[str]:
    """Return the rule ids of findings, in order."""
    return [finding.rule_id for finding in findings]


def only(rule_id: str, findings) -> list:
    """Return the findings of one rule."""
    return [finding for finding in findings if finding.rule_id == rule_id]


@pytest.mark.parametrize("status, activating, fires", [
    ("draft", False, False), ("suspended", False, False), ("draft", True, True), ("active", False, True),
])
def test_go_live_rules_apply_only_when_activating_or_active(status, activating, fires):
    site = {"jurisdictions": ["US-IL"], "venue_class": "public_place", "status": status}
    found = set(ids(evaluate(site, RuleContext(today=TODAY, activating=activating))))

    go_live_rules = {"ACT-NOTICE", "ACT-SIGN", "IL-RETENTION-POLICY"}
    assert go_live_rules & found == (go_live_rules if fires else set())


def test_cn_private_space_is_said_once_by_the_cn_rule_and_elsewhere_by_the_any_jurisdiction_rule():
    for jurisdiction, expected in (("CN", {"CN-PRIVATE-SPACE"}), ("EU", {"ANY-PRIVATE-SPACE"})):
        site = {"jurisdictions": [jurisdiction], "venue_class": "private_space"}
        found = set(ids(evaluate(site, RuleContext(today=TODAY))))
        assert found & {"CN-PRIVATE-SPACE", "ANY-PRIVATE-SPACE"} == expected


def test_each_public_secondary_use_without_separate_consent_gets_its_own_finding():
    site = {"jurisdictions": ["CN"], "venue_class": "public_place", "secondary_uses": [
        {"use": "marketing", "consent_mode": "notice_only"}, {"use": "research", "consent_mode": "none"},
        {"use": "lost children", "consent_mode": "separate_consent"}]}

    found = only("CN-PUBLIC-SECONDARY-USE", evaluate(site, RuleContext(today=TODAY)))
    assert [finding.params["use"] for finding in found] == ["marketing", "research"]


def filing_due(reached_on, today=TODAY, **site):
    """Return the CN-FILING-DUE findings for an operator at the threshold."""
    ctx = RuleContext(today=today, operator_count=120_000, threshold_reached_on=reached_on)
    return only("CN-FILING-DUE", evaluate({"jurisdictions": ["CN"], **site}, ctx))


def test_filing_due_counts_thirty_cn_working_days_from_the_threshold_date():
    (finding,) = filing_due(date(2025, 9, 15), today=date(2025, 10, 1))

    assert finding.params == {"due_on": "2025-10-31", "provisional": False, "overdue": False}
    assert finding.text() == "File with the provincial cyberspace administration by 2025-10-31."


def test_count_reached_before_the_measures_applied_is_due_on_the_cac_legacy_date():
    (finding,) = filing_due(date(2024, 12, 1), today=date(2025, 6, 10))

    assert finding.params["due_on"] == "2025-07-14"


def test_filing_past_its_deadline_is_marked_overdue():
    (finding,) = filing_due(date(2025, 9, 15), today=date(2025, 11, 3))

    assert finding.params["overdue"] is True


def test_filing_due_counted_into_a_year_without_a_table_is_provisional():
    (finding,) = filing_due(date(2026, 12, 1), today=date(2026, 12, 2))

    assert finding.params["provisional"] is True


def test_filing_due_without_a_known_threshold_date_is_provisional():
    (finding,) = filing_due(None)

    assert finding.params["provisional"] is True


@pytest.mark.parametrize("status", ["filed", "change_due", "cancel_due"])
def test_filing_due_is_silent_once_a_filing_is_on_record(status):
    assert filing_due(date(2026, 2, 2), filing={"status": status}) == []


def test_filing_thresholds_come_from_the_pack():
    settings = PackSettings(filing_threshold=50_000, filing_warning=40_000)
    ctx = RuleContext(today=TODAY, settings=settings, operator_count=45_000)

    (finding,) = only("CN-FILING-NEAR", evaluate({"jurisdictions": ["CN"]}, ctx))
    assert finding.text() == "You are nearing the 50,000-person filing threshold."


def test_filing_change_ignores_fields_the_filing_does_not_cover():
    site = {"jurisdictions": ["CN"], "filing": {"status": "filed"}}
    ctx = RuleContext(today=TODAY, changed_fields=("site_name", "capture_area_description"))

    assert only("CN-FILING-CHANGE", evaluate(site, ctx)) == []


def test_pack_can_raise_cn_sensitive_traits_to_an_error():
    ctx = RuleContext(today=TODAY, settings=PackSettings(cn_sensitive_traits_severity="error"))
    findings = evaluate({"jurisdictions": ["CN"], "sensitive_trait_analysis": True}, ctx)

    assert "CN-SENSITIVE-TRAITS" in ids(blocking(findings))


def test_eu_retention_threshold_comes_from_the_pack():
    ctx = RuleContext(today=TODAY, settings=PackSettings(eu_retention_warn_days=7))
    site = {"jurisdictions": ["EU"], "retention_period_days": 10}

    (finding,) = only("EU-RETENTION-72H", evaluate(site, ctx))
    assert finding.text() == "Keeping footage beyond 168 hours needs a written justification."


def test_eu_ai_logs_waits_for_the_annex_iii_date():
    site = {"jurisdictions": ["EU"], "function": "categorisation", "logs_retention_days": 30}

    assert only("EU-AI-LOGS", evaluate(site, RuleContext(today=date(2026, 8, 1)))) == []
    assert only("EU-AI-LOGS", evaluate(site, RuleContext(today=date(2026, 8, 2))))


def test_portland_exception_the_pack_no_longer_lists_does_not_lift_the_ban():
    site = {"jurisdictions": ["US-OR-PORTLAND"], "operator_kind": "private", "venue_class": "public_place",
            "portland_exception": "device_unlock"}
    ctx = RuleContext(today=TODAY, settings=PackSettings(portland_exceptions=("legal_compliance",)))

    assert "US-PORTLAND-BAN" in ids(evaluate(site, ctx))


def test_nyc_bank_needs_no_entrance_signs():
    site = {"jurisdictions": ["US-NYC"], "nyc_establishment_type": "financial_institution",
            "customer_entrances": ["Main door"]}

    assert only("NYC-ENTRANCE-SIGNS", evaluate(site, RuleContext(today=TODAY, activating=True))) == []


def test_nyc_entrance_signs_lists_every_unsigned_entrance():
    site = {"jurisdictions": ["US-NYC"], "nyc_establishment_type": "food_and_drink",
            "customer_entrances": [" Front ", "Patio", "Back"]}
    ctx = RuleContext(today=TODAY, activating=True, sign_placements=("back",))

    (finding,) = only("NYC-ENTRANCE-SIGNS", evaluate(site, ctx))
    assert finding.text() == "New York City needs a sign at every customer entrance. Missing: Front, Patio."


def test_stale_signs_are_reported_once_per_printed_notice_version():
    ctx = RuleContext(today=TODAY, stale_signs=(("A-3", 2), ("A-1", 1), ("A-2", 2)))

    texts = [finding.text() for finding in only("SIGN-STALE", evaluate({}, ctx))]
    assert texts == ["Signs A-1 show notice v1; reprint them. Re-consent may be needed.",
                     "Signs A-2, A-3 show notice v2; reprint them. Re-consent may be needed."]


def test_errors_come_before_warnings_and_only_errors_block():
    site = {"jurisdictions": ["EU"], "retention_period_days": 30, "sensitive_trait_analysis": True}
    findings = evaluate(site, RuleContext(today=TODAY))

    assert [finding.severity for finding in findings] == sorted(f.severity for f in findings)
    assert ids(blocking(findings)) == ["EU-SENSITIVE-CATEGORISATION"]


def test_finding_serialises_to_json_with_its_message_filled_in():
    ctx = RuleContext(today=TODAY, operator_count=100_000, threshold_reached_on=date(2026, 2, 2))
    (finding,) = only("CN-FILING-DUE", evaluate({"jurisdictions": ["CN"]}, ctx))

    assert json.loads(json.dumps(finding.to_dict())) == {
        "rule_id": "CN-FILING-DUE", "severity": "warn", "fields": ["filing"],
        "message": "File with the provincial cyberspace administration by 2026-03-20.",
        "params": {"due_on": "2026-03-20", "provisional": False, "overdue": False},
        "source": "CN Measures Art 15; CAC 2025-05-28"}
    assert len({finding, only("CN-FILING-DUE", evaluate({"jurisdictions": ["CN"]}, ctx))[0]}) == 1


def test_finding_message_is_translated_before_parameters_are_filled_in():
    (finding,) = missing_required({"site_name": "Lobby"}, RuleContext(today=TODAY))[:1]
    catalogue = {"Fill in “%(field)s” before the site can go live.": "上线前请填写“%(field)s”。"}

    assert finding.text(catalogue.get) == "上线前请填写“address”。"


def required(site: dict) -> list[str]:
    """Return the names of the required fields the site leaves empty."""
    return [finding.params["field"] for finding in missing_required(site, RuleContext(today=TODAY))]


@pytest.mark.parametrize("site, field, is_required", [
    ({"venue_class": "private_space"}, "private_space_type", True),
    ({"venue_class": "public_place"}, "private_space_type", False),
    ({"jurisdictions": ["US-NYC"]}, "customer_entrances", True),
    ({"jurisdictions": ["US-NYC"]}, "nyc_establishment_type", True),
    ({"function": "identification_1toN"}, "live_mode", True),
    ({"function": "verification_1to1"}, "live_mode", False),
    ({"jurisdictions": ["US-TX"]}, "retention_criteria_text", True),
    ({"jurisdictions": ["CN"], "minors_expected": True}, "minors_rules_url", True),
    ({"jurisdictions": ["CN"], "minors_expected": False}, "minors_rules_url", False),
    ({"jurisdictions": ["EU"], "function": "emotion_recognition"}, "logs_retention_days", True),
    ({"jurisdictions": ["UK"], "function": "emotion_recognition"}, "logs_retention_days", False),
    ({"jurisdictions": ["UK"], "function": "detection_only"}, "gdpr_art6_basis", True),
    ({"jurisdictions": ["UK"]}, "pia_report_url", True),
    ({"jurisdictions": ["US-OR-PORTLAND"]}, "portland_exception", False),
])
def test_field_is_required_when_section_3_says_so(site, field, is_required):
    assert (field in required(site)) is is_required


@pytest.mark.parametrize("site, field, rule_id", [
    ({"jurisdictions": ["OTHER"]}, "retention_period_days", "ANY-RETENTION"),
    ({"jurisdictions": ["CN"]}, "legal_basis_cn", "CN-LEGAL-BASIS"),
    ({"jurisdictions": ["EU"], "function": "verification_1to1"}, "gdpr_art9_condition", "EUUK-SPECIAL-CATEGORY"),
])
def test_a_missing_field_a_rule_already_reports_is_not_reported_twice(site, field, rule_id):
    assert field not in required(site)
    assert rule_id in ids(evaluate(site, RuleContext(today=TODAY)))
