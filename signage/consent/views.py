"""Dashboard pages for consents: the ledger with its chart, one record's events, the deletions owed, exports."""
from datetime import date, timedelta

from flask import Blueprint, Response, flash, g, redirect, render_template, request, stream_with_context, url_for
from flask_babel import gettext as _

from signage.auth.login import require
from signage.config import pack_settings
from signage.consent import channels, exports, renewals, services
from signage.consent.chart import monthly_counts_svg
from signage.consent.models import ConsentRecord
from signage.consent.schemas import ChannelSchema, DeletionSchema, LedgerQuerySchema
from signage.database import utcnow
from signage.errors import InvalidInput
from signage.extensions import db
from signage.http import load_data, load_input, query_args
from signage.local_time import day_start
from signage.pagination import keyset_page
from signage.sites.services import get_site

bp = Blueprint("consent", __name__, url_prefix="/consents")
PAGE_SIZE = 50


def _filtered(query: dict):
    zone = g.user.organisation.time_zone
    since = day_start(query["since"], zone) if query["since"] else None
    # the last day there is has nothing after it to exclude
    until = day_start(query["until"] + timedelta(days=1), zone) if query["until"] and query["until"] < date.max else None
    site = get_site(g.user.organisation_id, query["site"]) if query["site"] else None
    consents = services.consents_query(g.user.organisation_id, site_id=site.id if site else None,
                                       state=query["state"], since=since, until=until, purpose=query["purpose"])
    return site, consents.where(renewals.renewal_filter()) if query["renewal"] else consents


@bp.get("")
@require("read")
def index():
    """List consents newest first, by site, state, purpose and day answered; a site's with its monthly chart."""
    query = load_data(LedgerQuerySchema(), query_args(drop_empty=True))
    site, consents = _filtered(query)
    page = keyset_page(db.session, consents, ConsentRecord.id, descending=True, limit=min(query["limit"], PAGE_SIZE),
                       cursor=query["cursor"])
    chart = None
    if site:
        counts = services.monthly_counts(site.id, now=utcnow(), time_zone=g.user.organisation.time_zone)
        chart = monthly_counts_svg(counts, labels=_chart_labels())
    return render_template("consent/ledger.html", site=site, consents=page.items, page=page, query=query,
                           chart=chart, channels=channels.site_channels(site.id) if site else [],
                           thresholds=renewals.renewal_thresholds(consent.site_id for consent in page.items),
                           export_args={key: value for key, value in query_args(drop_empty=True).items()
                                        if key not in ("cursor", "limit")})


def _chart_labels() -> dict:
    return {"given": _("Given"), "refused": _("Refused"), "withdrawn": _("Withdrawn"),
            "title": _("Consents given, refused and withdrawn per month")}


@bp.get("/<int:consent_id>")
@require("read")
def detail(consent_id: int):
    """Show one consent: what was asked and answered, under which notice, and every event since."""
    consent = services.get_consent(g.user.organisation_id, consent_id)
    return _detail(consent, errors={}, values={})


def _detail(consent, *, errors: dict, values: dict) -> str:
    return render_template("consent/detail.html", consent=consent, answer=consent.events[0].content, errors=errors,
                           values=values, now_iso=utcnow().replace(microsecond=0).isoformat())


@bp.post("/<int:consent_id>/withdraw")
@require("edit")
def withdraw(consent_id: int):
    """Record a withdrawal the person asked for at the desk or by phone; the deletion clock starts."""
    consent = services.get_consent(g.user.organisation_id, consent_id)
    services.withdraw_consent(consent, {"channel": "operator", "scope": "all"}, by=g.user, now=utcnow(),
                              settings=pack_settings())
    db.session.commit()
    flash(_("Consent withdrawn. Delete the person's face data, then confirm it here."))
    return redirect(url_for("consent.detail", consent_id=consent.id), 303)


@bp.post("/<int:consent_id>/deletion")
@require("edit")
def confirm_deletion(consent_id: int):
    """Confirm that a withdrawn person's face data is deleted; their receipt page then says when."""
    consent = services.get_consent(g.user.organisation_id, consent_id)
    try:
        data = load_input(DeletionSchema())
        services.confirm_deletion(consent, data, by=g.user, now=utcnow())
    except InvalidInput as error:
        db.session.rollback()
        consent = services.get_consent(g.user.organisation_id, consent_id)
        return _detail(consent, errors=error.errors or {}, values=request.form.to_dict()), 422
    db.session.commit()
    flash(_("Deletion confirmed: the person's receipt now says when and how."))
    return redirect(url_for("consent.detail", consent_id=consent.id), 303)


@bp.get("/deletions")
@require("read")
def deletions():
    """List the withdrawals whose face data is still to be deleted, oldest first, with their clocks."""
    query = load_data(LedgerQuerySchema(), query_args(drop_empty=True))
    page = keyset_page(db.session, services.pending_deletions_query(g.user.organisation_id), ConsentRecord.id,
                       descending=False, limit=min(query["limit"], PAGE_SIZE), cursor=query["cursor"])
    return render_template("consent/deletions.html", consents=page.items, page=page, now=utcnow())


@bp.get("/export.<any(csv, json):fmt>")
@require("read")
def export(fmt: str):
    """Stream the filtered ledger as CSV or JSON, a batch of rows at a time whatever its length."""
    query = load_data(LedgerQuerySchema(), query_args(drop_empty=True))
    _site, consents = _filtered(query)
    stream = exports.ledger_csv(consents) if fmt == "csv" else exports.ledger_json(consents)
    name = f"consents-{utcnow().date().isoformat()}.{fmt}"
    return Response(stream_with_context(stream), mimetype=exports.MIMETYPES[fmt],
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@bp.post("/channels")
@require("edit")
def open_channel():
    """Open a kiosk link (its address is shown once) or self-service from the notice, for one site."""
    data = load_input(ChannelSchema())
    site = get_site(g.user.organisation_id, data["site_id"])
    channel, token = channels.open_channel(site, data["kind"], data["label"], by=g.user, now=utcnow())
    db.session.commit()
    if token:  # shown on this page only, never put in a redirect or the session cookie
        return render_template("consent/kiosk_link.html", site=site, channel=channel,
                               url=url_for("capture.kiosk", token=token, _external=True)), 201
    flash(_("Self-service consent is offered from the site's notice."))
    return redirect(url_for("consent.index", site=site.id, _anchor="channels"), 303)


@bp.post("/channels/<int:channel_id>/revoke")
@require("edit")
def revoke_channel(channel_id: int):
    """Close a kiosk link or self-service at once."""
    channel = channels.get_channel(g.user.organisation_id, channel_id)
    channels.revoke_channel(channel, by=g.user, now=utcnow())
    db.session.commit()
    flash(_("Closed: %(label)s no longer records consent.", label=channel.label))
    return redirect(url_for("consent.index", site=channel.site_id, _anchor="channels"), 303)
