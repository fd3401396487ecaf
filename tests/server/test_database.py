"""Migrations and models on every database backend (SQLite and the real PostgreSQL)."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import inspect, select

from server.db import Database
from server.models import Base, Department, Job


@pytest.fixture
def db(database_url):
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


def test_migrations_create_every_model_table(db):
    tables = set(inspect(db.engine).get_table_names())
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


def test_migrating_twice_is_harmless(db):
    db.migrate()
    with db.session() as session:
        session.add(Department(code="x", name="某局"))
    db.migrate()
    with db.session() as session:
        assert session.scalar(select(Department.name).where(Department.code == "x")) == "某局"


def test_datetimes_come_back_aware_utc(db):
    when = datetime(2026, 11, 27, 18, 30, tzinfo=timezone(timedelta(hours=8)))
    with db.session() as session:
        session.add(Job(kind="noop", run_after=when))
    with db.session() as session:
        stored = session.scalar(select(Job.run_after))
    assert stored == when
    assert stored.utcoffset() == timedelta(0)


def test_unicode_round_trip(db):
    with db.session() as session:
        session.add(Department(code="wlj", name="文旅局 · 𠀀 扩展字"))
    with db.session() as session:
        assert session.scalar(select(Department.name)) == "文旅局 · 𠀀 扩展字"
