"""Security headers on every response, with a strict Content-Security-Policy."""
import re

from flask import Flask, request
from flask.sessions import NullSession, SecureCookieSessionInterface


def content_security_policy(*, scripts: bool = False, images_from: str | None = None) -> str:
    """Return a page's policy: no script unless `scripts` (then only this site's files), and images from this
    site and, when given, one other origin (the register map's tile server)."""
    images = "img-src 'self' data:" + (f" {images_from}" if images_from else "")
    return "; ".join(("default-src 'none'", *(("script-src 'self'",) if scripts else ()), "style-src 'self'",
                      images, "form-action 'self'", "frame-ancestors 'none'", "base-uri 'none'"))


#: No inline styles or scripts anywhere, so the policy can forbid them outright; no page runs a script but
#: the register when its map is set up (register.public_views), which sends its own policy.
CONTENT_SECURITY_POLICY = content_security_policy()


#: Pages anyone may open without an account: they never read or set a cookie.
PUBLIC_PATH_PREFIXES = ("/n/", "/S/", "/s/", "/r/", "/k/", "/q/", "/register", "/log/", "/static/", "/.well-known/")
#: The calendar feed's secret URLs are public too (the URL is the key; a calendar client has no session),
#: but not the dashboard's form beside them that revokes the feed: a pattern, not a prefix.
CALENDAR_FEED_PATH = re.compile(r"/calendar/feed/[^/]+\.ics\Z")


def is_public_path(path: str) -> bool:
    """Say whether a path is a public page, served without any cookie."""
    return path.startswith(PUBLIC_PATH_PREFIXES) or CALENDAR_FEED_PATH.match(path) is not None


class PublicPagesWithoutCookies(SecureCookieSessionInterface):
    """Give public pages a null session, so nothing (Flask-Login included) can set a cookie there."""

    def open_session(self, app, request):
        if is_public_path(request.path):
            return self.make_null_session(app)
        return super().open_session(app, request)

    def save_session(self, app, session, response):
        if not isinstance(session, NullSession):
            super().save_session(app, session, response)


def register_security(app: Flask) -> None:
    """Keep cookies off public pages and attach the security headers to every response."""
    app.session_interface = PublicPagesWithoutCookies()

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "no-referrer")
        headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
        headers.setdefault("Permissions-Policy", "camera=(), microphone=(), geolocation=(), interest-cohort=()")
        if not is_public_path(request.path):
            # dashboard pages show one organisation's records: no shared or back-button cache may keep them
            headers.setdefault("Cache-Control", "no-store")
        if request.is_secure:
            headers.setdefault("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
        return response
