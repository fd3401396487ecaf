"""How many uploads stream at once in one process, counting only the clients that are sending.

Reading a body, hashing and writing it are CPU work in the request thread: fifty at once left a status
lookup waiting seconds for the GIL, while a few at a time carry the same bytes per second. A phone on a
slow line, though, holds its place for minutes while costing no CPU, and must not hold back everyone
else. So a place whose client has sent nothing for ``stall_seconds`` stops counting until its next bytes.
An earlier rule, "wait at most five seconds, then stream regardless", let a burst of fifty uploads all
through at once after five seconds, which was the very load the limit is for.
"""

from __future__ import annotations

import contextlib
import itertools
import threading
import time
from collections.abc import Callable, Iterator
from functools import partial


class Admission:
    def __init__(self, places: int, stall_seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.places = places
        self.stall_seconds = stall_seconds
        self._clock = clock
        self._cond = threading.Condition()
        self._last_bytes: dict[int, float] = {}
        self._tokens = itertools.count()

    @contextlib.contextmanager
    def place(self) -> Iterator[Callable[[], None]]:
        """Waits for a place; yields the call to make whenever the client's bytes arrive."""
        token = self.enter()
        assert token is not None  # no timeout: enter waits until a place is free
        try:
            yield partial(self.progressed, token)
        finally:
            self.leave(token)

    def enter(self, timeout: float | None = None) -> int | None:
        """A token once fewer than ``places`` sending clients hold one; None if ``timeout`` ran out first."""
        deadline = None if timeout is None else self._clock() + timeout
        with self._cond:
            while self.sending() >= self.places:
                left = None if deadline is None else deadline - self._clock()
                if left is not None and left <= 0:
                    return None
                # a holder that stalls frees its place without a notification: look again after a while
                self._cond.wait(min(self.stall_seconds / 4, left) if left is not None else self.stall_seconds / 4)
            token = next(self._tokens)
            self._last_bytes[token] = self._clock()
            return token

    def progressed(self, token: int) -> None:
        self._last_bytes[token] = self._clock()

    def leave(self, token: int) -> None:
        with self._cond:
            self._last_bytes.pop(token, None)
            self._cond.notify()

    def sending(self) -> int:
        """Places held by clients that sent bytes within ``stall_seconds``."""
        now = self._clock()
        return sum(1 for at in list(self._last_bytes.values()) if now - at < self.stall_seconds)
