"""The SignageError family and the handlers that turn errors into responses."""
import logging
import re

from flask import Flask, current_app, jsonify, render_template, request
from sqlalchemy.exc import IntegrityError
from werkzeug.exceptions import HTTPException

from signage.extensions import db

PROBLEM_BASE = "https://signage.example/problems/"
log = logging.getLogger(__name__)


class SignageError(Exception):
    """Root of the errors services raise; each class carries its status and title."""

    status = 500
    title = "Internal error"
    slug = "internal-error"

    def __init__(self, detail: str | None = None, *, errors: dict | None = None, findings: list | None = None):
        super().__init__(detail or self.title)
        self.detail = detail or self.title
        self.errors = errors
        self.findings = findings

    def summary(self) -> str:
        """Return the detail followed by each field's messages, for the command line."""
        details = "; ".join(f"{field}: {' '.join(map(str, messages)) if isinstance(messages, list) else messages}"
                            for field, messages in (self.errors or {}).items())
        return f"{self.detail} {details}".strip()


class InvalidInput(SignageError):
    status, title, slug = 422, "Invalid input", "invalid-input"


class NotFound(SignageError):
    status, title, slug = 404, "Not found", "not-found"


class Forbidden(SignageError):
    status, title, slug = 403, "Forbidden", "forbidden"


class Conflict(SignageError):
    status, title, slug = 409, "Conflict", "conflict"


class Unauthorized(SignageError):
    status, title, slug = 401, "Unauthorized", "unauthorized"


class BadRequest(SignageError):
    """The request itself is malformed: an unknown query parameter, JSON that does not parse."""

    status, title, slug = 400, "Bad request", "bad-request"


class RuleViolation(Conflict):
    """The law's rules refuse the change; the findings say which and why."""

    title, slug = "Refused by the rules", "rule-violation"


#: Path segments that are keys: a receipt code opens a person's withdrawal, a kiosk token records consents, a
#: request's reference code opens its status.
SECRET_SEGMENTS = re.compile(r"^/(r|k|q|api/v1/public/requests)/[^/.]+")


def logged_path(path: str) -> str:
    """Return a path fit for the log: a receipt code or a kiosk token in it is replaced by a mark."""
    return SECRET_SEGMENTS.sub(lambda match: f"/{match.group(1)}/[redacted]", path)


def problem(status: int, title: str, detail: str, type_: str = "about:blank", **extensions):
    """Return an RFC 9457 problem document response."""
    body = {"type": type_, "title": title, "status": status, "detail": detail}
    body.update({key: value for key, value in extensions.items() if value is not None})
    response = jsonify(body)
    response.status_code = status
    response.mimetype = "application/problem+json"
    return response


def wants_problem_json() -> bool:
    """Answer in JSON under /api/ and to clients that ask for JSON only."""
    if request.path.startswith("/api/"):
        return True
    best = request.accept_mimetypes.best_match(["text/html", "application/json"])
    return best == "application/json" and request.accept_mimetypes["text/html"] < 1


ERROR_PAGES = "signage.error_pages"


def register_error_page(app: Flask, applies_to, render) -> None:
    """Let a feature answer errors on its own paths: render(status, title, detail, errors=, findings=).

    applies_to(path) says whether a request's path is the feature's; the first that claims it wins.
    Public pages use this, since they have no session for the dashboard's error pages to use.
    """
    app.extensions.setdefault(ERROR_PAGES, []).append((applies_to, render))


def _render(status: int, title: str, detail: str, *, type_="about:blank", errors=None, findings=None):
    for applies_to, render in current_app.extensions.get(ERROR_PAGES, ()):
        if applies_to(request.path):
            return render(status, title, detail, errors=errors, findings=findings)
    if wants_problem_json():
        return problem(status, title, detail, type_, errors=errors, findings=findings)
    template = f"errors/{status}.html" if status in (400, 403, 404, 405, 409, 413, 422, 429) else "errors/500.html"
    return render_template(template, title=title, detail=detail, errors=errors, findings=findings), status


def register_error_handlers(app):
    """Turn SignageError, HTTP errors and unexpected exceptions into responses."""

    @app.errorhandler(SignageError)
    def handle_signage_error(error):
        db.session.rollback()
        return _render(error.status, error.title, error.detail, type_=PROBLEM_BASE + error.slug,
                       errors=error.errors, findings=error.findings)

    @app.errorhandler(IntegrityError)
    def handle_integrity_error(error):
        # services check what they can; a concurrent writer can still win a unique constraint first
        db.session.rollback()
        log.warning("integrity error on %s %s", request.method, logged_path(request.path))
        return _render(409, Conflict.title, "This conflicts with a record saved at the same time; try again.",
                       type_=PROBLEM_BASE + Conflict.slug)

    @app.errorhandler(HTTPException)
    def handle_http_error(error):
        db.session.rollback()
        response = app.make_response(_render(error.code, error.name, error.description))
        for name, value in error.get_headers():  # Allow on a 405, Retry-After on a 429
            if name.lower() != "content-type":
                response.headers.setdefault(name, value)
        return response

    @app.errorhandler(Exception)
    def handle_unexpected(error):
        db.session.rollback()
        log.exception("unhandled error on %s %s", request.method, logged_path(request.path))
        return _render(500, "Internal error", "Something went wrong on our side; nothing was saved.")
