"""The OpenAPI document is valid and lists every API route the app serves."""

from __future__ import annotations

import re

from openapi_spec_validator import validate


def _openapi_path(rule: str) -> str:
    return re.sub(r"<(?:[^:>]+:)?([^>]+)>", r"{\1}", rule)


def test_document_is_valid_openapi(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_api_route_is_documented(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    served = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule == "/healthz":
            methods = {m.lower() for m in rule.methods} - {"head", "options"}
            served.setdefault(_openapi_path(rule.rule), set()).update(methods)
    for path, methods in served.items():
        assert path in document["paths"], f"{path} is served but not in openapi.json"
        assert methods <= set(document["paths"][path]), f"{path}: {methods - set(document['paths'][path])} undocumented"
    for path in document["paths"]:
        assert path in served, f"openapi.json documents {path}, which the app does not serve"
