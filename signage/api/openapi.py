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
    return document


@bp.get("/openapi.json")
def openapi():
    """Serve the OpenAPI document, built once per process."""
    extension = current_app.extensions.setdefault("signage", {})
    if "openapi" not in extension:
        extension["openapi"] = build_spec(current_app)
    return extension["openapi"]
