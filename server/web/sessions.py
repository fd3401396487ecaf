"""Flask's signed-cookie sessions, with the signing serializer made once per key rather than at every request.

Flask builds an itsdangerous serializer (and checks it by serialising a test
value) in every ``open_session`` and ``save_session``; for the public's
cookie-less requests that was a tenth of a cached guide page. The cookies are
byte for byte what Flask writes: only the serializer is kept.

``UncompressedSerializer`` is for payloads that never compress (a random hex
token, a session holding only one): itsdangerous zlib-compresses every payload
and keeps the result only when it is shorter, and zlib releases the GIL, which
under the production server hands the worker to another request thread.
Skipping the attempt leaves the same bytes (tests/server/web/test_signed_cookie_serializers.py).
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import Serializer, URLSafeTimedSerializer
from itsdangerous.encoding import base64_encode


class UncompressedSerializer(URLSafeTimedSerializer):
    def dump_payload(self, obj: Any) -> bytes:
        return base64_encode(Serializer.dump_payload(self, obj))


class SignedCookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self.kept: dict[bool, tuple[Any, URLSafeTimedSerializer | None]] = {}

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        return self._serializer(app, compressing=True)

    def token_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        """Flask's own serializer for sessions, without the compression attempt: for one holding only a token."""
        return self._serializer(app, compressing=False)

    def _serializer(self, app: Flask, compressing: bool) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()), self.salt)
        kept = self.kept.get(compressing)
        if kept is None or kept[0] != keys:  # a key changed (tests, rotation): made afresh
            serializer = super().get_signing_serializer(app)
            if serializer is not None and not compressing:
                serializer.__class__ = UncompressedSerializer  # every setting Flask chose, one method changed
            kept = self.kept[compressing] = (keys, serializer)
        return kept[1]


def init_app(app: Flask) -> None:
    app.session_interface = SignedCookieSessions()
