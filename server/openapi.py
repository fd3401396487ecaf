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
