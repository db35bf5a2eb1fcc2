"""Receipts in public: the page a receipt's QR code opens, its PDF and signed JSON, withdrawal with one
confirmation, and the service's public keys. No account, no cookie, no script."""
import hashlib
import hmac
import re
import time

from flask import Blueprint, Response, current_app, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale

from signage.config import pack_settings
from signage.consent import services
from signage.consent.codes import normalised_code
from signage.consent.page import printed_model, receipt_model
from signage.notices.page import language_links
from signage.consent.receipts import signed_receipt, signing_keys
from signage.database import utcnow
from signage.extensions import csrf, db, limiter
from signage.errors import Conflict, NotFound
from signage.i18n import LOCALES_BY_TAG, TAGS, locale_from_tag, negotiated_locale
from signage.notices.cache import caches

bp = Blueprint("receipts", __name__)
#: How long a withdrawal form stays valid once shown.
FORM_TOKEN_SECONDS = 3600
#: The audit log names this actor "the person, with their receipt code" in the reader's language (consent_labels).
RECEIPT_ACTOR = {"type": "person", "label": "person"}


def _limit():
    return current_app.config["RATELIMIT_PUBLIC_FORM"]


def _per_code() -> str:
    """Key a limit on the code asked about, whichever address asks, so guessing one code is slow too."""
    code = normalised_code(request.view_args.get("code", "")) or "-"
    return "receipt|" + services.code_hash(code)[:32]


@bp.get("/r/")
@limiter.limit(lambda: current_app.config["RATELIMIT_RECEIPT_LOOKUP"], scope="receipt-lookup")
def lookup():
    """Ask for a receipt code (the notice page links here) and open its receipt."""
    typed = request.args.get("code")
    code = normalised_code(typed) if typed is not None else None
    if code:
        return redirect(url_for("receipts.receipt", code=code, lang=request.args.get("lang") or None), code=303)
    return _lookup_page(typed, status=200 if typed is None else 404)


@bp.get("/r/<code:code>")
@limiter.limit(lambda: current_app.config["RATELIMIT_RECEIPT_LOOKUP"], scope="receipt-lookup")
def receipt(code):
    """Show a receipt in the person's language: what they agreed to, under which notice, and what followed."""
    try:
        receipt = services.receipt_for_code(code)
    except NotFound:
        return _lookup_page(code, status=404)
    return _page(receipt, normalised_code(code))


def _lookup_page(typed: str | None, *, status: int) -> Response:
    """The code form, saying when a code opens nothing; never whether some other code would."""
    locale = locale_from_tag(request.args.get("lang")) or _negotiated()
    with force_locale(locale):
        html = render_template("consent/lookup.html", lang=TAGS[locale], css=_css(), typed=typed,
                               wrong=typed is not None, languages=language_links(TAGS[locale]))
    return Response(html, status=status, headers={"Cache-Control": "no-store"})


@bp.post("/r/<code:code>/withdraw")
@csrf.exempt  # no cookie, so no CSRF cookie: the signed form token and the code itself guard this form
@limiter.limit(_limit, scope="public-form")
@limiter.limit(_limit, key_func=_per_code, scope="public-form-per-code")
def withdraw(code):
    """Withdraw the consent with one confirmation; the withdrawal receipt opens next."""
    receipt = services.receipt_for_code(code)
    code = normalised_code(code)
    if not _token_valid(request.form.get("token", ""), code):
        return _page(receipt, code, status=400, error="expired")
    try:
        _, new_code = services.withdraw_consent(receipt.record, {"channel": "receipt_page", "scope": "all"},
                                                by=RECEIPT_ACTOR, now=utcnow(), settings=pack_settings())
    except Conflict:  # withdrawn already (from another page, or by the operator): the page says so
        return _page(receipt, code, status=409, error="already")
    db.session.commit()
    return redirect(url_for("receipts.receipt", code=new_code, lang=request.form.get("lang") or None), code=303)


@bp.get("/r/<code:code>.pdf")
@limiter.limit(lambda: current_app.config["RATELIMIT_RECEIPT_LOOKUP"], scope="receipt-lookup")
def receipt_pdf(code):
    """Return the receipt as a printable A4 PDF with a QR code of its page."""
    from signage.consent.pdf import receipt_pdf as render  # reportlab loads only when someone prints
    receipt = services.receipt_for_code(code)
    code = normalised_code(code)
    with force_locale(_locale_for(receipt)):
        body = render(printed_model(_model(receipt, code)), url=_receipt_url(code))
    return Response(body, mimetype="application/pdf", headers={
        "Cache-Control": "no-store", "Content-Disposition": f'inline; filename="receipt-{code}.pdf"'})


@bp.get("/r/<code:code>.jws")
@limiter.limit(lambda: current_app.config["RATELIMIT_RECEIPT_LOOKUP"], scope="receipt-lookup")
def receipt_jws(code):
    """Return the receipt as a compact JWS, signed with the key listed at /.well-known/jwks.json."""
    receipt = services.receipt_for_code(code)
    return Response(signed_receipt(receipt), mimetype="application/jose", headers={"Cache-Control": "no-store"})


@bp.get("/.well-known/jwks.json")
def jwks():
    """Publish the public keys that verify receipts, old ones included (RFC 7517)."""
    return Response(current_app.json.dumps(signing_keys().jwks()), mimetype="application/jwk-set+json",
                    headers={"Cache-Control": "public, max-age=3600"})


def _page(receipt, code: str, *, status: int = 200, error: str | None = None) -> Response:
    with force_locale(_locale_for(receipt)):
        model = _model(receipt, code)
        model.update(token=form_token(code), error=error)
        html = render_template("consent/receipt.html", page=model)
    # a receipt changes when it is withdrawn or the deletion confirmed: never kept by a shared cache
    return Response(html, status=status, headers={"Cache-Control": "no-store"})


def _model(receipt, code: str) -> dict:
    tag = TAGS[str(get_locale())]
    urls = {"css": _css(), "pdf": url_for("receipts.receipt_pdf", code=code, lang=tag),
            "jws": url_for("receipts.receipt_jws", code=code), "jwks": url_for("receipts.jwks"),
            "withdraw": url_for("receipts.withdraw", code=code),
            "notice": url_for("notices.version", code=receipt.record.events[0].content["site"]["code"],
                              number=receipt.record.events[0].content["notice"]["version"], lang=tag)}
    return receipt_model(receipt, receipt.record.notice_version.content, tag, code=code, urls=urls,
                         time_zone=receipt.record.site.organisation.time_zone)


def _locale_for(receipt) -> str:
    """The language asked for by link, else the one the person answered in."""
    return locale_from_tag(request.values.get("lang")) or LOCALES_BY_TAG.get(receipt.language, "en")


def _negotiated() -> str:
    return negotiated_locale(request.accept_languages)


def _tag() -> str:
    return TAGS[_negotiated()]


def _css() -> str:
    return url_for("static", filename="notice.css", v=caches().assets)


def _receipt_url(code: str) -> str:
    return current_app.config["PUBLIC_BASE_URL"].rstrip("/") + url_for("receipts.receipt", code=code)


def form_token(code: str, *, now: float | None = None) -> str:
    """Return a token tying a withdrawal form to its code and the time it was shown (HMAC, the app's secret)."""
    issued = int(now if now is not None else time.time())
    return f"{issued}.{_mac(code, issued)}"


def _token_valid(token: str, code: str) -> bool:
    issued, _, mac = token.partition(".")
    if not re.fullmatch(r"[0-9]{1,12}", issued) or not mac.isascii():  # '²' is a digit to str.isdigit
        return False
    fresh = 0 <= time.time() - int(issued) <= FORM_TOKEN_SECONDS
    return fresh and hmac.compare_digest(mac, _mac(code, int(issued)))


def _mac(code: str, issued: int) -> str:
    key = current_app.secret_key if isinstance(current_app.secret_key, bytes) else current_app.secret_key.encode()
    return hmac.new(key, f"withdraw|{code}|{issued}".encode(), hashlib.sha256).hexdigest()[:32]
