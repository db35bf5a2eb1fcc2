"""The audit log in the API: entries, by subject or all, and verification of the whole chain."""
from flask import current_app, g
from flask.views import MethodView

from signage.api.core import LINK_HEADER, Blueprint, paged, requires
from signage.audit.models import AuditEntry
from signage.audit.schemas import AuditEntrySchema, AuditQuerySchema, VerificationSchema, VerifyQuerySchema
from signage.audit.services import decoded
from signage.audit.verification import checkpoint_break, report_for, verify_log
from signage.extensions import db, limiter
from signage.pagination import keyset_page
from signage.signs.history import audit_query

blp = Blueprint("audit-api", __name__, url_prefix="/api/v1/audit", description="The tamper-evident audit log.")


@blp.route("")
class AuditEntries(MethodView):
    @requires("audit")
    @blp.arguments(AuditQuerySchema, location="query")
    @blp.response(200, AuditEntrySchema(many=True), headers=LINK_HEADER)
    @blp.problems(403, 422)
    def get(self, query):
        """List the organisation's audit entries, newest first, optionally of one subject (sites:12, with its
        signs and notice versions), one action, one actor (a user's id, or system) and a range of days."""
        page = keyset_page(db.session, audit_query(g.user.organisation_id, query), AuditEntry.id, descending=True, limit=query["limit"],
                           cursor=query["cursor"])
        return paged(page, items=[decoded(entry) for entry in page.items])


@blp.route("/verify")
class AuditVerification(MethodView):
    decorators = [limiter.limit(lambda: current_app.config["RATELIMIT_VERIFY"], scope="verify")]

    @requires("audit")
    @blp.arguments(VerifyQuerySchema, location="query")
    @blp.response(200, VerificationSchema)
    @blp.problems(403, 422)
    def get(self, query):
        """Walk the whole chain and the records it vouches for; report what your organisation may see."""
        checkpoint = checkpoint_break(*query["checkpoint"]) if query["checkpoint"] else None
        return report_for(verify_log(), organisation_id=g.user.organisation_id, checkpoint=checkpoint)
