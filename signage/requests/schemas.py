"""What a person may send from the public forms, and what the operator may do: the only statement of both."""
import re

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from signage.i18n import TAGS
from signage.rules.findings import N_
from signage.requests import rules
from signage.pagination import PageQuerySchema
from signage.validation import Email

#: Characters a form field never needs: C0 and C1 controls (a newline and a tab are kept in free text) and the
#: bidirectional overrides and isolates that make text read otherwise than it is stored.
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
#: "2026-12-01T08:30", as a datetime-local field sends it, or a date alone; seconds, when a browser adds them,
#: are dropped. Only the ranges are checked, not the calendar (a 30 February stays as the person wrote it): it
#: is a rough time of passing that helps find footage, never counted with.
PASSED_AT = re.compile(r"^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9])?)?$")
#: A phone number as people write it: digits with spaces, dashes, dots, brackets and a leading plus.
PHONE = re.compile(r"^\+?[0-9][0-9 ().-]{4,28}[0-9]$")


def _no_controls(value: str) -> None:
    if CONTROL.search(value):
        raise ValidationError(N_("Contains a control character."))


#: What FreeText accepts, as the OpenAPI document states it.
FREE_TEXT_PATTERN = "^[^\\x00-\\x08\\x0b\\x0c\\x0e-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]*$"


class FreeText(fields.String):
    """Text a person wrote: any characters but control ones, shown as text (never as HTML); blank is none."""

    def __init__(self, *, max_length: int, **kwargs):
        # the length is checked here, not by a validator: those would run on the None a blank text becomes
        self.max_length = max_length
        kwargs["metadata"] = {"pattern": FREE_TEXT_PATTERN, "maxLength": max_length, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        _no_controls(text)
        if len(text) > self.max_length:
            raise ValidationError(N_("Too long for this field."))
        return text if text.strip() else None


class PassedAt(fields.String):
    """Roughly when the person passed: a date, or a date and a time, in local time."""

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not text.strip():
            return None
        if not PASSED_AT.match(text):
            raise ValidationError(N_("Give a date (2026-12-01), or a date and a time (2026-12-01T08:30)."))
        return text[:16]


class PublicRequestSchema(Schema):
    """A rights request or a sign report as a person files it from the notice page."""

    #: The rules between the fields, as the document states them (signage.api.core.StrictObjects).
    openapi_extra = {"allOf": [
        {"if": {"properties": {"category": {"const": rules.RIGHTS}}, "required": ["category"]},
         "then": {"properties": {"kind": {"enum": list(rules.RIGHTS_KINDS)}}}},
        {"if": {"properties": {"category": {"const": rules.SIGN}}, "required": ["category"]},
         "then": {"properties": {"kind": {"enum": list(rules.SIGN_PROBLEMS)}, "reply_contact": {
             "anyOf": [{"type": "null"}, {"type": "string", "pattern": "^\\s*$"}]}}}},
        # a contact says what it is, and is written as such
        {"if": {"properties": {"reply_contact": {"type": "string", "pattern": "\\S"}}, "required": ["reply_contact"]},
         "then": {"required": ["reply_channel"], "properties": {"reply_channel": {"type": "string"}}}},
        {"if": {"properties": {"reply_channel": {"const": "phone"}, "reply_contact": {"type": "string"}},
                "required": ["reply_channel", "reply_contact"]},
         "then": {"properties": {"reply_contact": {"pattern": PHONE.pattern}}}},
        {"if": {"properties": {"reply_channel": {"const": "email"}, "reply_contact": {"type": "string"}},
                "required": ["reply_channel", "reply_contact"]},
         "then": {"properties": {"reply_contact": {"format": "email"}}}},
    ]}

    category = fields.String(required=True, validate=validate.OneOf(tuple(rules.KINDS)), metadata={
        "description": "rights: a request about personal data; sign: a report about a sign."})
    kind = fields.String(required=True, validate=validate.OneOf(rules.RIGHTS_KINDS + rules.SIGN_PROBLEMS),
                         error_messages={"required": N_("Choose one.")})
    language = fields.String(load_default="en", validate=validate.OneOf(tuple(TAGS.values())))
    passed_at = PassedAt(load_default=None, allow_none=True, metadata={"maxLength": 19, "pattern": PASSED_AT.pattern,
        "description": "Roughly when the person passed, local time: YYYY-MM-DD or YYYY-MM-DDTHH:MM."})
    description = FreeText(load_default=None, allow_none=True, max_length=rules.DESCRIPTION_MAX)
    reply_channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(rules.REPLY_CHANNELS))
    reply_contact = FreeText(load_default=None, allow_none=True, max_length=254, metadata={
        "description": "Where to send the answer; used for it only, and erased after closure. Optional: the "
                       "reference code alone follows the request."})

    @validates_schema
    def _consistent(self, data, **kwargs):
        if data["kind"] not in rules.KINDS[data["category"]]:
            raise ValidationError(N_("Not a kind of this form."), "kind")
        contact, channel = data.get("reply_contact"), data.get("reply_channel")
        if data["category"] == rules.SIGN and contact:
            raise ValidationError(N_("A sign report takes no contact: its reference code follows it."), "reply_contact")
        if contact and channel is None:
            raise ValidationError(N_("Say whether this is an e-mail address or a phone number."), "reply_channel")
        if contact and channel == "email":
            try:
                Email().deserialize(contact)
            except ValidationError:
                raise ValidationError(N_("Not an e-mail address."), "reply_contact") from None
        if contact and channel == "phone" and not PHONE.match(contact):
            raise ValidationError(N_("Not a phone number: digits, with spaces or dashes if you like."), "reply_contact")


class RequestActionSchema(Schema):
    """One of the operator's actions on a request, with what the person is told."""

    openapi_extra = {"if": {"properties": {"action": {"enum": list(rules.NEEDS_MESSAGE)}}, "required": ["action"]},
                     "then": {"required": ["message"], "properties": {"message": {"type": "string", "pattern": "\\S"}}}}

    action = fields.String(required=True, validate=validate.OneOf(tuple(rules.ACTIONS)))
    message = FreeText(load_default=None, allow_none=True, max_length=rules.MESSAGE_MAX,
                       metadata={"description": "What the person reads on the status page; required to ask for "
                                                "information, to extend (the reason) and to answer."})

    @validates_schema
    def _message_where_needed(self, data, **kwargs):
        if data["action"] in rules.NEEDS_MESSAGE and not data.get("message"):
            raise ValidationError(N_("Write what the person will read."), "message")


class QueueQuerySchema(PageQuerySchema):
    """The operator's queue: which requests, by state, category, kind, site, and those overdue."""

    state = fields.String(load_default="open", validate=validate.OneOf(("open", "all") + rules.STATES))
    category = fields.String(load_default=None, validate=validate.OneOf(tuple(rules.KINDS)))
    kind = fields.String(load_default=None, validate=validate.OneOf(rules.RIGHTS_KINDS + rules.SIGN_PROBLEMS))
    site = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    overdue = fields.Boolean(load_default=False, metadata={"description": "Only open requests past their date."})


class PublicFilingSchema(PublicRequestSchema):
    """A request or report filed through the API without an account, as the public forms file it."""

    sign = fields.String(load_default=None, allow_none=True, validate=validate.Regexp(r"^[0-9A-Za-z]{1,16}$"),
                         metadata={"description": "The serial of the sign scanned, when the form was opened from "
                                                  "one; a serial that is not the site's is not attached."})


class StepSchema(Schema):
    seq = fields.Integer()
    action = fields.String()
    state = fields.String()
    at = fields.DateTime()
    message = fields.String(allow_none=True)


class RequestSchema(Schema):
    """A request or report as the operator's API shows it."""

    id = fields.Integer()
    site_id = fields.Integer()
    sign_serial = fields.String(allow_none=True)
    category = fields.String()
    kind = fields.String()
    language = fields.String()
    state = fields.String()
    passed_at = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    reply_channel = fields.String(allow_none=True)
    reply_contact = fields.String(allow_none=True)
    contact_erased_at = fields.DateTime(allow_none=True)
    received_at = fields.DateTime()
    due_on = fields.Date(allow_none=True, metadata={"description": "The law's date: the earliest of the site's "
                                                                   "jurisdictions, or the organisation's own."})
    due_provisional = fields.Boolean()
    due_basis = fields.String(allow_none=True)
    extended_due_on = fields.Date(allow_none=True)
    extension_reason = fields.String(allow_none=True)
    answered_at = fields.DateTime(allow_none=True)
    closed_at = fields.DateTime(allow_none=True)
    clock = fields.String(metadata={"description": "none, done, overdue, due_soon or running."})
    steps = fields.List(fields.Nested(StepSchema))


class PublicStatusSchema(Schema):
    """Where a request stands, as the person sees it by its reference code: no contact, no description."""

    reference_code = fields.String()
    status_url = fields.String()
    site_code = fields.String()
    category = fields.String()
    kind = fields.String()
    state = fields.String()
    received_at = fields.DateTime()
    due_on = fields.Date(allow_none=True)
    extended_due_on = fields.Date(allow_none=True)
    extension_reason = fields.String(allow_none=True)
    steps = fields.List(fields.Nested(StepSchema))
