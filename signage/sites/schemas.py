"""What a site accepts and returns, for the dashboard form and the API alike."""
from marshmallow import Schema, fields, post_load, validate

from signage import vocabulary as vocab
from signage.pagination import PageQuerySchema
from signage.rules.engine import RULES
from signage.rules.findings import WARN
from signage.rules.texts import TEXT_LANGUAGES, compact_translations
from signage.validation import Boolean, Date, Number, Text, Url, WholeNumber, per_language

SHORT = validate.Length(max=vocab.SHORT_TEXT)
MEDIUM = validate.Length(max=vocab.MEDIUM_TEXT)
LONG = validate.Length(max=vocab.LONG_TEXT)


def choice(values, **kwargs):
    return fields.String(validate=validate.OneOf(values), allow_none=True, **kwargs)


def text(limit=LONG, **kwargs):
    return Text(validate=limit, allow_none=True, **kwargs)


def url(**kwargs):
    return Url(validate=validate.Length(max=500), allow_none=True, **kwargs)


class GeoSchema(Schema):
    lat = Number(required=True, validate=validate.Range(min=-90, max=90), allow_nan=False)
    lng = Number(required=True, validate=validate.Range(min=-180, max=180), allow_nan=False)


class SecondaryUseTextSchema(Schema):
    """A secondary use in one more language."""

    use = text(SHORT)


SecondaryUseTranslationsSchema = per_language(SecondaryUseTextSchema, "SecondaryUseTranslationsSchema",
                                              "A secondary use's words in English and in Simplified Chinese.")


class RowSchema(Schema):
    """A row of a site's list, whose own text_translations are kept only where they say something."""

    @post_load
    def compacted(self, data, **kwargs):
        data = dict(data)
        translations = compact_translations(data.pop("text_translations", None))
        return {**data, "text_translations": translations} if translations else data


class SecondaryUseSchema(RowSchema):
    use = Text(required=True, validate=validate.Length(min=1, max=vocab.SHORT_TEXT), metadata={
        "description": "In the site's text_language; text_translations gives it in the others."})
    consent_mode = fields.String(required=True, validate=validate.OneOf(vocab.CONSENT_MODES))
    text_translations = fields.Nested(SecondaryUseTranslationsSchema, allow_none=True)


class RecipientTextSchema(Schema):
    """A recipient's name and purpose in one more language."""

    name = text(SHORT)
    purpose = text(SHORT)


RecipientTranslationsSchema = per_language(RecipientTextSchema, "RecipientTranslationsSchema",
                                           "A recipient's name and purpose in English and in Simplified Chinese.")


class RecipientSchema(RowSchema):
    name = Text(required=True, validate=validate.Length(min=1, max=vocab.SHORT_TEXT), metadata={
        "description": "As written; text_translations may give it per language."})
    country = fields.String(required=True, validate=validate.Regexp(r"^[A-Z]{2}$", error="Use a two-letter ISO country code, such as CN or DE."))
    purpose = Text(validate=SHORT, load_default=None, allow_none=True, metadata={
        "description": "In the site's text_language; text_translations gives it in the others."})
    for_value = Boolean(load_default=False)
    text_translations = fields.Nested(RecipientTranslationsSchema, allow_none=True)


class FilingSchema(Schema):
    status = fields.String(validate=validate.OneOf(vocab.FILING_STATUSES), load_default="not_required")
    authority = text(SHORT)
    due_on = Date(allow_none=True)
    filed_on = Date(allow_none=True)
    filing_ref = text(validate.Length(max=100))


class TranslationSchema(Schema):
    """Operator-written text in one more language: the prose of rules/texts.py and the site's names."""

    site_name = text(SHORT)
    address = text(validate.Length(max=500))
    capture_area_description = text(MEDIUM)
    purpose_text = text(MEDIUM)
    necessity_justification = text(LONG)
    non_fr_alternative = text(MEDIUM)
    retention_criteria_text = text(MEDIUM)
    legitimate_interest_text = text(MEDIUM)
    automated_decisions_text = text(MEDIUM)


TranslationsSchema = per_language(
    TranslationSchema, "TranslationsSchema",
    "Operator-written text in English and in Simplified Chinese, each language on its own.")


class SiteSchema(Schema):
    """The editable site record."""

    id = fields.Integer(dump_only=True)
    code = fields.String(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(vocab.SITE_STATUSES)})
    status_changed_at = fields.DateTime(dump_only=True)
    created_at = fields.DateTime(dump_only=True)
    updated_at = fields.DateTime(dump_only=True)
    operator_legal_name = fields.String(dump_only=True)
    operator_contact = fields.Dict(dump_only=True)
    dpo_contact = fields.Dict(dump_only=True, allow_none=True)

    site_name = Text(required=True, validate=validate.Length(min=1, max=vocab.SHORT_TEXT))
    address = text(validate.Length(max=500))
    city = text(validate.Length(max=100))
    geo = fields.Nested(GeoSchema, allow_none=True)
    jurisdictions = fields.List(fields.String(validate=validate.OneOf(vocab.JURISDICTIONS)),
                                validate=validate.Length(max=len(vocab.JURISDICTIONS)))
    venue_class = choice(vocab.VENUE_CLASSES)
    private_space_type = choice(vocab.PRIVATE_SPACE_TYPES)
    education_setting = Boolean(allow_none=True)
    nyc_establishment_type = choice(vocab.NYC_ESTABLISHMENT_TYPES)
    customer_entrances = fields.List(Text(validate=validate.Length(min=1, max=100)),
                                     validate=validate.Length(max=100))
    capture_area_description = text(MEDIUM)

    function = choice(vocab.FUNCTIONS)
    live_mode = choice(vocab.LIVE_MODES)
    operator_kind = choice(vocab.OPERATOR_KINDS)
    authorisation_ref = text(SHORT)
    purpose = choice(vocab.PURPOSES)
    purpose_text = text(MEDIUM)
    necessity_justification = text(LONG)
    non_fr_alternative = text(MEDIUM)
    secondary_uses = fields.List(fields.Nested(SecondaryUseSchema), validate=validate.Length(max=20))
    sensitive_trait_analysis = Boolean(allow_none=True)
    automated_decisions = Boolean(allow_none=True)
    automated_decisions_text = text(MEDIUM)
    portland_exception = choice(vocab.PORTLAND_EXCEPTIONS)

    legal_basis_cn = choice(vocab.LEGAL_BASES_CN)
    gdpr_art6_basis = choice(vocab.GDPR_ART6_BASES)
    gdpr_art9_condition = choice(vocab.GDPR_ART9_CONDITIONS)
    legitimate_interest_text = text(MEDIUM)
    consent_before_capture = Boolean(allow_none=True)
    consent_bundled = Boolean(allow_none=True)
    commercial_enrolment = Boolean(allow_none=True)
    enrolment_safeguard = Boolean(allow_none=True)

    storage_mode = choice(vocab.STORAGE_MODES)
    internet_transfer_basis = choice(vocab.INTERNET_TRANSFER_BASES)
    raw_image_retained = Boolean(allow_none=True)
    retention_period_days = WholeNumber(
        allow_none=True,
        validate=validate.Range(min=1, max=vocab.MAX_RETENTION_DAYS,
                                error="Enter a number of days from {min} to {max}."))
    retention_criteria_text = text(MEDIUM)
    retention_policy_url = url()
    recipients_third_parties = fields.List(fields.Nested(RecipientSchema), validate=validate.Length(max=50))
    security_measures = fields.List(fields.String(validate=validate.OneOf(vocab.SECURITY_MEASURES)),
                                    validate=validate.Length(max=len(vocab.SECURITY_MEASURES)))
    logs_retention_days = WholeNumber(
        allow_none=True, validate=validate.Range(min=1, max=vocab.MAX_LOGS_RETENTION_DAYS,
                                                 error="Enter a number of days from {min} to {max}."))

    minors_expected = Boolean(allow_none=True)
    minors_rules_url = url()
    guardian_consent_flow = Boolean(allow_none=True)

    pia_id = text(validate.Length(max=100))
    pia_version = text(validate.Length(max=50))
    pia_completed_on = Date(allow_none=True)
    pia_report_url = url()
    filing = fields.Nested(FilingSchema, allow_none=True)
    text_language = fields.String(validate=validate.OneOf(TEXT_LANGUAGES), metadata={
        "description": "The language the main text fields are written in; English when never given. "
                       "text_translations holds the other languages and wins where it gives a field."})
    text_translations = fields.Nested(TranslationsSchema, allow_none=True)

    @post_load
    def compacted(self, data, **kwargs):
        if "text_translations" in data:  # given: kept only where it says something, else cleared
            data = {**data, "text_translations": compact_translations(data["text_translations"])}
        return data


class EditReasonSchema(Schema):
    """Why a live site's record changes, kept in the audit entry."""

    reason = Text(validate=validate.Length(max=vocab.MEDIUM_TEXT), load_default=None, allow_none=True)


class StatusChangeSchema(Schema):
    """A lifecycle move with the reason the auditor will read."""

    status = fields.String(required=True, validate=validate.OneOf(("active", "suspended", "decommissioned")))
    reason = Text(validate=validate.Length(max=vocab.MEDIUM_TEXT), load_default=None, allow_none=True)


#: Rules whose findings can be acknowledged: the warnings (errors are fixed, never acknowledged away).
WARNING_RULES = tuple(sorted(rule_id for rule_id, rule in RULES.items() if rule.severity == WARN))


class AcknowledgementSchema(Schema):
    """A warning the operator has seen, with why it is acceptable here."""

    rule_id = fields.String(required=True, validate=validate.OneOf(WARNING_RULES))
    note = Text(validate=validate.Length(max=500), load_default=None, allow_none=True)


class AcknowledgementOutSchema(Schema):
    """An acknowledged warning: which rule, the note, who and when."""

    rule_id = fields.String(dump_only=True)
    note = fields.String(dump_only=True, allow_none=True)
    acknowledged_at = fields.DateTime(dump_only=True)


class FindingSchema(Schema):
    """A rule's verdict on a site: id, severity, message with its parameters, source, fields to fix."""

    rule_id = fields.String()
    severity = fields.String(metadata={"enum": ["error", "warn"]})
    message = fields.String(metadata={"description": "The message in English; params fill its placeholders."})
    params = fields.Dict(keys=fields.String())
    fields_ = fields.List(fields.String(), data_key="fields", attribute="fields")
    source = fields.String()
    acknowledged = fields.Boolean()


def _query_flag(description: str):
    return fields.Boolean(load_default=False, truthy={"true"}, falsy={"false"}, metadata={"description": description})


class SiteListQuerySchema(PageQuerySchema):
    """The query of the site list: a page, newest first, of the sites that pass every filter given."""

    status = fields.String(validate=validate.OneOf(vocab.SITE_STATUSES), load_default=None, allow_none=False)
    jurisdiction = fields.String(validate=validate.OneOf(vocab.JURISDICTIONS), load_default=None, allow_none=False)
    blocking = _query_flag("Only sites an error stands against: activation or the next change would be refused. "
                           "Without a status, decommissioned sites are left out.")
    reprint = _query_flag("Only sites with signs to reprint. Without a status, decommissioned sites are left out.")
    q = Text(validate=validate.Length(min=1, max=100), load_default=None, allow_none=False,
             metadata={"description": "Only sites whose name or address contains this text."})


class SitePatchSchema(SiteSchema):
    """Some fields of a site: each one given replaces its value whole; the rest stay as they are."""

    def __init__(self, **kwargs):
        kwargs.setdefault("partial", tuple(SiteSchema._declared_fields))
        super().__init__(**kwargs)
