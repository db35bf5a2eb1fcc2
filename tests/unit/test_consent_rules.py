"""Consent rules, receipt codes and receipt claims, as pure functions (regulation.md §7)."""
from datetime import datetime, timedelta, timezone

import pytest

from signage.consent import codes, rules
from signage.consent.content import answer_content, event_sha256, receipt_claims
from signage.rules.packs import PackSettings

NOW = datetime(2026, 11, 2, 9, 0, tzinfo=timezone.utc)


def test_a_receipt_code_has_80_random_bits_and_a_check_character():
    code = codes.new_receipt_code()
    assert len(code) == 17 and set(code) <= set(codes.ALPHABET) and len(codes.ALPHABET) ** 16 == 2 ** 80
    assert codes.normalised_code(code) == code
    assert codes.normalised_code(codes.readable_code(code).lower()) == code  # hyphens and case are ignored
    assert codes.normalised_code(" " + codes.readable_code(code) + " ") == code


def test_every_mistyped_symbol_and_every_swap_of_neighbours_but_2_z_is_caught():
    code = codes.new_receipt_code()
    for index in range(len(code)):
        for symbol in codes.ALPHABET:
            if symbol != code[index]:
                assert codes.normalised_code(code[:index] + symbol + code[index + 1:]) is None
    for index in range(len(code) - 1):
        if code[index] != code[index + 1] and {code[index], code[index + 1]} != {"2", "Z"}:
            swapped = code[:index] + code[index + 1] + code[index] + code[index + 2:]
            assert codes.normalised_code(swapped) is None


@pytest.mark.parametrize("typed", ["", "ABC", "O" * 17, "0" * 17, None, 17, "Ａ" * 17])
def test_malformed_codes_open_nothing(typed):
    assert codes.normalised_code(typed) is None


@pytest.mark.parametrize("value", ["mei@example.com", "+86 138 0013 8000", "13800138000", "110101199003074514",
                                   "11010119900307451X", "123-45-6789", "(312) 555-0142 12"])
def test_personal_identifiers_are_refused_as_subject_references(value):
    assert rules.subject_ref_problem(value)


@pytest.mark.parametrize("value", ["GYM-004213", "M 2024 0042", "A1B2C3", "12345678"])
def test_pseudonymous_references_are_accepted(value):
    assert rules.subject_ref_problem(value) is None


@pytest.mark.parametrize("site, expected", [
    ({"jurisdictions": ["CN"], "legal_basis_cn": "separate_consent"}, ("CN",)),
    ({"jurisdictions": ["CN"], "legal_basis_cn": "public_security_art26"}, ()),
    ({"jurisdictions": ["EU"], "gdpr_art6_basis": "6_1_f", "gdpr_art9_condition": "9_2_a"}, ("EU",)),
    ({"jurisdictions": ["EU"], "gdpr_art6_basis": "6_1_e", "gdpr_art9_condition": "9_2_g"}, ()),
    ({"jurisdictions": ["US-IL"]}, ("US-IL",)),
    ({"jurisdictions": ["US-TX"], "consent_before_capture": True}, ("US-TX",)),
    ({"jurisdictions": ["US-WA"], "consent_before_capture": False}, ()),
])
def test_consent_is_recorded_only_where_it_is_the_legal_basis(site, expected):
    assert rules.consent_jurisdictions(site) == expected
    assert (rules.recording_refusal(site, "active") is None) == bool(expected)
    assert rules.recording_refusal(site, "draft") == rules.NOT_ACTIVE


ANSWER = {"purposes": {"primary": True}, "age_band": "adult", "acted_by": "subject"}


def test_a_child_under_14_needs_a_guardian_with_relationship_and_verification():
    problems = rules.answer_problems({**ANSWER, "age_band": "under_14"}, ("CN",))
    assert set(problems) == {"acted_by", "guardian_relationship", "guardian_verification"}
    assert rules.answer_problems({**ANSWER, "age_band": "under_14", "acted_by": "guardian",
                                  "guardian_relationship": "parent",
                                  "guardian_verification": "identity_document_checked"}, ("CN",)) == {}
    # a refusal needs no guardian: saying no is never harder than saying yes
    assert rules.answer_problems({**ANSWER, "age_band": "under_14", "purposes": {"primary": False}}, ("CN",)) == {}


def test_illinois_needs_the_signed_release_for_a_given_consent():
    assert set(rules.answer_problems(ANSWER, ("US-IL",))) == {"release"}
    assert rules.answer_problems({**ANSWER, "evidence_sha256": "a" * 64}, ("US-IL",)) == {}


def test_withdrawing_the_primary_purpose_withdraws_every_optional_one():
    states = {"primary": "given", "secondary_1": "given", "secondary_2": "refused"}
    assert rules.withdrawn_states(states, ["secondary_1"]) == {**states, "secondary_1": "withdrawn"}
    assert rules.state_after_withdrawal(rules.withdrawn_states(states, ["secondary_1"])) == "given"
    everything = rules.withdrawn_states(states, ["primary"])
    assert everything == {"primary": "withdrawn", "secondary_1": "withdrawn", "secondary_2": "refused"}
    assert rules.state_after_withdrawal(everything) == "withdrawn"
    assert rules.withdrawal_problem("withdrawn", everything, "all")
    assert rules.withdrawal_problem("given", states, ["secondary_2"])
    assert rules.withdrawal_problem("given", states, ["secondary_9"])


def test_the_deletion_deadline_is_the_shortest_of_the_record_jurisdictions_pack_settings():
    settings = PackSettings()
    assert rules.deletion_due_at(["CN"], settings, NOW) == NOW + timedelta(days=15)
    assert rules.deletion_due_at(["EU", "US-IL"], settings, NOW) == NOW + timedelta(days=30)
    assert rules.deletion_due_at(["CN", "EU"], PackSettings(deletion_days_eu=10), NOW) == NOW + timedelta(days=10)


def test_a_consent_is_in_force_only_while_given_and_unexpired():
    assert rules.consent_in_force("given", None, NOW)
    assert not rules.consent_in_force("given", NOW, NOW)
    assert not rules.consent_in_force("withdrawn", None, NOW)


def test_receipt_claims_have_the_kantara_v1_1_required_fields_and_the_notice_hash():
    shown = {"site_name": "Gym", "purpose": "access_control", "purpose_text": "Turnstile.",
             "operator": {"legal_name": "Gym Ltd.", "email": "privacy@gym.example"}, "retention_period_days": 30,
             "recipients_third_parties": []}
    answer = answer_content(
        record_uuid="r-1", site={"id": 1, "code": "ABC"}, notice={"id": 7, "number": 2, "sha256": "f" * 64,
                                                                  "content": shown},
        data={"subject_ref": "GYM-1", "language": "en", "collection_method": "kiosk", "age_band": "adult"},
        purposes=[{**rules.asked_purposes(shown)[0], "answer": True}], jurisdictions=("CN",),
        consent_type="separate", state="given", now=NOW)
    claims = receipt_claims(receipt={"uuid": "c-1", "kind": "given", "event_time": NOW.isoformat()}, answer=answer,
                            later=[], issuer="https://signs.example", policy_url="https://signs.example/n/ABC/v2")
    required = {"version", "jurisdiction", "consentTimestamp", "collectionMethod", "consentReceiptID", "language",
                "piiPrincipalId", "piiControllers", "policyUrl", "services", "sensitive", "spiCat"}
    assert required <= set(claims) and claims["version"] == "KI-CR-v1.1.0"
    assert claims["signage"]["notice"] == {"version_id": 7, "version": 2, "sha256": "f" * 64}
    assert claims["services"][0]["purposes"][0]["primaryPurpose"] is True
    assert len(event_sha256(answer)) == 64 and event_sha256(answer) != event_sha256({**answer, "language": "zh-Hans"})


def test_a_long_hostile_reference_is_judged_in_one_pass():
    # each check is a single pass: a backtracking pattern would hold a worker for hours on these
    assert rules.subject_ref_problem("a" * 500_000) is None
    assert rules.subject_ref_problem("1" * 500_000) is not None
    assert rules.subject_ref_problem("a" * 500_000 + "@") is not None
