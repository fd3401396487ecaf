"""The reuse and e-licence answers have the shapes the OpenAPI document gives them."""

from __future__ import annotations

from openapi_schema_validator import OAS31Validator
from reuse_support import draft, licence_case, offers


def _check(document: dict, template: str, method: str, status: int, body) -> None:
    content = document["paths"]["/api/v1" + template][method]["responses"][str(status)]["content"]
    schema = {**content["application/json"]["schema"], "components": document["components"]}
    errors = sorted(OAS31Validator(schema).iter_errors(body), key=str)
    assert not errors, (method, template, status, [e.message for e in errors[:3]])


def test_reuse_and_licence_answers_match_the_document(api, client):
    document = client.get("/api/v1/openapi.json").get_json()
    done = licence_case(api, "92330127MA2H3K4L0V", "2036-06-30")
    _check(document, "/me/licences", "get", 200, api.json("GET", "/me/licences", "applicant"))
    _check(document, "/me/dossiers", "get", 200, api.json("GET", "/me/dossiers", "applicant"))
    app_id = draft(api, "food-grocery")
    reusable = api.json("GET", f"/applications/{app_id}/reusable", "applicant")
    _check(document, "/applications/{app_id}/reusable", "get", 200, reusable)
    offer = offers(api, app_id)["business_licence"][0]
    reused = api.json(
        "POST",
        f"/applications/{app_id}/materials/business_licence/reuse",
        "applicant",
        201,
        json={"file_id": offer["file_id"]},
    )
    _check(document, "/applications/{app_id}/materials/{slot}/reuse", "post", 201, reused)
    _check(document, "/applications/{app_id}", "get", 200, api.json("GET", f"/applications/{app_id}", "clerk"))
    [licence] = api.json("GET", "/me/licences", "applicant")["items"]
    revoked = api.json("POST", f"/licences/{licence['id']}/revoke", "officer-scjg", json={"reason": "注销登记"})
    _check(document, "/licences/{licence_id}/revoke", "post", 200, revoked)
    assert done["status"] == "archived"
    paths = document["paths"]
    query = {p["name"] for p in paths["/api/v1/applications/{app_id}/results/{name}"]["put"]["parameters"]}
    assert {"licence_type", "licence_number", "valid_until"} <= query
    assert "image/webp" in str(paths["/api/v1/applications/{app_id}/reusable/{file_id}/pages/{page}-{px}.webp"])
