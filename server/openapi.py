"""The OpenAPI 3.1 document served at /api/v1/openapi.json, written from the operations' declarations.

Paths come from the app's URL map, and everything about an operation (who,
parameters, body, answers, errors) from its ``@endpoint`` declaration and the
pydantic models it names (server/blueprints/api/endpoint.py), the same models
that validate requests. Nothing here is written by hand but the prose.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from http import HTTPStatus
from typing import Any

from flask import current_app
from pydantic import BaseModel, ValidationError
from pydantic.json_schema import JsonSchemaMode, models_json_schema
from werkzeug.routing import Map, Rule

from .blueprints.api.endpoint import BINARY, OPERATIONS, Media, Operation, Stream
from .blueprints.api.schemas import Error

REF = "#/components/schemas/{model}"
EXTENSION = "onewindow.openapi"

ERRORS = {
    400: "Invalid input; when the request does not fit its schema, `details.fields` names each problem",
    401: "No valid bearer token (at sign-in: wrong username or password)",
    403: "The caller's role may not do this",
    404: "Not found, or outside what the caller may see",
    409: "Not possible in the current state, or in conflict with what is there",
    413: "Too large",
    415: "The file's content is not of a type this slot accepts",
    422: "The file cannot be opened, or contains malware; nothing was stored",
    429: "Too many attempts: try again after Retry-After seconds",
    503: "The database, storage or search is unavailable for now; try again later",
    507: "The disk or bucket is full: reads go on, writes are refused",
}

HEADERS = {
    401: {"headers": {"WWW-Authenticate": {"required": True, "schema": {"type": "string"}}}},
    429: {"headers": {"Retry-After": {"required": True, "description": "seconds", "schema": {"type": "integer"}}}},
}

DESCRIPTION = """One-window intake and electronic archive (一窗受理 · 电子归档).

Errors are JSON `{"error": {"code", "message", "details"}}`, the message in Chinese with English in
parentheses; every problem the caller can fix is a 4xx. Authentication comes before validation: without a
valid bearer token an operation answers 401 whatever was sent. A method a path does not have answers 405
with `Allow`. Collections page with `page` (1 to 10000) and `per_page` (1 to 100)."""


def document() -> dict[str, Any]:
    """Built once per app: neither the URL map nor the declarations change while it runs."""
    extensions = current_app.extensions
    if EXTENSION not in extensions:
        extensions[EXTENSION] = build(current_app.url_map)
    return extensions[EXTENSION]


def build(url_map: Map) -> dict[str, Any]:
    routes = [(rule, OPERATIONS[rule.endpoint]) for rule in url_map.iter_rules() if rule.endpoint in OPERATIONS]
    refs, top = models_json_schema(_models(op for _, op in routes), ref_template=REF)
    components = dict(top.get("$defs", {}))
    paths: dict[str, dict[str, Any]] = {}
    for rule, op in routes:
        paths.setdefault(openapi_path(rule.rule), {})[op.method] = _operation(rule, op, refs, components)
    return {
        "openapi": "3.1.0",
        "info": {"title": "OneWindow API", "version": "1", "description": DESCRIPTION},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": components, "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
    }


def openapi_path(rule: str) -> str:
    """``/applications/<app_id>`` → ``/applications/{app_id}``."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule)


def _models(operations: Iterable[Operation]) -> list[tuple[type[BaseModel], JsonSchemaMode]]:
    wanted: dict[tuple[type[BaseModel], JsonSchemaMode], None] = {(Error, "serialization"): None}
    for op in operations:
        if isinstance(op.body, type):
            wanted[op.body, "validation"] = None
        for reply in op.responses.values():
            if isinstance(reply, type):
                wanted[reply, "serialization"] = None
    return list(wanted)


def _operation(rule: Rule, op: Operation, refs: dict, components: dict[str, Any]) -> dict[str, Any]:
    description = op.description
    if op.roles:
        description = f"{description}\n\nRoles: {', '.join(op.roles)}.".strip()
    parameters = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string"}}
        for name in re.findall(r"<(?:[^:<>]+:)?([^<>]+)>", rule.rule)
    ]
    for model, where in ((op.query, "query"), (op.headers, "header")):
        if model is not None:
            parameters += _parameters(model, where, components)
    operation: dict[str, Any] = {
        "operationId": rule.endpoint.rsplit(".", 1)[-1],
        "tags": [op.tag],
        "summary": op.summary,
        **({"description": description} if description else {}),
        "security": [] if op.public else [{"bearer": []}],
        **({"parameters": parameters} if parameters else {}),
    }
    if isinstance(op.body, Stream):
        operation["requestBody"] = {"required": True, "description": op.body.description, "content": op.body.content}
    elif op.body is not None:
        schema = refs[op.body, "validation"]
        operation["requestBody"] = {
            "required": _refuses_no_body(op.body),
            "content": {"application/json": {"schema": schema}},
        }
    responses = {str(status): _reply(status, reply, refs) for status, reply in sorted(op.responses.items())}
    error = {"content": {"application/json": {"schema": refs[Error, "serialization"]}}}
    for status in op.errors:
        responses.setdefault(str(status), {"description": ERRORS[status], **error, **HEADERS.get(status, {})})
    operation["responses"] = dict(sorted(responses.items()))
    return operation


def _refuses_no_body(model: type[BaseModel]) -> bool:
    """Whether the body is required: an absent body is validated as ``{}`` (endpoint._json_body), which a model
    may refuse although no single field is required (UpdateForm: form, township or both)."""
    try:
        model.model_validate_json(b"{}")
    except ValidationError:
        return True
    return False


def _reply(status: int, reply: type[BaseModel] | Media, refs: dict) -> dict[str, Any]:
    if isinstance(reply, Media):
        answer: dict[str, Any] = {"description": reply.description or HTTPStatus(status).phrase}
        if reply.media_type:
            answer["content"] = {reply.media_type: {"schema": BINARY}}
        return answer
    return {
        "description": HTTPStatus(status).phrase,
        "content": {"application/json": {"schema": refs[reply, "serialization"]}},
    }


def _parameters(model: type[BaseModel], where: str, components: dict[str, Any]) -> list[dict[str, Any]]:
    """Query and header parameters, one per field; optional ones are simply left out, never sent as null."""
    schema = model.model_json_schema(ref_template=REF)
    components.update(schema.get("$defs", {}))
    required = set(schema.get("required", ()))
    parameters = []
    for name, prop in schema["properties"].items():
        prop = {key: value for key, value in prop.items() if key != "title"}
        description = prop.pop("description", None)
        options = [option for option in prop.pop("anyOf", []) if option != {"type": "null"}]
        if len(options) == 1:
            prop = {**options[0], **{key: value for key, value in prop.items() if key != "default"}}
            description = description or prop.pop("description", None)
        elif options:
            prop["anyOf"] = options
        parameters.append(
            {
                "name": name,
                "in": where,
                "required": name in required,
                "schema": prop,
                **({"description": description} if description else {}),
            }
        )
    return parameters
