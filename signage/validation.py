"""Field types every feature's schemas share: whole numbers, printable text and e-mail addresses."""
import re

from marshmallow import ValidationError, fields

from signage.fonts import printable_form, unprintable


class WholeNumber(fields.Integer):
    """A whole number in ASCII digits: 1.5 or '٣' are refused rather than truncated or guessed."""

    def _validated(self, value):
        if isinstance(value, float) and not value.is_integer():
            raise self.make_error("invalid", input=value)
        if isinstance(value, str) and not re.fullmatch(r"\s*[+-]?[0-9]+\s*", value):
            raise self.make_error("invalid", input=value)
        return super()._validated(value)


def _printable(value: str) -> str:
    value = printable_form(value)
    reason = unprintable(value)
    if reason:
        raise ValidationError(reason)
    return value


class Text(fields.String):
    """Text a person reads on a page, a sign or a PDF: stored in NFC, refused if a character cannot print."""

    def _deserialize(self, value, attr, data, **kwargs):
        return _printable(super()._deserialize(value, attr, data, **kwargs))


class Email(fields.Email):
    """An e-mail address that can be printed on a sign."""

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(_printable(value) if isinstance(value, str) else value, attr, data, **kwargs)


class Url(fields.Url):
    """An http or https URL that can be printed."""

    def __init__(self, **kwargs):
        super().__init__(schemes={"http", "https"}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        return super()._deserialize(_printable(value) if isinstance(value, str) else value, attr, data, **kwargs)
