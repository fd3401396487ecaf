"""Job handlers by kind, and the context a handler runs with."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

Handler = Callable[["JobContext"], None]
_HANDLERS: dict[str, Handler] = {}


class RetryLater(Exception):
    """The job could not run now (a dependency is down); try again after a backoff."""


class PermanentFailure(Exception):
    """Retrying cannot help (bad input); the job fails at once and says why."""


@dataclass
class JobContext:
    job_id: str
    kind: str
    payload: dict
    attempt: int
    services: Any
    report: Callable[[int, int, str], None] = field(repr=False)

    def progress(self, done: int, total: int, message: str = "") -> None:
        """Shown to users while the job runs; also renews the job's lease.

        Call it outside your own write transactions: on SQLite a second writer waits for the first.
        """
        self.report(done, total, message)


def handler(kind: str) -> Callable[[Handler], Handler]:
    def register(fn: Handler) -> Handler:
        if kind in _HANDLERS and _HANDLERS[kind] is not fn:
            raise ValueError(f"job kind {kind!r} registered twice")
        _HANDLERS[kind] = fn
        return fn

    return register


def lookup(kind: str) -> Handler | None:
    return _HANDLERS.get(kind)


def registered_kinds() -> list[str]:
    return sorted(_HANDLERS)
