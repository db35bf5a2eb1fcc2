"""What each consent event says, and the Kantara Consent Receipt v1.1 claims a receipt signs. Pure functions.

Field names follow regulation.md §7.2; docs/consent.md maps each one to ISO/IEC TS 27560 and Kantara.
"""
import hashlib
from datetime import datetime

from signage.audit.chain import canonical_bytes
from signage.consent.rules import PII_TYPES, SCHEMA_VERSION, ended_states

KANTARA_VERSION = "KI-CR-v1.1.0"
#: Kantara's consentType values for ours.
KANTARA_CONSENT_TYPES = {"separate": "EXPLICIT", "written": "EXPLICIT", "explicit": "EXPLICIT"}
WITHDRAWAL_CHANNELS_OFFERED = ("receipt_page", "notice_page", "operator")


def event_sha256(content: dict) -> str:
    """Hash an event's content in its canonical byte form, as its audit entry records it."""
    return hashlib.sha256(canonical_bytes(content)).hexdigest()


def answer_content(*, record_uuid: str, site: dict, notice: dict, data: dict, purposes: list[dict],
                   jurisdictions: tuple[str, ...], consent_type: str, state: str, now: datetime) -> dict:
    """Return the answer event: the whole record of §7.2, with what the notice version shown said.

    site is {"id", "code"}; notice is {"id", "number", "sha256", "content"}; purposes are the asked ones
    (rules.asked_purposes) that were answered, each with its answer.
    """
    shown = notice["content"]
    operator = shown.get("operator") or {}
    return {
        "schema_version": SCHEMA_VERSION, "record_id": record_uuid, "event_type": state, "event_state": state,
        "event_time": now.isoformat(), "pii_principal_id": data["subject_ref"],
        "site": {"id": site["id"], "code": site["code"], "name": shown.get("site_name")},
        "notice": {"version_id": notice["id"], "version": notice["number"], "sha256": notice["sha256"]},
        "language": data["language"], "purposes": purposes,
        "lawful_basis": lawful_basis(shown, jurisdictions), "consent_type": consent_type,
        "pii_types": list(PII_TYPES), "sensitive": True,
        "controllers": [{"party_name": operator.get("legal_name"), "party_id": operator.get("registration_number"),
                         "party_address": operator.get("address"), "party_email": operator.get("email"),
                         "party_phone": operator.get("phone"), "party_type": "controller"}],
        "recipients": [{"name": row.get("name"), "country": row.get("country"), "purpose": row.get("purpose")}
                       for row in shown.get("recipients_third_parties") or ()],
        "storage_locations": [shown.get("storage_mode")] if shown.get("storage_mode") else [],
        "retention_period_days": shown.get("retention_period_days"), "jurisdiction": list(jurisdictions),
        "withdrawal_method": {"channels": list(WITHDRAWAL_CHANNELS_OFFERED),
                              "contact": operator.get("email") or operator.get("phone")},
        "collection_method": data["collection_method"],
        "expires_at": data["expires_at"].isoformat() if data.get("expires_at") else None,
        "entity": {"acted_by": data.get("acted_by") or "subject",
                   "guardian_relationship": data.get("guardian_relationship"),
                   "guardian_verification": data.get("guardian_verification")},
        "subject_age_band": data["age_band"], "evidence_ref": data.get("evidence_sha256"),
    }


def lawful_basis(shown: dict, jurisdictions: tuple[str, ...]) -> dict:
    """Return the basis under each consent jurisdiction, as the notice version names it."""
    bases = {"CN": shown.get("legal_basis_cn"), "EU": shown.get("gdpr_art9_condition") or shown.get("gdpr_art6_basis"),
             "UK": shown.get("gdpr_art9_condition") or shown.get("gdpr_art6_basis"),
             "US-IL": "written_release", "US-TX": "consent_before_capture", "US-WA": "consent_before_capture"}
    return {tag: bases[tag] for tag in jurisdictions if tag in bases}


def withdrawal_content(*, record_uuid: str, channel: str, scope, state: str, purpose_states: dict,
                       deletion_due_at: datetime | None, now: datetime) -> dict:
    """Return a withdrawal event (§7.4): what was withdrawn, how, and when the deletion is due."""
    return {"record_id": record_uuid, "event_type": "withdrawn", "event_state": state, "event_time": now.isoformat(),
            "channel": channel, "scope": scope, "purposes": purpose_states, "effective_at": now.isoformat(),
            "deletion_due_at": deletion_due_at.isoformat() if deletion_due_at else None}


def deletion_content(*, record_uuid: str, data: dict, state: str, now: datetime) -> dict:
    """Return the operator's confirmation that the face data is deleted (§7.4), after a withdrawal or expiry."""
    return {"record_id": record_uuid, "event_type": "deletion_confirmed", "event_state": state,
            "event_time": now.isoformat(), "deletion_confirmed_at": data["deleted_on"].isoformat(),
            "deletion_method": data["method"], "downstream_notified": list(data.get("downstream_notified") or [])}


def superseded_content(*, record_uuid: str, by_record: str, now: datetime) -> dict:
    """Return the event of a consent renewed by a newer answer of the same person at the same site."""
    return {"record_id": record_uuid, "event_type": "superseded", "event_state": "superseded",
            "event_time": now.isoformat(), "superseded_by": by_record}


def expired_content(*, record_uuid: str, expires_at: datetime, deletion_due_at: datetime, now: datetime) -> dict:
    """Return the event of a consent that reached the end of its validity, with its deletion's due date."""
    return {"record_id": record_uuid, "event_type": "expired", "event_state": "expired",
            "event_time": now.isoformat(), "expires_at": expires_at.isoformat(),
            "deletion_due_at": deletion_due_at.isoformat()}


def receipt_claims(*, receipt: dict, answer: dict, later: list[dict], issuer: str, policy_url: str) -> dict:
    """Return a receipt's claims in Kantara Consent Receipt v1.1 shape, with signage's own part.

    receipt is {"uuid", "kind", "event_time"}; answer is the answer event's content and later the events
    after it up to now, so a withdrawal receipt says when the deletion was confirmed once it is.
    """
    kind = receipt["kind"]
    withdrawal = next((event for event in later if event["event_type"] in ("withdrawn", "expired")), None)
    deletion = next((event for event in later if event["event_type"] == "deletion_confirmed"), None)
    controller = answer["controllers"][0]
    return {
        "version": KANTARA_VERSION, "iss": issuer, "iat": int(datetime.fromisoformat(receipt["event_time"]).timestamp()),
        "jurisdiction": ", ".join(answer["jurisdiction"]),
        "consentTimestamp": int(datetime.fromisoformat(answer["event_time"]).timestamp()),
        "collectionMethod": answer["collection_method"], "consentReceiptID": receipt["uuid"],
        "language": answer["language"], "piiPrincipalId": answer["pii_principal_id"],
        "piiControllers": [{"piiController": controller["party_name"], "address": controller["party_address"],
                            "email": controller["party_email"], "phone": controller["party_phone"],
                            "onBehalf": False}],
        "policyUrl": policy_url,
        "services": [{"service": answer["site"]["name"], "purposes": [
            _kantara_purpose(purpose, answer) for purpose in answer["purposes"]]}],
        "sensitive": True, "spiCat": ["biometric"],
        "signage": {
            "receipt": kind, "record_id": answer["record_id"], "state": (later[-1] if later else answer)["event_state"],
            "notice": answer["notice"], "subject_age_band": answer["subject_age_band"], "entity": answer["entity"],
            "purposes": {purpose["key"]: purpose["answer"] for purpose in answer["purposes"]},
            "withdrawal": withdrawal and {key: withdrawal.get(key) for key in ("event_type", "event_time", "channel",
                                                                                "scope", "deletion_due_at")},
            "deletion": deletion and {key: deletion[key] for key in ("deletion_confirmed_at", "deletion_method",
                                                                      "downstream_notified")},
            "withdrawal_method": answer["withdrawal_method"], "evidence_ref": answer["evidence_ref"],
        },
    }


def _kantara_purpose(purpose: dict, answer: dict) -> dict:
    return {"purpose": purpose.get("text") or purpose.get("purpose"), "purposeCategory": [purpose.get("purpose")],
            "consentType": KANTARA_CONSENT_TYPES[answer["consent_type"]], "piiCategory": list(answer["pii_types"]),
            "primaryPurpose": purpose["primary"], "termination": _termination(answer),
            "thirdPartyDisclosure": bool(answer["recipients"]),
            "thirdPartyName": ", ".join(row["name"] for row in answer["recipients"] if row.get("name")) or None,
            "answer": purpose["answer"]}


def _termination(answer: dict) -> str:
    days = answer.get("retention_period_days")
    ends = f"face data kept {days} days" if days else "face data kept as the notice says"
    return f"{ends}; consent ends on withdrawal" + (f" or on {answer['expires_at']}" if answer.get("expires_at") else "")


def replayed(events: list[dict]) -> dict:
    """Return what a record's columns must say, replayed from its events' contents in order."""
    answer = events[0]
    record = {"state": answer["event_state"], "subject_ref": answer["pii_principal_id"], "site_id": answer["site"]["id"],
              "notice_version_id": answer["notice"]["version_id"], "notice_number": answer["notice"]["version"],
              "purpose_states": {purpose["key"]: "given" if purpose["answer"] else "refused"
                                 for purpose in answer["purposes"]},
              "expires_at": answer["expires_at"], "deletion_due_at": None, "deletion_confirmed_at": None}
    for event in events[1:]:
        record["state"], kind = event["event_state"], event["event_type"]
        if kind == "withdrawn":
            record["purpose_states"] = dict(event["purposes"])
            record["deletion_due_at"] = event["deletion_due_at"] or record["deletion_due_at"]
        elif kind in ("superseded", "expired"):
            record["purpose_states"] = ended_states(record["purpose_states"], kind)
            record["deletion_due_at"] = event.get("deletion_due_at") or record["deletion_due_at"]
        elif kind == "deletion_confirmed":
            record["deletion_confirmed_at"] = event["deletion_confirmed_at"]
    return record
