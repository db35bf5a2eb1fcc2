"""What the API says about a site's published notice versions."""
from marshmallow import Schema, fields

from signage.pagination import PageQuerySchema


class NoticeVersionSchema(Schema):
    """A published notice version: number, date, hash, what changed and its public page."""

    number = fields.Integer(dump_only=True)
    effective_from = fields.DateTime(dump_only=True)
    sha256 = fields.String(dump_only=True)
    changed_fields = fields.List(fields.String(), dump_only=True)
    url = fields.String(dump_only=True, metadata={"description": "The version's public page."})


class NoticeVersionListSchema(PageQuerySchema):
    """The query of a site's notice versions, newest first."""
