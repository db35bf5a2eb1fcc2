"""What the audit log's readers ask for and are given."""
import re

from marshmallow import RAISE, Schema, ValidationError, fields, validate

from signage.labels import AUDIT_ACTIONS
from signage.pagination import PageQuerySchema

#: Every action the log records (and has recorded), as stored: the labelled ones.
AUDIT_ACTION_NAMES = tuple(AUDIT_ACTIONS)
#: TYPE:ID with an id no larger than a database's big integer (at most 18 digits, so always within it).
SUBJECT_PATTERN = r"^[a-z_]{1,40}:(0|[1-9][0-9]{0,17})$"
#: A user's id, or "system" for whatever no user did.
ACTOR_PATTERN = r"^(system|0|[1-9][0-9]{0,17})$"
#: SEQ:HASH as a verification prints it.
CHECKPOINT_PATTERN = r"^(0|[1-9][0-9]{0,17}):[0-9a-f]{64}$"


class Pair(fields.String):
    """A:B matching a pattern, loaded as a pair of the given types; the pattern is the document's."""

    def __init__(self, pattern: str, error: str, types: tuple, **kwargs):
        self.pattern, self.error, self.types = pattern, error, types
        super().__init__(metadata={"pattern": pattern, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(self.pattern, text):
            raise ValidationError(self.error)
        first, _, second = text.partition(":")
        return self.types[0](first), self.types[1](second)


class Actor(fields.String):
    """A user's id, loaded as an int, or the word system."""

    def __init__(self, **kwargs):
        super().__init__(metadata={"pattern": ACTOR_PATTERN, **kwargs.pop("metadata", {})}, **kwargs)

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if not re.fullmatch(ACTOR_PATTERN, text):
            raise ValidationError("Use a user's id, or system.")
        return text if text == "system" else int(text)


class AuditQuerySchema(PageQuerySchema):
    """The query of the audit log: a page of entries, newest first, optionally of one subject, one action, one
    actor and a range of days."""

    subject = Pair(SUBJECT_PATTERN, "Use TYPE:ID, e.g. sites:12.", (str, int), load_default=None, allow_none=False,
                   metadata={"description": "Only entries about one record, as TYPE:ID (sites:12); a site's "
                                            "include those of its signs and notice versions."})
    action = fields.String(validate=validate.OneOf(AUDIT_ACTION_NAMES), load_default=None, allow_none=False,
                           metadata={"description": "Only entries of one action, such as site.updated."})
    actor = Actor(load_default=None, allow_none=False,
                  metadata={"description": "Only entries by one user, by id, or by the system (system): "
                                           "the command line, the demo data, housekeeping."})
    since = fields.Date(load_default=None, allow_none=False,
                        metadata={"description": "Only entries from this UTC day on (YYYY-MM-DD)."})
    until = fields.Date(load_default=None, allow_none=False,
                        metadata={"description": "Only entries up to and including this UTC day (YYYY-MM-DD)."})

    # a start after the end is a range with nothing in it, answered as such: the document allows it


class VerifyQuerySchema(Schema):
    """The query of a verification: optionally a checkpoint saved earlier."""

    class Meta:
        unknown = RAISE

    checkpoint = Pair(CHECKPOINT_PATTERN, "Use SEQ:HASH as saved from an earlier verification.", (int, str),
                      load_default=None, allow_none=False,
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
        "description": "SEQ:HASH of your organisation's newest entry, checked: keep it elsewhere to prove "
                       "later that history up to it was not rewritten."})
