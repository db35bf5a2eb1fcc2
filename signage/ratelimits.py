"""Rate limits told to clients: the RateLimit-Policy and RateLimit fields of the IETF draft
(draft-ietf-httpapi-ratelimit-headers, -11/-12 syntax) on every throttled response, Retry-After on a 429,
and the API's own limit per token, counted in the limiter's shared storage.

A policy is named by the `scope=` its limit was declared with (a shared limit's scope is its name), so
one response never names two policies alike; the names are listed in the README.
"""
import logging
import math
import time
from dataclasses import dataclass

from flask import Flask, current_app, g
from limits import parse
from werkzeug.exceptions import TooManyRequests

from signage.extensions import limiter

log = logging.getLogger(__name__)
#: The API's per-token policy, in the fields and in the limiter's keys.
API_POLICY = "api"


@dataclass(frozen=True)
class Quota:
    """One policy as this request leaves it: the quota per window (seconds), what remains of it, and the
    seconds until more is available."""

    name: str
    quota: int
    window: int
    remaining: int
    reset: int
    breached: bool = False


def sf_string(text: str) -> str:
    """Serialise text as an RFC 9651 String: printable ASCII only, with backslash and quote escaped."""
    printable = "".join(character for character in text if " " <= character <= "~")
    return '"' + printable.replace("\\", "\\\\").replace('"', '\\"') + '"'


def policy_field(quotas: list[Quota]) -> str:
    """Return the RateLimit-Policy value: a List of the policies, each with its quota (q) and window (w)."""
    return ", ".join(f"{sf_string(quota.name)};q={quota.quota};w={quota.window}" for quota in quotas)


def limit_field(quotas: list[Quota]) -> str:
    """Return the RateLimit value: what remains (r) of each policy and the seconds until it resets (t)."""
    return ", ".join(f"{sf_string(quota.name)};r={quota.remaining};t={quota.reset}" for quota in quotas)


def retry_after(quotas: list[Quota]) -> int | None:
    """Return the seconds a throttled client waits: until the last exhausted policy resets (at least 1)."""
    waits = [quota.reset for quota in quotas if quota.breached or quota.remaining == 0]
    return max(1, *waits) if waits else None


def _seconds_until(moment: float, window: int) -> int:
    return min(window, max(0, math.ceil(moment - time.time())))


def _policy_name(request_limit) -> str:
    """Name a Flask-Limiter limit by its scope: the label given with scope=, or the shared limit's scope."""
    scope = request_limit.request_args[-1]
    return scope if request_limit.shared else scope.rsplit(":", 1)[-1]


def _limiter_quotas() -> list[Quota]:
    quotas = []
    for request_limit in limiter.current_limits:
        item = request_limit.limit
        window = int(item.get_expiry())
        quotas.append(Quota(_policy_name(request_limit), item.amount, window, max(0, request_limit.remaining),
                            _seconds_until(request_limit.reset_at, window), request_limit.breached))
    return quotas


def request_quotas() -> list[Quota]:
    """Return every policy this request was counted against, each name once: the API's per-token one first."""
    try:
        quotas = ([g.api_quota] if "api_quota" in g else []) + _limiter_quotas()
    except Exception:  # the shared store went away mid-request: answer without the fields, not with a 500
        log.warning("rate-limit storage unreachable: response sent without RateLimit fields", exc_info=True)
        return []
    seen, unique = set(), []
    for quota in quotas:
        if quota.name not in seen:
            seen.add(quota.name)
            unique.append(quota)
    return unique


def add_rate_limit_fields(response):
    """Tell the client the limits this request counted against, and how long to wait after a 429."""
    quotas = request_quotas()
    if quotas:
        response.headers["RateLimit-Policy"] = policy_field(quotas)
        response.headers["RateLimit"] = limit_field(quotas)
        wait = retry_after(quotas) if response.status_code == 429 else None
        if wait is not None and "Retry-After" not in response.headers:
            response.headers["Retry-After"] = str(wait)
    return response


def register_rate_limit_fields(app: Flask) -> None:
    """Add the fields after every request. Registered before the limiter: after-request hooks run in
    reverse, so a limit counted only for some outcomes (failed sign-ins) is counted before it is told."""
    app.after_request(add_rate_limit_fields)


def count_token_request(token_id: int) -> None:
    """Count an API request against its token's limit (RATELIMIT_API), shared by every worker through the
    limiter's storage; refuse it with a 429 once the token has used its quota for the window."""
    if not limiter.enabled:
        return
    item = parse(current_app.config["RATELIMIT_API"])
    keys = [key for key in (current_app.config.get("RATELIMIT_KEY_PREFIX"), f"token|{token_id}", API_POLICY) if key]
    try:
        strategy = limiter.limiter
        allowed = strategy.hit(item, *keys)
        reset_at, remaining = strategy.get_window_stats(item, *keys)
    except Exception:  # as Flask-Limiter does with a store that is down: serve, rather than refuse every client
        log.warning("rate-limit storage unreachable: API request not counted", exc_info=True)
        return
    window = int(item.get_expiry())
    g.api_quota = Quota(API_POLICY, item.amount, window, max(0, remaining), _seconds_until(reset_at, window),
                        breached=not allowed)
    if not allowed:
        raise TooManyRequests(f"This token sent more than {item.amount} requests in {window} seconds; "
                              "wait as Retry-After says, then slow down.")
