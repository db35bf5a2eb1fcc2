"""What signs accept and return, for the dashboard forms and the API alike."""
from collections.abc import Mapping

from marshmallow import Schema, ValidationError, fields, post_load, pre_load, validate

from signage.fonts import printable_pattern
from signage.pagination import PageQuerySchema
from signage.rules.findings import N_
from signage.rules.texts import TEXT_LANGUAGES
from signage.signs.spec import SIZES
from signage.validation import Text, per_language
from signage.vocabulary import SIGN_STATUSES

#: Languages a sign can print, by BCP 47 tag; the first of a pair is set larger.
SIGN_LANGUAGES = TEXT_LANGUAGES
DEFAULT_LANGUAGES = ["zh-Hans", "en"]
#: Moves an operator makes; "issued" is where every sign starts, "retired" is final.
SIGN_STATUS_CHANGES = ("installed", "retired")
FORMATS = ("pdf", "svg", "png")


def _language_pair(value: list) -> None:
    if len(value) != 2 or len(set(value)) != 2 or not set(value) <= set(SIGN_LANGUAGES):
        raise ValidationError(f"Choose two different languages from: {', '.join(SIGN_LANGUAGES)}.")


def _upper_size(data):
    size = data.get("size") if isinstance(data, Mapping) else None
    if isinstance(size, str) and size.isascii():  # 'ſ'.upper() is 'S': only ASCII is read case-blind
        data = {**data, "size": size.strip().upper()}
    return data


def size_field(**kwargs):
    """Return the paper size field: one of the SIZES keys, e.g. A4 or STICKER."""
    return fields.String(validate=validate.OneOf(tuple(SIZES), error="Choose one of: {choices}."), **kwargs)


def _visible(value: str) -> None:
    if not value.strip():
        raise ValidationError(N_("Say where the sign hangs: only spaces were given."))


def placement_field(**kwargs):
    """Where a sign hangs: at most 100 printable characters, one of them visible."""
    return Text(validate=[validate.Length(min=1, max=100), _visible],
                metadata={"pattern": printable_pattern(visible=True), **kwargs.pop("metadata", {})}, **kwargs)


class PlacementTextSchema(Schema):
    """The placement in one more language."""

    placement = placement_field(allow_none=True)


PlacementTranslationsSchema = per_language(
    PlacementTextSchema, "PlacementTranslationsSchema", "The placement in English and in Simplified Chinese, each "
    "optional: a name is printed as written in a language that has none.")


class SignIssueSchema(Schema):
    """A new sign: where it hangs, its paper size and its language pair."""

    # checked as given, as the document states it (at most 100 characters, one of them visible), then
    # stored without the whitespace around it
    placement = placement_field(required=True)
    text_translations = fields.Nested(PlacementTranslationsSchema, load_default=None, allow_none=True, metadata={
        "description": "The placement per language, printed on signs and shown to people who scan them "
                       "in that language; as written where not given."})
    size = size_field(load_default="A4")
    languages = fields.List(fields.String(validate=validate.OneOf(SIGN_LANGUAGES)),
                            validate=[validate.Length(equal=2), _language_pair], metadata={"uniqueItems": True},
                            load_default=lambda: list(DEFAULT_LANGUAGES))

    @pre_load
    def normalise(self, data, **kwargs):
        return _upper_size(data)

    @post_load
    def trimmed(self, data, **kwargs):
        translations = {tag: {"placement": text["placement"].strip()}
                        for tag, text in (data.get("text_translations") or {}).items()
                        if text and text.get("placement")}
        return {**data, "placement": data["placement"].strip(), "text_translations": translations or None}


class SignStatusSchema(Schema):
    """A sign put up or taken down, with the reason the auditor will read."""

    status = fields.String(required=True, validate=validate.OneOf(SIGN_STATUS_CHANGES))
    reason = Text(validate=validate.Length(max=1000), load_default=None, allow_none=True)


class SignFileSchema(Schema):
    """The query of a sign file or pack: the paper size, else each sign's own."""

    size = size_field(load_default=None, allow_none=False)

    @pre_load
    def normalise(self, data, **kwargs):
        return _upper_size(data)


class SignListSchema(PageQuerySchema):
    """The query of the organisation's sign list: all signs in use, or only those to reprint."""

    stale = fields.Boolean(load_default=False, truthy={"true"}, falsy={"false"},
                           metadata={"description": "Only signs whose printed text changed."})


class SiteSignListSchema(PageQuerySchema):
    """The query of a site's sign list, retired signs included, in the order they were issued."""


class SignFilesSchema(Schema):
    pdf = fields.Url()
    svg = fields.Url()
    png = fields.Url()


class SignSchema(Schema):
    """A sign as the API returns it, with its short URL, reprint flag and file links."""

    serial = fields.String(dump_only=True)
    site_id = fields.Integer(dump_only=True)
    placement = fields.String(dump_only=True)
    text_translations = fields.Nested(PlacementTranslationsSchema, dump_only=True, allow_none=True, metadata={
        "description": "The placement in other languages, as {\"zh-Hans\": {\"placement\": …}}."})
    size = fields.String(dump_only=True)
    languages = fields.List(fields.String(), dump_only=True)
    notice_version = fields.Integer(dump_only=True)
    status = fields.String(dump_only=True, metadata={"enum": list(SIGN_STATUSES)})
    issued_at = fields.DateTime(dump_only=True)
    installed_at = fields.DateTime(dump_only=True, allow_none=True)
    retired_at = fields.DateTime(dump_only=True, allow_none=True)
    url = fields.String(dump_only=True, metadata={"description": "The short URL in the sign's QR code."})
    stale = fields.Boolean(dump_only=True, metadata={"description": "A printed field changed: reprint."})
    stale_since = fields.DateTime(dump_only=True, allow_none=True)
    stale_fields = fields.List(fields.String(), dump_only=True)
    files = fields.Nested(SignFilesSchema, dump_only=True)
