"""The OpenAPI 3 document, generated from the marshmallow schemas and the views' docstrings."""
import re

from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app

from signage.api import bp

#: A Werkzeug rule argument such as <int:site_id> or <serial>.
RULE_ARGUMENT = re.compile(r"<(?:(?P<converter>[^:<>]+):)?(?P<name>[^<>]+)>")
DESCRIPTION = ("Register FR sites, check them against the law's rules, and read the audit log. "
               "Authenticate with 'Authorization: Bearer <token>'. Errors are RFC 9457 problem documents.")


def build_spec(app) -> dict:
    """Describe every /api/v1 route from its view docstring and schemas."""
    spec = APISpec(title="signage API", version="1.0.0", openapi_version="3.0.3",
                   plugins=[FlaskPlugin(), MarshmallowPlugin()], info={"description": DESCRIPTION},
                   servers=[{"url": "/"}])
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer"})
    with app.test_request_context():
        for name, view in app.view_functions.items():
            if name.startswith("api.") and name != "api.openapi":
                spec.path(view=view, app=app)
    document = spec.to_dict()
    document["security"] = [{"bearer": []}]
    _add_summaries_and_path_parameters(app, document)
    return document


def openapi_path(rule: str) -> str:
    """Return a Werkzeug rule as an OpenAPI path: <int:site_id> and <serial> become {site_id} and {serial}."""
    return RULE_ARGUMENT.sub(lambda match: "{" + match["name"] + "}", rule)


def _add_summaries_and_path_parameters(app, document):
    """Give each operation its docstring's summary line, and declare the arguments in its path."""
    rules = {openapi_path(rule.rule): rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    for path, operations in document["paths"].items():
        rule = rules[path]
        view_class = getattr(app.view_functions[rule.endpoint], "view_class", None)
        types = {match["name"]: "integer" if match["converter"] == "int" else "string"
                 for match in RULE_ARGUMENT.finditer(rule.rule)}
        for method, operation in operations.items():
            handler = getattr(view_class, method, None)
            if handler is not None and handler.__doc__:
                operation["summary"] = handler.__doc__.strip().splitlines()[0]
            operation.setdefault("parameters", []).extend(
                {"in": "path", "name": name, "required": True, "schema": {"type": kind}}
                for name, kind in types.items())


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document, built once per process."""
    extension = current_app.extensions.setdefault("signage", {})
    if "openapi" not in extension:
        extension["openapi"] = build_spec(current_app)
    return extension["openapi"]
