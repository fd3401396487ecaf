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

The limits library does the counting (moving windows, the stores); this
module says what to count and counts only on the throttled views, with the
keys Flask-Limiter used before it (``LIMITER/prefix/key/scope/...``), so
counters in a shared Redis carry over. Flask-Limiter's per-request resolution
of which limits apply cost a quarter of a status lookup; here each wrapped
view knows its rules, and every other request pays nothing.
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
from functools import wraps
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from flask import Flask, Response, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, storage_from_string
from limits.strategies import MovingWindowRateLimiter

from ..config import Settings
from ..errors import TooManyRequests

EXTENSION = "onewindow.limiter"
OWED = "onewindow.throttle_owed"  # g: the conditional deductions of this request
# environ: (endpoint, owed deductions or Throttled) when a request was counted before Flask saw it
COUNTED = "onewindow.counted"
DEFAULT_KEY_PREFIX = "onewindow"
MEMORY_SCHEME = "onewindow-memory"
SWEEP_SECONDS = 60.0
RECHECK_SECONDS = 30.0  # while the store fails, how often one request tries it again

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
    return address_key(request.remote_addr)


def address_key(remote_addr: str | None) -> str:
    address = remote_addr or "unknown"
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
    return number_key(_requested_tracking_number())


def number_key(number: str) -> str:
    return "number:" + _digest(number.strip().upper())


def lookup_keys(remote_addr: str | None, number: str) -> tuple[str, str]:
    """The keys of ``TRACKING_LIMITS`` for a lookup of ``number`` (not empty) from ``remote_addr``, for a caller
    outside a Flask request (server/web/public_lane.py), in the order of the rules."""
    return address_key(remote_addr), number_key(number)


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


Keys = tuple[str, str, str]  # prefix, the rule's key of this request, scope
Spent = tuple[RateLimitItem, Keys]
Owed = tuple[RateLimitItem, Keys, Callable[[Response], bool]]


@dataclass(frozen=True)
class Budget:
    """A rule's limits, parsed once."""

    rule: Rule
    items: tuple[RateLimitItem, ...]

    def key(self) -> str | None:
        """This request's key, or None where the rule does not apply to it."""
        rule = self.rule
        if (rule.methods is not None and request.method not in rule.methods) or (rule.exempt and rule.exempt()):
            return None
        return rule.key()


class Throttled(Exception):
    """A budget is spent; ``seconds`` until every spent one has room again."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class Counters:
    """The moving-window counters in the configured store, and in process memory while that store fails."""

    def __init__(self, url: str) -> None:
        uri, self.prefix, options = _storage(url)
        self.scheme = urlsplit(uri).scheme
        self.store = MovingWindowRateLimiter(storage_from_string(uri, **options))
        self.fallback = MovingWindowRateLimiter(SweptMemoryStorage())
        self.failed_at: float | None = None
        self.lock = threading.Lock()
        self.budgets: dict[str, tuple[Budget, ...]] = {}  # by endpoint

    def strategy(self) -> MovingWindowRateLimiter:
        """The store, or the memory fallback until RECHECK_SECONDS after the store last failed."""
        failed_at = self.failed_at
        if failed_at is None:
            return self.store
        if time.monotonic() - failed_at < RECHECK_SECONDS or not self.lock.acquire(blocking=False):
            return self.fallback
        try:
            if self.store.storage.check():
                log.info("throttling counters recovered in %s", self.scheme)
                self.failed_at = None
                return self.store
            self.failed_at = time.monotonic()
        finally:
            self.lock.release()
        return self.fallback

    def count(self, budgets: Sequence[Budget], keys: Sequence[str | None]) -> list[Owed]:
        """Deducts the unconditional budgets, tests the conditional ones; raises Throttled if one is spent.
        ``keys``: each budget's key of this request, None where it does not apply.
        Returns the conditional deductions still owed once the answer is known."""
        try:
            return self._count(self.strategy(), budgets, keys)
        except Throttled:
            raise
        except Exception:  # noqa: BLE001 - any failure of the store: count on in memory
            self._failed()
            return self._count(self.fallback, budgets, keys)

    def _count(
        self, strategy: MovingWindowRateLimiter, budgets: Sequence[Budget], request_keys: Sequence[str | None]
    ) -> list[Owed]:
        owed: list[Owed] = []
        spent: list[Spent] = []
        for budget, key in zip(budgets, request_keys, strict=True):
            if key is None:
                continue
            keys = (self.prefix, key, budget.rule.scope)
            for item in budget.items:
                if budget.rule.counts is not None:
                    owed.append((item, keys, budget.rule.counts))
                    if not strategy.test(item, *keys):
                        spent.append((item, keys))
                elif not strategy.hit(item, *keys):
                    spent.append((item, keys))
        if spent:
            raise Throttled(self._retry_after(strategy, spent))
        return owed

    def deduct(self, owed: Sequence[Spent]) -> None:
        strategy = self.strategy()
        try:
            for item, keys in owed:
                strategy.hit(item, *keys)
        except Exception:  # noqa: BLE001 - any failure of the store: count on in memory
            self._failed()
            for item, keys in owed:
                self.fallback.hit(item, *keys)

    def _failed(self) -> None:
        if self.failed_at is None:
            log.warning("throttling counters in %s unreachable - falling back to in-memory storage", self.scheme)
        self.failed_at = time.monotonic()

    @staticmethod
    def _retry_after(strategy: MovingWindowRateLimiter, spent: Sequence[Spent]) -> int:
        """Seconds until every spent budget has room again."""
        now = time.time()
        waits = []
        for item, keys in spent:
            try:
                waits.append(strategy.get_window_stats(item, *keys).reset_time - now)
            except Exception:  # noqa: BLE001 - the store failed just now: promise the whole window
                waits.append(item.get_expiry())
        return max(1, math.ceil(max(waits, default=60)))


def init_app(app: Flask, settings: Settings) -> Counters:
    """Counters of this app's own (its memory counters die with the app) with every rule applied."""
    counters = Counters(settings.ratelimit_url)
    app.extensions[EXTENSION] = counters
    for endpoint, rules in RULES.items():
        throttle(app, counters, endpoint, rules)
    app.register_error_handler(Throttled, _too_many_requests)
    app.after_request(_deduct)
    log.info("throttling counters in %s", counters.scheme)
    return counters


def throttle(app: Flask, counters: Counters, endpoint: str, rules: Sequence[Rule]) -> None:
    """Wraps the view of ``endpoint`` in ``rules``; call after the blueprints are registered."""
    if endpoint not in app.view_functions:
        raise LookupError(f"throttling rule for {endpoint!r}, which is not an endpoint of this app")
    view: Callable[..., Any] = app.view_functions[endpoint]
    budgets = tuple(Budget(rule, tuple(parse_many(rule.limits))) for rule in rules)
    counters.budgets[endpoint] = budgets

    @wraps(view)
    def counted(*args: Any, **kwargs: Any) -> Any:
        verdict = request.environ.pop(COUNTED, None)
        if verdict is not None and verdict[0] == endpoint:  # counted already below Flask (public_lane)
            if isinstance(verdict[1], Throttled):
                raise verdict[1]
            owed = verdict[1]
        else:
            owed = counters.count(budgets, [budget.key() for budget in budgets])
        if owed:
            g.setdefault(OWED, []).extend(owed)
        return view(*args, **kwargs)

    app.view_functions[endpoint] = counted


def _deduct(response: Response) -> Response:
    """The conditional budgets of this request, once its answer says whether it counts."""
    owed = g.pop(OWED, None)
    if owed:
        counters: Counters = current_app.extensions[EXTENSION]
        counters.deduct([(item, keys) for item, keys, counts in owed if counts(response)])
    return response


def _too_many_requests(error: Throttled) -> Response:
    """Our error body (JSON or the error page, as for every other error) plus Retry-After."""
    seconds = error.seconds
    problem = TooManyRequests(
        f"尝试次数过多，请 {seconds} 秒后再试 (too many attempts: try again in {seconds} seconds)",
        {"retry_after": seconds},
    )
    response = current_app.make_response(current_app.handle_user_exception(problem))
    response.headers["Retry-After"] = str(seconds)
    return response
