"""Sites in the API: register, read, change, move through the lifecycle, findings, acknowledgements."""
from flask import g, url_for
from flask.views import MethodView

from signage.api.core import LINK_HEADER, Blueprint, paged, requires
from signage.config import pack_settings
from signage.database import utcnow
from signage.extensions import db
from signage.notices.content import operator_details
from signage.pagination import PageQuerySchema, keyset_page, offset_page
from signage.sites import services
from signage.sites.records import site_record
from signage.sites.lists import SiteFilters, filtered_sites
from signage.sites.models import Site
from signage.sites.schemas import (AcknowledgementOutSchema, AcknowledgementSchema, FindingSchema,
                                   SiteListQuerySchema, SitePatchSchema, SiteSchema, StatusChangeSchema)

blp = Blueprint("sites-api", __name__, url_prefix="/api/v1/sites", description="FR sites under the law's rules.")


def site_document(site) -> dict:
    """Return a site as the API shows it: the record plus its identity and operator."""
    operator = operator_details(site.organisation)
    document = site_record(site)
    document.update(id=site.id, code=site.code, status=site.status, status_changed_at=site.status_changed_at,
                    created_at=site.created_at, updated_at=site.updated_at,
                    operator_legal_name=operator["legal_name"], dpo_contact=operator["dpo"],
                    operator_contact={key: operator[key] for key in ("address", "email", "phone")})
    return document


@blp.route("")
class SiteCollection(MethodView):
    @blp.arguments(SiteListQuerySchema, location="query")
    @blp.response(200, SiteSchema(many=True), headers=LINK_HEADER)
    @blp.problems(422)
    def get(self, query):
        """List the organisation's sites, newest first, a page at a time, filtered by status, jurisdiction,
        findings, signs to reprint or text."""
        sites = filtered_sites(g.user.organisation_id, SiteFilters.from_query(query))
        page = keyset_page(db.session, sites, Site.id, descending=True, limit=query["limit"], cursor=query["cursor"])
        return paged(page, items=[site_document(site) for site in page.items])

    @requires("edit")
    @blp.arguments(SiteSchema)
    @blp.response(201, SiteSchema, headers={"Location": {"schema": {"type": "string"}}})
    @blp.problems(403, 413, 415, 422)
    def post(self, data):
        """Register a site as a draft; a draft may be incomplete."""
        site = services.register_site(g.user.organisation, data, by=g.user, now=utcnow(), settings=pack_settings())
        db.session.commit()
        return site_document(site), 201, {"Location": url_for("sites-api.SiteItem", site_id=site.id, _external=True)}


@blp.route("/<int:site_id>")
class SiteItem(MethodView):
    @blp.response(200, SiteSchema)
    @blp.problems(404)
    def get(self, site_id: int):
        """Read one site."""
        return site_document(services.get_site(g.user.organisation_id, site_id))

    @requires("edit")
    @blp.arguments(SitePatchSchema)
    @blp.response(200, SiteSchema)
    @blp.problems(403, 404, 409, 413, 415, 422)
    def patch(self, data, site_id: int):
        """Change some fields; a nested object given replaces the old one whole. Active sites must still
        pass every ERROR rule (409 lists the findings)."""
        site = services.get_site(g.user.organisation_id, site_id)
        services.update_site(site, data, by=g.user, now=utcnow(), settings=pack_settings())
        db.session.commit()
        return site_document(site)


@blp.route("/<int:site_id>/status")
class SiteStatus(MethodView):
    @requires("edit")
    @blp.arguments(StatusChangeSchema)
    @blp.response(200, SiteSchema)
    @blp.problems(403, 404, 409, 413, 415, 422)
    def post(self, data, site_id: int):
        """Move a site to active, suspended or decommissioned, with a reason; 409 lists what refuses it."""
        site = services.get_site(g.user.organisation_id, site_id)
        services.change_status(site, data["status"], reason=data.get("reason"), by=g.user, now=utcnow(),
                               settings=pack_settings())
        db.session.commit()
        return site_document(site)


@blp.route("/<int:site_id>/findings")
class SiteFindings(MethodView):
    @blp.arguments(PageQuerySchema, location="query")
    @blp.response(200, FindingSchema(many=True), headers=LINK_HEADER)
    @blp.problems(404, 422)
    def get(self, query, site_id: int):
        """List the rules' findings for a site, errors first; a draft is checked as if going live."""
        site = services.get_site(g.user.organisation_id, site_id)
        findings = services.site_findings(site, today=utcnow().date(), settings=pack_settings())
        return paged(offset_page(findings, limit=query["limit"], cursor=query["cursor"]))


@blp.route("/<int:site_id>/acknowledgements")
class SiteAcknowledgements(MethodView):
    @requires("edit")
    @blp.arguments(AcknowledgementSchema)
    @blp.response(201, AcknowledgementOutSchema, headers={"Location": {"schema": {"type": "string"}}})
    @blp.problems(403, 404, 409, 413, 415, 422)
    def post(self, data, site_id: int):
        """Acknowledge a current warning for a site; the acknowledgement is logged."""
        site = services.get_site(g.user.organisation_id, site_id)
        ack = services.acknowledge_finding(site, data, by=g.user, now=utcnow(), settings=pack_settings())
        db.session.commit()
        return ack, 201, {"Location": url_for("sites-api.SiteFindings", site_id=site.id, _external=True)}
