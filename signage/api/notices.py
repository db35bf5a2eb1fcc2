"""A site's published notice versions in the API."""
from flask import current_app, g, url_for
from flask.views import MethodView

from signage.api.core import LINK_HEADER, Blueprint, paged
from signage.extensions import db
from signage.notices.models import NoticeVersion
from signage.notices.schemas import NoticeVersionListSchema, NoticeVersionSchema
from signage.notices.services import versions_query
from signage.pagination import keyset_page
from signage.sites.services import get_site

blp = Blueprint("notices-api", __name__, url_prefix="/api/v1", description="Published notice versions.")


@blp.route("/sites/<int:site_id>/notices")
class SiteNotices(MethodView):
    @blp.arguments(NoticeVersionListSchema, location="query")
    @blp.response(200, NoticeVersionSchema(many=True), headers=LINK_HEADER)
    @blp.problems(404, 422)
    def get(self, query, site_id: int):
        """List a site's published notice versions, newest first, with hashes and public pages."""
        site = get_site(g.user.organisation_id, site_id)
        page = keyset_page(db.session, versions_query(site), NoticeVersion.id, descending=True,
                           limit=query["limit"], cursor=query["cursor"])
        base = current_app.config["PUBLIC_BASE_URL"]
        return paged(page, items=[{"number": v.number, "effective_from": v.effective_from, "sha256": v.sha256,
                                   "changed_fields": v.changed_fields or [],
                                   "url": base + url_for("notices.version", code=site.code, number=v.number)}
                                  for v in page.items])
