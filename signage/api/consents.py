"""Consent records in the API: record an answer, list and read them, withdraw, confirm deletion, and
fetch a receipt's signed JWS."""
import base64
import binascii

from flask import Response, current_app, g, url_for
from flask.views import MethodView

from sqlalchemy.orm import selectinload

from signage.api.core import LINK_HEADER, Blueprint, paged, requires
from signage.config import pack_settings
from signage.consent import services
from signage.consent.models import ConsentRecord
from signage.consent.rules import consent_in_force
from signage.consent.receipts import releases_dir, signed_receipt
from signage.consent.releases import RELEASE_MAX, store_release
from signage.consent.renewals import needs_renewal, renewal_thresholds
from signage.consent.schemas import (ConsentAnswerSchema, ConsentListSchema, ConsentSchema, DeletionSchema,
                                     ReleaseSchema, ReleaseUploadSchema, WithdrawalSchema)
from signage.database import utcnow
from signage.errors import InvalidInput, NotFound
from signage.http import allow_large_body
from signage.extensions import db
from signage.pagination import keyset_page
from signage.sites.services import get_site

blp = Blueprint("consents-api", __name__, url_prefix="/api/v1",
                description="Consent records, withdrawals, deletions and signed receipts.")
LOCATION = {"Location": {"schema": {"type": "string"}}}
JOSE = "application/jose"


def consent_document(consent: ConsentRecord, *, receipt_code: str | None = None, events: bool = False,
                     thresholds: dict | None = None) -> dict:
    """Return a consent as the API shows it; the receipt code only to the request that made it."""
    answer = consent.events[0].content
    thresholds = renewal_thresholds([consent.site_id]) if thresholds is None else thresholds
    document = {"id": consent.id, "record_id": consent.record_uuid, "site_id": consent.site_id,
                "notice_version": answer["notice"]["version"], "notice_sha256": answer["notice"]["sha256"],
                "subject_ref": consent.subject_ref, "state": consent.state, "purposes": consent.purpose_states,
                "answered_at": consent.answered_at, "expires_at": consent.expires_at,
                "deletion_due_at": consent.deletion_due_at, "deletion_confirmed_at": consent.deletion_confirmed_at,
                "renewal_needed": needs_renewal(consent, thresholds),
                "in_force": consent_in_force(consent.state, consent.expires_at, utcnow())}
    if receipt_code:
        base = current_app.config["PUBLIC_BASE_URL"].rstrip("/")
        document.update(receipt_code=receipt_code, receipt_url=f"{base}/r/{receipt_code}")
    if events:
        document["events"] = [{"seq": event.seq, "event_type": event.event_type, "event_state": event.event_state,
                               "event_time": event.event_time, "sha256": event.sha256, "content": event.content}
                              for event in consent.events]
    return document


@blp.route("/sites/<int:site_id>/consents")
class SiteConsents(MethodView):
    @requires("edit")
    @blp.arguments(ConsentAnswerSchema)
    @blp.response(201, ConsentSchema, headers=LOCATION)
    @blp.problems(403, 404, 409, 413, 415, 422)
    def post(self, data, site_id: int):
        """Record a person's answer under the site's current notice; 409 where consent is not the site's legal
        basis or the site is not active. The answer holds the receipt code, shown only here."""
        site = get_site(g.user.organisation_id, site_id)
        consent, code = services.record_consent(site, data, by=g.user, now=utcnow(), releases=releases_dir())
        db.session.commit()
        return consent_document(consent, receipt_code=code), 201, {
            "Location": url_for("consents-api.ConsentItem", consent_id=consent.id, _external=True)}


@blp.route("/sites/<int:site_id>/releases")
class SiteReleases(MethodView):
    @requires("edit")
    @blp.arguments(ReleaseUploadSchema)
    @blp.response(201, ReleaseSchema)
    @blp.problems(403, 404, 409, 413, 415, 422)
    def post(self, data, site_id: int):
        """Upload a signed written release (BIPA 15(b)(3)) as base64; its SHA-256 is the evidence a given
        consent in Illinois names. PDF, PNG or JPEG by content, at most 5 MB; 409 where the site cannot record
        consent."""
        site = get_site(g.user.organisation_id, site_id)
        services.refuse_recording(site)  # a release is evidence of a consent this site can record
        try:
            content = base64.b64decode(data["data"], validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("The release is not base64.", errors={"data": ["Not base64 (RFC 4648)."]}) from None
        stored = store_release(site, content, by=g.user, now=utcnow(), directory=releases_dir())
        db.session.commit()
        return {"sha256": stored.sha256}


#: base64 of the largest release, and room for the JSON around it
allow_large_body("consents-api.SiteReleases", RELEASE_MAX * 4 // 3 + 4096)


@blp.route("/consents")
class ConsentCollection(MethodView):
    @blp.arguments(ConsentListSchema, location="query")
    @blp.response(200, ConsentSchema(many=True), headers=LINK_HEADER)
    @blp.problems(422)
    def get(self, query):
        """List the organisation's consents, newest first, by site, state and time of answer."""
        consents = services.consents_query(g.user.organisation_id, site_id=query["site"], state=query["state"],
                                           since=query["since"]).options(selectinload(ConsentRecord.events))
        page = keyset_page(db.session, consents, ConsentRecord.id, descending=True, limit=query["limit"],
                           cursor=query["cursor"])
        thresholds = renewal_thresholds(consent.site_id for consent in page.items)
        return paged(page, items=[consent_document(consent, thresholds=thresholds) for consent in page.items])


@blp.route("/consents/<int:consent_id>")
class ConsentItem(MethodView):
    @blp.response(200, ConsentSchema)
    @blp.problems(404)
    def get(self, consent_id: int):
        """Read one consent with every event it has had."""
        return consent_document(services.get_consent(g.user.organisation_id, consent_id), events=True)


@blp.route("/consents/<int:consent_id>/withdraw")
class ConsentWithdrawal(MethodView):
    @requires("edit")
    @blp.arguments(WithdrawalSchema)
    @blp.response(200, ConsentSchema)
    @blp.problems(403, 404, 409, 413, 415, 422)
    def post(self, data, consent_id: int):
        """Withdraw a consent, or some of its optional purposes; a second withdrawal is refused (409). The
        answer holds the withdrawal receipt's code."""
        consent = services.get_consent(g.user.organisation_id, consent_id)
        consent, code = services.withdraw_consent(consent, data, by=g.user, now=utcnow(), settings=pack_settings())
        db.session.commit()
        return consent_document(consent, receipt_code=code, events=True)


@blp.route("/consents/<int:consent_id>/deletion")
class ConsentDeletion(MethodView):
    @requires("edit")
    @blp.arguments(DeletionSchema)
    @blp.response(200, ConsentSchema)
    @blp.problems(403, 404, 409, 413, 415, 422)
    def post(self, data, consent_id: int):
        """Confirm that a withdrawn person's face data is deleted: when, how, and which recipients were told."""
        consent = services.get_consent(g.user.organisation_id, consent_id)
        services.confirm_deletion(consent, data, by=g.user, now=utcnow())
        db.session.commit()
        return consent_document(consent, events=True)


@blp.route("/receipts/<code:code>")
class ReceiptItem(MethodView):
    @blp.response(200, {"type": "string", "description": "A compact JWS (RFC 7515) signed with Ed25519; its "
                        "key is in /.well-known/jwks.json."}, content_type=JOSE)
    @blp.problems(404)
    def get(self, code: str):
        """Return a receipt of the organisation's as its signed JWS; an unknown code is 404."""
        receipt = services.receipt_for_code(code)
        if receipt.record.organisation_id != g.user.organisation_id:
            raise NotFound("No receipt has this code. Check it against your paper receipt.")
        return Response(signed_receipt(receipt), mimetype=JOSE)
