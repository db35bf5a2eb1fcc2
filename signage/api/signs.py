"""Signs in the API: issue, read, files, put up or take down, reprint, list; a site's notice versions."""
from flask import Response, current_app, g, request, url_for
from flask.views import MethodView

from signage.api import bp
from signage.api.permissions import require_role
from signage.database import utcnow
from signage.extensions import db
from signage.http import load_data, load_input
from signage.notices.services import versions_for
from signage.signs import services
from signage.signs.content import sign_url
from signage.signs.schemas import (
    FORMATS, NoticeVersionSchema, SignFileSchema, SignIssueSchema, SignListSchema, SignSchema, SignStatusSchema)
from signage.sites.services import get_site


def public_base_url() -> str:
    """Return the base URL printed on signs and notices, from SIGNAGE_PUBLIC_BASE_URL."""
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/")


def sign_document(sign) -> dict:
    """Return a sign as the API shows it: the record, its short URL, reprint flag and file links."""
    names = ("serial", "site_id", "placement", "size", "languages", "notice_version", "status", "issued_at",
             "installed_at", "retired_at", "stale_since")
    document = {name: getattr(sign, name) for name in names}
    document.update(url=sign_url(public_base_url(), sign.serial), stale=sign.stale_since is not None,
                    stale_fields=list(sign.stale_fields or []),
                    files={fmt: url_for(f"api.sign_{fmt}", serial=sign.serial, _external=True) for fmt in FORMATS})
    return SignSchema().dump(document)


def _created(sign):
    return sign_document(sign), 201, {"Location": url_for("api.sign", serial=sign.serial, _external=True)}


class SiteSigns(MethodView):
    def get(self, site_id: int):
        """List a site's signs, retired ones included.
        ---
        responses:
          200:
            description: The site's signs in the order they were issued.
            content:
              application/json:
                schema:
                  type: array
                  items: SignSchema
          404:
            description: No such site in your organisation.
        """
        site = get_site(g.user.organisation_id, site_id)
        return [sign_document(sign) for sign in services.signs_for(site)]

    def post(self, site_id: int):
        """Issue a sign for a placement at a site.
        ---
        requestBody:
          content:
            application/json:
              schema: SignIssueSchema
        responses:
          201:
            description: The new sign; Location is its URL.
            content:
              application/json:
                schema: SignSchema
          409:
            description: The site is decommissioned.
          422:
            description: A field failed validation, or a site field is too long for the size; errors name it.
        """
        require_role("edit")
        site = get_site(g.user.organisation_id, site_id)
        data = load_input(SignIssueSchema())
        sign = services.issue_sign(site, data, by=g.user, now=utcnow(), base_url=public_base_url())
        db.session.commit()
        return _created(sign)


class SignCollection(MethodView):
    def get(self):
        """List the organisation's signs that are not retired; stale=true lists those to reprint.
        ---
        parameters:
          - in: query
            name: stale
            schema:
              type: boolean
            description: Only signs whose printed text went out of date.
        responses:
          200:
            description: The signs, with what changed on those to reprint.
            content:
              application/json:
                schema:
                  type: array
                  items: SignSchema
        """
        stale_only = load_data(SignListSchema(), request.args.to_dict())["stale"]
        signs = services.organisation_signs(g.user.organisation_id, stale_only=stale_only)
        return [sign_document(sign) for sign in signs]


class SignItem(MethodView):
    def get(self, serial: str):
        """Read one sign, with its short URL, reprint flag and file links.
        ---
        responses:
          200:
            description: The sign.
            content:
              application/json:
                schema: SignSchema
          404:
            description: No such sign in your organisation.
        """
        return sign_document(services.get_sign(g.user.organisation_id, serial))

    def patch(self, serial: str):
        """Mark a sign installed or retired; the date is recorded and logged.
        ---
        requestBody:
          content:
            application/json:
              schema: SignStatusSchema
        responses:
          200:
            description: The sign in its new status.
            content:
              application/json:
                schema: SignSchema
          409:
            description: The move is not allowed, or the sign is out of date and must be reprinted.
          422:
            description: A field failed validation.
        """
        require_role("edit")
        sign = services.get_sign(g.user.organisation_id, serial)
        data = load_input(SignStatusSchema())
        services.change_sign_status(sign, data["status"], reason=data.get("reason"), by=g.user, now=utcnow())
        db.session.commit()
        return sign_document(sign)


class SignReprint(MethodView):
    def post(self, serial: str):
        """Reprint a sign: issue a fresh one for the same placement and retire this one.
        ---
        responses:
          201:
            description: The new sign, with a new serial and the current notice version.
            content:
              application/json:
                schema: SignSchema
          409:
            description: The sign is retired, or its site is decommissioned.
        """
        require_role("edit")
        sign = services.get_sign(g.user.organisation_id, serial)
        new = services.reprint_sign(sign, by=g.user, now=utcnow(), base_url=public_base_url())
        db.session.commit()
        return _created(new)


class SignFile(MethodView):
    def get(self, serial: str, fmt: str):
        """Download a sign file at its own size or ?size= (A5, A4, A3, LETTER, STICKER).
        ---
        parameters:
          - in: query
            name: size
            schema:
              type: string
              enum: [A5, A4, A3, LETTER, STICKER]
        responses:
          200:
            description: The printable file; PNG is rendered at 300 dpi.
            content:
              application/pdf:
                schema:
                  type: string
                  format: binary
              image/svg+xml:
                schema:
                  type: string
              image/png:
                schema:
                  type: string
                  format: binary
          409:
            description: The sign is retired or out of date; reprint it.
          422:
            description: Unknown size, or a site field too long for the size; errors name the field.
        """
        sign = services.get_sign(g.user.organisation_id, serial)
        size = load_data(SignFileSchema(), request.args.to_dict())["size"]
        body = services.sign_file(sign, fmt, size=size, base_url=public_base_url(), now=utcnow())
        filename = f"sign-{sign.serial}-{size or sign.size}.{fmt}"
        return Response(body, mimetype=services.MIMETYPES[fmt],
                        headers={"Content-Disposition": f'attachment; filename="{filename}"'})


class SiteNotices(MethodView):
    def get(self, site_id: int):
        """List a site's published notice versions, newest first.
        ---
        responses:
          200:
            description: Each version's number, date, hash, changed fields and public page.
            content:
              application/json:
                schema:
                  type: array
                  items: NoticeVersionSchema
          404:
            description: No such site in your organisation.
        """
        site = get_site(g.user.organisation_id, site_id)
        base = public_base_url()
        rows = [{"number": v.number, "effective_from": v.effective_from, "sha256": v.sha256,
                 "changed_fields": v.changed_fields or [],
                 "url": base + url_for("notices.version", code=site.code, number=v.number)}
                for v in versions_for(site)]
        return NoticeVersionSchema(many=True).dump(rows)


bp.add_url_rule("/sites/<int:site_id>/signs", view_func=SiteSigns.as_view("site_signs"))
bp.add_url_rule("/sites/<int:site_id>/notices", view_func=SiteNotices.as_view("site_notices"))
bp.add_url_rule("/signs", view_func=SignCollection.as_view("signs"))
bp.add_url_rule("/signs/<serial>", view_func=SignItem.as_view("sign"))
bp.add_url_rule("/signs/<serial>/reprint", view_func=SignReprint.as_view("sign_reprint"))
for _fmt in FORMATS:
    bp.add_url_rule(f"/signs/<serial>.{_fmt}", view_func=SignFile.as_view(f"sign_{_fmt}"), defaults={"fmt": _fmt})
