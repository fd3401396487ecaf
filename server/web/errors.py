"""Maps every error to a response in one place: JSON under /api, pages elsewhere."""

from __future__ import annotations

import logging

from flask import Flask, current_app, render_template, request
from sqlalchemy.exc import DBAPIError
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from indexers import SearchIndexError
from storage import DigestMismatch, InvalidKey, ObjectNotFound, ObjectSealed, StorageError, StorageFull, TooLarge

from ..db import failure_kind
from ..errors import (
    AppError,
    Conflict,
    InvalidInput,
    NotFound,
    PayloadTooLarge,
    Unauthorized,
    Unavailable,
)
from ..errors import (
    StorageFull as Full,
)
from ..services.archive.search import UNAVAILABLE as SEARCH_UNAVAILABLE
from .limits import too_large

log = logging.getLogger(__name__)

# Storage errors the caller caused (or may retry) become the matching AppError.
STORAGE_ERRORS: list[tuple[type[Exception], type[AppError], str]] = [
    (TooLarge, PayloadTooLarge, "文件超过大小限制 (file too large)"),
    (DigestMismatch, InvalidInput, "文件校验值不符 (the file's SHA-256 does not match)"),
    (InvalidKey, InvalidInput, "文件名不合法 (invalid object name)"),
    (ObjectNotFound, NotFound, "文件不存在 (no such file)"),
    (ObjectSealed, Conflict, "已归档文件不可修改或删除 (archived files cannot be changed or deleted)"),
    (
        StorageFull,
        Full,
        "存储空间已满，暂时无法保存；已保存的材料不受影响，可以查看和下载 "
        "(storage is full: nothing can be saved now; what is stored is safe and can be read)",
    ),
]
FULL_DATABASE = (
    "存储空间已满，暂时无法保存更改；已有的办件和材料不受影响 "
    "(the database's disk is full: changes cannot be saved now; existing cases are safe)"
)
DATABASE_DOWN = "数据库暂不可用，请稍后重试 (the database is unavailable: try again in a moment)"


def _wants_json() -> bool:
    return (
        request.path.startswith("/api/")
        or request.path == "/healthz"
        or (request.accept_mimetypes.best == "application/json")
    )


def _render(error: AppError):
    if _wants_json():
        return error.to_json(), error.status
    return render_template("error.html", error=error), error.status


def register_error_handlers(app: Flask) -> None:
    @app.errorhandler(AppError)
    def _app_error(error: AppError):
        if isinstance(error, Unauthorized) and request.path.startswith("/api/"):
            body, status = _render(error)
            return body, status, {"WWW-Authenticate": 'Bearer realm="OneWindow"'}
        return _render(error)

    @app.errorhandler(DBAPIError)
    def _database_error(error: DBAPIError):
        kind = failure_kind(error)
        if kind is None:
            return _unexpected(error)
        log.warning("database %s on %s %s: %s", kind, request.method, request.path, error.orig)
        return _render(Full(FULL_DATABASE) if kind == "full" else Unavailable(DATABASE_DOWN))

    @app.errorhandler(StorageError)
    def _storage_error(error: StorageError):
        for storage_type, app_type, message in STORAGE_ERRORS:
            if isinstance(error, storage_type):
                return _render(app_type(message, {"reason": str(error)}))
        log.warning("storage unavailable: %s", error)
        return _render(Unavailable("存储服务暂不可用，请稍后重试 (storage is unavailable, try again later)"))

    @app.errorhandler(SearchIndexError)
    def _index_error(error: SearchIndexError):
        """The index is derived and optional: whatever touches it degrades to 503, never 500."""
        log.warning("search index %s on %s %s: %s", type(error).__name__, request.method, request.path, error)
        return _render(Unavailable(SEARCH_UNAVAILABLE, {"reason": str(error)[:200]}))

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        """Our body with the exception's headers: Allow of a 405, Retry-After of a 429, WWW-Authenticate."""
        limit = current_app.config["MAX_CONTENT_LENGTH"]
        if isinstance(error, RequestEntityTooLarge) and limit and (request.content_length or 0) > limit:
            wrapped: AppError = too_large(limit)
        else:
            wrapped = AppError(error.description or error.name)
            wrapped.status = error.code or 500
            wrapped.code = (error.name or "error").lower().replace(" ", "_")
        body, status = _render(wrapped)
        headers = [
            (name, value) for name, value in error.get_headers(request.environ) if name.lower() != "content-type"
        ]
        return body, status, headers

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        log.exception("unhandled error on %s %s", request.method, request.path)
        wrapped = AppError("服务器内部错误 (internal error); it has been logged")
        wrapped.status, wrapped.code = 500, "internal_error"
        return _render(wrapped)
