"""The filing dossier of a site as one ZIP download: dossier.pdf, dossier.json with the same content, and a
README naming them with their SHA-256."""
from flask import Blueprint, Response, g

from marshmallow import RAISE, Schema, fields, validate

from signage.auth.login import require
from signage.calendar.dossier import dossier_facts, dossier_kinds
from signage.calendar.dossier_content import dossier_archive, dossier_document
from signage.calendar.dossier_pdf import dossier_pdf
from signage.config import pack_settings
from signage.database import utcnow
from signage.http import load_data, query_args
from signage.sites.services import get_site

bp = Blueprint("dossier", __name__, url_prefix="/calendar/dossier")


class DossierQuerySchema(Schema):
    """Which dossier: one of those the site can have (the CN filings only for a site in China)."""

    class Meta:
        unknown = RAISE

    def __init__(self, kinds: tuple[str, ...], **kwargs):
        super().__init__(**kwargs)
        self.fields["kind"].validators = [validate.OneOf(kinds)]

    kind = fields.String(required=True)


@bp.get("/<int:site_id>.zip")
@require("read")
def download(site_id: int):
    """Download a site's dossier of one kind (cn_filing, cn_change, cn_cancellation or evidence)."""
    site = get_site(g.user.organisation_id, site_id)
    kind = load_data(DossierQuerySchema(dossier_kinds(site)), query_args())["kind"]
    now = utcnow()
    document = dossier_document(dossier_facts(site, kind, now=now, soon_days=pack_settings().duty_due_soon_days))
    body = dossier_archive(document, dossier_pdf(document), at=now)
    return Response(body, mimetype="application/zip", headers={
        "Content-Disposition": f'attachment; filename="dossier-{site.code}-{kind}.zip"',
        "Cache-Control": "no-store"})
