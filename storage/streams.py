"""The read stream both backends return from ``open``.

One class so that callers get the same behaviour everywhere: a buffered,
closeable, context-managed binary stream limited to the requested range, whose
backend errors arrive as StorageError subclasses rather than vendor errors.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

BUFFER = 256 << 10


class _RangeReader(io.RawIOBase):
    def __init__(
        self,
        source: Any,
        remaining: int | None,
        on_close: Callable[[], None],
        translate: Callable[[BaseException], BaseException | None],
    ) -> None:
        self._source = source
        self._remaining = remaining
        self._on_close = on_close
        self._translate = translate

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        view = memoryview(buffer).cast("B")
        if self._remaining is not None:
            if self._remaining <= 0:
                return 0
            view = view[: self._remaining]
        try:
            count = self._source.readinto(view) or 0
        except Exception as exc:
            translated = self._translate(exc)
            if translated is None:
                raise
            raise translated from exc
        if self._remaining is not None:
            self._remaining -= count
        return count

    def close(self) -> None:
        if not self.closed:
            try:
                self._on_close()
            finally:
                super().close()


def range_stream(
    source: Any,
    length: int | None,
    on_close: Callable[[], None],
    translate: Callable[[BaseException], BaseException | None] = lambda exc: None,
) -> io.BufferedReader:
    """Wrap ``source`` (anything with ``readinto``) to yield at most ``length`` bytes.

    ``on_close`` releases the underlying file or connection; ``translate``
    maps a vendor exception to a StorageError (or None to re-raise it as is).
    """
    return io.BufferedReader(_RangeReader(source, length, on_close, translate), BUFFER)


def empty_stream() -> io.BufferedReader:
    return range_stream(io.BytesIO(b""), 0, lambda: None)
