"""The database's change watch: the epoch moves for every commit, from any connection or process, and only then."""

from __future__ import annotations

import subprocess
import sys
import threading

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


def test_a_thread_that_never_looked_cannot_vouch_for_what_it_missed(db):
    before = db.changes.epoch()
    seen: list[int | None] = []
    thread = threading.Thread(target=lambda: seen.append(db.changes.epoch()))
    thread.start()
    thread.join()
    assert before is not None and seen[0] is not None and seen[0] > before


def test_a_commit_seen_by_one_thread_moves_the_epoch_for_all(db):
    before = db.changes.epoch()
    _add(db, "b")
    seen: list[int | None] = []
    thread = threading.Thread(target=lambda: seen.append(db.changes.epoch()))
    thread.start()
    thread.join()
    # this thread's own connection saw the commit too: its next look does not go back below the other's
    assert db.changes.epoch() >= seen[0] > before  # type: ignore[operator]


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
