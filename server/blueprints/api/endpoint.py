"""One declaration per API operation: who may call it, what it takes, what it answers.

``@endpoint(...)`` adds the view to its blueprint and to ``OPERATIONS``. A
request is authenticated first (``access.roles``, so an anonymous caller gets
401 whatever it sent), then its query string, headers and JSON body are
validated against the operation's pydantic models, which the view receives
parsed; a ``ValidationError`` becomes ``InvalidInput`` naming every field.
server/openapi.py writes /api/v1/openapi.json from ``OPERATIONS``, so what is
documented is what is checked.

Plain pydantic rather than flask-smorest or flask-openapi3, because those
parse the request before the view's own guard runs (validation would answer
before authentication), and because uploads must reach the services as the
untouched ``request.stream``, streamed to storage and never held whole: an
upload body is declared here for the document only and never read.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import wraps
from typing import Any

from flask import Blueprint, request
from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from ...errors import InvalidInput, NotFound, PayloadTooLarge
from .access import roles as require_roles
from .blueprint import bp as api_bp

# A JSON body is a few fields; anything bigger is a mistake or an attack, refused before it is read.
MAX_JSON_BYTES = 1024 * 1024
MESSAGE = "请求有误，请按 details.fields 逐项修改 (invalid request: fix each item in details.fields)"

BINARY = {"type": "string", "format": "binary"}
# A stored file is sent with its own media type.
FILE = "*/*"


@dataclass(frozen=True)
class Media:
    """An answer that is not JSON (a file's bytes, a PDF, a zip), or none at all when ``media_type`` is empty."""

    media_type: str = ""
    description: str = ""


@dataclass(frozen=True)
class Stream:
    """A request body the service streams to storage: documented here, never read here."""

    content: dict[str, dict[str, Any]]
    description: str


UPLOAD = Stream(
    {
        "multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": BINARY}}},
        "application/octet-stream": {"schema": BINARY},
    },
    "Multipart field `file`, or the raw body (any Content-Type but multipart) named by X-Filename. "
    "Streamed to storage; the type is checked from the content, not the name.",
)
CHUNK = Stream({"application/octet-stream": {"schema": BINARY}}, "The next bytes of the file, from Upload-Offset.")
NO_CONTENT = Media()

Reply = type[BaseModel] | Media


@dataclass(frozen=True)
class Operation:
    endpoint: str
    method: str
    tag: str
    summary: str
    description: str
    public: bool
    roles: tuple[str, ...]
    query: type[BaseModel] | None
    headers: type[BaseModel] | None
    body: type[BaseModel] | Stream | None
    responses: Mapping[int, Reply]
    errors: tuple[int, ...]


OPERATIONS: dict[str, Operation] = {}


def endpoint(
    method: str,
    rule: str,
    *,
    summary: str,
    responses: Mapping[int, Reply],
    public: bool = False,
    roles: tuple[str, ...] = (),
    query: type[BaseModel] | None = None,
    headers: type[BaseModel] | None = None,
    body: type[BaseModel] | Stream | None = None,
    errors: tuple[int, ...] = (),
    database: bool = True,
    blueprint: Blueprint | None = None,
) -> Callable:
    """Registers the view; it is called with its path arguments and ``query``, ``headers``, ``body`` parsed.

    The errors every operation of its kind can give are added to ``errors``: 401 unless public, 400 with
    input, 403 with roles, 404 with path parameters, 413 with a body, 503 when the database (or storage, or
    the index) is down, 507 for a write when the disk is full.
    """
    blueprint = blueprint or api_bp

    def decorate(view: Callable) -> Callable:
        handler = _parsing(view, query, headers, body)
        guarded = handler if public else require_roles(*roles)(handler)
        blueprint.add_url_rule(rule, endpoint=view.__name__, view_func=guarded, methods=[method])
        automatic = {400} if query or headers or body else set()
        automatic |= {401} if not public else set()
        automatic |= {403} if roles else set()
        automatic |= {404} if "<" in rule else set()
        automatic |= {413} if body is not None else set()
        automatic |= {503} if database else set()
        automatic |= {507} if database and method != "GET" else set()
        OPERATIONS[f"{blueprint.name}.{view.__name__}"] = Operation(
            endpoint=f"{blueprint.name}.{view.__name__}",
            method=method.lower(),
            tag=view.__module__.rsplit(".", 1)[-1],
            summary=summary,
            description=inspect.cleandoc(view.__doc__ or ""),
            public=public,
            roles=roles,
            query=query,
            headers=headers,
            body=body,
            responses=responses,
            errors=tuple(sorted(automatic | set(errors))),
        )
        return guarded

    return decorate


def _parsing(
    view: Callable,
    query: type[BaseModel] | None,
    headers: type[BaseModel] | None,
    body: type[BaseModel] | Stream | None,
) -> Callable:
    """``view`` called with its path arguments and the parsed ``query``, ``headers`` and ``body`` it takes."""
    # Headers may be declared for the document and their bounds only (Range is read by the sender).
    accepted = set(inspect.signature(view).parameters)

    @wraps(view)
    def handler(**path: Any):
        if any("\x00" in value for value in path.values() if isinstance(value, str)):
            raise NotFound("没有这个资源 (no such resource)")
        parsed: dict[str, Any] = {}
        if query is not None:
            parsed["query"] = _validate(query, request.args.to_dict(), "query")
        if headers is not None:
            parsed["headers"] = _validate(headers, _header_values(headers), "header")
        if isinstance(body, type):
            parsed["body"] = _json_body(body)
        return view(**path, **{name: value for name, value in parsed.items() if name in accepted})

    return handler


def _header_values(model: type[BaseModel]) -> dict[str, str]:
    names = [field.alias or name for name, field in model.model_fields.items()]
    return {name: request.headers[name] for name in names if name in request.headers}


def _json_body(model: type[BaseModel]) -> BaseModel:
    """A body that is not declared JSON is no body, as before: the fields' defaults apply."""
    raw = b""
    if request.is_json:
        if (request.content_length or 0) > MAX_JSON_BYTES:
            raise _too_large()
        raw = request.get_data(cache=True)
        if len(raw) > MAX_JSON_BYTES:
            raise _too_large()
    try:
        return model.model_validate_json(raw if raw.strip() else b"{}")
    except ValidationError as error:
        raise invalid(error, "body", model) from None


def _too_large() -> PayloadTooLarge:
    return PayloadTooLarge(
        f"JSON 请求体不得超过 {MAX_JSON_BYTES} 字节 (a JSON body may have at most {MAX_JSON_BYTES} bytes)",
        {"max_bytes": MAX_JSON_BYTES},
    )


def _validate(model: type[BaseModel], values: dict[str, Any], where: str) -> BaseModel:
    try:
        return model.model_validate(values)
    except ValidationError as error:
        raise invalid(error, where, model) from None


def invalid(error: ValidationError, where: str, model: type[BaseModel]) -> InvalidInput:
    """One message per field, by its dotted place in the input (``applicant.name``, ``verdicts.0.ok``)."""
    problems = error.errors(include_url=False)
    fields: dict[str, str] = {}
    for problem in problems:
        fields.setdefault(".".join(str(part) for part in problem["loc"]) or where, message(problem))
    details: dict[str, Any] = {"fields": fields}
    if where in ("query", "header"):
        details["parameter"] = next(iter(fields))
    elif any(p["loc"] == () or (len(p["loc"]) == 1 and p["type"] == "missing") for p in problems):
        required = [field.alias or name for name, field in model.model_fields.items() if field.is_required()]
        if required:
            details["required"] = required
    return InvalidInput(MESSAGE, details)


KINDS = {
    "missing": "必填 (required)",
    "string_type": "须为字符串 (must be a string)",
    "int_type": "须为整数 (must be a whole number)",
    "int_parsing": "须为整数 (must be a whole number)",
    "int_from_float": "须为整数 (must be a whole number)",
    "finite_number": "须为有限的数 (must be a finite number)",
    "bool_type": "须为 true 或 false (must be true or false)",
    "bool_parsing": "须为 true 或 false (must be true or false)",
    "list_type": "须为数组 (must be a list)",
    "dict_type": "须为 JSON 对象 (must be an object)",
    "model_type": "须为 JSON 对象 (must be an object)",
    "date_type": "须为日期 YYYY-MM-DD (must be a date like 2026-11-27)",
    "date_parsing": "须为日期 YYYY-MM-DD (must be a date like 2026-11-27)",
    "date_from_datetime_parsing": "须为日期 YYYY-MM-DD (must be a date like 2026-11-27)",
    "json_invalid": "不是有效的 JSON (not valid JSON)",
}
BOUNDS = {
    "greater_than_equal": "须不小于 {ge} (must be at least {ge})",
    "less_than_equal": "须不大于 {le} (must be at most {le})",
    "string_too_short": "至少 {min_length} 个字符 (at least {min_length} characters)",
    "string_too_long": "至多 {max_length} 个字符 (at most {max_length} characters)",
    "too_short": "至少 {min_length} 项 (at least {min_length} items)",
    "too_long": "至多 {max_length} 项 (at most {max_length} items)",
    "literal_error": "须为 {expected} 之一 (must be one of {expected})",
    "string_pattern_mismatch": "格式不符 (must match {pattern})",
}


def message(problem: ErrorDetails) -> str:
    """Chinese with English in parentheses, as every message of ours; our own checks' messages already are."""
    kind, context = problem["type"], problem.get("ctx") or {}
    if kind == "string_too_short" and context.get("min_length") == 1:
        return "不能为空 (must not be empty)"
    if kind in BOUNDS:
        return BOUNDS[kind].format(**context)
    return KINDS.get(kind, problem["msg"])
