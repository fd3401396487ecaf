"""Refusals the headers already justify, answered before a byte of the body is read.

gunicorn hands the body to the app as a stream, so whatever is refused here
never reaches the disk. The hook runs ahead of every other before_request hook
because CSRFProtect parses form bodies to find its token. Who is asking comes
before how much they send: an API request without a valid token is left to its
view, which answers 401 before touching the body (and Werkzeug refuses an
oversized body unread, through MAX_CONTENT_LENGTH, wherever one is touched).
"""

from __future__ import annotations

from flask import Flask, request
from flask_login import current_user

from ..config import Settings
from ..errors import PayloadTooLarge, Unauthorized


def too_large(limit: int) -> PayloadTooLarge:
    megabytes = f"{limit / 1024**2:.4g}"
    return PayloadTooLarge(
        f"请求体超过上限 {megabytes} MB（{limit} 字节） "
        f"(the request body exceeds the limit of {megabytes} MB, {limit} bytes)",
        {"max_bytes": limit},
    )


def init_app(app: Flask, settings: Settings) -> None:
    limit = settings.max_upload_bytes

    def _refuse_early() -> None:
        api = request.path.startswith("/api/")
        length = request.content_length
        if length is not None and length > limit and (not api or _api_caller() is not None):
            raise too_large(limit)
        # No page takes files from someone who is not signed in; parsing them would spool the body.
        if not api and request.mimetype == "multipart/form-data" and not current_user.is_authenticated:
            raise Unauthorized("请先登录 (please sign in)")

    app.before_request_funcs.setdefault(None, []).insert(0, _refuse_early)


def _api_caller():
    from ..blueprints.api.access import api_user

    return api_user(required=False)
