"""The database's change watch: the epoch moves for every commit, from any connection or process, and only then."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import select

from server.db import Database
from server.db_changes import SqliteDataVersion, Unwatched, watch
from server.models import Department


@pytest.fixture
def db(tmp_path):
    database = Database(f"sqlite:///{tmp_path / 'watched.db'}")
    database.migrate()
    yield database
    database.dispose()


def _add(db: Database, code: str) -> None:
    with db.session() as session:
        session.add(Department(code=code, name=code))


def test_the_epoch_stays_while_nothing_commits(db):
    first = db.changes.epoch()
    assert first is not None
    with db.session() as session:
        session.scalars(select(Department)).all()  # a read, and a transaction ended without a write
    assert db.changes.epoch() == db.changes.epoch() == first


def test_a_commit_through_the_engine_moves_it(db):
    before = db.changes.epoch()
    _add(db, "a")
    after = db.changes.epoch()
    assert after is not None and before is not None and after > before
    assert db.changes.epoch() == after


def test_a_rolled_back_write_does_not_move_it(db):
    before = db.changes.epoch()
    with pytest.raises(RuntimeError), db.session() as session:
        session.add(Department(code="gone", name="gone"))
        session.flush()
        raise RuntimeError("abandon the unit of work")
    assert db.changes.epoch() == before


def test_a_commit_by_another_process_moves_it(db, tmp_path):
    before = db.changes.epoch()
    script = (
        "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); "
        "c.execute(\"INSERT INTO departments (id, code, name, name_en, org_code) VALUES ('x1', 'o', 'o', '', '')\"); "
        "c.commit()"
    )
    subprocess.run([sys.executable, "-c", script, str(tmp_path / "watched.db")], check=True)
    after = db.changes.epoch()
    assert before is not None and after is not None and after > before


@contextmanager
def _in_use(watch: SqliteDataVersion) -> Iterator[None]:
    """As while another request is inside its look: its connection is not idle."""
    held = watch._idle.pop()
    try:
        yield
    finally:
        watch._idle.append(held)


def test_a_new_watching_connection_cannot_vouch_for_what_it_missed(db):
    before = db.changes.epoch()
    with _in_use(db.changes):
        opened = db.changes.epoch()
    assert before is not None and opened is not None and opened > before
    assert len(db.changes._idle) == 2
    assert db.changes.epoch() == db.changes.epoch() == opened, "both have seen the same version since"


def test_a_commit_moves_the_epoch_through_every_connection(db):
    db.changes.epoch()
    with _in_use(db.changes):
        db.changes.epoch()
    before = db.changes.epoch()
    _add(db, "b")
    with _in_use(db.changes):  # the look goes through the other connection
        after = db.changes.epoch()
    assert after is not None and before is not None and after > before
    again = db.changes.epoch()  # this connection saw the commit too; the epoch may move again, never back
    assert again is not None and again >= after and db.changes.epoch() == again


def test_threads_that_come_and_go_leave_one_connection_open(db):
    for _ in range(20):
        thread = threading.Thread(target=db.changes.epoch)
        thread.start()
        thread.join()
    assert len(db.changes._idle) == 1


def test_after_close_it_opens_again_and_vouches_for_nothing_it_saw_before(db):
    before = db.changes.epoch()
    db.changes.close()
    after = db.changes.epoch()
    assert after is not None and before is not None and after > before


def test_a_watch_that_cannot_read_keeps_nothing(tmp_path):
    missing = SqliteDataVersion(str(tmp_path / "no" / "such" / "dir" / "x.db"))
    assert missing.epoch() is None


@pytest.mark.parametrize(
    "url",
    ["sqlite://", "sqlite:///:memory:", "postgresql+psycopg://u:p@127.0.0.1/db", "sqlite:///x.db?mode=ro"],
)
def test_what_cannot_be_watched_is_not(url):
    assert isinstance(watch(url), Unwatched)
    assert watch(url).epoch() is None
