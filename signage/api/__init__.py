"""The JSON API under /api/v1 on flask-smorest: bearer tokens, the features' schemas, RFC 9457 errors."""
from flask import Flask

from signage.api import audit, consents, duties, notices, register, requests, signs, sites
from signage.api.core import (Api, RateLimitHeaders, StrictObjects, code_param_schema, documented_extras,
                              id_param_schema, text_param_schema)
from signage.extensions import csrf
from signage.http import CodeConverter, IdConverter, TextConverter

BLUEPRINTS = (sites.blp, signs.blp, notices.blp, consents.blp, requests.blp, requests.public_blp, register.blp, audit.blp,
               duties.blp)
DESCRIPTION = ("Register FR sites, check them against the law's rules, issue signs, record consents and their "
               "withdrawals, and read the audit log. "
               "Authenticate with 'Authorization: Bearer <token>': a token's scope is read (GET and HEAD only; anything else "
               "is a 403) or read-write, the user's role limits both, and an expired token is a 401. "
               "Errors are RFC 9457 problem documents. Responses carry the RateLimit-Policy and RateLimit fields "
               "(draft-ietf-httpapi-ratelimit-headers) of the limits they counted against, a 429 also Retry-After. "
               "Lists take `limit` (at most 200) and continue with the `cursor` of their Link header.")
SETTINGS = {
    "API_TITLE": "signage API", "API_VERSION": "1.1.0", "OPENAPI_VERSION": "3.1.0",
    "OPENAPI_URL_PREFIX": "/api/v1", "OPENAPI_JSON_PATH": "openapi.json",
    "API_SPEC_OPTIONS": {"info": {"description": DESCRIPTION}, "servers": [{"url": "/"}],
                         "security": [{"bearer": []}],
                         "components": {"securitySchemes": {"bearer": {
                             "type": "http", "scheme": "bearer",
                             "description": "An API token from the dashboard's API tokens page: scope read (GET "
                                            "and HEAD) or read-write, with an expiry date of at most a year."}}}},
}


def register(app: Flask) -> None:
    """Serve the API and its OpenAPI document; bearer tokens, not cookies, so no CSRF token is needed."""
    for key, value in SETTINGS.items():
        app.config.setdefault(key, value)
    api = Api(app, spec_kwargs={"extra_plugins": [StrictObjects(), RateLimitHeaders()]})
    api.ma_plugin.converter.add_attribute_function(documented_extras)
    api.register_converter(IdConverter, id_param_schema)
    api.register_converter(TextConverter, text_param_schema)
    api.register_converter(CodeConverter, code_param_schema)
    for blueprint in BLUEPRINTS:
        csrf.exempt(blueprint)
        api.register_blueprint(blueprint)
