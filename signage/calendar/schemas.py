"""What the calendar accepts: a list's filters, and a duty marked done. The only statement of both."""
import base64
import binascii
from datetime import date

from marshmallow import RAISE, Schema, ValidationError, fields, post_load, validate, validates_schema

from signage.calendar.evidence import EVIDENCE_MAX_BYTES
from signage.calendar.queries import STATUS_CHOICES
from signage.pagination import PageQuerySchema
from signage.requests.schemas import FreeText
from signage.rules.duties import KINDS, STATUSES
from signage.rules.findings import N_

#: 1900-01 to 2999-12: a month a calendar can step back and forth from without leaving what a date holds.
MONTH_PATTERN = r"^(19|2[0-9])[0-9]{2}-(0[1-9]|1[0-2])\Z"  # \Z: "$" would let a trailing line end through
#: The months the view shows, the pattern's first and last.
FIRST_MONTH, LAST_MONTH = date(1900, 1, 1), date(2999, 12, 1)
#: Standard base64 with its padding, as the API's evidence is sent: what strict decoding accepts.
BASE64_PATTERN = r"^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$"


class DutyQuerySchema(PageQuerySchema):
    """A list of duties: by status (open ones by default), site and due-date range."""

    status = fields.String(load_default="open", validate=validate.OneOf(STATUS_CHOICES),
                           metadata={"description": "open (the default: overdue, due soon, upcoming and undated), "
                                                    "one status, or all."})
    site = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))
    due_from = fields.Date(load_default=None, metadata={"description": "Due on or after this day."})
    due_to = fields.Date(load_default=None, metadata={"description": "Due on or before this day."})
    #: The dashboard marks a start after the end; the API answers it as the empty range it is (below).
    refuse_inverted_range = True

    @validates_schema
    def _range(self, data, **_):
        if self.refuse_inverted_range and data.get("due_from") and data.get("due_to") \
                and data["due_from"] > data["due_to"]:
            raise ValidationError(N_("Use a day on or after the first day of the range."), "due_to")


class DutyApiQuerySchema(DutyQuerySchema):
    """The API's list of duties: a start after the end is a range with nothing in it, answered as such, as the
    audit log's is; the document cannot state an order between two parameters, so it allows it."""

    refuse_inverted_range = False


class MonthQuerySchema(Schema):
    """The month view: which month (YYYY-MM, this one by default), and optionally one site."""

    class Meta:
        unknown = RAISE

    month = fields.String(load_default=None, validate=validate.Regexp(MONTH_PATTERN, error=N_("Use YYYY-MM.")))
    site = fields.Integer(load_default=None, validate=validate.Range(min=1, max=2**31 - 1))


class DutyDoneSchema(Schema):
    """A duty marked done: the day, a reference (a filing number, a photo's name) and, in the service's
    terms, an optional evidence file the view or the API reads."""

    class Meta:
        unknown = RAISE

    done_on = fields.Date(required=True, metadata={"description": "The day it was done; not in the future."})
    reference = FreeText(max_length=200, load_default=None, allow_none=True,
                         metadata={"description": "A filing number, a report's name, a photo's reference."})


class Base64File(fields.String):
    """A file sent as base64 text in JSON: decoded strictly, so a stray character is refused, not skipped."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": BASE64_PATTERN, "minLength": 4,
                                   "maxLength": -(-EVIDENCE_MAX_BYTES // 3) * 4, "contentEncoding": "base64",
                                   **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        try:
            content = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError):  # ValueError: characters outside ASCII
            raise ValidationError(N_("Not valid base64.")) from None
        if not content:
            raise ValidationError(N_("Not valid base64."))
        return content


class EvidenceUploadSchema(Schema):
    """An evidence file as the API takes it, loaded as its name and content. What the content is (a PDF, PNG,
    JPEG or WebP) is judged once the duty is found (signage.api.duties): no document can state it, so a duty
    that does not exist answers 404 whatever the file."""

    class Meta:
        unknown = RAISE

    #: A name is more than blanks, as FreeText reads them (signage.api.core.StrictObjects).
    openapi_extra = {"allOf": [{"properties": {"name": {"type": "string", "pattern": "\\S"}}}]}

    name = FreeText(max_length=200, required=True, metadata={"description": "The file's name, shown with it."})
    content_base64 = Base64File(required=True, metadata={
        "description": f"The file in base64: a PDF, PNG, JPEG or WebP of at most {EVIDENCE_MAX_BYTES:,} bytes, "
                       "judged by its content."})

    @validates_schema
    def _named(self, data, **_):
        if data.get("name") is None:
            raise ValidationError(N_("Missing data for required field."), "name")  # blank is no name

    @post_load
    def _evidence(self, data, **_):
        return {"name": data["name"], "content": data["content_base64"]}


class DutyDoneApiSchema(DutyDoneSchema):
    """A duty marked done through the API: the dashboard's fields, and the evidence file inline."""

    evidence = fields.Nested(EvidenceUploadSchema, load_default=None, allow_none=True)


class DutySchema(Schema):
    """A duty as the API shows it: what it is, where it comes from, when it is due and where it stands."""

    id = fields.Integer()
    site_id = fields.Integer()
    site_code = fields.String()
    kind = fields.String(validate=validate.OneOf(tuple(KINDS)))
    rule_id = fields.String(metadata={"description": "The finding or regulation row the duty comes from."})
    source = fields.String(metadata={"description": "The law or decision that sets it."})
    key = fields.String(metadata={"description": "Stable while it is the same duty (each cycle has its own)."})
    trigger_on = fields.Date(allow_none=True)
    due_on = fields.Date(allow_none=True, metadata={"description": "None until its trigger: before going live."})
    provisional = fields.Boolean(metadata={"description": "Counted across a year without a working-day table."})
    provisional_years = fields.List(fields.Integer())
    status = fields.String(validate=validate.OneOf(STATUSES),
                           metadata={"description": "Against the organisation's local today."})
    done_on = fields.Date(allow_none=True)
    done_reference = fields.String(allow_none=True)
    evidence_name = fields.String(allow_none=True)
    evidence_sha256 = fields.String(allow_none=True)
    withdrawn_at = fields.DateTime(allow_none=True)
    sequence = fields.Integer()
    updated_at = fields.DateTime()
    params = fields.Dict(keys=fields.String())


class FeedUrlSchema(Schema):
    """The organisation's secret calendar feed URL."""

    url = fields.String(metadata={"format": "uri", "description": "Subscribe to it; anyone holding it can read it."})


class RemindersSchema(Schema):
    """Whether the signed-in owner or editor wants the duties' reminders by e-mail."""

    class Meta:
        unknown = RAISE

    wanted = fields.Boolean(required=True)


class ViolationNoticeSchema(Schema):
    """A written notice of a violation: the day it was received and its reference."""

    class Meta:
        unknown = RAISE

    received_on = fields.Date(required=True, metadata={"description": "The day the notice was received."})
    reference = FreeText(max_length=100, load_default=None, allow_none=True,
                         metadata={"description": "The notice's number or the agency's reference."})
