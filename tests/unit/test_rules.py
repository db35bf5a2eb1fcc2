"""Every §4 rule fires on a minimal breach of a compliant site and falls quiet on a minimal fix."""
from datetime import date
from typing import NamedTuple

import pytest

from signage.rules.engine import RULES, site_findings
from signage.rules.findings import RuleContext

TODAY = date(2026, 3, 2)
FILED = {"status": "filed", "authority": "Shanghai CAC", "due_on": None, "filed_on": date(2025, 7, 1),
         "filing_ref": "SH-2025-0042"}
PIA = {"pia_id": "PIA-7", "pia_version": "1.2", "pia_completed_on": date(2026, 1, 15),
       "pia_report_url": "https://example.com/pia-7.pdf"}
#: The common site's prose in Chinese, beside its English main text.
ZH_ONLY = {"zh-Hans": {"capture_area_description": "大堂闸机和电梯厅。", "purpose_text": "让租户通过闸机。",
                       "necessity_justification": "工牌会被借用；刷脸可防止尾随。",
                       "non_fr_alternative": "在前台出示租户卡。"}}
ZH_RETENTION = {"zh-Hans": {**ZH_ONLY["zh-Hans"], "retention_criteria_text": "租约结束时删除。"}}
COMMON = {
    "site_name": "Harbour Tower lobby", "address": "1 Harbour Road", "city": "Portside",
    "geo": {"lat": 31.23, "lng": 121.47}, "venue_class": "business_premises_public_access",
    "capture_area_description": "The lobby turnstiles and the lift hall.", "function": "verification_1to1",
    "operator_kind": "private", "purpose": "access_control", "purpose_text": "Let tenants through the turnstiles.",
    "necessity_justification": "Badges are shared; a face check stops tailgating.",
    "non_fr_alternative": "Show your tenant card at reception.", "secondary_uses": [],
    "sensitive_trait_analysis": False, "automated_decisions": False, "storage_mode": "on_device",
    "raw_image_retained": False, "retention_period_days": 1, "recipients_third_parties": [],
    "minors_expected": False, "consent_bundled": False, "status": "draft",
    "text_language": "en", "text_translations": ZH_ONLY,
}
EXTRAS = {
    "CN": {"legal_basis_cn": "separate_consent", "security_measures": ["encryption", "audit"], **PIA,
           "filing": {"status": "not_required", "authority": None, "due_on": None, "filed_on": None,
                      "filing_ref": None}},
    "EU": {"gdpr_art6_basis": "6_1_a", "gdpr_art9_condition": "9_2_a", "education_setting": False, **PIA},
    "UK": {"gdpr_art6_basis": "6_1_a", "gdpr_art9_condition": "9_2_a", **PIA},
    "US-NYC": {"nyc_establishment_type": "retail_store", "customer_entrances": ["Main entrance", "Side door"]},
    "US-IL": {"retention_criteria_text": "Deleted when the tenancy ends.", "text_translations": ZH_RETENTION,
              "retention_policy_url": "https://example.com/biometric-policy"},
    "US-TX": {"retention_criteria_text": "Deleted when the tenancy ends.", "consent_before_capture": True,
              "text_translations": ZH_RETENTION},
    "US-WA": {"commercial_enrolment": False},
    "US-OR-PORTLAND": {"venue_class": "internal_workplace"},
    "OTHER": {},
}
BASE_CTX = {"today": TODAY, "activating": True, "has_published_notice": True,
            "sign_placements": ("Main entrance", "Side door")}


def site_for(jurisdiction: str, **overrides) -> dict:
    """Return a compliant site in one jurisdiction, with overrides applied."""
    return {**COMMON, "jurisdictions": [jurisdiction], **EXTRAS[jurisdiction], **overrides}


def ctx_for(**overrides) -> RuleContext:
    """Return a context that activates a site with its notice published and its signs up."""
    return RuleContext(**{**BASE_CTX, **overrides})


def all_findings(site: dict, ctx: RuleContext) -> list:
    """Return what the service checks: required fields plus every rule."""
    return site_findings(site, ctx)


class Case(NamedTuple):
    rule_id: str
    jurisdiction: str
    breach: dict
    breach_ctx: dict
    fix: dict
    fix_ctx: dict
    fields: tuple
    text: str


PRIVATE = {"venue_class": "private_space", "private_space_type": "changing_room"}
PRIVATE_TEXT = ("Facial recognition may not be installed in private spaces such as hotel rooms, bathhouses, "
                "changing rooms or toilets.")
CN_PUBLIC = {"venue_class": "public_place", "purpose": "public_security"}
RBI = {"function": "identification_1toN", "live_mode": "realtime", "operator_kind": "law_enforcement",
       "venue_class": "public_place", "purpose": "public_security", "logs_retention_days": 365}
SALE = {"name": "AdCo", "country": "US", "purpose": "advertising", "for_value": True}

CASES = [
    Case("ANY-PRIVATE-SPACE", "OTHER", PRIVATE, {}, {"venue_class": "internal_workplace"}, {},
         ("venue_class", "private_space_type"), PRIVATE_TEXT),
    Case("CN-PRIVATE-SPACE", "CN", PRIVATE, {}, {"venue_class": "internal_workplace"}, {},
         ("venue_class", "private_space_type"), PRIVATE_TEXT),
    Case("CN-PUBLIC-PURPOSE", "CN", {"venue_class": "public_place"}, {}, {"purpose": "public_security"}, {},
         ("purpose", "venue_class"), "In public places, face recognition is allowed only where needed for public "
                                     "security."),
    Case("CN-PUBLIC-SECONDARY-USE", "CN",
         {**CN_PUBLIC, "secondary_uses": [{"use": "footfall counting", "consent_mode": "notice_only"}]}, {},
         {"secondary_uses": [{"use": "footfall counting", "consent_mode": "separate_consent"}]}, {},
         ("secondary_uses",), "Using these images for 'footfall counting' needs each person's separate consent."),
    Case("CN-LEGAL-BASIS", "CN", {"legal_basis_cn": None}, {}, {"legal_basis_cn": "statutory_duty"}, {},
         ("legal_basis_cn",), "Choose the legal basis for processing faces."),
    Case("FR-NO-ALTERNATIVE", "EU", {"non_fr_alternative": "  "}, {}, {"non_fr_alternative": "Ask staff."}, {},
         ("non_fr_alternative",), "Face recognition cannot be the only way through. Say what else people can use."),
    Case("EUUK-SPECIAL-CATEGORY", "UK", {"gdpr_art9_condition": None}, {}, {"gdpr_art9_condition": "9_2_g"}, {},
         ("gdpr_art6_basis", "gdpr_art9_condition"),
         "Recognising people by face uses special-category data. Record the lawful basis and the Article 9 "
         "condition."),
    Case("EU-SENSITIVE-CATEGORISATION", "EU", {"sensitive_trait_analysis": True}, {},
         {"sensitive_trait_analysis": False}, {}, ("sensitive_trait_analysis",),
         "Inferring race, politics, religion, union membership or sexual orientation from faces is banned in the EU."),
    Case("EU-EMOTION-WORK-EDU", "EU",
         {"function": "emotion_recognition", "venue_class": "internal_workplace", "logs_retention_days": 180}, {},
         {"venue_class": "business_premises_public_access"}, {}, ("function", "venue_class", "education_setting"),
         "Emotion recognition at work or in education is banned in the EU."),
    Case("EU-RBI-LAW-ENFORCEMENT", "EU", RBI, {}, {"authorisation_ref": "Court order 2026/17"}, {},
         ("authorisation_ref",),
         "Real-time identification in public by police needs prior authorisation. Enter its reference."),
    Case("US-PORTLAND-BAN", "US-OR-PORTLAND", {"venue_class": "business_premises_public_access"}, {},
         {"portland_exception": "device_unlock"}, {}, ("portland_exception", "venue_class", "operator_kind"),
         "Portland bans private face recognition in places open to the public."),
    Case("US-NO-SALE", "US-IL", {"recipients_third_parties": [SALE]}, {},
         {"recipients_third_parties": [{**SALE, "for_value": False}]}, {}, ("recipients_third_parties",),
         "Selling or otherwise profiting from biometric data is unlawful here."),
    Case("TX-CONSENT", "US-TX", {"consent_before_capture": None}, {}, {"consent_before_capture": True}, {},
         ("consent_before_capture",), "Texas requires notice and consent before capture."),
    Case("ANY-RETENTION", "OTHER", {"retention_period_days": None}, {}, {"retention_period_days": 30}, {},
         ("retention_period_days",), "Set how long face data is kept: the shortest period the purpose needs."),
    Case("ACT-PIA", "CN", {"pia_completed_on": date(2026, 3, 3)}, {}, {"pia_completed_on": TODAY}, {},
         ("pia_completed_on",), "Finish the impact assessment before going live."),
    Case("ACT-NOTICE", "OTHER", {}, {"has_published_notice": False}, {}, {"has_published_notice": True},
         (), "Publish the public notice before going live."),
    Case("ACT-SIGN", "UK", {}, {"sign_placements": ()}, {}, {"sign_placements": ("Lobby door",)},
         (), "Put up at least one warning sign before going live."),
    Case("NYC-ENTRANCE-SIGNS", "US-NYC", {}, {"sign_placements": ("main entrance ",)}, {},
         {"sign_placements": ("main entrance ", " SIDE DOOR")}, ("customer_entrances",),
         "New York City needs a sign at every customer entrance. Missing: Side door."),
    Case("IL-RETENTION-POLICY", "US-IL", {"retention_policy_url": None}, {},
         {"retention_policy_url": "https://example.com/policy"}, {}, ("retention_policy_url",),
         "Illinois needs a public retention and destruction policy before collection starts."),
    Case("CN-INTERNET-TRANSFER", "CN", {"storage_mode": "cloud"}, {}, {"internet_transfer_basis": "law"}, {},
         ("internet_transfer_basis", "storage_mode"),
         "Face data should stay on the device unless a law or separate consent allows otherwise."),
    Case("CN-FILING-NEAR", "CN", {}, {"operator_count": 80_000}, {}, {"operator_count": 79_999}, ("filing",),
         "You are nearing the 100,000-person filing threshold."),
    Case("CN-FILING-DUE", "CN", {}, {"operator_count": 100_000, "threshold_reached_on": date(2026, 2, 2)},
         {"filing": FILED}, {}, ("filing",),
         "File with the provincial cyberspace administration by 2026-03-20."),
    Case("CN-FILING-CHANGE", "CN", {"filing": FILED}, {"changed_fields": ("site_name", "purpose")}, {},
         {"changed_fields": ("site_name",)}, ("purpose", "filing", "pia_completed_on"),
         "Report this change by 2026-04-14; the impact assessment must be redone."),
    Case("CN-MINORS", "CN", {"minors_expected": True, "minors_rules_url": "https://example.com/under-14"}, {},
         {"guardian_consent_flow": True}, {}, ("guardian_consent_flow", "minors_rules_url"),
         "Children under 14 need a guardian's consent and written special rules."),
    Case("CN-SENSITIVE-TRAITS", "CN", {"sensitive_trait_analysis": True}, {}, {"sensitive_trait_analysis": False},
         {}, ("sensitive_trait_analysis",),
         "The 2023 draft banned inferring race, religion, health or class from faces. The final rule is unconfirmed."),
    Case("CONSENT-BUNDLED", "CN", {"consent_bundled": True}, {}, {"consent_bundled": False}, {},
         ("consent_bundled",), "Ask for face-recognition consent on its own."),
    Case("EUUK-DPIA", "UK", {"pia_completed_on": None}, {"activating": False}, {"pia_completed_on": TODAY}, {},
         ("pia_completed_on",), "A DPIA is expected for biometrics at scale and large-scale monitoring of public "
                                "areas."),
    Case("EU-RETENTION-72H", "EU", {"retention_period_days": 4}, {}, {"retention_period_days": 3}, {},
         ("retention_period_days",), "Keeping footage beyond 72 hours needs a written justification."),
    Case("IL-RETENTION-CAP", "US-IL", {"retention_period_days": 1096}, {}, {"retention_period_days": 1095}, {},
         ("retention_period_days", "retention_criteria_text"),
         "Illinois caps retention at 3 years after last interaction, or sooner."),
    Case("TX-RETENTION-CAP", "US-TX", {"retention_period_days": 366}, {}, {"retention_period_days": 365}, {},
         ("retention_period_days", "retention_criteria_text"),
         "Texas requires destruction within a year of the purpose ending."),
    Case("WA-ENROLMENT", "US-WA", {"commercial_enrolment": True}, {}, {"enrolment_safeguard": True}, {},
         ("commercial_enrolment", "consent_before_capture", "enrolment_safeguard"),
         "Washington needs notice and consent, or a safeguard, before enrolment."),
    Case("EU-AI-LOGS", "EU",
         {"function": "identification_1toN", "live_mode": "retrospective", "logs_retention_days": 179},
         {"today": date(2026, 8, 2)}, {"logs_retention_days": 180}, {}, ("logs_retention_days",),
         "Keep the system's logs at least six months."),
    Case("SIGN-STALE", "OTHER", {}, {"stale_signs": (("S-2", 3), ("S-1", 3))}, {}, {"stale_signs": ()}, (),
         "Signs S-1, S-2 show notice v3; reprint them. Re-consent may be needed."),
    Case("NYC-SIGN-FORM", "US-NYC", {}, {"sign_generated_nyc": True}, {}, {"sign_generated_nyc": False}, (),
         "Check this sign against the current DCWP template."),
    Case("SIGN-LANGUAGE", "CN", {"text_translations": {"zh-Hans": {**ZH_ONLY["zh-Hans"], "purpose_text": " "}}}, {},
         {"text_translations": ZH_ONLY}, {}, ("purpose_text",),
         "Write “purpose_text” in zh-Hans too: signs and the notice print it in each of their languages, and a "
         "sentence is never printed in the wrong one."),
    Case("REQUIRED-FIELD", "CN", {"security_measures": []}, {}, {"security_measures": ["encryption"]}, {},
         ("security_measures",), "Fill in “security_measures” before the site can go live."),
]


def findings_of(rule_id: str, site: dict, ctx: RuleContext) -> list:
    """Return the findings of one rule."""
    return [finding for finding in all_findings(site, ctx) if finding.rule_id == rule_id]


@pytest.mark.parametrize("jurisdiction", sorted(EXTRAS))
@pytest.mark.parametrize("status", ["draft", "active"])
def test_compliant_baseline_site_has_no_findings(jurisdiction, status):
    assert all_findings(site_for(jurisdiction, status=status), ctx_for()) == []


def test_every_rule_has_a_case():
    assert sorted(case.rule_id for case in CASES) == sorted(RULES)


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule_id)
def test_rule_fires_on_a_minimal_breach(case):
    findings = findings_of(case.rule_id, site_for(case.jurisdiction, **case.breach), ctx_for(**case.breach_ctx))

    assert len(findings) == 1
    assert findings[0].severity == RULES[case.rule_id].severity
    assert findings[0].fields == case.fields
    assert findings[0].to_dict()["message"] == case.text


@pytest.mark.parametrize("case", CASES, ids=lambda case: case.rule_id)
def test_rule_is_quiet_after_a_minimal_fix(case):
    site = site_for(case.jurisdiction, **{**case.breach, **case.fix})
    ctx = ctx_for(**{**case.breach_ctx, **case.fix_ctx})

    assert findings_of(case.rule_id, site, ctx) == []


def test_every_rule_cites_a_source_under_its_message():
    assert all(rule.source and rule.severity in ("error", "warn") for rule in RULES.values())


def test_sign_language_names_each_field_and_language_missing():
    site = site_for("CN", text_language="zh-Hans", purpose_text="让租户通过闸机。", text_translations={
        "en": {"purpose_text": "Let tenants through the turnstiles."}})

    missing = {(f.fields, f.params["language"]) for f in findings_of("SIGN-LANGUAGE", site, ctx_for())}

    # the main text is declared Chinese now: only the purpose has an English version besides it
    assert missing == {(("capture_area_description",), "en"), (("necessity_justification",), "en"),
                       (("non_fr_alternative",), "en")}


def test_sign_language_leaves_names_and_unwritten_prose_alone():
    site = site_for("OTHER", site_name="Harbour Tower", legitimate_interest_text=None,
                    text_translations={"zh-Hans": {**ZH_ONLY["zh-Hans"]}})

    assert findings_of("SIGN-LANGUAGE", site, ctx_for()) == []


def test_sign_language_names_a_list_whose_rows_lack_a_language_once_per_language():
    uses = [{"use": "Fire-drill head count", "consent_mode": "notice_only",
             "text_translations": {"zh-Hans": {"use": "消防演练清点人数"}}},
            {"use": "Visitor statistics", "consent_mode": "notice_only"},
            {"use": "Lost-child search", "consent_mode": "notice_only"}]
    recipients = [{"name": "Example Security GmbH", "country": "DE", "purpose": "running reception",
                   "text_translations": {"zh-Hans": {"purpose": "运营前台"}}},
                  {"name": "Only A Name Ltd", "country": "DE", "purpose": None}]
    site = site_for("OTHER", secondary_uses=uses, recipients_third_parties=recipients)

    missing = [(f.fields, f.params) for f in findings_of("SIGN-LANGUAGE", site, ctx_for())]

    # two uses lack Chinese: the list is named once; a recipient's name is a name, and a missing purpose is
    # nothing to translate
    assert missing == [(("secondary_uses",), {"field": "secondary_uses", "language": "zh-Hans"})]
    uses[1]["text_translations"] = uses[2]["text_translations"] = {"zh-Hans": {"use": "访客统计"}}
    assert findings_of("SIGN-LANGUAGE", site, ctx_for()) == []


def test_a_private_space_in_china_is_refused_once_with_the_chinese_article():
    site = site_for("CN", venue_class="private_space", private_space_type="hotel_guest_room")

    private = [f.rule_id for f in all_findings(site, ctx_for()) if "private spaces" in f.message]

    assert private == ["CN-PRIVATE-SPACE"]  # ANY-PRIVATE-SPACE would say the same without the article


def test_going_live_without_a_dpia_is_refused_once_not_also_warned():
    site = site_for("EU", pia_completed_on=None)

    assert [f.rule_id for f in all_findings(site, ctx_for()) if "pia_completed_on" in f.fields] == ["ACT-PIA"]


def test_bans_are_the_rules_no_field_can_fix():
    from signage.rules.engine import BANS
    assert BANS == {"ANY-PRIVATE-SPACE", "CN-PRIVATE-SPACE", "CN-PUBLIC-PURPOSE", "EU-SENSITIVE-CATEGORISATION",
                    "EU-EMOTION-WORK-EDU"}


def test_a_refusal_counts_the_checklist_as_one_and_puts_bans_apart():
    from signage.rules.engine import BANS
    from signage.rules.findings import problem_count, refusal_groups
    site = site_for("CN", venue_class="private_space", private_space_type="toilet_restroom", security_measures=[],
                    legal_basis_cn=None, pia_id=None, text_translations=None)
    findings = [{**f.to_dict(), "acknowledged": False} for f in all_findings(site, ctx_for())]

    groups = refusal_groups(findings, BANS)

    assert [f["rule_id"] for f in groups["bans"]] == ["CN-PRIVATE-SPACE"]
    assert {f["rule_id"] for f in groups["checklist"]} == {"REQUIRED-FIELD", "SIGN-LANGUAGE"}
    assert problem_count(findings, BANS) == len(groups["bans"]) + len(groups["errors"]) + 1


@pytest.mark.parametrize("jurisdiction", sorted(EXTRAS))
def test_the_form_shows_every_field_a_jurisdiction_can_require(jurisdiction):
    from signage.rules.required import REQUIREMENTS
    from signage.vocabulary import fields_for
    triggers = [{"storage_mode": "cloud", "minors_expected": True, "automated_decisions": True,
                 "gdpr_art6_basis": "6_1_f", "function": function} for function in
                ("identification_1toN", "detection_only", "emotion_recognition")]
    shown = set(fields_for([jurisdiction]))
    # an answer can only trigger a requirement where the form asks for it
    sites = [{**{key: value for key, value in site.items() if key in shown}, "jurisdictions": [jurisdiction]}
             for site in triggers]
    required = {name for name, required_when, _source in REQUIREMENTS for site in sites if required_when(site)}

    assert required - shown == set()
