"""What consent records accept and return, for the kiosk, the public forms and the API alike."""
from marshmallow import Schema, ValidationError, fields, validate, validates

from signage.consent import rules
from signage.pagination import PageQuerySchema
from signage.rules.texts import TEXT_LANGUAGES
from signage.validation import Boolean, Date, Text, WholeNumber

CHOOSE = "Choose one of: {choices}."
#: A purpose's key in answers and withdrawals: "primary" or "secondary_<n>".
PURPOSE_KEY = r"^(primary|secondary_[1-9][0-9]?)$"


class PurposeAnswers(fields.Dict):
    """The answers to each purpose, keyed by purpose; its document states every rule the schema checks."""

    #: Merged into the field's OpenAPI schema (signage.api.core.documented_extras).
    openapi_extra = {
        "required": ["primary"], "maxProperties": 100,
        "patternProperties": {PURPOSE_KEY: {"type": "boolean"}}, "additionalProperties": False,
        # a no to the primary purpose ends the questions: no optional purpose can be a yes after it
        "if": {"properties": {"primary": {"const": False}}, "required": ["primary"]},
        "then": {"properties": {"primary": {"const": False}}, "additionalProperties": {"const": False}},
    }


class SubjectRef(Text):
    """The operator's pseudonymous reference for the person; its document says what it may not look like."""

    openapi_extra = {"not": rules.NOT_A_PSEUDONYM}


def choice(values, **kwargs):
    return fields.String(validate=validate.OneOf(values, error=CHOOSE), **kwargs)


def _subject_ref(value: str) -> None:
    problem = rules.subject_ref_problem(value)
    if problem:
        raise ValidationError(problem)


class ConsentAnswerSchema(Schema):
    """A person's answer: who they are to the operator, what they were shown and what they said."""

    subject_ref = SubjectRef(required=True, validate=[validate.Length(min=1, max=64), _subject_ref], metadata={
        "description": "The operator's pseudonymous reference for the person, such as a membership number; "
                       "never a phone number, an e-mail address or an identity number."})
    notice_version = WholeNumber(load_default=None, validate=validate.Range(min=1, max=2**31 - 1), metadata={
        "description": "The notice version the person was shown; it must be the current one (409 otherwise)."})
    language = choice(TEXT_LANGUAGES, required=True)
    purposes = PurposeAnswers(keys=fields.String(validate=validate.Regexp(PURPOSE_KEY, error="Not a purpose key.")),
                              values=Boolean(), required=True, validate=validate.Length(max=100), metadata={
        "description": "Each purpose asked, answered yes (true) or no (false): `primary` always, then each "
                       "optional purpose (`secondary_<n>`) asked after it, only when the primary one is given."})
    collection_method = choice(rules.COLLECTION_METHODS, required=True)
    age_band = choice(rules.AGE_BANDS, required=True, metadata={
        "description": "under_14 also covers a child under 13 in the US; only a guardian can consent for one."})
    acted_by = choice(rules.ACTORS, load_default="subject")
    guardian_relationship = choice(rules.GUARDIAN_RELATIONSHIPS, load_default=None)
    guardian_verification = choice(rules.GUARDIAN_VERIFICATIONS, load_default=None)
    expires_at = fields.AwareDateTime(load_default=None, format="iso")
    evidence_sha256 = fields.String(load_default=None, validate=validate.Regexp(
        r"^[0-9a-f]{64}$", error="Give the SHA-256 that uploading the release answered, in lower-case hex."),
        metadata={"description": "The signed release uploaded first (POST /api/v1/sites/{id}/releases); "
                                 "required for a given consent in Illinois."})

    @validates("purposes")
    def _primary_first(self, value, **kwargs):
        if "primary" not in value:
            raise ValidationError("Answer the primary purpose (\"primary\").")
        if value["primary"] is False and any(value[key] for key in value if key != "primary"):
            raise ValidationError("Optional purposes are asked only after the primary one is given.")


class WithdrawalSchema(Schema):
    """How and what a person withdraws."""

    channel = choice(rules.WITHDRAWAL_CHANNELS, required=True)
    scope = fields.Raw(load_default="all", metadata={
        "description": "\"all\", or a list of purpose keys (withdrawing `primary` withdraws them all).",
        "oneOf": [{"type": "string", "enum": ["all"]},
                  {"type": "array", "minItems": 1, "maxItems": 50, "uniqueItems": True,
                   "items": {"type": "string", "pattern": PURPOSE_KEY}}]})

    @validates("scope")
    def _scope(self, value, **kwargs):
        if value == "all":
            return
        valid = fields.List(fields.String(validate=validate.Regexp(PURPOSE_KEY, error="Not a purpose key.")),
                            validate=validate.Length(min=1, max=50))
        if not isinstance(value, list):
            raise ValidationError("Give \"all\" or a list of purpose keys.")
        valid.deserialize(value)
        if len(set(value)) != len(value):
            raise ValidationError("Name each purpose once.")


class DeletionSchema(Schema):
    """The operator's confirmation that a withdrawn person's face data is deleted."""

    deleted_on = fields.AwareDateTime(required=True, format="iso", metadata={
        "description": "When the face data was deleted; not in the future."})
    method = Text(required=True, validate=validate.Length(min=1, max=200), metadata={
        "description": "How it was deleted, e.g. \"template erased from the turnstile controller\"."})
    downstream_notified = fields.List(Text(validate=validate.Length(min=1, max=200)), load_default=list,
                                      validate=validate.Length(max=50), metadata={
        "description": "The recipients told to delete their copies too."})


class ConsentListSchema(PageQuerySchema):
    """Which consents to list."""

    site = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    state = choice(rules.STATES, load_default=None)
    since = fields.AwareDateTime(load_default=None, format="iso", metadata={
        "description": "Only consents answered at or after this time."})


class ConsentEventSchema(Schema):
    seq = fields.Integer()
    event_type = fields.String()
    event_state = fields.String()
    event_time = fields.DateTime()
    sha256 = fields.String()
    content = fields.Dict()


class ConsentSchema(Schema):
    """A consent record as the API returns it."""

    id = fields.Integer(dump_only=True)
    record_id = fields.String(dump_only=True)
    site_id = fields.Integer(dump_only=True)
    notice_version = fields.Integer(dump_only=True)
    notice_sha256 = fields.String(dump_only=True)
    subject_ref = fields.String(dump_only=True)
    state = fields.String(dump_only=True)
    purposes = fields.Dict(dump_only=True)
    answered_at = fields.DateTime(dump_only=True)
    expires_at = fields.DateTime(dump_only=True, allow_none=True)
    deletion_due_at = fields.DateTime(dump_only=True, allow_none=True)
    deletion_confirmed_at = fields.DateTime(dump_only=True, allow_none=True)
    in_force = fields.Boolean(dump_only=True, metadata={
        "description": "Given and not past its expiry: whether the site may use the person's face now."})
    renewal_needed = fields.Boolean(dump_only=True, metadata={
        "description": "Given under a notice version older than a later change of purpose, function, data, "
                       "retention, recipients or contact: ask the person again."})
    receipt_code = fields.String(dump_only=True, metadata={
        "description": "Only in the answer to the request that made the receipt: it is stored hashed."})
    receipt_url = fields.String(dump_only=True)
    events = fields.List(fields.Nested(ConsentEventSchema), dump_only=True)


class LedgerQuerySchema(PageQuerySchema):
    """The dashboard ledger's filters: a site, a state, a purpose in force, and the days answered."""

    site = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    state = choice(rules.STATES, load_default=None)
    purpose = fields.String(load_default=None, validate=validate.Regexp(PURPOSE_KEY, error="Not a purpose key."))
    since = Date(load_default=None)
    until = Date(load_default=None)
    renewal = fields.Boolean(load_default=False, metadata={"description": "Only consents that need renewal."})


class ChannelSchema(Schema):
    """A kiosk link or self-service to open for a site."""

    site_id = fields.Integer(required=True, validate=validate.Range(min=1, max=2**31 - 1))
    kind = choice(("kiosk", "self_service"), required=True)
    label = Text(load_default="Front desk", validate=validate.Length(min=1, max=100))


#: Standard base64 with its padding: four characters for every three bytes.
BASE64 = r"^(?:[A-Za-z0-9+/]{4})+(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$|^[A-Za-z0-9+/]{2}==$|^[A-Za-z0-9+/]{3}=$"


class ReleaseUploadSchema(Schema):
    """A signed release, as base64 of a PDF, PNG or JPEG file of at most 5 MB."""

    data = fields.String(required=True, validate=[validate.Length(min=1, max=7_000_000), validate.Regexp(
        BASE64, error="Not base64 (RFC 4648).")], metadata={
        "description": "The file's bytes in base64 (RFC 4648); its type is read from its content.",
        "contentEncoding": "base64"})


class ReleaseSchema(Schema):
    sha256 = fields.String(dump_only=True)
