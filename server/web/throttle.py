"""Throttling of password and tracking-number guessing, every rule in this one module.

Without it 50 wrong passwords then the right one sign in, and the 10,000 phone
suffixes of a tracking number are tried in seconds. The budgets count
*failures* where a failure is what a guesser produces (401 at sign-in, 404 at
tracking), so a user who signs in correctly a hundred times never locks
themself out. Each budget is kept per target (the username, the tracking
number) so a botnet of many addresses still runs into it, and more loosely per
client address so one client cannot walk through many targets.

Rules are applied to the existing view functions by endpoint name (``RULES``);
the views know nothing of them; a rule naming a missing endpoint fails at
start-up. Registration (the page and ``POST /api/v1/auth/register`` together)
counts every attempt per client address; a wrong current password at a
password change counts as a failed sign-in from that address.

Counters live in ``settings.ratelimit_url``: ``memory://`` keeps them in this
app instance (one process; a fresh app starts from zero; SweptMemoryStorage), ``redis://`` shares
them between every process. ``?prefix=NAME`` on the URL namespaces the keys
(several instances or test runs on one Redis). When the store fails, counting
goes on in process memory and the failure is logged: a Redis outage weakens
throttling for a while but never blocks sign-in or tracking.

Flask-Limiter does the counting (moving windows, shared scopes, conditional
deduction, storage fallback); this module only says what to count.
"""

from __future__ import annotations

import hashlib
import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, Response, current_app, request
from flask_limiter import Limiter, RateLimitExceeded
from limits.storage import MemoryStorage

from ..config import Settings
from ..errors import TooManyRequests

EXTENSION = "onewindow.limiter"
THROTTLED = "onewindow.throttled"  # the endpoints throttle() wrapped
DEFAULT_KEY_PREFIX = "onewindow"
MEMORY_SCHEME = "onewindow-memory"
SWEEP_SECONDS = 60.0

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """One budget: ``limits`` per value of ``key``, shared by every endpoint with the same ``scope``."""

    scope: str
    limits: str
    key: Callable[[], str]
    # Only answers for which this holds use up the budget; None: every request does.
    counts: Callable[[Response], bool] | None = None
    methods: tuple[str, ...] | None = None
    # Requests for which this holds are neither counted nor refused.
    exempt: Callable[[], bool] | None = None


def _digest(value: str) -> str:
    """Keys stay short and carry no personal data whatever the caller sends."""
    return hashlib.sha256(value.encode("utf-8", "surrogatepass")).hexdigest()[:32]


def client_address() -> str:
    """The client's address; IPv6 by its /64, which one subscriber usually holds whole."""
    address = request.remote_addr or "unknown"
    try:
        parsed = ipaddress.ip_address(address)
    except ValueError:
        return "client:" + _digest(address)
    if isinstance(parsed, ipaddress.IPv6Address):
        if parsed.ipv4_mapped:
            return str(parsed.ipv4_mapped)
        return str(ipaddress.ip_network(f"{parsed}/64", strict=False))
    return str(parsed)


def login_username() -> str:
    """The username being tried (JSON body for the API, form field for the page), normalised."""
    body = request.get_json(silent=True) if request.is_json else None
    value = body.get("username") if isinstance(body, dict) else request.form.get("username")
    return "user:" + _digest(str(value or "").strip().lower())


def _requested_tracking_number() -> str:
    return str((request.view_args or {}).get("tracking_number") or request.args.get("number", "")).strip().upper()


def tracking_number() -> str:
    return "number:" + _digest(_requested_tracking_number())


def _answered(*statuses: int) -> Callable[[Response], bool]:
    return lambda response: response.status_code in statuses


def _no_tracking_number() -> bool:
    """The empty tracking form is a page view, not a lookup."""
    return not _requested_tracking_number()


LOGIN_LIMITS: tuple[Rule, ...] = (
    Rule("login-username", "5 per 15 minutes; 20 per day", login_username, counts=_answered(401), methods=("POST",)),
    Rule("login-client", "30 per 15 minutes; 200 per day", client_address, counts=_answered(401), methods=("POST",)),
)
TRACKING_LIMITS: tuple[Rule, ...] = (
    Rule("track-client", "30 per minute; 300 per day", client_address, exempt=_no_tracking_number),
    Rule("track-number", "10 per hour; 50 per day", tracking_number, counts=_answered(404), exempt=_no_tracking_number),
)
# Registration, page and API: every attempt counts, so accounts cannot be mass-created.
REGISTRATION_LIMITS: tuple[Rule, ...] = (
    Rule("register-client", "20 per hour; 100 per day", client_address, methods=("POST",)),
)

RULES: dict[str, Sequence[Rule]] = {
    "auth.login": LOGIN_LIMITS,
    "api.create_token": LOGIN_LIMITS,
    "track.lookup": TRACKING_LIMITS,
    "api.track": TRACKING_LIMITS,
    "api.register": REGISTRATION_LIMITS,
    "accounts.register": REGISTRATION_LIMITS,
    # A wrong current password (403) at a password change is a failed sign-in from that address.
    "api.change_password": (replace(LOGIN_LIMITS[1], counts=_answered(403), methods=("PUT",)),),
    "accounts.change_password": (replace(LOGIN_LIMITS[1], counts=_answered(403)),),
}


class SweptMemoryStorage(MemoryStorage):
    """``memory://`` without a thread per request: limits' store starts a 10 ms timer thread after nearly
    every hit to drop expired entries; here the hit that finds the last sweep over a minute old does it.
    Expired entries are ignored when counting either way, so only memory waits for the sweep."""

    STORAGE_SCHEME = [MEMORY_SCHEME]

    def __init__(self, uri: str | None = None, wrap_exceptions: bool = False, **options: str) -> None:
        self.swept_at = time.monotonic()
        self.sweeping = threading.Lock()
        super().__init__(uri, wrap_exceptions=wrap_exceptions, **options)

    def _MemoryStorage__schedule_expiry(self) -> None:  # noqa: N802 - the parent's private timer start
        if time.monotonic() - self.swept_at < SWEEP_SECONDS or not self.sweeping.acquire(blocking=False):
            return
        try:
            self.swept_at = time.monotonic()
            self._MemoryStorage__expire_events()  # type: ignore[attr-defined]
        finally:
            self.sweeping.release()


def _storage(url: str) -> tuple[str, str, dict[str, Any]]:
    """The store URL without our ``prefix`` parameter, the key prefix, and the store's options."""
    parts = urlsplit(url)
    query = parse_qsl(parts.query, keep_blank_values=True)
    prefix = next((value for name, value in query if name == "prefix"), "") or DEFAULT_KEY_PREFIX
    rest = urlencode([(name, value) for name, value in query if name != "prefix"])
    scheme = MEMORY_SCHEME if parts.scheme == "memory" else parts.scheme
    options: dict[str, Any] = {}  # passed on to the storage's client (redis-py takes float timeouts)
    if parts.scheme.startswith("redis"):
        # Without timeouts an unreachable Redis would hold each sign-in for the OS's TCP timeout.
        options = {"socket_connect_timeout": 1.0, "socket_timeout": 1.0}
    return urlunsplit((scheme, parts.netloc, parts.path, rest, parts.fragment)), prefix, options


def init_app(app: Flask, settings: Settings) -> Limiter:
    """A limiter of this app's own (its memory counters die with the app) with every rule applied."""
    uri, prefix, options = _storage(settings.ratelimit_url)
    limiter = Limiter(
        key_func=client_address,
        storage_uri=uri,
        storage_options=options,
        key_prefix=prefix,
        strategy="moving-window",
        fail_on_first_breach=False,
        headers_enabled=False,
        swallow_errors=True,
        in_memory_fallback_enabled=True,
    )
    limiter.init_app(app)
    # Every rule is on a view; without this filter each other request pays for looking its limits up.
    app.extensions[THROTTLED] = set()
    limiter.request_filter(lambda: request.endpoint not in current_app.extensions[THROTTLED])
    app.extensions[EXTENSION] = limiter
    for endpoint, rules in RULES.items():
        throttle(app, limiter, endpoint, rules)
    app.register_error_handler(RateLimitExceeded, _too_many_requests)
    log.info("throttling counters in %s", urlsplit(uri).scheme)
    return limiter


def throttle(app: Flask, limiter: Limiter, endpoint: str, rules: Sequence[Rule]) -> None:
    """Wraps the view of ``endpoint`` in ``rules``; call after the blueprints are registered."""
    if endpoint not in app.view_functions:
        raise LookupError(f"throttling rule for {endpoint!r}, which is not an endpoint of this app")
    view: Callable[..., Any] = app.view_functions[endpoint]
    for rule in rules:
        view = limiter.shared_limit(
            rule.limits,
            scope=rule.scope,
            key_func=rule.key,
            methods=list(rule.methods) if rule.methods else None,
            deduct_when=rule.counts,
            exempt_when=rule.exempt,
        )(view)
    app.view_functions[endpoint] = view
    app.extensions[THROTTLED].add(endpoint)


def _retry_after(limiter: Limiter) -> int:
    """Seconds until every breached budget has room again."""
    now = time.time()
    waits = []
    for limit in limiter.current_limits:
        if not limit.breached:
            continue
        try:
            waits.append(limit.window[0] - now)
        except Exception:  # noqa: BLE001 - the store failed just now: promise the whole window
            waits.append(limit.limit.get_expiry())
    return max(1, math.ceil(max(waits, default=60)))


def _too_many_requests(_error: RateLimitExceeded) -> Response:
    """Our error body (JSON or the error page, as for every other error) plus Retry-After."""
    seconds = _retry_after(current_app.extensions[EXTENSION])
    error = TooManyRequests(
        f"尝试次数过多，请 {seconds} 秒后再试 (too many attempts: try again in {seconds} seconds)",
        {"retry_after": seconds},
    )
    response = current_app.make_response(current_app.handle_user_exception(error))
    response.headers["Retry-After"] = str(seconds)
    return response
