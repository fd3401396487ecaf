"""The access ledger's hash chain: every read logged once in order, a changed row named by `archive verify`,
a rewritten table caught by the sealed heads, appends from many threads keeping one chain, on SQLite and
PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from click.testing import CliRunner
from sqlalchemy import select, text, update

from server.cli import main
from server.db import Database
from server.models import AccessLog, LedgerHead, utcnow
from server.models.chain import entry_hash
from server.services.archive import ledger
from server.services.archive.access import ledger_entry
from storage import ObjectSealed, open_store


def _cli(settings, *args):
    env = {"ONEWINDOW_DATA_DIR": str(settings.data_dir), "ONEWINDOW_CLAMD_URL": settings.clamd_url}
    return CliRunner().invoke(main, list(args), env=env)


def _reads(client, token, archive, count: int) -> None:
    """``count`` reads of the archive's files by its own department (no other ground needed)."""
    headers = token("officer-wlj")
    files = client.get(f"/api/v1/archives/{archive.id}", headers=headers).get_json()["files"]
    for n in range(count):
        url = f"/api/v1/archives/{archive.id}/files/{files[n % len(files)]['file_id']}?purpose=核验{n}"
        assert client.get(url, headers=headers).status_code == 200


@pytest.fixture
def token(client, demo):
    def _token(username: str) -> dict[str, str]:
        response = client.post("/api/v1/auth/token", json={"username": username, "password": "demo-pass"})
        return {"Authorization": f"Bearer {response.get_json()['token']}"}

    return _token


def test_reads_are_chained_in_order(client, token, runtime, archive):
    _reads(client, token, archive, 3)
    with runtime.db.session() as session:
        rows = session.scalars(select(AccessLog).order_by(AccessLog.seq)).all()
        assert [r.seq for r in rows] == [1, 2, 3]
        assert rows[0].prev_hash == "0" * 64
        assert all(b.prev_hash == a.entry_hash for a, b in zip(rows, rows[1:], strict=False))
        assert all(entry_hash(r) == r.entry_hash for r in rows)
        assert session.get(LedgerHead, 1).entry_hash == rows[-1].entry_hash
        assert ledger.check(session, runtime.store).ok
    result = _cli(runtime.settings, "archive", "verify")
    assert result.exit_code == 0, result.output
    assert "OK   access ledger (3 entries" in result.output


def test_changing_one_row_fails_verify_naming_it(client, token, runtime, archive):
    _reads(client, token, archive, 4)
    with runtime.db.session() as session:
        second = session.scalar(select(AccessLog).where(AccessLog.seq == 2))
        victim = second.id
        # What someone with database access would do: soften the purpose of one read.
        session.execute(text("UPDATE access_log SET purpose = '例行检查' WHERE id = :id"), {"id": victim})
    result = _cli(runtime.settings, "archive", "verify")
    assert result.exit_code == 1, result.output
    assert f"FAIL access ledger: entry 2 (id {victim}," in result.output
    assert "was changed after it was written" in result.output


def test_removing_a_row_fails_verify(client, token, runtime, archive):
    _reads(client, token, archive, 3)
    with runtime.db.session() as session:
        session.execute(text("DELETE FROM access_log WHERE seq = 2"))
    result = _cli(runtime.settings, "archive", "verify")
    assert result.exit_code == 1 and "entry 2 is missing" in result.output, result.output


def test_a_rewritten_table_is_caught_by_the_sealed_head(client, token, runtime, archive):
    _reads(client, token, archive, 3)
    with runtime.db.session() as session:
        key = ledger.seal_head(session, runtime.store)
        assert key is not None and key.startswith("ledger/heads/")
        assert ledger.seal_head(session, runtime.store) is None, "an unchanged head is not sealed twice"
    with pytest.raises(ObjectSealed):  # write-once
        runtime.store.put(key, iter([b"{}"]))
    with runtime.db.session() as session:
        # Rewrite every row and rehash the whole chain consistently: only the sealed head can tell.
        rows = session.scalars(select(AccessLog).order_by(AccessLog.seq)).all()
        last = "0" * 64
        for row in rows:
            row.purpose = "例行检查"
            row.prev_hash = last
            row.entry_hash = last = entry_hash(row)
        session.execute(update(LedgerHead).values(entry_hash=last))
    with runtime.db.session() as session:
        report = ledger.check(session, runtime.store)
    assert report.problems == [f"access ledger: entry 3 differs from its hash sealed in {key}"]
    assert _cli(runtime.settings, "archive", "verify").exit_code == 1


def test_the_sealing_job_is_scheduled_at_least_daily(runtime, archive, client, token):
    from server.jobs import Worker
    from server.models import Job
    from server.tasks import LEDGER_SEAL_INTERVAL, schedule_ledger_seal

    _reads(client, token, archive, 1)
    with runtime.db.session() as session:
        schedule_ledger_seal(session, now=True)
    Worker(runtime.db, runtime).run_until_idle()
    assert [info.key for info in runtime.store.list("ledger/heads/")]
    with runtime.db.session() as session:
        pending = session.scalars(select(Job).where(Job.kind == "ledger.seal_head", Job.status == "pending")).all()
        assert len(pending) == 1 and pending[0].run_after <= utcnow() + LEDGER_SEAL_INTERVAL
    assert timedelta(days=1) >= LEDGER_SEAL_INTERVAL


@pytest.fixture
def bare_db(database_url):
    database = Database(database_url)
    database.migrate()
    yield database
    database.dispose()


def test_concurrent_appends_keep_one_chain(bare_db, tmp_path):
    """Eight writers at once, each committing entries one by one: no two chain onto the same entry."""
    errors: list[BaseException] = []
    start = threading.Barrier(8)

    def writer(n: int) -> None:
        try:
            start.wait()
            for i in range(10):
                with bare_db.session() as session:
                    ledger_entry(session, None, action="read", purpose=f"writer {n} read {i}", file_name=f"f{n}-{i}")
        except BaseException as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    with bare_db.session() as session:
        seqs = list(session.scalars(select(AccessLog.seq).order_by(AccessLog.seq)))
        assert seqs == list(range(1, 81))
        report = ledger.check(session, open_store(f"file://{tmp_path / 'objects'}"))
    assert report.ok and report.entries == 80, report.problems
