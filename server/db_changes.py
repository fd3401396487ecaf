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
    """One watching connection per thread (a connection's data_version moves only for others' commits, and a
    connection is one thread's at a time); the first look through a new connection moves the epoch, since
    whatever it missed before it opened cannot be known."""

    def __init__(self, path: str) -> None:
        self.path = path
        self._local = threading.local()
        self._lock = threading.Lock()
        self._epoch = 0
        self._connections: list[sqlite3.Connection] = []

    def epoch(self) -> int | None:
        try:
            version = self._version()
        except sqlite3.Error:  # closed under it (dispose), or the file went away: open it again, once
            self._forget()
            try:
                version = self._version()
            except sqlite3.Error:
                self._forget()
                return None
        if version != getattr(self._local, "seen", None):
            self._local.seen = version
            with self._lock:
                self._epoch += 1
        return self._epoch

    def _version(self) -> int:
        connection = getattr(self._local, "connection", None)
        if connection is None:
            connection = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False, timeout=1)
            connection.execute("PRAGMA query_only=1")
            self._local.connection = connection
            with self._lock:
                self._connections.append(connection)
        return int(connection.execute("PRAGMA data_version").fetchone()[0])

    def _forget(self) -> None:
        connection = getattr(self._local, "connection", None)
        self._local.connection = self._local.seen = None
        if connection is not None:
            with self._lock:
                if connection in self._connections:
                    self._connections.remove(connection)
            connection.close()

    def close(self) -> None:
        with self._lock:
            connections, self._connections = self._connections, []
            self._epoch += 1
        for connection in connections:
            connection.close()


def watch(url: str) -> ChangeWatch:
    """The watch for the configured database URL: SQLite files are watched, anything else is not."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() == "sqlite" and database and database != ":memory:" and not parsed.query:
        return SqliteDataVersion(database)
    return Unwatched()
