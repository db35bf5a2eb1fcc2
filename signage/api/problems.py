"""The RFC 9457 problem document every API error is, as the OpenAPI document describes it."""
from marshmallow import Schema, fields

from signage.sites.schemas import FindingSchema


class ProblemSchema(Schema):
    """An RFC 9457 problem: type, title, status and detail, with field errors and rule findings."""

    type = fields.String(required=True, metadata={"description": "A URI naming the problem, or about:blank."})
    title = fields.String(required=True)
    status = fields.Integer(required=True)
    detail = fields.String(required=True)
    errors = fields.Dict(keys=fields.String(), metadata={
        "description": "Messages by field name; nested fields as nested objects or row numbers."})
    findings = fields.List(fields.Nested(FindingSchema), metadata={
        "description": "The rule findings that refuse a change, with the fields to fix."})
