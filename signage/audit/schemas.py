"""What the audit log's readers ask for and are given."""
from marshmallow import Schema, fields, validate

from signage.pagination import PageQuerySchema

#: The largest id any subject has (a database integer), so a subject beyond it names nothing.
MAX_SUBJECT_ID = 2**63 - 1


class AuditQuerySchema(PageQuerySchema):
    """The query of the audit log: a page of entries, newest first, optionally of one subject."""

    subject = fields.String(validate=validate.Regexp(r"^[a-z_]{1,40}:[0-9]{1,19}$",
                                                     error="Use TYPE:ID, e.g. sites:12."),
                            metadata={"description": "Only entries about one record, as TYPE:ID (sites:12)."})


class VerifyQuerySchema(Schema):
    """The query of a verification: optionally a checkpoint saved earlier."""

    class Meta:
        unknown = "raise"

    checkpoint = fields.String(validate=validate.Regexp(r"^[0-9]{1,19}:[0-9a-f]{64}$",
                                                        error="Use SEQ:HASH as saved from an earlier verification."),
                               metadata={"description": "An entry number and hash saved earlier, as SEQ:HASH."})


class AuditEntrySchema(Schema):
    """One entry as it was hashed, with its own hash and its predecessor's."""

    seq = fields.Integer()
    time = fields.String()
    action = fields.String()
    actor = fields.Dict()
    subject = fields.Dict()
    organisation_id = fields.Integer(allow_none=True)
    changes = fields.Dict()
    reason = fields.String(allow_none=True)
    prev_hash = fields.String()
    hash = fields.String()


class VerificationSchema(Schema):
    """What a walk of the whole chain found, as far as the caller may see."""

    intact = fields.Boolean()
    entries = fields.Integer(metadata={"description": "Entries of your organisation in the chain."})
    break_seq = fields.Integer(allow_none=True, metadata={"description": "The first broken entry, if yours."})
    detail = fields.String(allow_none=True)
    checkpoint = fields.String(allow_none=True, metadata={
        "description": "SEQ:HASH of the newest entry: keep it elsewhere to prove later that history was not rewritten."})
