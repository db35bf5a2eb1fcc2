"""Configuration: safe defaults, overridden by SIGNAGE_* environment variables."""
import json
import os
import secrets
from pathlib import Path


class Config:
    """Defaults for a single-machine install; production overrides through the environment."""

    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = True
    REMEMBER_COOKIE_SECURE = True
    REMEMBER_COOKIE_HTTPONLY = True
    WTF_CSRF_TIME_LIMIT = None  # a half-filled site form may stay open for hours
    BABEL_DEFAULT_LOCALE = "en"
    BABEL_DEFAULT_TIMEZONE = "UTC"
    LANGUAGES = ("en", "zh_Hans")
    RATELIMIT_STORAGE_URI = "memory://"
    RATELIMIT_HEADERS_ENABLED = True
    #: Sign-in attempts per client address, and failed ones per address and account: a guesser is
    #: slowed down without letting anyone lock the real user out from elsewhere.
    RATELIMIT_LOGIN = "20 per minute"
    RATELIMIT_LOGIN_FAILURES = "5 per 15 minutes"
    PUBLIC_BASE_URL = "http://127.0.0.1:5000"
    #: Seconds a worker may reuse a public page's state (status, notice version) without asking the
    #: database; the pages tell caches they may be 300 seconds old anyway.
    NOTICE_STATE_TTL = 2.0
    PACK_SETTINGS: dict = {}
    MAX_CONTENT_LENGTH = 2 * 1024 * 1024
    #: How many reverse proxies in front set X-Forwarded-For/-Proto/-Host (0: trust none).
    PROXY_HOPS = 0


def _env(name):
    value = os.environ.get(f"SIGNAGE_{name}")
    return value if value not in (None, "") else None


def environment_overrides(instance_path: str) -> dict:
    """Read SIGNAGE_* variables into Flask config keys; called by create_app, never at import."""
    overrides = {}
    overrides["SQLALCHEMY_DATABASE_URI"] = _env("DATABASE_URL") or f"sqlite:///{Path(instance_path) / 'signage.db'}"
    if overrides["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        overrides["SQLALCHEMY_ENGINE_OPTIONS"] = {}  # a local file needs no liveness ping per checkout
    if _env("PUBLIC_BASE_URL"):
        overrides["PUBLIC_BASE_URL"] = _env("PUBLIC_BASE_URL").rstrip("/")
    if _env("SECURE_COOKIES") is not None:
        secure = _env("SECURE_COOKIES").lower() in ("1", "true", "yes")
        overrides["SESSION_COOKIE_SECURE"] = overrides["REMEMBER_COOKIE_SECURE"] = secure
    if _env("PACK_SETTINGS"):
        overrides["PACK_SETTINGS"] = json.loads(_env("PACK_SETTINGS"))
    if _env("PROXY_HOPS"):
        overrides["PROXY_HOPS"] = int(_env("PROXY_HOPS"))
    if _env("RATELIMIT_STORAGE_URI"):
        overrides["RATELIMIT_STORAGE_URI"] = _env("RATELIMIT_STORAGE_URI")
    overrides["SECRET_KEY"] = _env("SECRET_KEY") or instance_secret_key(instance_path)
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
