"""Sites in the API: list, register, read, change, move through the lifecycle, findings."""
from flask import g, url_for
from flask.views import MethodView

from signage.api import bp
from signage.api.permissions import require_role
from signage.database import utcnow
from signage.extensions import db
from signage.http import load_input
from signage.notices.content import operator_details
from signage.sites import services
from signage.sites.context import pack_settings
from signage.sites.schemas import AcknowledgementSchema, FindingSchema, SiteSchema, StatusChangeSchema


def site_document(site) -> dict:
    """Return a site as the API shows it: the record plus its identity and operator."""
    operator = operator_details(site.organisation)
    document = services.site_record(site)
    document.update(id=site.id, code=site.code, status=site.status, status_changed_at=site.status_changed_at,
                    created_at=site.created_at, updated_at=site.updated_at,
                    operator_legal_name=operator["legal_name"], dpo_contact=operator["dpo"],
                    operator_contact={key: operator[key] for key in ("address", "email", "phone")})
    return SiteSchema().dump(document)


class SiteCollection(MethodView):
    def get(self):
        """List the organisation's sites.
        ---
        responses:
          200:
            description: The sites, newest first.
            content:
              application/json:
                schema:
                  type: array
                  items: SiteSchema
        """
        return [site_document(site) for site in services.list_sites(g.user.organisation_id)]

    def post(self):
        """Register a site as a draft.
        ---
        requestBody:
          content:
            application/json:
              schema: SiteSchema
        responses:
          201:
            description: The new draft site.
            content:
              application/json:
                schema: SiteSchema
          422:
            description: A field failed validation.
        """
        require_role("edit")
        data = load_input(SiteSchema())
        site = services.register_site(g.user.organisation, data, by=g.user, now=utcnow())
        db.session.commit()
        return site_document(site), 201, {"Location": url_for("api.site", site_id=site.id, _external=True)}


class SiteItem(MethodView):
    def get(self, site_id: int):
        """Read one site.
        ---
        responses:
          200:
            description: The site.
            content:
              application/json:
                schema: SiteSchema
          404:
            description: No such site in your organisation.
        """
        return site_document(services.get_site(g.user.organisation_id, site_id))

    def patch(self, site_id: int):
        """Change some fields of a site; an active site must still pass every ERROR rule.
        ---
        requestBody:
          content:
            application/json:
              schema: SiteSchema
        responses:
          200:
            description: The changed site.
            content:
              application/json:
                schema: SiteSchema
          409:
            description: The rules refuse the change; the problem lists the findings.
          422:
            description: A field failed validation.
        """
        require_role("edit")
        site = services.get_site(g.user.organisation_id, site_id)
        data = load_input(SiteSchema(), partial=True)
        services.update_site(site, data, by=g.user, now=utcnow(), settings=pack_settings())
        db.session.commit()
        return site_document(site)


class SiteStatus(MethodView):
    def post(self, site_id: int):
        """Move a site to active, suspended or decommissioned, with a reason.
        ---
        requestBody:
          content:
            application/json:
              schema: StatusChangeSchema
        responses:
          200:
            description: The site in its new status.
            content:
              application/json:
                schema: SiteSchema
          409:
            description: The move is not allowed, or the rules refuse it; the problem lists the findings.
        """
        require_role("edit")
        site = services.get_site(g.user.organisation_id, site_id)
        data = load_input(StatusChangeSchema())
        services.change_status(site, data["status"], reason=data.get("reason"), by=g.user, now=utcnow(),
                               settings=pack_settings())
        db.session.commit()
        return site_document(site)


class SiteFindings(MethodView):
    def get(self, site_id: int):
        """List the rules' findings for a site; a draft is checked as if going live.
        ---
        responses:
          200:
            description: Errors block activation; warnings show until acknowledged.
            content:
              application/json:
                schema:
                  type: array
                  items: FindingSchema
        """
        site = services.get_site(g.user.organisation_id, site_id)
        findings = services.site_findings(site, today=utcnow().date(), settings=pack_settings())
        return FindingSchema(many=True).dump(findings)


class SiteAcknowledgements(MethodView):
    def post(self, site_id: int):
        """Acknowledge a warning for a site; the acknowledgement is logged.
        ---
        requestBody:
          content:
            application/json:
              schema: AcknowledgementSchema
        responses:
          201:
            description: The acknowledgement, and the findings as they now stand.
            content:
              application/json:
                schema:
                  type: array
                  items: FindingSchema
        """
        require_role("edit")
        site = services.get_site(g.user.organisation_id, site_id)
        data = load_input(AcknowledgementSchema())
        services.acknowledge_finding(site, data, by=g.user, now=utcnow(), settings=pack_settings())
        db.session.commit()
        findings = services.site_findings(site, today=utcnow().date(), settings=pack_settings())
        return FindingSchema(many=True).dump(findings), 201, {
            "Location": url_for("api.site_findings", site_id=site.id, _external=True)}


bp.add_url_rule("/sites", view_func=SiteCollection.as_view("sites"))
bp.add_url_rule("/sites/<int:site_id>", view_func=SiteItem.as_view("site"))
bp.add_url_rule("/sites/<int:site_id>/status", view_func=SiteStatus.as_view("site_status"))
bp.add_url_rule("/sites/<int:site_id>/findings", view_func=SiteFindings.as_view("site_findings"))
bp.add_url_rule("/sites/<int:site_id>/acknowledgements", view_func=SiteAcknowledgements.as_view("site_acknowledgements"))
