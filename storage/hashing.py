"""Streaming digests and chunked reading, shared by the backends.

SM3 (the national hash) runs at about 160 MB/s in OpenSSL on a typical
server core, several times slower than SHA-256 or a disk write, so hashing
inline would cap every upload at that speed plus the I/O time. Each algorithm
therefore runs in its own thread (hashlib releases the GIL on large buffers)
and overlaps with reading and writing; bounded queues keep memory bounded.
"""

from __future__ import annotations

import hashlib
import queue
import threading
from collections.abc import Iterator

from .base import DIGESTS, Source, TooLarge

ALGORITHMS = DIGESTS
CHUNK = 1 << 20
_THREAD_AFTER = 4 * CHUNK  # below this, inline hashing is cheaper than starting threads
_QUEUE_DEPTH = 8


class _Worker(threading.Thread):
    def __init__(self, hasher: hashlib._Hash) -> None:
        super().__init__(name=f"digest-{hasher.name}", daemon=True)
        self.hasher = hasher
        self.inbox: queue.Queue = queue.Queue(maxsize=_QUEUE_DEPTH)
        self.error: BaseException | None = None

    def run(self) -> None:
        while (data := self.inbox.get()) is not None:
            if self.error is None:
                try:
                    self.hasher.update(data)
                except BaseException as exc:  # noqa: BLE001 - surfaced by Digester.finish
                    self.error = exc


class Digester:
    """SHA-256 and SM3 (or the named ``algorithms``) of a byte stream, fed in order with ``update``.

    The data passed to ``update`` must not be mutated afterwards (the hash
    threads may still be reading it). Call ``finish`` for the digests, or
    ``close`` to abandon; both stop the threads.
    """

    def __init__(self, algorithms: tuple[str, ...] = ALGORITHMS) -> None:
        self._hashers = [hashlib.new(name) for name in algorithms]
        self._workers: list[_Worker] = []
        self.size = 0

    def update(self, data: bytes | memoryview) -> None:
        self.size += len(data)
        if not self._workers and self.size > _THREAD_AFTER:
            self._workers = [_Worker(h) for h in self._hashers]
            for worker in self._workers:
                worker.start()
        if self._workers:
            for worker in self._workers:
                worker.inbox.put(data)
        else:
            for hasher in self._hashers:
                hasher.update(data)

    def finish(self) -> dict[str, str]:
        """Wait for the hash threads and return ``{"sha256": hex, "sm3": hex}`` (one entry per algorithm)."""
        self.close()
        for worker in self._workers:
            if worker.error is not None:
                raise worker.error
        return {h.name: h.hexdigest() for h in self._hashers}

    def close(self) -> None:
        for worker in self._workers:
            worker.inbox.put(None)
        for worker in self._workers:
            worker.join()


def iter_chunks(source: Source, size: int = CHUNK) -> Iterator[bytes | memoryview]:
    """Chunks of a file-like object (``read``) or an iterable of bytes, skipping empty ones."""
    read = getattr(source, "read", None)
    if callable(read):
        while chunk := read(size):
            yield chunk
        return
    for chunk in source:
        if not isinstance(chunk, (bytes, bytearray, memoryview)):
            raise TypeError(f"stream yielded {type(chunk).__name__}, expected bytes")
        if chunk:
            yield bytes(chunk) if not isinstance(chunk, bytes) else chunk


def limited(chunks: Iterator[bytes | memoryview], max_bytes: int | None) -> Iterator[bytes | memoryview]:
    """Pass chunks through, raising TooLarge as soon as more than ``max_bytes`` arrived."""
    total = 0
    for chunk in chunks:
        total += len(chunk)
        if max_bytes is not None and total > max_bytes:
            raise TooLarge(f"stream is longer than max_bytes={max_bytes}")
        yield chunk


class PartReader:
    """Cuts a chunk stream into fixed-size parts, each a fresh buffer (never reused).

    Fresh buffers let a part be uploaded and hashed by other threads while
    the next one is read; the number of parts alive is bounded by the caller.
    """

    def __init__(self, chunks: Iterator[bytes | memoryview], part_size: int) -> None:
        self._chunks = chunks
        self._part_size = part_size
        self._pending = memoryview(b"")

    def read_part(self) -> memoryview:
        """The next part (``part_size`` bytes, shorter only at the end, empty when done)."""
        buffer = bytearray(self._part_size)
        view = memoryview(buffer)
        filled = 0
        while filled < self._part_size:
            if not self._pending:
                chunk = next(self._chunks, None)
                if chunk is None:
                    break
                self._pending = memoryview(chunk)
            take = min(len(self._pending), self._part_size - filled)
            view[filled : filled + take] = self._pending[:take]
            self._pending = self._pending[take:]
            filled += take
        return view[:filled]
