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
