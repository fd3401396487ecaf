"""The OpenAPI document is valid, lists every API route the app serves, and says what the API really answers."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pytest
from openapi_schema_validator import OAS31Validator
from openapi_spec_validator import validate

from server.openapi import openapi_path

sys.path.insert(0, str(Path(__file__).parent / "cases"))

from case_support import MINSU_APPLICANT, Api, jpeg_bytes, pdf_bytes


@pytest.fixture
def document(client) -> dict:
    return client.get("/api/v1/openapi.json").get_json()


def _operations(document: dict):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_document_is_valid_openapi(document):
    validate(document)
    assert document["openapi"].startswith("3.")


def _schemas_with(value, keys: set[str], where: str = "$"):
    if isinstance(value, dict):
        if "type" in value and keys & value.keys():
            yield where
        for key, inner in value.items():
            yield from _schemas_with(inner, keys, f"{where}.{key}")
    elif isinstance(value, list):
        for position, inner in enumerate(value):
            yield from _schemas_with(inner, keys, f"{where}[{position}]")


def test_every_bound_is_one_json_schema_reads(document):
    """pydantic writes a bound it cannot place as "ge"/"le", which JSON Schema ignores: clients and the fuzzer
    would then send values the API refuses, as happened to an optional number with its own validator."""
    assert list(_schemas_with(document, {"ge", "gt", "le", "lt"})) == []


def test_a_body_whose_schema_refuses_an_empty_object_is_required(document):
    """A client (and the fuzzer) may leave out a body the document calls optional; the API reads no body as {}.
    PATCH /applications/{id} was optional while its schema asked for form or township, so leaving it out got a
    400 the document did not foretell."""
    contradictions = []
    for path, method, operation in _operations(document):
        body = operation.get("requestBody", {})
        if "application/json" not in body.get("content", {}):
            continue
        schema = {**body["content"]["application/json"]["schema"], "components": document["components"]}
        if not OAS31Validator(schema).is_valid({}) and not body["required"]:
            contradictions.append(f"{method.upper()} {path}")
    assert contradictions == []


def test_every_api_route_is_documented(app, document):
    served = {}
    for rule in app.url_map.iter_rules():
        if rule.rule.startswith("/api/") or rule.rule == "/healthz":
            methods = {m.lower() for m in rule.methods} - {"head", "options"}
            served.setdefault(openapi_path(rule.rule), set()).update(methods)
    for path, methods in served.items():
        assert path in document["paths"], f"{path} is served but not in openapi.json"
        assert methods == set(document["paths"][path]), (
            f"{path}: served {methods}, documented {document['paths'][path]}"
        )
    for path in document["paths"]:
        assert path in served, f"openapi.json documents {path}, which the app does not serve"


def test_every_operation_says_who_and_what_can_go_wrong(document):
    for path, method, operation in _operations(document):
        responses = operation["responses"]
        public = operation["security"] == []
        assert public or "401" in responses, f"{method} {path}: signed-in only, but no 401"
        if "parameters" in operation and any(p["in"] != "path" for p in operation["parameters"]):
            assert "400" in responses, f"{method} {path} validates parameters but documents no 400"
        if "requestBody" in operation:
            assert "400" in responses and "413" in responses, f"{method} {path}"
        if any(p["in"] == "path" for p in operation.get("parameters", [])):
            assert "404" in responses, f"{method} {path} has path parameters but no 404"
        for status, response in responses.items():
            if int(status) >= 400 and status != "416" and path != "/healthz":
                schema = response["content"]["application/json"]["schema"]
                assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)
        if path != "/api/v1/openapi.json":
            assert "503" in responses, f"{method} {path} reads the database, which can be down"
        if method != "get":
            assert "507" in responses, f"{method} {path} writes, and the disk can be full"
        if "401" in responses:
            assert responses["401"]["headers"]["WWW-Authenticate"]["required"]
    public = {(path, method) for path, method, op in _operations(document) if op["security"] == []}
    assert public == {
        ("/healthz", "get"),
        ("/api/v1/auth/token", "post"),
        ("/api/v1/auth/register", "post"),
        ("/api/v1/departments", "get"),
        ("/api/v1/services", "get"),
        ("/api/v1/services/{code}", "get"),
        ("/api/v1/track/{tracking_number}", "get"),
        ("/api/v1/openapi.json", "get"),
    }


def test_documented_statuses_match_the_code(document):
    paths = document["paths"]
    created = {
        "/api/v1/auth/token": "post",
        "/api/v1/applications": "post",
        "/api/v1/applications/{app_id}/materials/{slot}": "put",
        "/api/v1/applications/{app_id}/materials/{slot}/reuse": "post",
        "/api/v1/applications/{app_id}/results/{name}": "put",
        "/api/v1/applications/{app_id}/rating": "post",
        "/api/v1/applications/{app_id}/uploads": "post",
    }
    for path, method in created.items():
        assert [s for s in paths[path][method]["responses"] if s.startswith("2")] == ["201"], path
    assert set(paths["/api/v1/uploads/{upload_id}"]["patch"]["responses"]) >= {"200", "201"}
    assert [s for s in paths["/api/v1/auth/token"]["delete"]["responses"] if s.startswith("2")] == ["204"]
    for path, method in (("/api/v1/auth/token", "post"), ("/api/v1/track/{tracking_number}", "get")):
        assert "429" in paths[path][method]["responses"]
    for path, method in (
        ("/api/v1/applications/{app_id}/materials/{slot}", "put"),
        ("/api/v1/applications/{app_id}/results/{name}", "put"),
        ("/api/v1/uploads/{upload_id}", "patch"),
    ):
        assert {"413", "415", "422", "503", "507"} <= set(paths[path][method]["responses"]), path
        assert "application/octet-stream" in paths[path][method]["requestBody"]["content"]
    assert "416" in paths["/api/v1/archives/{dossier_id}/files/{file_id}"]["get"]["responses"]
    search = {p["name"]: p for p in paths["/api/v1/archives"]["get"]["parameters"]}
    assert search["per_page"]["schema"]["maximum"] == 100 and search["page"]["schema"]["maximum"] == 10000
    assert search["from"]["schema"]["format"] == "date"
    rating = document["components"]["schemas"]["RatingRequest"]["properties"]["score"]
    assert (rating["type"], rating["minimum"], rating["maximum"]) == ("integer", 1, 5)


class Conformance:
    """Checks real answers against the schema the document gives for their path, method and status."""

    def __init__(self, document: dict, api: Api) -> None:
        self.document, self.api, self.seen = document, api, set()

    def __call__(self, method: str, path: str, template: str, user: str | None, expect: int, **kwargs):
        response = self.api.call(method, path, user, expect, **kwargs)
        documented = self.document["paths"]["/api/v1" + template][method.lower()]["responses"]
        assert str(expect) in documented, (method, template, expect)
        content = documented[str(expect)].get("content", {})
        if "application/json" in content:
            schema = {**content["application/json"]["schema"], "components": self.document["components"]}
            errors = sorted(OAS31Validator(schema).iter_errors(response.get_json()), key=str)
            assert not errors, (method, template, expect, [e.message for e in errors[:3]])
        self.seen.add((method, template))
        return response.get_json() if response.is_json else response


def test_answers_have_the_documented_shapes(app, demo, document, settings, runtime):
    from server.jobs import Worker

    check = Conformance(document, Api(app.test_client(), settings.demo_password))
    check("GET", "/departments", "/departments", None, 200)
    check("GET", "/services", "/services", None, 200)
    check("GET", "/services/minsu", "/services/{code}", None, 200)
    check("GET", "/services/nope", "/services/{code}", None, 404)
    check("POST", "/auth/token", "/auth/token", None, 401, json={"username": "clerk", "password": "wrong"})
    check("POST", "/auth/token", "/auth/token", None, 400, json={})
    check("GET", "/applications", "/applications", None, 401)

    app_id = check("POST", "/applications", "/applications", "applicant", 201, json={"service_code": "minsu"})["id"]
    check("PATCH", f"/applications/{app_id}", "/applications/{app_id}", "applicant", 200, json={"form": {"rooms": 8}})
    files = {
        "applicant_id": (jpeg_bytes(), "身份证.jpg"),
        "business_licence": (pdf_bytes("营业执照"), "营业执照.pdf"),
        "property_proof": (pdf_bytes("房产证"), "房产证.pdf"),
        "fire_safety": (pdf_bytes("消防"), "消防.pdf"),
        "health_certs": (jpeg_bytes(), "健康证.jpg"),
    }
    template = "/applications/{app_id}/materials/{slot}"
    for slot, (data, name) in files.items():
        check(
            "PUT",
            f"/applications/{app_id}/materials/{slot}",
            template,
            "applicant",
            201,
            data={"file": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )
    check(
        "PUT",
        f"/applications/{app_id}/materials/floor_plan",
        template,
        "applicant",
        415,
        data=jpeg_bytes(),
        headers={"Content-Type": "application/octet-stream", "X-Filename": "plan.jpg"},
    )
    plan = pdf_bytes("平面图")
    upload = check(
        "POST",
        f"/applications/{app_id}/uploads",
        "/applications/{app_id}/uploads",
        "applicant",
        201,
        json={"slot": "floor_plan", "filename": "平面图.pdf", "size": len(plan)},
    )
    chunk = "/uploads/{upload_id}"
    check(
        "PATCH",
        f"/uploads/{upload['upload_id']}",
        chunk,
        "applicant",
        200,
        data=plan[:100],
        headers={"Upload-Offset": "0"},
    )
    check("GET", f"/uploads/{upload['upload_id']}", chunk, "applicant", 200)
    check(
        "PATCH",
        f"/uploads/{upload['upload_id']}",
        chunk,
        "applicant",
        409,
        data=plan[50:],
        headers={"Upload-Offset": "50"},
    )
    check(
        "PATCH",
        f"/uploads/{upload['upload_id']}",
        chunk,
        "applicant",
        201,
        data=plan[100:],
        headers={"Upload-Offset": "100"},
    )
    check("GET", f"/applications/{app_id}/reusable", "/applications/{app_id}/reusable", "applicant", 200)
    submitted = check("POST", f"/applications/{app_id}/submit", "/applications/{app_id}/submit", "applicant", 200)
    check(
        "GET",
        f"/track/{submitted['tracking_number']}?phone_last4={MINSU_APPLICANT['phone'][-4:]}",
        "/track/{tracking_number}",
        None,
        200,
    )
    check("GET", f"/track/{submitted['tracking_number']}?phone_last4=0000", "/track/{tracking_number}", None, 404)
    case = f"/applications/{app_id}"
    check("POST", f"{case}/withdraw", "/applications/{app_id}/withdraw", "clerk", 403)
    check("POST", f"{case}/review", "/applications/{app_id}/review", "clerk", 200, json={"decision": "accept"})
    check("POST", f"{case}/route", "/applications/{app_id}/route", "clerk", 200, json={"departments": ["wlj"]})
    check(
        "POST", f"{case}/decision", "/applications/{app_id}/decision", "officer-wlj", 200, json={"outcome": "approved"}
    )
    check("POST", f"{case}/complete", "/applications/{app_id}/complete", "officer-wlj", 409)
    result = check(
        "PUT",
        f"{case}/results/民宿登记证",
        "/applications/{app_id}/results/{name}",
        "officer-wlj",
        201,
        data=pdf_bytes("民宿登记证"),
        headers={"Content-Type": "application/pdf"},
    )
    done = check("POST", f"{case}/complete", "/applications/{app_id}/complete", "officer-wlj", 200)
    check("GET", case, "/applications/{app_id}", "applicant", 200)
    check("GET", "/applications?status=archived", "/applications", "clerk", 200)
    check("GET", f"{case}/results/{result['id']}", "/applications/{app_id}/results/{result_id}", "applicant", 200)
    material = done["materials"][0]["file_id"]
    check(
        "GET",
        f"{case}/files/{material}",
        "/applications/{app_id}/files/{file_id}",
        "clerk",
        206,
        headers={"Range": "bytes=0-9"},
    )
    notice = done["notices"][0]["id"]
    check("GET", f"{case}/notices/{notice}.pdf", "/applications/{app_id}/notices/{notice_id}.pdf", "applicant", 200)
    check("POST", f"{case}/rating", "/applications/{app_id}/rating", "applicant", 201, json={"score": 1})
    check(
        "POST",
        f"{case}/rating/follow-up",
        "/applications/{app_id}/rating/follow-up",
        "supervisor",
        200,
        json={"note": "已回访"},
    )
    check("GET", "/supervision/summary", "/supervision/summary", "supervisor", 200)

    Worker(runtime.db, runtime).run_until_idle()
    dossier_id = done["dossier_id"]
    check("GET", "/archives?q=营业执照", "/archives", "archivist", 200)
    check("GET", "/archives?q=营业执照", "/archives", "applicant", 403)
    dossier = check("GET", f"/archives/{dossier_id}", "/archives/{dossier_id}", "officer-wlj", 200)
    check("GET", f"/archives/{dossier_id}", "/archives/{dossier_id}", "officer-wjj", 200)
    file_id = dossier["files"][0]["file_id"]
    files_path = "/archives/{dossier_id}/files/{file_id}"
    check("GET", f"/archives/{dossier_id}/files/{file_id}?purpose=核验", files_path, "officer-wlj", 200)
    check(
        "GET",
        f"/archives/{dossier_id}/files/{file_id}?purpose=核验",
        files_path,
        "officer-wlj",
        416,
        headers={"Range": "bytes=99999999-"},
    )
    check("GET", f"/archives/{dossier_id}/export", "/archives/{dossier_id}/export", "archivist", 200)
    check("GET", "/me/access-ledger", "/me/access-ledger", "applicant", 200)
    check("GET", "/openapi.json", "/openapi.json", None, 200)
    check("DELETE", "/auth/token", "/auth/token", "clerk", 204)
    check("GET", "/applications", "/applications", "clerk", 401)
    assert len(check.seen) >= 30
