"""Flask's signed-cookie sessions, with the signing serializer made once per key rather than at every request.

Flask builds an itsdangerous serializer (and checks it by serialising a test
value) in every ``open_session`` and ``save_session``; for the public's
cookie-less requests that was a tenth of a cached guide page. The cookies are
byte for byte what Flask writes: only the serializer is kept.
"""

from __future__ import annotations

from typing import Any

from flask import Flask
from flask.sessions import SecureCookieSessionInterface
from itsdangerous import URLSafeTimedSerializer


class SignedCookieSessions(SecureCookieSessionInterface):
    def __init__(self) -> None:
        self.kept: tuple[Any, URLSafeTimedSerializer | None] | None = None

    def get_signing_serializer(self, app: Flask) -> URLSafeTimedSerializer | None:
        keys = (app.secret_key, tuple(app.config["SECRET_KEY_FALLBACKS"] or ()), self.salt)
        kept = self.kept
        if kept is None or kept[0] != keys:  # a key changed (tests, rotation): made afresh
            kept = self.kept = (keys, super().get_signing_serializer(app))
        return kept[1]


def init_app(app: Flask) -> None:
    app.session_interface = SignedCookieSessions()
