"""The public forms' token: the form is tied to its site, its sign and the hour it was shown, and its random
part files at most one request. No cookie is needed, and nothing asks for JavaScript. Pure functions."""
import hashlib
import hmac
import re
import secrets

#: How long a form stays valid once shown: long enough to write a careful request on a phone.
FORM_SECONDS = 3600
TOKEN = re.compile(r"^([0-9]{1,12})\.([0-9a-f]{32})\.([0-9a-f]{32})$")


def new_token(key: bytes, scope: str, *, now: float) -> str:
    """Return a fresh token for a form about `scope` (the site's code, the form and the sign's serial)."""
    issued, once = int(now), secrets.token_hex(16)
    return f"{issued}.{once}.{_mac(key, scope, issued, once)}"


def token_once(token: str, key: bytes, scope: str, *, now: float) -> str | None:
    """Return the token's one-time value when it was made for `scope` within FORM_SECONDS; None otherwise."""
    match = TOKEN.match(token or "")
    if not match:
        return None
    issued, once, mac = int(match.group(1)), match.group(2), match.group(3)
    if not 0 <= now - issued <= FORM_SECONDS or not hmac.compare_digest(mac, _mac(key, scope, issued, once)):
        return None
    return once


def _mac(key: bytes, scope: str, issued: int, once: str) -> str:
    return hmac.new(key, f"request-form|{scope}|{issued}|{once}".encode(), hashlib.sha256).hexdigest()[:32]
