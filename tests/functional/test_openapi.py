"""The OpenAPI document comes from the decorators that validate and serialise, and matches what is served."""
import re

from helpers import SITE_DEFAULTS

RULE_ARGUMENT = re.compile(r"<(?:[^:<>]+:)?([^<>]+)>")
PAGINATED = {"/api/v1/sites", "/api/v1/signs", "/api/v1/audit", "/api/v1/sites/{site_id}/signs",
             "/api/v1/sites/{site_id}/notices", "/api/v1/sites/{site_id}/findings", "/api/v1/consents", "/api/v1/requests",
             "/api/v1/register", "/api/v1/duties"}


def api_routes(app):
    return {(RULE_ARGUMENT.sub(r"{\1}", rule.rule), method.lower())
            for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/v1/")
            and rule.rule != "/api/v1/openapi.json" for method in rule.methods - {"HEAD", "OPTIONS"}}


METHODS = {"get", "post", "put", "patch", "delete"}


def documented(document):
    return {(path, method) for path, operations in document["paths"].items() for method in operations
            if method in METHODS}


def test_every_served_api_route_is_documented_and_nothing_else(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert documented(document) == api_routes(app)
    for operations in document["paths"].values():
        for method, operation in operations.items():
            if method not in METHODS:
                continue
            assert operation["summary"]
            assert {"400", "401"} <= set(operation["responses"])


def test_every_list_is_paginated_with_limit_cursor_and_a_link_header(client):
    document = client.get("/api/v1/openapi.json").get_json()
    lists = {path for path, operations in document["paths"].items()
             if "get" in operations and operations["get"]["responses"]["200"]["content"]
             .get("application/json", {}).get("schema", {}).get("type") == "array"}
    assert lists == PAGINATED
    for path in lists:
        operation = document["paths"][path]["get"]
        assert {"limit", "cursor"} <= {parameter["name"] for parameter in operation["parameters"]
                                       if parameter["in"] == "query"}
        assert "Link" in operation["responses"]["200"]["headers"]


def test_errors_are_documented_as_problem_documents(client):
    document = client.get("/api/v1/openapi.json").get_json()
    unprocessable = document["components"]["responses"]["UNPROCESSABLE_ENTITY"]
    assert list(unprocessable["content"]) == ["application/problem+json"]
    assert set(document["components"]["schemas"]["Problem"]["properties"]) >= {"type", "title", "status", "detail"}


def test_site_schema_in_the_document_is_what_the_api_returns(client, owner, make_token):
    document = client.get("/api/v1/openapi.json").get_json()
    properties = document["components"]["schemas"]["Site"]["properties"]
    headers = make_token(owner)
    body = {**SITE_DEFAULTS, "pia_completed_on": str(SITE_DEFAULTS["pia_completed_on"])}
    site = client.post("/api/v1/sites", json=body, headers=headers).get_json()
    assert set(site) == set(properties)
    assert properties["venue_class"]["enum"][:2] == ["public_place", "business_premises_public_access"]
    assert properties["retention_period_days"]["maximum"] == 3650


def test_the_patch_body_requires_nothing(client):
    schemas = client.get("/api/v1/openapi.json").get_json()["components"]["schemas"]
    assert "required" not in schemas["SitePatch"]
    assert "site_name" in schemas["Site"]["required"]
