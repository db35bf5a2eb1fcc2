"""The API's plumbing on flask-smorest: one decorator validates, serialises and documents each operation.

Errors are RFC 9457 problem documents from signage.errors for every status; the OpenAPI document lists
the ones each operation can answer, so it says exactly what the API does.
"""
import http
from functools import wraps

import flask_smorest
from apispec import BasePlugin
from flask import g, request, url_for
from marshmallow import RAISE
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import UnsupportedMediaType

from signage.api.problems import ProblemSchema
from signage.auth.services import TokenRejected, bearer_for_token
from signage.database import SAFE_METHODS, utcnow
from signage.errors import BadRequest, Forbidden, InvalidInput, Unauthorized
from signage.http import MAX_ID, TextConverter, json_body, unloadable
from signage.ratelimits import count_token_request

PROBLEM_CONTENT_TYPE = "application/problem+json"
#: What every authenticated operation can answer besides its own outcomes.
COMMON_PROBLEMS = (400, 401, 429)
UNKNOWN_FIELD = "Unknown field."


class InputParser(FlaskParser):
    """webargs' Flask parser, refusing what the rest of signage refuses: unknown query parameters (400),
    bodies that are not JSON (415), JSON nested too deeply or holding NUL characters (422)."""

    DEFAULT_UNKNOWN_BY_LOCATION = {**FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION, "query": RAISE, "querystring": RAISE}

    def load_json(self, req, schema):
        if not is_json_request(req):
            if req.content_length or req.form or req.get_data(cache=True):
                raise UnsupportedMediaType("Send the body as application/json.")
            raise InvalidInput("Send a JSON object as the body.", errors={"_schema": ["The body is missing."]})
        if not req.get_data(cache=True):
            raise InvalidInput("Send a JSON object as the body.", errors={"_schema": ["The body is missing."]})
        data = json_body()
        problem = unloadable(data)
        if problem:
            raise InvalidInput("Some input cannot be stored.", errors={problem[0]: [problem[1]]})
        return data

    def load_querystring(self, req, schema):
        problem = unloadable(req.args.to_dict())
        if problem:
            raise InvalidInput("Some input cannot be stored.", errors={problem[0]: [problem[1]]})
        return super().load_querystring(req, schema)

    def handle_error(self, error, req, schema, *, error_status_code, error_headers):
        by_location = error.normalized_messages()
        query = by_location.get("query") or by_location.get("querystring") or {}
        unknown = {name: messages for name, messages in query.items() if messages == [UNKNOWN_FIELD]}
        if unknown:
            raise BadRequest(f"Unknown query parameter: {', '.join(sorted(unknown))}.", errors=unknown)
        messages = {field: problems for location in by_location.values() for field, problems in location.items()}
        count = len(messages)
        if error_status_code == 400:  # a list whose query is its whole input (the register) says 400
            raise BadRequest("One query parameter failed validation." if count == 1 else
                             f"{count} query parameters failed validation.", errors=messages)
        raise InvalidInput("One field failed validation." if count == 1 else f"{count} fields failed validation.",
                           errors=messages)


class Blueprint(flask_smorest.Blueprint):
    """A resource of the API: its operations parse with InputParser and need a bearer token."""

    ARGUMENTS_PARSER = InputParser()

    def __init__(self, *args, public: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        #: A public resource (what the notice page's forms do, for apps) takes no token and says so.
        self.public = public
        if not public:
            self.before_request(authenticate)
            self.after_request(challenge)

    def route(self, rule, *, parameters=None, tags=None, **options):
        """Register a resource; a public one's operations are documented as needing no token."""
        register = super().route(rule, parameters=parameters, tags=tags, **options)
        if not self.public:
            return self._writes_can_be_forbidden(register)

        def decorator(view):
            for method in ("get", "post", "put", "patch", "delete"):
                if hasattr(view, method):
                    setattr(view, method, self.doc(security=[])(getattr(view, method)))
            return register(view)
        return decorator

    def _writes_can_be_forbidden(self, register):
        """Document the 403 a read-only token gets on any operation that writes."""
        def decorator(view):
            for method in ("post", "put", "patch", "delete"):
                if hasattr(view, method):
                    setattr(view, method, self.alt_response(403, response="FORBIDDEN")(getattr(view, method)))
            return register(view)
        return decorator

    def problems(self, *statuses: int):
        """Document the problem responses an operation can give, with those every operation can."""
        def decorator(func):
            for status in sorted(set(statuses) | set(COMMON_PROBLEMS), reverse=True):
                func = self.alt_response(status, response=http.HTTPStatus(status).name)(func)
            return func
        return decorator


class Api(flask_smorest.Api):
    """flask-smorest's Api, documenting problem documents and leaving error handling to signage.errors."""

    DEFAULT_ERROR_RESPONSE_NAME = None  # every status an operation answers is listed, none assumed
    ERROR_SCHEMA = ProblemSchema

    def _register_error_handlers(self):
        """signage.errors already turns every error into a problem document."""

    def _register_responses(self):
        for name, header in RATE_LIMIT_HEADER_DOCS.items():
            self.spec.components.header(name, header)
        for status in http.HTTPStatus:
            if status >= 400:
                headers = {**RATE_LIMIT_HEADERS, **({"Retry-After": {"$ref": "#/components/headers/Retry-After"}}
                                                    if status == 429 else {})}
                self.spec.components.response(status.name, {
                    "description": status.phrase, "headers": headers,
                    "content": {PROBLEM_CONTENT_TYPE: {"schema": self.ERROR_SCHEMA}}}, lazy=True)


#: The rate-limit fields (signage.ratelimits), documented once under components/headers.
RATE_LIMIT_HEADER_DOCS = {
    "RateLimit-Policy": {
        "description": "The rate-limit policies this request counted against (draft-ietf-httpapi-ratelimit-headers): "
                       "a Structured Fields List of the policies' names with `q`, the requests allowed per window, "
                       "and `w`, the window in seconds, e.g. `\"api\";q=600;w=60`. Every operation that takes a "
                       "token counts against `api`, a quota per token; some operations have a policy of their own "
                       "too (`verify`, `receipt-lookup`, `requests-per-address`, `requests-per-site`).",
        "schema": {"type": "string"}},
    "RateLimit": {
        "description": "What remains of each policy in RateLimit-Policy: its name with `r`, the requests left in the "
                       "window, and `t`, the seconds until it resets, e.g. `\"api\";r=598;t=41`.",
        "schema": {"type": "string"}},
    "Retry-After": {
        "description": "On a 429: the seconds to wait before the next request (RFC 9110).",
        "schema": {"type": "integer", "minimum": 1}},
}
RATE_LIMIT_HEADERS = {name: {"$ref": f"#/components/headers/{name}"} for name in ("RateLimit-Policy", "RateLimit")}


class RateLimitHeaders(BasePlugin):
    """Say in the document that every response of an operation taking a token carries the rate-limit fields:
    the per-token limit counts them all. A public operation with a limit lists the fields itself."""

    def operation_helper(self, path=None, operations=None, **kwargs):
        for operation in (operations or {}).values():
            if not isinstance(operation, dict) or operation.get("security") == []:
                continue
            for response in operation.get("responses", {}).values():
                if isinstance(response, dict) and "$ref" not in response:  # a new dict: LINK_HEADER is shared
                    response["headers"] = {**response.get("headers", {}), **RATE_LIMIT_HEADERS}


class StrictObjects(BasePlugin):
    """Say in the document what the schemas do: an object refuses fields it does not list, and a schema's own
    `openapi_extra` states the rules between its fields (a sign report takes no contact, say)."""

    def schema_helper(self, name, definition, **kwargs):
        schema = kwargs.get("schema")
        instance = schema() if isinstance(schema, type) else schema
        if instance is None:
            return None
        extra = {"additionalProperties": False} if getattr(instance, "unknown", None) == RAISE else {}
        extra.update(getattr(instance, "openapi_extra", None) or {})
        return extra or None


def documented_extras(self, field, ret, **kwargs) -> dict:
    """Add what a field's own `openapi_extra` says to its schema in the document (an apispec attribute
    function): rules no marshmallow field type describes, such as which keys an object takes."""
    extra = dict(getattr(field, "openapi_extra", None) or {})
    if extra:
        ret.pop("maxLength", None)  # a Length validator on an object is maxProperties, given in the extras
    return extra


class InsufficientScope(Forbidden):
    """A read-only token asked to change something (RFC 6750's insufficient_scope)."""

    title, slug = "Insufficient scope", "insufficient-scope"


def authenticate():
    """Identify the caller by bearer token, refuse a read-only token anything but reading, and count the
    request against the token's rate limit; every operation needs a token."""
    if request.routing_exception is not None:
        return  # an undeclared method (405) or path answers as such, token or not
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Send a valid API token as 'Authorization: Bearer <token>'.")
    try:
        bearer = bearer_for_token(token.strip(), now=utcnow())
    except TokenRejected as rejected:
        g.token_error = "The token expired" if rejected.expired else "The token is not valid"
        raise Unauthorized("This API token expired: create a new one on the dashboard's API tokens page."
                           if rejected.expired else
                           "This API token is not valid: it is unknown or revoked, or its user was deactivated.") from None
    g.user = bearer.user
    if bearer.scope == "read" and request.method not in SAFE_METHODS:
        g.required_scope = "read-write"
        raise InsufficientScope(f"This token's scope is read, which allows GET and HEAD only; {request.method} "
                                "needs a token with the read-write scope.")
    count_token_request(bearer.token_id)


def challenge(response):
    """Tell a client without a valid token how to authenticate, and one whose token may only read which
    scope it needs (RFC 6750, section 3)."""
    if response.status_code == 401:
        error = g.pop("token_error", None)
        response.headers["WWW-Authenticate"] = ('Bearer realm="signage"' if error is None else
                                                f'Bearer realm="signage", error="invalid_token", '
                                                f'error_description="{error}"')
    elif response.status_code == 403 and "required_scope" in g:
        response.headers["WWW-Authenticate"] = (f'Bearer realm="signage", error="insufficient_scope", '
                                                f'scope="{g.pop("required_scope")}"')
    return response


def requires(action: str):
    """Refuse the operation (403) unless the caller's role allows the action: read, edit, manage, audit."""
    def decorator(func):
        @wraps(func)
        def wrapped(*args, **kwargs):
            if not g.user.can(action):
                raise Forbidden(f"Your role ({g.user.role}) does not allow this.")
            return func(*args, **kwargs)
        return wrapped
    return decorator


def paged(page, *, items: list | None = None):
    """Return a page's items (or these items in their place) with RFC 8288 Link headers to the pages
    after and before it."""
    links = []
    for rel, cursor in (("next", page.next_cursor), ("prev", page.prev_cursor)):
        if cursor:
            args = {**request.args.to_dict(), "cursor": cursor}
            links.append(f'<{url_for(request.endpoint, **request.view_args, **args, _external=True)}>; rel="{rel}"')
    return (page.items if items is None else items), 200, ({"Link": ", ".join(links)} if links else {})


LINK_HEADER = {"Link": {"description": "RFC 8288 links to the next and previous pages (rel=next, rel=prev).",
                        "schema": {"type": "string"}}}


def text_param_schema(converter: TextConverter) -> dict:
    """Document a path segment: any text without slashes or control characters."""
    return {"type": "string", "minLength": 1, "maxLength": 200, "pattern": "^[^/\\u0000-\\u001f\\u007f]+$"}


def code_param_schema(converter) -> dict:
    """Document a sign serial or site code: letters and digits."""
    return {"type": "string", "pattern": "^[0-9A-Za-z]{1,32}$"}


def id_param_schema(converter) -> dict:
    """Document an id in a path: a whole number a database column can hold."""
    return {"type": "integer", "minimum": 0, "maximum": MAX_ID}
