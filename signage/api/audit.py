"""The audit log in the API: entries by subject, and verification of the chain."""
from flask import g, request
from flask.views import MethodView
from marshmallow import Schema, fields, validate

from signage.api import bp
from signage.api.permissions import require_role
from signage.audit.services import entries_for, verify_log
from signage.http import load_data


class AuditQuerySchema(Schema):
    subject = fields.String(validate=validate.Regexp(r"^[a-z_]+:[0-9]{1,18}$", error="Use TYPE:ID, e.g. sites:12."))
    limit = fields.Integer(load_default=500, validate=validate.Range(min=1, max=5000))


class AuditEntrySchema(Schema):
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
    intact = fields.Boolean()
    entries = fields.Integer()
    break_seq = fields.Integer(allow_none=True)
    detail = fields.String(allow_none=True)


class AuditEntries(MethodView):
    def get(self):
        """List the organisation's audit entries, newest first, optionally for one subject.
        ---
        parameters:
          - in: query
            schema: AuditQuerySchema
        responses:
          200:
            description: Decoded entries with their hashes.
            content:
              application/json:
                schema:
                  type: array
                  items: AuditEntrySchema
          422:
            description: The subject is not of the form TYPE:ID.
        """
        require_role("read")
        query = load_data(AuditQuerySchema(), request.args.to_dict())
        subject_type, subject_id = (None, None)
        if query.get("subject"):
            subject_type, _, raw_id = query["subject"].partition(":")
            subject_id = int(raw_id)
        entries = entries_for(subject_type, subject_id, organisation_id=g.user.organisation_id,
                              limit=query["limit"])
        return AuditEntrySchema(many=True).dump(entries)


class AuditVerification(MethodView):
    def get(self):
        """Walk the whole chain and report whether it is intact, or the first entry that is not.
        ---
        responses:
          200:
            description: The result of the walk.
            content:
              application/json:
                schema: VerificationSchema
        """
        require_role("audit")
        count, found = verify_log()
        return VerificationSchema().dump({"intact": found is None, "entries": count,
                                          "break_seq": found.seq if found else None,
                                          "detail": found.describe() if found else None})


bp.add_url_rule("/audit", view_func=AuditEntries.as_view("audit"))
bp.add_url_rule("/audit/verify", view_func=AuditVerification.as_view("audit_verify"))
