"""A published notice version as JSON-LD in the W3C Data Privacy Vocabulary (DPV 2): what is processed
(a facial print), why, on what legal basis, for how long, for whom, by which controller, and the rights a
person has. Pure: the version's content in, a JSON-LD document out, its @context inline so that it
expands offline, with no fetch from anywhere (docs/open-data.md maps every field).
"""
from signage.rules.texts import TEXT_LANGUAGES, organisation_name, shown_text, text_language

CONTEXT = {
    "dpv": "https://w3id.org/dpv#",
    "pd": "https://w3id.org/dpv/pd#",
    "schema": "https://schema.org/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
}
#: Our purposes as DPV's.
PURPOSES = {"public_security": "dpv:ProtectionOfPublicSecurity", "access_control": "dpv:EnforceAccessControl",
            "attendance": "dpv:PersonnelManagement", "payment": "dpv:PaymentManagement",
            "identity_verification": "dpv:IdentityVerification", "marketing_analytics": "dpv:Marketing",
            "other": "dpv:Purpose"}
#: The legal bases the site record names, as DPV's (GDPR Art. 6 and China's PIPL bases alike).
LEGAL_BASES = {
    "6_1_a": "dpv:Consent", "6_1_b": "dpv:Contract", "6_1_c": "dpv:LegalObligation", "6_1_d": "dpv:VitalInterest",
    "6_1_e": "dpv:PublicInterest", "6_1_f": "dpv:LegitimateInterest",
    "separate_consent": "dpv:ExplicitlyExpressedConsent", "written_consent": "dpv:ExplicitlyExpressedConsent",
    "statutory_duty": "dpv:LegalObligation", "public_security_art26": "dpv:PublicInterest",
    "other_law": "dpv:LegalObligation"}
#: What a face recognition system does with a face, in DPV's processing terms.
PROCESSING = ("dpv:Collect", "dpv:Store", "dpv:Use")
#: The rights a person can exercise from every notice (its "Ask about your data" form).
RIGHTS = {"access": "Right of access", "correction": "Right to rectification", "deletion": "Right to erasure",
          "objection": "Right to object", "withdrawal": "Right to withdraw consent",
          "complaint": "Right to lodge a complaint"}


def notice_document(content: dict, *, number: int, sha256: str, effective_from: str, urls: dict) -> dict:
    """Return one published notice version as JSON-LD. urls: the version's page (`notice`), the current
    page (`current`) and the form to ask about one's data (`ask`), absolute."""
    operator = content.get("operator") or {}
    document = {
        "@context": CONTEXT,
        "@id": urls["notice"],
        "@type": "dpv:Process",
        "schema:name": _texts(content, "site_name"),
        "schema:url": urls["current"],
        "schema:version": number,
        "schema:sha256": sha256,
        "schema:datePublished": {"@value": effective_from, "@type": "xsd:dateTime"},
        "dpv:hasLocation": {"@type": "dpv:Location", "schema:address": content["address"]}
        if content.get("address") else None,
        "dpv:hasPurpose": [_purpose(content)],
        "dpv:hasLegalBasis": [{"@id": basis} for basis in _legal_bases(content)],
        "dpv:hasPersonalData": [{"@id": "pd:FacialPrint"}],
        "dpv:hasProcessing": [{"@id": term} for term in PROCESSING],
        "dpv:hasRecipient": [_recipient(row) for row in content.get("recipients_third_parties") or []],
        "dpv:hasRight": [{"@type": "dpv:DataSubjectRight", "schema:name": name, "schema:url": urls["ask"]}
                         for name in RIGHTS.values()],
        "dpv:hasDataController": {
            "@type": "dpv:DataController",
            "schema:name": [{"@value": name, "@language": tag} for tag in TEXT_LANGUAGES
                            if (name := organisation_name(operator, "legal_name", tag))] or operator.get("legal_name"),
            "schema:address": operator.get("address"), "schema:email": operator.get("email"),
            "schema:telephone": operator.get("phone")},
    }
    days = content.get("retention_period_days")
    if isinstance(days, int) and days >= 0:
        document["dpv:hasStorageCondition"] = {"@type": "dpv:StorageDuration",
                                               "rdf:value": {"@value": f"P{days}D", "@type": "xsd:duration"}}
    return _without_empty(document)


def _purpose(content: dict) -> dict:
    purpose = {"@type": ["dpv:Purpose", PURPOSES.get(content.get("purpose"), "dpv:Purpose")]}
    described = _texts(content, "purpose_text")
    if described:
        purpose["schema:description"] = described
    return purpose


def _legal_bases(content: dict) -> list[str]:
    given = (content.get("legal_basis_cn"), content.get("gdpr_art6_basis"))
    return list(dict.fromkeys(LEGAL_BASES[basis] for basis in given if basis in LEGAL_BASES))


def _recipient(row: dict) -> dict:
    recipient = {"@type": "dpv:ThirdParty", "schema:name": row.get("name")}
    if row.get("country"):
        recipient["schema:addressCountry"] = row["country"]
    return recipient


def _texts(content: dict, name: str) -> list[dict] | None:
    """A text in each language it is written in, each tagged with its language."""
    found = []
    for tag in TEXT_LANGUAGES:
        text = shown_text(content, name, tag)
        # a name without a translation keeps its script: it is in the language the record is written in
        if text is not None and (text.lang or text_language(content)) == tag:
            found.append({"@value": str(text), "@language": tag})
    if not found and content.get(name):
        found.append({"@value": content[name]})
    return found or None


def _without_empty(document: dict) -> dict:
    return {key: value for key, value in document.items() if value not in (None, [], {})}
