"""The OpenAPI 3 document served at /api/v1/openapi.json.

It is written by hand, next to the code it describes, and a test checks that
every API route appears in it, so it cannot silently fall behind.
"""

from __future__ import annotations

from typing import Any

ERROR = {"$ref": "#/components/schemas/Error"}


def _json(schema: dict[str, Any], description: str = "OK") -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _errors(*codes: int) -> dict[str, Any]:
    return {str(code): _json(ERROR, "Error") for code in codes}


SCHEMAS: dict[str, Any] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {"error": {"type": "object", "required": ["code", "message"], "properties": {
            "code": {"type": "string"}, "message": {"type": "string"}, "details": {"type": "object"}}}},
    },
    "Department": {"type": "object", "required": ["code", "name"],
                   "properties": {"code": {"type": "string"}, "name": {"type": "string"}}},
    "MaterialSlot": {
        "type": "object",
        "required": ["slot", "name", "material_type", "required", "key", "formats", "max_bytes"],
        "properties": {
            "slot": {"type": "string"}, "name": {"type": "string"}, "material_type": {"type": "string"},
            "material_type_name": {"type": "string"}, "required": {"type": "boolean"},
            "key": {"type": "boolean", "description": "key (必要) materials cannot be missing at acceptance"},
            "gap_allowed": {"type": "boolean", "description": "may be missing at acceptance (容缺)"},
            "formats": {"type": "array", "items": {"type": "string"}},
            "max_bytes": {"type": "integer"}, "shared": {"type": "boolean"}, "note": {"type": "string"},
        },
    },
    "Service": {
        "type": "object",
        "required": ["code", "name", "department", "legal_basis", "time_limit_days", "retention", "materials"],
        "properties": {
            "code": {"type": "string"}, "name": {"type": "string"},
            "department": {"$ref": "#/components/schemas/Department"},
            "summary": {"type": "string"}, "conditions": {"type": "string"},
            "legal_basis": {"type": "string"},
            "time_limit_days": {"type": "integer", "description": "promised working days (承诺时限)"},
            "statutory_days": {"type": ["integer", "null"]}, "fees": {"type": "string"},
            "retention": {"type": "string", "enum": ["permanent", "30y", "10y"]},
            "retention_label": {"type": "string"}, "location": {"type": "string"},
            "cooperating_departments": {"type": "array", "items": {"type": "string"}},
            "materials": {"type": "array", "items": {"$ref": "#/components/schemas/MaterialSlot"}},
        },
    },
    "SearchResult": {
        "type": "object", "required": ["total", "hits", "facets"],
        "properties": {
            "total": {"type": "integer"}, "page": {"type": "integer"}, "per_page": {"type": "integer"},
            "facets": {"type": "object"},
            "hits": {"type": "array", "items": {"type": "object", "properties": {
                "dossier_id": {"type": "string"}, "archival_code": {"type": "string"},
                "title": {"type": "string"}, "service_code": {"type": "string"},
                "completed_at": {"type": "string", "format": "date-time"}, "score": {"type": "number"},
                "highlights": {"type": "array", "items": {"type": "string"}},
                "files": {"type": "array", "items": {"type": "object"}}}}},
        },
    },
    "Health": {
        "type": "object", "required": ["status", "checks"],
        "properties": {"status": {"type": "string", "enum": ["ok", "degraded"]},
                       "checks": {"type": "object", "properties": {
                           "database": {"type": "object"}, "storage": {"type": "object"},
                           "index": {"type": "object"},
                           "jobs": {"type": "object", "properties": {
                               "pending": {"type": "integer"}, "failed": {"type": "integer"}}}}}},
    },
}

def _query(*names: str) -> list[dict[str, Any]]:
    return [{"name": n, "in": "query", "required": False, "schema": {"type": "string"}} for n in names]


PAGING = [{"name": "page", "in": "query", "schema": {"type": "integer", "minimum": 1}},
          {"name": "per_page", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100}}]
DOSSIER_ID = {"name": "dossier_id", "in": "path", "required": True, "schema": {"type": "string"}}

PATHS: dict[str, Any] = {
    "/healthz": {"get": {
        "summary": "Health of the service and each dependency",
        "security": [],
        "responses": {"200": _json({"$ref": "#/components/schemas/Health"}, "Can take applications"),
                      "503": _json({"$ref": "#/components/schemas/Health"}, "Cannot take applications")},
    }},
    "/api/v1/auth/token": {"post": {
        "summary": "Exchange a username and password for a bearer token",
        "security": [],
        "requestBody": {"required": True, "content": {"application/json": {"schema": {
            "type": "object", "required": ["username", "password"],
            "properties": {"username": {"type": "string"}, "password": {"type": "string"}}}}}},
        "responses": {"201": _json({"type": "object", "required": ["token"],
                                    "properties": {"token": {"type": "string"}, "user": {"type": "object"}}}),
                      **_errors(400, 401)},
    }},
    "/api/v1/departments": {"get": {
        "summary": "Departments of the service centre", "security": [],
        "responses": {"200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Department"}})},
    }},
    "/api/v1/services": {"get": {
        "summary": "Service items with their guides", "security": [],
        "responses": {"200": _json({"type": "array", "items": {"$ref": "#/components/schemas/Service"}})},
    }},
    "/api/v1/services/{code}": {"get": {
        "summary": "One service item's guide", "security": [],
        "parameters": [{"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}],
        "responses": {"200": _json({"$ref": "#/components/schemas/Service"}), **_errors(404)},
    }},
    "/api/v1/archives": {"get": {
        "summary": "Full-text and metadata search over dossiers, within the caller's scope",
        "description": "Officers see their department's dossiers whole and shared material types of others; "
                       "archivists see all. Terms in q are ANDed; Chinese is matched by overlapping bigrams.",
        "parameters": _query("q", "service", "department", "material_type", "applicant_id") + [
            {"name": "from", "in": "query", "schema": {"type": "string", "format": "date"}},
            {"name": "to", "in": "query", "schema": {"type": "string", "format": "date"}}] + PAGING,
        "responses": {"200": _json({"$ref": "#/components/schemas/SearchResult"}), **_errors(400, 401, 403, 503)},
    }},
    "/api/v1/archives/{dossier_id}": {"get": {
        "summary": "Dossier metadata, files with digests, event history (what the caller may see)",
        "parameters": [DOSSIER_ID],
        "responses": {"200": _json({"type": "object"}), **_errors(401, 404)},
    }},
    "/api/v1/archives/{dossier_id}/files/{file_id}": {"get": {
        "summary": "The file's bytes; supports Range; every call is logged with who, when and purpose",
        "parameters": [DOSSIER_ID, {"name": "file_id", "in": "path", "required": True, "schema": {"type": "string"}},
                       {"name": "purpose", "in": "query", "required": True, "schema": {"type": "string"}},
                       {"name": "Range", "in": "header", "schema": {"type": "string"}}],
        "responses": {"200": {"description": "The whole file"}, "206": {"description": "The requested range"},
                      "416": {"description": "Range not satisfiable"}, **_errors(400, 401, 404)},
    }},
    "/api/v1/archives/{dossier_id}/export": {"get": {
        "summary": "The dossier as a BagIt bag in a zip (archivists)",
        "parameters": [DOSSIER_ID],
        "responses": {"200": {"description": "application/zip", "content": {"application/zip": {}}},
                      **_errors(401, 403, 404)},
    }},
    "/api/v1/me/access-ledger": {"get": {
        "summary": "Every read of the applicant's archived files by anyone else",
        "parameters": PAGING,
        "responses": {"200": _json({"type": "object", "properties": {
            "total": {"type": "integer"}, "items": {"type": "array", "items": {"type": "object"}}}}),
            **_errors(401, 403)},
    }},
    "/api/v1/openapi.json": {"get": {
        "summary": "This document", "security": [],
        "responses": {"200": _json({"type": "object"})},
    }},
}


APP_ID = {"name": "app_id", "in": "path", "required": True, "schema": {"type": "string"}}
SLOT = {"name": "slot", "in": "path", "required": True, "schema": {"type": "string"}}
CASE = _json({"$ref": "#/components/schemas/Case"})
UPLOAD_BODY = {"required": True, "description": "Multipart field `file`, or the raw body with Content-Type and "
               "X-Filename (percent-encoded UTF-8). Streamed to storage; the type is checked from the content.",
               "content": {"multipart/form-data": {"schema": {"type": "object", "properties": {
                   "file": {"type": "string", "format": "binary"}}}},
                           "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}}
UPLOADED = _json({"type": "object", "required": ["file_id", "sha256", "size", "media_type"], "properties": {
    "file_id": {"type": "string"}, "sha256": {"type": "string"}, "size": {"type": "integer"},
    "media_type": {"type": "string"}, "pages": {"type": ["integer", "null"]}}}, "Stored")


def _post(summary: str, body: dict[str, Any] | None, *errors: int, response=CASE, params=None) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": summary, "parameters": params or [APP_ID],
                          "responses": {"200": response, **_errors(*errors)}}
    if body is not None:
        op["requestBody"] = {"required": False, "content": {"application/json": {"schema": body}}}
    return {"post": op}


def _obj(**props: Any) -> dict[str, Any]:
    return {"type": "object", "properties": props}


STR, INT = {"type": "string"}, {"type": "integer"}

PATHS.update({
    "/api/v1/applications": {
        "post": {"summary": "Create a draft (applicant, or clerk for a walk-in applicant)",
                 "requestBody": {"required": True, "content": {"application/json": {"schema": {
                     "type": "object", "required": ["service_code"], "properties": {
                         "service_code": STR, "form": {"type": "object"},
                         "applicant": _obj(name=STR, id_number=STR, phone=STR)}}}}},
                 "responses": {"201": _json(_obj(id=STR, status=STR)), **_errors(400, 401, 403, 404)}},
        "get": {"summary": "Work queues: filter by status (comma-separated), service, overdue",
                "parameters": _query("status", "service", "overdue") + PAGING,
                "responses": {"200": _json(_obj(total=INT, items={"type": "array", "items": {"type": "object"}})),
                              **_errors(400, 401, 403)}},
    },
    "/api/v1/applications/{app_id}": {
        "get": {"summary": "Status, materials, events, notices (owner and staff in scope)", "parameters": [APP_ID],
                "responses": {"200": CASE, **_errors(401, 404)}},
        "patch": {"summary": "Save form fields of a draft (save and resume later)", "parameters": [APP_ID],
                  "requestBody": {"content": {"application/json": {"schema": _obj(form={"type": "object"})}}},
                  "responses": {"200": CASE, **_errors(400, 401, 403, 404, 409)}},
    },
    "/api/v1/applications/{app_id}/materials/{slot}": {"put": {
        "summary": "Upload one material into its slot", "parameters": [APP_ID, SLOT], "requestBody": UPLOAD_BODY,
        "responses": {"201": UPLOADED, **_errors(400, 401, 403, 404, 409, 413, 415)}}},
    "/api/v1/applications/{app_id}/files/{file_id}": {"get": {
        "summary": "A submitted material's bytes (supports Range)",
        "parameters": [APP_ID, {"name": "file_id", "in": "path", "required": True, "schema": STR}],
        "responses": {"200": {"description": "The file"}, "206": {"description": "A range"}, **_errors(401, 404)}}},
    "/api/v1/applications/{app_id}/reusable": {"get": {
        "summary": "Archived materials of the same applicant that fit this application's slots and are still valid",
        "parameters": [APP_ID],
        "responses": {"200": _json(_obj(slots={"type": "object"})), **_errors(401, 403, 404)}}},
    "/api/v1/applications/{app_id}/materials/{slot}/reuse": _post(
        "Attach an archived file without a new upload; records the consent", _obj(file_id=STR),
        400, 401, 403, 404, 409, response=UPLOADED, params=[APP_ID, SLOT]),
    "/api/v1/applications/{app_id}/submit": _post(
        "Submit; 409 lists every missing required slot. Non-key slots may be deferred (容缺) with an undertaking",
        _obj(defer={"type": "array", "items": STR}, undertaking=STR), 400, 401, 403, 404, 409,
        response=_json(_obj(id=STR, status=STR, tracking_number=STR, deferred={"type": "array", "items": STR}))),
    "/api/v1/applications/{app_id}/withdraw": _post("Withdraw before acceptance", _obj(reason=STR),
                                                    401, 403, 404, 409),
    "/api/v1/applications/{app_id}/review": _post(
        "Review at the window; 'correct' produces ONE notice listing every failed slot",
        {"type": "object", "required": ["decision"], "properties": {
            "decision": {"type": "string", "enum": ["accept", "accept_with_gap", "correct", "reject"]},
            "verdicts": {"type": "array", "items": _obj(slot=STR, ok={"type": "boolean"}, reason=STR)},
            "note": STR, "gap_deadline": {"type": "string", "format": "date"}}}, 400, 401, 403, 404, 409),
    "/api/v1/applications/{app_id}/route": _post(
        "Route to one or more departments", _obj(departments={"type": "array", "items": STR}, note=STR),
        400, 401, 403, 404, 409),
    "/api/v1/applications/{app_id}/results/{name}": {"put": {
        "summary": "Upload a result document (e.g. the licence)",
        "parameters": [APP_ID, {"name": "name", "in": "path", "required": True, "schema": STR}],
        "requestBody": UPLOAD_BODY, "responses": {"201": UPLOADED, **_errors(400, 401, 403, 404, 409, 413, 415)}}},
    "/api/v1/applications/{app_id}/results/{result_id}": {"get": {
        "summary": "A result document's bytes (the applicant once the case is completed)",
        "parameters": [APP_ID, {"name": "result_id", "in": "path", "required": True, "schema": STR}],
        "responses": {"200": {"description": "The file"}, **_errors(401, 403, 404)}}},
    "/api/v1/applications/{app_id}/decision": _post(
        "A routed department decides its part; the case is decided when every part is",
        {"type": "object", "required": ["outcome"], "properties": {
            "outcome": {"type": "string", "enum": ["approved", "denied"]}, "note": STR}}, 400, 401, 403, 404, 409),
    "/api/v1/applications/{app_id}/complete": _post(
        "Complete the case and seal its dossier into the archive", _obj(note=STR), 401, 403, 404, 409),
    "/api/v1/applications/{app_id}/rating": _post(
        "Rate the service 1-5 after completion (好差评); a low score opens a follow-up",
        {"type": "object", "required": ["score"], "properties": {
            "score": {"type": "integer", "minimum": 1, "maximum": 5}, "comment": STR}}, 400, 401, 403, 404, 409,
        response=_json(_obj(score=INT, comment=STR, follow_up={"type": ["string", "null"]}))),
    "/api/v1/applications/{app_id}/rating/follow-up": _post(
        "The supervisor closes the follow-up of a low rating with what was done", _obj(note=STR),
        400, 401, 403, 404, 409),
    "/api/v1/applications/{app_id}/notices/{notice_id}.pdf": {"get": {
        "summary": "A notice (受理通知书, 一次性告知书 …) as PDF",
        "parameters": [APP_ID, {"name": "notice_id", "in": "path", "required": True, "schema": STR}],
        "responses": {"200": {"description": "application/pdf", "content": {"application/pdf": {}}},
                      **_errors(401, 404)}}},
    "/api/v1/applications/{app_id}/uploads": _post(
        "Start a resumable upload (weak connections): declare slot, filename and size",
        {"type": "object", "required": ["slot", "size"], "properties": {"slot": STR, "filename": STR, "size": INT}},
        400, 401, 403, 404, 409, 413, response=_json({"$ref": "#/components/schemas/Upload"})),
    "/api/v1/uploads/{upload_id}": {
        "get": {"summary": "A resumable upload's state: how many bytes the server has",
                "parameters": [{"name": "upload_id", "in": "path", "required": True, "schema": STR}],
                "responses": {"200": _json({"$ref": "#/components/schemas/Upload"}), **_errors(401, 404)}},
        "patch": {"summary": "Append bytes at Upload-Offset; the last chunk files the material (201)",
                  "parameters": [{"name": "upload_id", "in": "path", "required": True, "schema": STR},
                                 {"name": "Upload-Offset", "in": "header", "required": True, "schema": INT}],
                  "requestBody": {"required": True, "content": {"application/octet-stream": {
                      "schema": {"type": "string", "format": "binary"}}}},
                  "responses": {"200": _json({"$ref": "#/components/schemas/Upload"}, "More bytes expected"),
                                "201": _json({"$ref": "#/components/schemas/Upload"}, "Complete: material filed"),
                                **_errors(400, 401, 404, 409, 413, 415)}},
    },
    "/api/v1/supervision/summary": {"get": {
        "summary": "Supervision: cases by state, overdue and warning lists, handling times, ratings (supervisors)",
        "responses": {"200": _json({"type": "object"}), **_errors(401, 403)}}},
    "/api/v1/track/{tracking_number}": {"get": {
        "summary": "Public status lookup that reveals no personal data", "security": [],
        "parameters": [{"name": "tracking_number", "in": "path", "required": True, "schema": STR},
                       {"name": "phone_last4", "in": "query", "required": True, "schema": STR}],
        "responses": {"200": _json(_obj(tracking_number=STR, service_name=STR, status=STR, status_label=STR,
                                        steps={"type": "array", "items": {"type": "object"}})),
                      **_errors(404)}}},
})

SCHEMAS["Upload"] = _obj(upload_id=STR, slot=STR, filename=STR, size=INT, offset=INT,
                         complete={"type": "boolean"}, file_id={"type": ["string", "null"]})
SCHEMAS["Case"] = {"type": "object", "required": ["id", "status"], "properties": {
    "id": STR, "tracking_number": {"type": ["string", "null"]}, "status": STR, "status_label": STR,
    "service_code": STR, "clock": {"type": "object"}, "materials": {"type": "array", "items": {"type": "object"}},
    "events": {"type": "array", "items": {"type": "object"}}, "notices": {"type": "array", "items": {"type": "object"}},
    "parts": {"type": "array", "items": {"type": "object"}}, "results": {"type": "array", "items": {"type": "object"}}}}


def document(server_url: str = "/") -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "OneWindow API", "version": "1",
                 "description": "One-window intake and electronic archive (一窗受理 · 电子归档)."},
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
        "security": [{"bearer": []}],
    }
