"""Errors the caller can fix, each with its HTTP status, mapped to responses in one place."""

from __future__ import annotations

from typing import Any


class AppError(Exception):
    status = 400
    code = "bad_request"

    def __init__(self, message: str, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details or {}

    def to_json(self) -> dict[str, Any]:
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class InvalidInput(AppError):
    status, code = 400, "invalid_input"


class Unauthorized(AppError):
    status, code = 401, "unauthorized"


class Forbidden(AppError):
    status, code = 403, "forbidden"


class ReadNotAuthorised(Forbidden):
    """An officer reading another department's shared file without a case of that person or an approval."""

    code = "read_not_authorised"


class NotFound(AppError):
    status, code = 404, "not_found"


class Conflict(AppError):
    status, code = 409, "conflict"


class WrongState(Conflict):
    code = "wrong_state"


class PayloadTooLarge(AppError):
    status, code = 413, "too_large"


class UnsupportedType(AppError):
    status, code = 415, "unsupported_type"


class Unavailable(AppError):
    status, code = 503, "unavailable"


class UnusableFile(AppError):
    """The upload is the right type but cannot be opened (truncated, encrypted, looping)."""

    status, code = 422, "unusable_file"


class Infected(AppError):
    """The virus scanner found malware in the upload; nothing was stored."""

    status, code = 422, "infected"


class TooManyRequests(AppError):
    status, code = 429, "too_many_requests"


class StorageFull(AppError):
    """Writes are refused while the disk or bucket is full; reads go on."""

    status, code = 507, "storage_full"


class SigningUnavailable(Unavailable):
    """The package signature (固化信息) or its timestamp could not be made: no key, no openssl, no TSA."""

    code = "signing_unavailable"


class ArchiveCheckFailed(Conflict):
    """A dossier failed its four-property check (四性检测) before it became final, an export or a transfer."""

    code = "archive_check_failed"
