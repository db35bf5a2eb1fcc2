"""The JSON API under /api/v1: bearer tokens, the dashboard's schemas, RFC 9457 errors."""
from flask import Blueprint, Flask, g, request

from signage.auth.services import user_for_token
from signage.errors import SignageError

bp = Blueprint("api", __name__, url_prefix="/api/v1")
PUBLIC_ENDPOINTS = ("api.openapi",)


class Unauthorized(SignageError):
    status, title, slug = 401, "Unauthorized", "unauthorized"


@bp.before_request
def authenticate():
    """Identify the caller by bearer token; every API route but the description needs one."""
    if request.endpoint in PUBLIC_ENDPOINTS:
        return
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    user = user_for_token(token.strip()) if scheme.lower() == "bearer" else None
    if user is None:
        raise Unauthorized("Send a valid API token as 'Authorization: Bearer <token>'.")
    g.user = user


@bp.after_request
def no_store(response):
    response.headers.setdefault("Cache-Control", "no-store")
    if response.status_code == 401:
        response.headers["WWW-Authenticate"] = 'Bearer realm="signage"'
    return response


def register(app: Flask) -> None:
    """Register the API blueprint; bearer tokens, not cookies, so no CSRF token is needed."""
    from signage.api import audit, openapi, signs, sites  # noqa: F401  (routes)
    from signage.extensions import csrf
    csrf.exempt(bp)
    app.register_blueprint(bp)
