"""Configuration: safe defaults, overridden by SIGNAGE_* environment variables."""
import ipaddress
import json
import logging
import os
import re
import secrets
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app
from limits import parse_many

from signage.rules.packs import PackSettings

log = logging.getLogger(__name__)
PACK_SETTINGS_EXTENSION = "signage.pack_settings"


class Config:
    """Defaults for a single-machine install; production overrides through the environment."""

    SQLALCHEMY_ENGINE_OPTIONS = {}
    #: Rows on each numbered page of the register (/register/page/N/, what a static copy serves).
    REGISTER_NUMBERED_ROWS = 50
    #: A pooled server connection idle longer than this (seconds) is checked before use (signage.database).
    DATABASE_PING_AFTER_IDLE = 1.0
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # a half-filled site form may stay open for hours
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    #: "production" makes configuration mistakes that would reach the public fatal at start.
    ENV = "development"
    RATELIMIT_STORAGE_URI = "memory://"
    #: Flask-Limiter's X-RateLimit-* fields name one limit of several and put Retry-After on every response;
    #: signage.ratelimits sends the IETF draft's RateLimit-Policy and RateLimit for all of them instead.
    RATELIMIT_HEADERS_ENABLED = False
    #: Requests per API token, over every operation that takes one, counted for all workers together.
    RATELIMIT_API = "600 per minute"
    #: If a shared store (Redis) is down, count in memory per worker rather than refuse every sign-in.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    #: Verifying walks the whole log; an auditor needs it a few times a day, not a loop.
    RATELIMIT_VERIFY = "6 per minute"
    #: Sign-in attempts per client address, and failed ones per address and account: a guesser is
    #: slowed down without letting anyone lock the real user out from elsewhere.
    RATELIMIT_LOGIN = "20 per minute"
    RATELIMIT_LOGIN_FAILURES = "5 per 15 minutes"
    #: Public forms that change something (withdrawal), per address and per receipt code.
    RATELIMIT_PUBLIC_FORM = "10 per minute"
    #: Requests and reports filed at one site, from all addresses together: a flood stays slow, and a real
    #: busy day (a broken sign at a station, reported by many) still fits.
    RATELIMIT_REQUESTS_PER_SITE = "60 per hour"
    #: Days a closed request keeps its reply contact before housekeeping erases it.
    REQUEST_CONTACT_KEPT_DAYS = 90
    #: Opening receipts by code, per address: enough for a family, far too few to guess codes.
    RATELIMIT_RECEIPT_LOOKUP = "60 per minute"
    #: A kiosk's screens, per address: a busy front desk sends a few a minute.
    RATELIMIT_KIOSK = "120 per minute"
    #: Where the receipt-signing keys are kept; instance/receipt_keys when unset.
    RECEIPT_KEYS_DIR = None
    #: Where signed releases (BIPA) are kept, outside the database; instance/releases when unset.
    RELEASES_DIR = None
    #: The transparency log's Ed25519 signing key (docs/transparency.md); instance/log_signing_key when unset.
    LOG_KEY_FILE = None
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    #: The public register's map (README, Map): a tile URL template such as https://tiles.example.org/{z}/{x}/{y}.png.
    #: Unset, the register shows no map and runs no script; set, its policy lets images come from that one host.
    MAP_TILE_URL = None
    #: The credit the tile provider asks for, shown on the map as plain text, and the page it links to.
    MAP_ATTRIBUTION = None
    MAP_ATTRIBUTION_URL = None
    #: Seconds a worker may reuse a public page's state (status, notice version) without asking the
    #: database; the pages tell caches they may be 300 seconds old anyway.
    NOTICE_STATE_TTL = 2.0
    PACK_SETTINGS: dict = {}
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    #: How many reverse proxies in front set X-Forwarded-For/-Proto/-Host (0: trust none).
    PROXY_HOPS = 0

    # Outgoing e-mail (signage.outbox.transport). Without SMTP_HOST, development prints each message to stdout
    # and production sends none: they wait in the outbox.
    SMTP_HOST = None
    SMTP_PORT = 25
    SMTP_USERNAME = None
    SMTP_PASSWORD = None
    #: Upgrade the connection with STARTTLS (usually port 587); SMTP_SSL speaks TLS from the start (465).
    SMTP_STARTTLS = False
    SMTP_SSL = False
    MAIL_FROM = "signage@localhost"
    #: Seconds to wait for the mail server at each step before the outbox tries again later.
    SMTP_TIMEOUT = 10


def _env(name):
    value = os.environ.get(f"SIGNAGE_{name}")
    return value if value not in (None, "") else None


def environment_overrides(instance_path: str) -> dict:
    """Read SIGNAGE_* variables into Flask config keys; called by create_app, never at import."""
    overrides = {}
    overrides["SQLALCHEMY_DATABASE_URI"] = _env("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'signage.db'}"
    if _env("PUBLIC_BASE_URL"):
        overrides["PUBLIC_BASE_URL"] = _env("PUBLIC_BASE_URL").rstrip("/")
    if _env("SECURE_COOKIES") is not None:
        secure = _env("SECURE_COOKIES").lower() in ("1", "true", "yes")
        overrides["SESSION_COOKIE_SECURE"] = overrides["REMEMBER_COOKIE_SECURE"] = secure
    if _env("PACK_SETTINGS"):
        try:
            overrides["PACK_SETTINGS"] = json.loads(_env("PACK_SETTINGS"))
        except ValueError as error:
            raise ConfigurationError(f"SIGNAGE_PACK_SETTINGS is not JSON: {error}") from None
    if _env("PROXY_HOPS"):
        if not _env("PROXY_HOPS").isdigit():
            raise ConfigurationError("SIGNAGE_PROXY_HOPS must be a whole number of proxies, such as 1.")
        overrides["PROXY_HOPS"] = int(_env("PROXY_HOPS"))
    if _env("REQUEST_CONTACT_KEPT_DAYS"):
        if not _env("REQUEST_CONTACT_KEPT_DAYS").isdigit() or int(_env("REQUEST_CONTACT_KEPT_DAYS")) < 1:
            raise ConfigurationError("SIGNAGE_REQUEST_CONTACT_KEPT_DAYS must be a whole number of days, such as 90.")
        overrides["REQUEST_CONTACT_KEPT_DAYS"] = int(_env("REQUEST_CONTACT_KEPT_DAYS"))
    if _env("ENV"):
        overrides["ENV"] = _env("ENV")
    if _env("RATELIMIT_STORAGE_URI"):
        overrides["RATELIMIT_STORAGE_URI"] = _env("RATELIMIT_STORAGE_URI")
    if _env("RATELIMIT_KEY_PREFIX"):  # several deployments sharing one Redis keep their counters apart
        overrides["RATELIMIT_KEY_PREFIX"] = _env("RATELIMIT_KEY_PREFIX")
    if _env("RATELIMIT_API"):
        overrides["RATELIMIT_API"] = rate_limit(_env("RATELIMIT_API"), "SIGNAGE_RATELIMIT_API")
    for name in ("RECEIPT_KEYS_DIR", "RELEASES_DIR", "LOG_KEY_FILE", "MAP_TILE_URL", "MAP_ATTRIBUTION",
                 "MAP_ATTRIBUTION_URL"):
        if _env(name):
            overrides[name] = _env(name)
    overrides.update(mail_overrides())
    overrides["SECRET_KEY"] = _env("SECRET_KEY") or instance_secret_key(instance_path)
    return overrides


def rate_limit(value: str, name: str) -> str:
    """Return a rate limit as configured ("600 per minute"), refusing at start one the limiter cannot read."""
    try:
        items = parse_many(value)
    except ValueError:
        items = []
    if len(items) != 1:
        raise ConfigurationError(f"{name} must be one rate limit, such as \"600 per minute\", not {value!r}.")
    return value


def mail_overrides() -> dict:
    """Read the SIGNAGE_SMTP_* and SIGNAGE_MAIL_FROM variables (outgoing e-mail) into config keys."""
    overrides = {}
    for name in ("SMTP_HOST", "SMTP_USERNAME", "SMTP_PASSWORD", "MAIL_FROM"):
        if _env(name):
            overrides[name] = _env(name)
    if _env("SMTP_PORT"):
        if not _env("SMTP_PORT").isdigit():
            raise ConfigurationError("SIGNAGE_SMTP_PORT must be a port number, such as 587.")
        overrides["SMTP_PORT"] = int(_env("SMTP_PORT"))
    for name in ("SMTP_STARTTLS", "SMTP_SSL"):
        if _env(name) is not None:
            overrides[name] = _env(name).lower() in ("1", "true", "yes")
    if overrides.get("SMTP_STARTTLS") and overrides.get("SMTP_SSL"):
        raise ConfigurationError("SIGNAGE_SMTP_STARTTLS and SIGNAGE_SMTP_SSL exclude each other: choose one.")
    return overrides


def instance_secret_key(instance_path: str) -> str:
    """Return the secret key kept in instance/, generating it once on first start."""
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # write aside, then link into place: a worker starting at the same time never reads a half-written key
        draft = path.with_name(f".secret_key.{os.getpid()}")
        draft.write_text(secrets.token_urlsafe(48))
        draft.chmod(0o600)
        try:
            os.link(draft, path)
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


#: The longest base URL, without its scheme, whose signs print the short URL (it, "/S/" and an 8-character
#: serial) on one line on every size; tests/unit/test_sign_content.py holds the layout to it.
PRINTED_BASE_MAX = 40


class ConfigurationError(RuntimeError):
    """A setting that cannot work; raised while the app is created, never on a request."""


def check_configuration(app: Flask) -> None:
    """Refuse settings that cannot work, and warn about those that only work on this machine."""
    try:
        app.extensions[PACK_SETTINGS_EXTENSION] = PackSettings.from_mapping(app.config.get("PACK_SETTINGS") or {})
    except (TypeError, ValueError) as error:
        raise ConfigurationError(f"SIGNAGE_PACK_SETTINGS: {error}") from None
    base = app.config["PUBLIC_BASE_URL"]
    parts = urlsplit(base)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ConfigurationError(f"SIGNAGE_PUBLIC_BASE_URL must be an http(s) URL, not {base!r}.")
    printed = len(base.split("://", 1)[1].rstrip("/"))
    if printed > PRINTED_BASE_MAX:
        log.warning("SIGNAGE_PUBLIC_BASE_URL is %d characters without its scheme: signs print their short URL "
                    "on one line only up to %d (A5 is the narrowest); a longer one is split after a / or a dot.",
                    printed, PRINTED_BASE_MAX)
    if _is_loopback(parts.hostname):
        message = (f"SIGNAGE_PUBLIC_BASE_URL is {base}: QR codes printed now open only on this machine, "
                   "never on a passer-by's phone.")
        if app.config["ENV"] == "production":
            raise ConfigurationError(message + " Set the public address the signs will point to.")
        log.warning(message)
    _check_map(app)
    if app.config["ENV"] == "production" and not app.config.get("SMTP_HOST"):
        # said once at start, not at every housekeeping pass: the notifications wait in the outbox meanwhile
        log.warning("SIGNAGE_SMTP_HOST is not set: the operators' notifications wait in the outbox until it is.")


#: A tile server's host and port as a policy can name it: no placeholder ({s}), no user, nothing a policy would
#: read as another source.
TILE_HOST = re.compile(r"[a-z0-9]([a-z0-9.-]*[a-z0-9])?(:[0-9]{1,5})?")


def map_tile_origin(template: str) -> str:
    """Return the origin the register map's tiles come from, the one host its policy adds; refuse a template
    that is not an http(s) URL with {z}, {x} and {y}, or whose host varies ({s}) or is not plainly a host."""
    parts = urlsplit(template)
    if parts.scheme not in ("http", "https") or not TILE_HOST.fullmatch(parts.netloc.lower()):
        raise ConfigurationError(f"SIGNAGE_MAP_TILE_URL must be an http(s) URL on one host, such as "
                                 f"https://tiles.example.org/{{z}}/{{x}}/{{y}}.png, not {template!r}: the page's "
                                 "policy allows images from that host alone, so no {s} subdomains.")
    if not all(f"{{{name}}}" in parts.path + parts.query for name in "zxy") or re.search(r"[\s\"'<>]", template):
        raise ConfigurationError(f"SIGNAGE_MAP_TILE_URL must hold {{z}}, {{x}} and {{y}} and no spaces or quotes, "
                                 f"such as https://tiles.example.org/{{z}}/{{x}}/{{y}}.png, not {template!r}.")
    return f"{parts.scheme}://{parts.netloc.lower()}"


def _check_map(app: Flask) -> None:
    template = app.config.get("MAP_TILE_URL")
    if not template:
        return
    origin = map_tile_origin(template)
    link = app.config.get("MAP_ATTRIBUTION_URL")
    if link and urlsplit(link).scheme not in ("http", "https"):
        raise ConfigurationError(f"SIGNAGE_MAP_ATTRIBUTION_URL must be an http(s) URL, not {link!r}.")
    if app.config["ENV"] == "production" and origin.startswith("http:"):
        raise ConfigurationError("SIGNAGE_MAP_TILE_URL must be https in production: a page served over https "
                                 "does not load tiles over plain http.")
    if not app.config.get("MAP_ATTRIBUTION"):
        log.warning("SIGNAGE_MAP_TILE_URL is set without SIGNAGE_MAP_ATTRIBUTION: tile providers ask for the "
                    "credit of their maps and data (such as \"© OpenStreetMap contributors\") on the map.")


def _is_loopback(host: str) -> bool:
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def pack_settings() -> PackSettings:
    """Return the running app's pack settings, parsed and checked when the app was created."""
    return current_app.extensions[PACK_SETTINGS_EXTENSION]
