"""The public's two most frequent requests answered beneath Flask: a status lookup, a guide page already rendered.

Under the production server a request through the whole Flask stack (request
context, session, every hook) cost more than the status lookup's own query
and a cached guide page together. This WSGI layer, inside ProxyFix so that the
client address and scheme are already true, takes only requests whose answer
it can give exactly as Flask would: a GET without cookies, credentials or body,

* ``/api/v1/track/<number>?phone_last4=DDDD``: counted against the same
  budgets (``throttle.TRACKING_LIMITS``, same keys and store) before the
  lookup, as the view is; a found case is answered here, anything else goes on
  to Flask with the count attached (``throttle.COUNTED``), so nothing is
  counted twice and the 404 and 429 answers come from the usual handlers; a
  found case's answer is kept until the database next commits
  (``db_changes``), since under a GIL a lookup that runs no statement costs a
  fraction of one that does;
* ``/services/<code>``: answered here only when ``page_cache`` holds the page
  for the reader's locale, with a fresh CSRF token in it and in a new session
  cookie, as Flask-WTF and Flask's session would set them.

Everything else, and every request that does not fit exactly, is Flask's.
Answers carry the security headers of ``security`` and the same cookies;
tests/server/web/test_public_lane.py compares them with the full stack's.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Callable, Iterable
from datetime import date
from typing import Any, cast

from flask import Flask, Response
from itsdangerous import URLSafeTimedSerializer
from werkzeug.datastructures import LanguageAccept
from werkzeug.http import dump_cookie, parse_accept_header

from .. import i18n
from ..models.base import utcnow
from ..runtime import Runtime
from ..services.cases import queries
from ..timeutil import local
from . import page_cache, security, throttle
from .sessions import SignedCookieSessions, UncompressedSerializer

WSGIApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

TRACK = "/api/v1/track/"
TRACK_ENDPOINT = "api.track"
GUIDE = "/services/"
GUIDE_ENDPOINT = "portal.service_guide"
NUMBER = re.compile(r"[A-Za-z0-9]{1,64}")
DIGITS = re.compile(r"phone_last4=(\d{4})")
CODE = re.compile(r"[A-Za-z0-9_.-]{1,64}")
# Requests any of these may change the answer of (a session, a token, a body) are Flask's.
NOT_HERE = ("HTTP_COOKIE", "HTTP_AUTHORIZATION", "CONTENT_TYPE", "HTTP_TRANSFER_ENCODING")


class PublicLane:
    def __init__(self, app: Flask, inner: WSGIApp) -> None:
        self.app = app
        self.inner = inner
        self.signers: dict[str | bytes, URLSafeTimedSerializer] = {}  # CSRF token signers, by secret
        self.answers = KeptAnswers()

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        response = self._answer(environ) if _fits(environ) else None
        if response is None:
            return self.inner(environ, start_response)
        return response(environ, start_response)

    def _answer(self, environ: dict[str, Any]) -> WSGIApp | None:
        path = environ.get("PATH_INFO", "")
        if path.startswith(TRACK):
            digits = DIGITS.fullmatch(environ.get("QUERY_STRING", ""))
            number = path[len(TRACK) :]
            if digits and NUMBER.fullmatch(number):
                return self._track(environ, number, digits.group(1))
        elif path.startswith(GUIDE) and not environ.get("QUERY_STRING"):
            code = path[len(GUIDE) :]
            if CODE.fullmatch(code):
                return self._guide(environ, code)
        return None

    def _track(self, environ: dict[str, Any], number: str, digits: str) -> WSGIApp | None:
        counters: throttle.Counters = self.app.extensions[throttle.EXTENSION]
        budgets = counters.budgets[TRACK_ENDPOINT]
        try:
            owed = counters.count(budgets, throttle.lookup_keys(environ.get("REMOTE_ADDR"), number))
        except throttle.Throttled as spent:
            environ[throttle.COUNTED] = (TRACK_ENDPOINT, spent)
            return None
        environ[throttle.COUNTED] = (TRACK_ENDPOINT, owed)
        runtime: Runtime = self.app.extensions["onewindow"]
        epoch = runtime.db.changes.epoch()  # before the read, so that a commit during it is not kept
        key = (number, digits, local(utcnow()).date())  # a paused case's due date moves with the day
        body = self.answers.get(key, epoch)
        if body is None:
            try:
                with runtime.db.engine.connect() as connection:
                    status = queries.public_track(connection, number, digits)
            except Exception:  # noqa: BLE001 - a miss (404) or a failure (503): the view answers, with this count
                return None
            body = cast(Response, self.app.json.response(status)).get_data()  # flask types it sans-I/O
            self.answers.put(key, epoch, body)
        del environ[throttle.COUNTED]
        return _answer(environ, body, "application/json")

    def _guide(self, environ: dict[str, Any], code: str) -> WSGIApp | None:
        cache = self.app.extensions.get(page_cache.EXTENSION)
        if cache is None:
            return None
        locale = _locale(environ.get("HTTP_ACCEPT_LANGUAGE"))
        key = ((GUIDE_ENDPOINT, code), str(locale), environ.get("SCRIPT_NAME", ""), page_cache.generation())
        stored = cache.get(key)
        if stored is None:
            return None
        sessions = self.app.session_interface
        secret = self.app.config.get("WTF_CSRF_SECRET_KEY") or self.app.secret_key
        if not isinstance(sessions, SignedCookieSessions) or not secret:
            return None
        serializer = sessions.token_serializer(self.app)
        if serializer is None:
            return None
        session = sessions.session_class()  # what open_session gives a request without a cookie
        token = self._csrf_token(session, self.app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token"), secret)
        body = stored.replace(page_cache.CSRF_MARK, token).encode()
        # the session cookie as SecureCookieSessionInterface.save_session sets it for a new, modified session
        cookie = dump_cookie(
            sessions.get_cookie_name(self.app),
            serializer.dumps(dict(session)),
            expires=sessions.get_expiration_time(self.app, session),
            httponly=sessions.get_cookie_httponly(self.app),
            domain=sessions.get_cookie_domain(self.app),
            path=sessions.get_cookie_path(self.app),
            secure=sessions.get_cookie_secure(self.app),
            partitioned=sessions.get_cookie_partitioned(self.app),
            samesite=sessions.get_cookie_samesite(self.app),
        )
        return _answer(environ, body, "text/html; charset=utf-8", ("Set-Cookie", cookie))

    def _csrf_token(self, session: Any, field: str, secret: str | bytes) -> str:
        """Flask-WTF's ``generate_csrf`` for a new session: a raw token kept in the session, signed for the page."""
        signer = self.signers.get(secret)
        if signer is None:
            signer = self.signers[secret] = UncompressedSerializer(secret, salt="wtf-csrf-token")
        session[field] = hashlib.sha1(os.urandom(64)).hexdigest()
        return str(signer.dumps(session[field]))


def _answer(environ: dict[str, Any], body: bytes, kind: str, *more: tuple[str, str]) -> WSGIApp:
    """A 200 with the headers Flask's stack gives a public answer, written out: through a Response and its
    Headers they were a fifth of the lane's time."""
    headers = [
        ("Content-Type", kind),
        ("Content-Length", str(len(body))),
        *security.HEADERS.items(),
        *([("Strict-Transport-Security", security.HSTS)] if _https(environ) else []),
        ("Cache-Control", security.NO_STORE),
        *more,
        ("Vary", "Cookie"),  # as under Flask, where the session (Flask-Login's, for the API) was read
    ]
    return lambda _environ, start_response: (start_response("200 OK", headers), [body])[1]


class KeptAnswers:
    """Found cases' status bodies, each under the database epoch (``db_changes``) it was read in: kept only
    while nothing has been committed since, so a kept answer is the one a query would give."""

    LIMIT = 4096  # lookups of this many cases between two commits; past it, start again

    def __init__(self) -> None:
        self._kept: dict[tuple[str, str, date], tuple[int, bytes]] = {}

    def get(self, key: tuple[str, str, date], epoch: int | None) -> bytes | None:
        kept = self._kept.get(key) if epoch is not None else None
        return kept[1] if kept is not None and kept[0] == epoch else None

    def put(self, key: tuple[str, str, date], epoch: int | None, body: bytes) -> None:
        if epoch is None:
            return
        if len(self._kept) >= self.LIMIT:
            self._kept.clear()
        self._kept[key] = (epoch, body)


def _https(environ: dict[str, Any]) -> bool:
    return environ.get("wsgi.url_scheme") == "https"


def _fits(environ: dict[str, Any]) -> bool:
    if environ.get("REQUEST_METHOD") != "GET" or any(environ.get(name) for name in NOT_HERE):
        return False
    return environ.get("CONTENT_LENGTH") in (None, "", "0")


def _locale(accept_language: str | None) -> Any:
    """``i18n.select_locale`` for a request without ``?lang=`` or the cookie it sets."""
    best = parse_accept_header(accept_language, LanguageAccept).best_match(["zh-CN", "zh", "en"])
    return i18n.PARSED["en" if best == "en" else "zh_CN"]


def install(app: Flask) -> None:
    """Beneath ProxyFix (call before it wraps ``wsgi_app``)."""
    # Flask documents wrapping wsgi_app so; its type declares a method, which mypy will not let be assigned
    app.wsgi_app = PublicLane(app, app.wsgi_app)  # type: ignore[method-assign]
