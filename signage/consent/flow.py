"""The capture flow of the kiosk and of self-service: one question a screen, in order. Pure functions.

The answers so far travel in the form itself, signed, so the flow needs no session and no cookie.
"""
import base64
import hashlib
import hmac
import json

from signage.consent.rules import PRIMARY

#: How long a person may take over the questions before the kiosk starts again.
FLOW_SECONDS = 15 * 60


def next_step(state: dict, asked: list[str], *, needs_release: bool) -> str:
    """Return the screen after what `state` holds: who answers, a guardian for a child, the primary question,
    each optional one after a yes, the signed release where the law wants it, then the record."""
    if "ref" not in state:
        return "who"
    if state["age"] == "under_14" and "rel" not in state:
        return "guardian"
    answers = state.get("answers", {})
    if PRIMARY not in answers:
        return PRIMARY
    if answers[PRIMARY]:
        for key in asked:
            if key not in answers:
                return key
        if needs_release and "release" not in state:
            return "release"
    return "record"


def signed_state(state: dict, key: bytes) -> str:
    """Return the state as text a form can carry, with its HMAC."""
    body = base64.urlsafe_b64encode(json.dumps(state, sort_keys=True, separators=(",", ":")).encode()).decode()
    return f"{body}.{_mac(body, key)}"


def read_state(text: str, key: bytes, *, now: float) -> dict | None:
    """Return the state a form carried, or None when it was altered or is older than FLOW_SECONDS."""
    body, _, mac = (text or "").partition(".")
    if not body or len(body) > 8000 or not (body + mac).isascii() or not hmac.compare_digest(mac, _mac(body, key)):
        return None
    try:
        state = json.loads(base64.urlsafe_b64decode(body.encode()))
    except ValueError:
        return None
    if not isinstance(state, dict) or not 0 <= now - state.get("t", 0) <= FLOW_SECONDS:
        return None
    return state


def _mac(body: str, key: bytes) -> str:
    return hmac.new(key, b"consent-flow|" + body.encode(), hashlib.sha256).hexdigest()[:32]
