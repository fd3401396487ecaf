"""Engine, sessions and migrations for SQLite (embedded) and PostgreSQL (at scale)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session, sessionmaker

from . import db_changes

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def normalise_url(url: str) -> str:
    """API.md names plain ``postgresql://`` URLs; we drive them with psycopg 3."""
    if url.startswith(("postgresql://", "postgres://")):
        return "postgresql+psycopg://" + url.split("://", 1)[1]
    return url


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    # WAL lets the in-process job thread write while requests read; busy_timeout
    # makes concurrent writers wait instead of failing at once.
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=15000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    url = normalise_url(url)
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 15})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10, connect_args={"connect_timeout": 5})


class Database:
    """One engine and session factory per process, shared by web, CLI and jobs."""

    def __init__(self, url: str) -> None:
        self.url = normalise_url(url)
        self.engine = make_engine(url)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)
        self.changes = db_changes.watch(self.url)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A unit of work: committed when the block ends, rolled back on error."""
        session = self.sessions()
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
        finally:
            session.close()

    def migrate(self) -> None:
        upgrade(self.url, self.engine)

    def ping(self) -> None:
        with self.engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    def dispose(self) -> None:
        self.changes.close()
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name


# PostgreSQL SQLSTATEs: 53100 disk_full, 53200 out_of_memory; 08 connection; 57P01-03 shutting down.
_PG_FULL = {"53100"}
_PG_UNAVAILABLE_PREFIXES = ("08", "57P0", "53")


def failure_kind(error: DBAPIError) -> str | None:
    """``"full"`` (no space for a write), ``"unavailable"`` (down, restarting, busy) or None (a bug).

    Both databases, so that a full disk is answered 507 and a restarting
    PostgreSQL 503, and only real defects become a 500.
    """
    orig = error.orig
    if isinstance(orig, sqlite3.Error):
        code = getattr(orig, "sqlite_errorcode", None)
        if code == sqlite3.SQLITE_FULL or "database or disk is full" in str(orig):
            return "full"
        if code in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_CANTOPEN):
            return "unavailable"
        return None
    sqlstate = getattr(orig, "sqlstate", None) or ""
    if sqlstate in _PG_FULL:
        return "full"
    if (
        error.connection_invalidated
        or sqlstate.startswith(_PG_UNAVAILABLE_PREFIXES)
        or not sqlstate
        and (type(orig).__name__ in ("OperationalError", "InterfaceError"))
    ):
        return "unavailable"
    return None


def alembic_config(url: str) -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", normalise_url(url).replace("%", "%%"))
    return cfg


def upgrade(url: str, engine: Engine | None = None) -> None:
    cfg = alembic_config(url)
    if engine is not None:
        with engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, "head")
    else:
        command.upgrade(cfg, "head")
