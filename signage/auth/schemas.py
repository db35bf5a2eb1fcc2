"""What sign-in, user, token and organisation forms accept."""
from marshmallow import Schema, fields, validate

from signage.auth.models import ROLES, TOKEN_SCOPES
from signage.validation import Boolean, Email, Text, WholeNumber, time_zone_name
from signage.vocabulary import MAX_STORED_INDIVIDUALS


class LoginSchema(Schema):
    email = fields.String(required=True, validate=validate.Length(min=1, max=254))
    password = fields.String(required=True, load_only=True, validate=validate.Length(min=1, max=200))


class UserCreateSchema(Schema):
    email = Email(required=True, validate=validate.Length(max=254))
    name = Text(validate=validate.Length(max=200), load_default=None)
    role = fields.String(required=True, validate=validate.OneOf(ROLES))
    password = fields.String(required=True, load_only=True, validate=validate.Length(max=200))


class UserUpdateSchema(Schema):
    role = fields.String(validate=validate.OneOf(ROLES))
    active = Boolean()


class TokenCreateSchema(Schema):
    name = Text(required=True, validate=validate.Length(min=1, max=100))
    #: Least privilege unless asked: a token that only reads cannot change a record if it leaks.
    scope = fields.String(validate=validate.OneOf(TOKEN_SCOPES), load_default="read")
    #: The last day the token works, in the organisation's time zone; blank is 90 days from now.
    expires_on = fields.Date(load_default=None)


class LocaleSchema(Schema):
    locale = fields.String(required=True, validate=validate.OneOf(("en", "zh_Hans")))


class ContactSchema(Schema):
    name = Text(validate=validate.Length(max=200), load_default=None, allow_none=True)
    email = Email(validate=validate.Length(max=254), load_default=None, allow_none=True)
    phone = Text(validate=validate.Length(max=50), load_default=None, allow_none=True)


class OrganisationNamesSchema(Schema):
    """The organisation's names in one more language; a name not given is printed as written."""

    legal_name = Text(validate=validate.Length(max=200), allow_none=True)
    address = Text(validate=validate.Length(max=500), allow_none=True)
    dpo_name = Text(validate=validate.Length(max=200), allow_none=True)


class OrganisationNameTranslationsSchema(Schema):
    en = fields.Nested(OrganisationNamesSchema, allow_none=True)
    zh_hans = fields.Nested(OrganisationNamesSchema, allow_none=True, data_key="zh-Hans", attribute="zh-Hans")


class OrganisationSchema(Schema):
    """The operator's identity and contacts, printed on every notice."""

    id = fields.Integer(dump_only=True)
    legal_name = Text(required=True, validate=validate.Length(min=1, max=200))
    registration_number = Text(validate=validate.Length(max=100), allow_none=True)
    address = Text(validate=validate.Length(max=500), allow_none=True)
    contact_email = Email(validate=validate.Length(max=254), allow_none=True)
    contact_phone = Text(validate=validate.Length(max=50), allow_none=True)
    dpo_contact = fields.Nested(ContactSchema, allow_none=True)
    name_translations = fields.Nested(OrganisationNameTranslationsSchema, allow_none=True, metadata={
        "description": "The legal name, address and officer's name in other languages, by language tag."})
    stored_individuals_count = WholeNumber(validate=validate.Range(min=0, max=MAX_STORED_INDIVIDUALS))
    time_zone = Text(validate=time_zone_name, error_messages={"null": "Choose a time zone."}, metadata={
        "description": "The IANA time zone the dashboard shows times and audit-log days in.",
        "example": "Asia/Shanghai"})
    request_answer_days = WholeNumber(validate=validate.Range(min=1, max=365), allow_none=True, metadata={
        "description": "Days to answer a person's request where no law of the site sets a period."})
    count_threshold_reached_on = fields.Date(dump_only=True)
