"""What the register's lists and downloads accept, and what a row of it says: the only statement of both."""
import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from signage import vocabulary as vocab
from signage.pagination import DEFAULT_LIMIT, MAX_LIMIT, Cursor
from signage.register.queries import SORTS, STATUS_CHOICES
from signage.rules.findings import N_

#: Text a filter compares: no control characters, no bidirectional overrides.
PLAIN_TEXT = "^[^\\x00-\\x1f\\x7f-\\x9f\\u202a-\\u202e\\u2066-\\u2069]*$"
#: Degrees of longitude (±180) and latitude (±90), written as decimals: the pattern says the ranges, so every
#: box it allows is one the register can search.
LONGITUDE = r"-?(180(\.0{1,10})?|(1[0-7][0-9]|[0-9]{1,2})(\.[0-9]{1,10})?)"
LATITUDE = r"-?(90(\.0{1,10})?|[0-8]?[0-9](\.[0-9]{1,10})?)"
BBOX = f"^{LONGITUDE},{LATITUDE},{LONGITUDE},{LATITUDE}$"


class BoundingBox(fields.String):
    """A map's box, west,south,east,north in degrees (GeoJSON's bbox order), read as four floats. A west edge
    east of the east edge is a box across the antimeridian (RFC 7946 §5.2); the latitudes bound the box in
    either order."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": BBOX, "description": "west,south,east,north in degrees (WGS 84), "
                                   "as GeoJSON orders a bbox; west east of east crosses the antimeridian."},
                         **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(BBOX, text):
            raise ValidationError(N_("Give west,south,east,north in degrees, such as 121.3,31.1,121.6,31.3."))
        west, south, east, north = (float(part) for part in text.split(","))
        return west, min(south, north), east, max(south, north)


class RegisterQuerySchema(Schema):
    """The filters, sort and page of the register, as the page, the downloads and the API take them."""

    class Meta:
        unknown = RAISE

    q = fields.String(validate=[validate.Length(min=1, max=100), validate.Regexp(PLAIN_TEXT)],
                      metadata={"description": "Text in a site's name or address, or its operator's name, in "
                                               "any language."})
    city = fields.String(validate=[validate.Length(min=1, max=100), validate.Regexp(PLAIN_TEXT)],
                         metadata={"description": "The city, as written (letter case aside)."})
    jurisdiction = fields.String(validate=validate.OneOf(vocab.JURISDICTIONS))
    purpose = fields.String(validate=validate.OneOf(vocab.PURPOSES))
    function = fields.String(validate=validate.OneOf(vocab.FUNCTIONS))
    status = fields.String(load_default="active", validate=validate.OneOf(STATUS_CHOICES),
                           metadata={"description": "Live deployments by default; `all` lists every status, "
                                                    "live ones first."})
    bbox = BoundingBox()
    sort = fields.String(load_default="name", validate=validate.OneOf(tuple(SORTS)),
                         metadata={"description": "`name` (A to Z), `city`, or `newest` (latest status change "
                                                  "first); live deployments first in each."})
    limit = fields.Integer(load_default=DEFAULT_LIMIT, validate=validate.Range(min=1, max=MAX_LIMIT),
                           metadata={"description": f"Rows per page, at most {MAX_LIMIT}."})
    cursor = Cursor(load_default=None)


class DownloadQuerySchema(RegisterQuerySchema):
    """The filters of a download: the whole filtered register, in the sort asked for; no pages."""

    class Meta:
        unknown = RAISE
        exclude = ("limit", "cursor")


class RegisterEntrySchema(Schema):
    """One deployment as the register's JSON gives it (docs/open-data.md names every field)."""

    code = fields.String(metadata={"description": "The site's public code: its notice is at /n/{code}."})
    status = fields.String(metadata={"enum": list(STATUS_CHOICES[:-1])})
    status_since = fields.String(metadata={"format": "date-time"})
    name = fields.String()
    address = fields.String(allow_none=True)
    city = fields.String(allow_none=True)
    text_language = fields.String()
    names = fields.Dict(keys=fields.String(), values=fields.String())
    operator = fields.String()
    operator_names = fields.Dict(keys=fields.String(), values=fields.String())
    purpose = fields.String(allow_none=True)
    function = fields.String(allow_none=True)
    jurisdictions = fields.List(fields.String())
    venue_class = fields.String(allow_none=True)
    live_mode = fields.String(allow_none=True)
    retention_period_days = fields.Integer(allow_none=True)
    latitude = fields.Float(allow_none=True)
    longitude = fields.Float(allow_none=True)
    first_published_at = fields.String(metadata={"format": "date-time"})
    notice_version = fields.Integer()
    notice_sha256 = fields.String()
    notice_url = fields.String()
