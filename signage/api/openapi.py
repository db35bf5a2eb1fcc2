"""The OpenAPI 3 document, generated from the marshmallow schemas and the views' docstrings."""
from apispec import APISpec
from apispec.ext.marshmallow import MarshmallowPlugin
from apispec_webframeworks.flask import FlaskPlugin
from flask import current_app

from signage.api import bp

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


def _add_summaries_and_path_parameters(app, document):
    """Give each operation its docstring's summary line, and declare the ids in its path."""
    views = {rule.rule.replace("<int:", "{").replace(">", "}"): app.view_functions[rule.endpoint]
             for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")}
    for path, operations in document["paths"].items():
        view_class = getattr(views.get(path), "view_class", None)
        names = [part[1:-1] for part in path.split("/") if part.startswith("{")]
        for method, operation in operations.items():
            handler = getattr(view_class, method, None)
            if handler is not None and handler.__doc__:
                operation["summary"] = handler.__doc__.strip().splitlines()[0]
            operation.setdefault("parameters", []).extend(
                {"in": "path", "name": name, "required": True, "schema": {"type": "integer"}} for name in names)


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document, built once per process."""
    extension = current_app.extensions.setdefault("signage", {})
    if "openapi" not in extension:
        extension["openapi"] = build_spec(current_app)
    return extension["openapi"]
