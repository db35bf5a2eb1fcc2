"""Signs in the API: issue, read, list, put up or take down, reprint, and download their files."""
from flask import Response, current_app, g, url_for
from flask.views import MethodView

from signage.api.core import LINK_HEADER, Blueprint, paged, requires
from signage.config import pack_settings
from signage.database import utcnow
from signage.extensions import db
from signage.pagination import keyset_page
from signage.signs import services
from signage.signs.content import sign_url
from signage.signs.models import Sign
from signage.signs.schemas import (FORMATS, SignFileSchema, SignIssueSchema, SignListSchema, SignSchema,
                                   SignStatusSchema, SiteSignListSchema)
from signage.sites.services import get_site

blp = Blueprint("signs-api", __name__, url_prefix="/api/v1", description="Printable warning signs.")
LOCATION = {"Location": {"schema": {"type": "string"}}}


def public_base_url() -> str:
    """Return the base URL printed on signs and notices, from SIGNAGE_PUBLIC_BASE_URL."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def sign_document(sign) -> dict:
    """Return a sign as the API shows it: the record, its short URL, reprint flag and file links."""
    names = ("serial", "site_id", "placement", "text_translations", "size", "languages", "notice_version",
             "status", "issued_at", "installed_at", "retired_at", "stale_since")
    document = {name: getattr(sign, name) for name in names}
    document.update(url=sign_url(public_base_url(), sign.serial), stale=sign.stale_since is not None,
                    stale_fields=list(sign.stale_fields or []),
                    files={fmt: url_for(f"signs-api.sign_{fmt}", serial=sign.serial, _external=True)
                           for fmt in FORMATS})
    return document


def _created(sign):
    return sign_document(sign), 201, {"Location": url_for("signs-api.SignItem", serial=sign.serial, _external=True)}


@blp.route("/sites/<int:site_id>/signs")
class SiteSigns(MethodView):
    @blp.arguments(SiteSignListSchema, location="query")
    @blp.response(200, SignSchema(many=True), headers=LINK_HEADER)
    @blp.problems(404, 422)
    def get(self, query, site_id: int):
        """List a site's signs, retired ones included, in the order they were issued."""
        site = get_site(g.user.organisation_id, site_id)
        page = keyset_page(db.session, services.site_signs_query(site), Sign.id, descending=False,
                           limit=query["limit"], cursor=query["cursor"])
        return paged(page, items=[sign_document(sign) for sign in page.items])

    @requires("edit")
    @blp.arguments(SignIssueSchema)
    @blp.response(201, SignSchema, headers=LOCATION)
    @blp.problems(403, 404, 409, 413, 415, 422)
    def post(self, data, site_id: int):
        """Issue a sign for a placement; text too long for the size is refused naming the field (422)."""
        site = get_site(g.user.organisation_id, site_id)
        sign = services.issue_sign(site, data, by=g.user, now=utcnow(), settings=pack_settings(),
                                   base_url=public_base_url())
        db.session.commit()
        return _created(sign)


@blp.route("/signs")
class SignCollection(MethodView):
    @blp.arguments(SignListSchema, location="query")
    @blp.response(200, SignSchema(many=True), headers=LINK_HEADER)
    @blp.problems(422)
    def get(self, query):
        """List the organisation's signs that are not retired; stale=true lists those to reprint."""
        signs = services.organisation_signs_query(g.user.organisation_id, stale_only=query["stale"])
        page = keyset_page(db.session, signs, Sign.id, descending=False, limit=query["limit"],
                           cursor=query["cursor"])
        return paged(page, items=[sign_document(sign) for sign in page.items])


@blp.route("/signs/<code:serial>")
class SignItem(MethodView):
    @blp.response(200, SignSchema)
    @blp.problems(404)
    def get(self, serial: str):
        """Read one sign, with its short URL, reprint flag and file links."""
        return sign_document(services.get_sign(g.user.organisation_id, serial))

    @requires("edit")
    @blp.arguments(SignStatusSchema)
    @blp.response(200, SignSchema)
    @blp.problems(403, 404, 409, 413, 415, 422)
    def patch(self, data, serial: str):
        """Mark a sign installed or retired; the date is recorded and logged."""
        sign = services.get_sign(g.user.organisation_id, serial)
        services.change_sign_status(sign, data["status"], reason=data.get("reason"), by=g.user, now=utcnow(),
                                    settings=pack_settings())
        db.session.commit()
        return sign_document(sign)


@blp.route("/signs/<code:serial>/reprint")
class SignReprint(MethodView):
    @requires("edit")
    @blp.response(201, SignSchema, headers=LOCATION)
    @blp.problems(403, 404, 409, 422)
    def post(self, serial: str):
        """Reprint a sign: a fresh serial for the same placement and the current notice; this one retires."""
        sign = services.get_sign(g.user.organisation_id, serial)
        new = services.reprint_sign(sign, by=g.user, now=utcnow(), settings=pack_settings(),
                                   base_url=public_base_url())
        db.session.commit()
        return _created(new)


def _file_resource(fmt: str):
    """Return the resource serving one file format of a sign, documented with its own content type."""

    class SignFile(MethodView):
        @blp.arguments(SignFileSchema, location="query")
        @blp.response(200, {"type": "string", "format": "binary"}, content_type=services.MIMETYPES[fmt])
        @blp.problems(404, 409, 422)
        def get(self, query, serial: str):
            """Download the sign at its own size or ?size=; 409 if it is retired or out of date, or a rule refuses
            its site (other than for missing signs), with the findings."""
            sign = services.get_sign(g.user.organisation_id, serial)
            body = services.sign_file(sign, fmt, size=query["size"], base_url=public_base_url(), now=utcnow(),
                                      settings=pack_settings())
            filename = f"sign-{sign.serial}-{query['size'] or sign.size}.{fmt}"
            return Response(body, mimetype=services.MIMETYPES[fmt],
                            headers={"Content-Disposition": f'attachment; filename="{filename}"'})

    return SignFile


for _fmt in FORMATS:
    blp.route(f"/signs/<code:serial>.{_fmt}", endpoint=f"sign_{_fmt}")(_file_resource(_fmt))
