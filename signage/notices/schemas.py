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


class NoticeItemSchema(Schema):
    """One line of a notice: what it answers, its label and its text (and a link, for URLs)."""

    key = fields.String()
    label = fields.String(allow_none=True)
    text = fields.String(allow_none=True)
    url = fields.String()
    lang = fields.String(metadata={"description": "Only when the text is not in the notice's language: the "
                                                  "language it is written in (the operator gave no other)."})
    note = fields.String(metadata={"description": "With lang: a sentence saying so, in the notice's language."})


class NoticeSectionSchema(Schema):
    key = fields.String()
    title = fields.String()
    items = fields.List(fields.Nested(NoticeItemSchema))


class NoticeSiteSchema(Schema):
    code = fields.String()
    name = fields.String(allow_none=True)
    status = fields.String()
    status_since = fields.DateTime()
    banner = fields.String()


class NoticeVersionStateSchema(Schema):
    number = fields.Integer(allow_none=True)
    current = fields.Boolean()
    current_number = fields.Integer(allow_none=True)
    sha256 = fields.String()
    effective_from = fields.DateTime(allow_none=True)
    superseded = fields.String(allow_none=True)


class ScannedSignSchema(Schema):
    serial = fields.String()
    placement = fields.String()
    printed_version = fields.Integer()
    status = fields.String()
    outdated = fields.Boolean()
    text = fields.String()
    check = fields.String()
    outdated_text = fields.String(allow_none=True)
    older_text = fields.String(allow_none=True)


class NoticeHistorySchema(Schema):
    number = fields.Integer()
    effective_from = fields.DateTime()
    changes = fields.String()
    url = fields.String()


class NoticeUrlsSchema(Schema):
    current = fields.String()
    print = fields.String()


class NoticeJSONSchema(Schema):
    """A public notice as its URL answers Accept: application/json: the page, in one language."""

    site = fields.Nested(NoticeSiteSchema)
    language = fields.String()
    version = fields.Nested(NoticeVersionStateSchema)
    summary = fields.List(fields.Nested(NoticeItemSchema))
    sections = fields.List(fields.Nested(NoticeSectionSchema))
    sign = fields.Nested(ScannedSignSchema, allow_none=True)
    versions = fields.List(fields.Nested(NoticeHistorySchema))
    urls = fields.Nested(NoticeUrlsSchema)
