"""The audit log in the API: entries, by subject or all, and verification of the whole chain."""
from flask import current_app, g
from flask.views import MethodView

from signage.api.core import LINK_HEADER, Blueprint, paged, requires
from signage.audit.models import AuditEntry
from signage.audit.schemas import AuditEntrySchema, AuditQuerySchema, VerificationSchema, VerifyQuerySchema
from signage.audit.services import checkpoint_break, decoded, entries_query, report_for, verify_log
from signage.extensions import db, limiter
from signage.pagination import keyset_page

blp = Blueprint("audit-api", __name__, url_prefix="/api/v1/audit", description="The tamper-evident audit log.")


@blp.route("")
class AuditEntries(MethodView):
    @requires("audit")
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True), headers=LINK_HEADER)
    @blp.problems(403, 422)
    def get(self, query):
        """List the organisation's audit entries, newest first, optionally of one subject (sites:12)."""
        subject_type, subject_id = query["subject"] or (None, None)
        entries = entries_query(subject_type, subject_id, organisation_id=g.user.organisation_id)
        page = keyset_page(db.session, entries, AuditEntry.id, descending=True, limit=query["limit"],
                           cursor=query["cursor"])
        return paged(page, items=[decoded(entry) for entry in page.items])


@blp.route("/verify")
class AuditVerification(MethodView):
    decorators = [limiter.limit(lambda: current_app.config["RATELIMIT_VERIFY"])]

    @requires("audit")
    @blp.arguments(VerifyQuerySchema, location="query")
    @blp.response(200, VerificationSchema)
    @blp.problems(403, 422)
    def get(self, query):
        """Walk the whole chain and the records it vouches for; report what your organisation may see."""
        checkpoint = checkpoint_break(*query["checkpoint"]) if query["checkpoint"] else None
        return report_for(verify_log(), organisation_id=g.user.organisation_id, checkpoint=checkpoint)
