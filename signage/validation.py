"""Field types every feature's schemas share: JSON's own types taken strictly, printable text and
e-mail addresses. Forms send text; signage.http.form_to_dict turns it into these types first, so the
API accepts exactly what its OpenAPI document describes."""
import math
import re

from marshmallow import Schema, ValidationError, fields, validate

from signage.fonts import printable_form, printable_pattern, unprintable
from signage.local_time import is_time_zone
from signage.rules.texts import TEXT_LANGUAGES

#: What Text accepts, as the OpenAPI document states it: the characters the sign fonts draw.
PRINTABLE_PATTERN = printable_pattern()


class WholeNumber(fields.Integer):
    """A whole JSON number: 1.5, "3", true or '٣' are refused rather than truncated or guessed."""

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.make_error("invalid", input=value)
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class Number(fields.Float):
    """A finite JSON number; text such as "1.5" is refused."""

    def _validated(self, value):
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


class Date(fields.Date):
    """A calendar date written YYYY-MM-DD, the one form of RFC 3339 full-date ('2026-W01-1' is refused)."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, str) or not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class Boolean(fields.Boolean):
    """true or false, nothing that merely looks like them (0, "yes")."""

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool):  # 0 == False in Python, so the type itself is checked
            raise self.make_error("invalid", input=value)
        return value


def _printable(value: str) -> str:
    value = printable_form(value)
    reason = unprintable(value)
    if reason:
        raise ValidationError(reason)
    return value


class Text(fields.String):
    """Text a person reads on a page, a sign or a PDF: stored in NFC, refused if a character cannot print."""

    def __init__(self, **kwargs):
        kwargs["metadata"] = {"pattern": PRINTABLE_PATTERN, **kwargs.get("metadata", {})}
        super().__init__(**kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return _printable(super()._deserialize(value, attr, data, **kwargs))


class Email(fields.Email):
    """An e-mail address that can be printed on a sign."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(_printable(value) if isinstance(value, str) else value, attr, data, **kwargs)


#: An http(s) URL in plain ASCII (an international host in its xn-- form), as the document states it.
URL_PATTERN = (r"^https?://[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}"
               r"[A-Za-z0-9])?)*(?::[0-9]{1,5})?(?:[/?#][!-~]*)?$")


class Url(fields.String):
    """An http or https URL that prints as it is typed: exactly what URL_PATTERN matches."""

    def __init__(self, **kwargs):
        validators = [validate.Regexp(URL_PATTERN, error="Not a valid URL: use http:// or https:// and plain "
                                                         "ASCII, as in https://example.com/policy.")]
        extra = kwargs.pop("validate", None)
        validators += extra if isinstance(extra, list) else ([extra] if extra else [])
        super().__init__(validate=validators, **kwargs)


def time_zone_name(value: str) -> None:
    """Refuse anything but an IANA time zone name, exactly as the database of zones writes it."""
    if not is_time_zone(value):
        raise ValidationError("Not a time zone: give its IANA name, such as Asia/Shanghai or Europe/Berlin.")


def per_language(text_schema: type[Schema], name: str, doc: str) -> type[Schema]:
    """Return a schema named `name` holding text_schema once per language, keyed by tag as the API writes it
    ({"en": …, "zh-Hans": …}), each optional."""
    return type(name, (Schema,), {"__doc__": doc, **{
        tag.replace("-", "_").lower(): fields.Nested(text_schema, allow_none=True, data_key=tag, attribute=tag)
        for tag in TEXT_LANGUAGES}})
