"""Whether anything may have been committed to the database since a hot read last asked.

The status API is the public's most frequent request, and its answer changes
only when a write commits. Under the production server every statement the
lookup runs hands the GIL to another request thread, so a lookup answered from
memory costs a fraction of one read from the database (issue #16). An answer
may be kept while ``epoch()`` returns the number it was stored under; any
commit, by this process or another (the job worker, other web workers, the
CLI), moves it before the next read can see the new data.

SQLite says so directly: ``PRAGMA data_version`` changes on a connection when
another connection has committed. PostgreSQL has nothing as cheap and exact,
so there nothing is kept: ``Unwatched`` returns None and every read queries.
"""

from __future__ import annotations

import sqlite3
import threading
from typing import Protocol

from sqlalchemy.engine import make_url


class ChangeWatch(Protocol):
    def epoch(self) -> int | None:
        """A number that moves whenever a commit may have happened since it was read; None: keep nothing."""
        ...

    def close(self) -> None: ...


class Unwatched:
    """A database that cannot tell cheaply whether it changed."""

    def epoch(self) -> int | None:
        return None

    def close(self) -> None:
        pass


class SqliteDataVersion:
    """Watching connections kept idle between looks, each with the data_version it last saw (a connection's
    moves only for others' commits, and is one caller's at a time). The first look through a new connection
    moves the epoch, since whatever was committed before it opened cannot be known; as many connections are
    open as lookups ever ran at once, whatever the server's threading."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._idle: list[tuple[sqlite3.Connection, int | None]] = []  # append and pop are atomic under the GIL
        self._lock = threading.Lock()
        self._epoch = 0

    def epoch(self) -> int | None:
        try:
            connection, seen = self._idle.pop()
        except IndexError:
            connection, seen = None, None
        try:
            if connection is None:
                connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=1)
                connection.execute("PRAGMA query_only=1")
            version = int(connection.execute("PRAGMA data_version").fetchone()[0])
        except sqlite3.Error:  # the file went away, or the disk failed: nothing can be vouched for
            if connection is not None:
                connection.close()
            return None
        if version != seen:
            with self._lock:
                self._epoch += 1
        self._idle.append((connection, version))
        return self._epoch

    def close(self) -> None:
        with self._lock:
            self._epoch += 1
            idle, self._idle = self._idle, []  # a look in flight returns its connection to the new list
        for connection, _ in idle:
            connection.close()


def watch(url: str) -> ChangeWatch:
    """The watch for the configured database URL: SQLite files are watched, anything else is not."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:" and not parsed.query:
        return SqliteDataVersion(database)
    return Unwatched()
