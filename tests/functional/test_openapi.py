"""The OpenAPI document is generated from the schemas and matches what is served."""
from signage.api.openapi import openapi_path

from conftest import SITE_DEFAULTS


def api_routes(app):
    return {(openapi_path(rule.rule), method.lower())
            for rule in app.url_map.iter_rules() if rule.endpoint.startswith("api.")
            and rule.endpoint != "api.openapi" for method in rule.methods - {"HEAD", "OPTIONS"}}


def documented(document):
    return {(path, method) for path, operations in document["paths"].items() for method in operations}


def test_every_served_api_route_is_documented_and_nothing_else(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    assert documented(document) == api_routes(app)
    for operations in document["paths"].values():
        assert all(operation["summary"] for operation in operations.values())


def test_site_schema_in_the_document_is_what_the_api_returns(client, owner, make_token):
    document = client.get("/api/v1/openapi.json").get_json()
    properties = document["components"]["schemas"]["Site"]["properties"]
    headers = make_token(owner)
    body = {**SITE_DEFAULTS, "pia_completed_on": str(SITE_DEFAULTS["pia_completed_on"])}
    site = client.post("/api/v1/sites", json=body, headers=headers).get_json()
    assert set(site) == set(properties)
    assert properties["venue_class"]["enum"][:2] == ["public_place", "business_premises_public_access"]
    assert properties["retention_period_days"]["maximum"] == 3650
