"""The sweep as it runs: a durable job queued at start-up to run at once, keeping its next run queued,
and `onewindow deadlines sweep`."""

from __future__ import annotations

from datetime import date, timedelta

from click.testing import CliRunner
from sqlalchemy import select
from time_support import at, case, submitted

from server.cli import main
from server.jobs import Worker
from server.models import Job, utcnow
from server.tasks import DEADLINE_SWEEP_INTERVAL, schedule_deadline_sweep


def _sweeps(runtime) -> list[Job]:
    with runtime.db.session() as session:
        return list(session.scalars(select(Job).where(Job.kind == "deadlines.sweep").order_by(Job.created_at)))


def test_start_up_runs_a_sweep_at_once_and_the_job_queues_the_next(clock, api, minsu_files, runtime):
    app_id = submitted(api, minsu_files)
    with runtime.db.session() as session:
        schedule_deadline_sweep(session)  # what a previous run left queued
    clock.move_to(at(date(2026, 11, 12)))
    with runtime.db.session() as session:
        schedule_deadline_sweep(session, now=True)  # start-up
    assert len(_sweeps(runtime)) == 1
    Worker(runtime.db, runtime).run_until_idle()
    assert case(api, app_id)["status"] == "accepted"
    done, pending = _sweeps(runtime)
    assert done.status == "done" and "deemed_accepted 1" in done.message
    assert pending.status == "pending" and pending.run_after > utcnow() + DEADLINE_SWEEP_INTERVAL - timedelta(minutes=1)


def test_the_command_line_sweep(clock, api, minsu_files, settings):
    app_id = submitted(api, minsu_files)
    clock.move_to(at(date(2026, 11, 12)))
    env = {
        "ONEWINDOW_DATA_DIR": str(settings.data_dir),
        "ONEWINDOW_DATABASE_URL": settings.database_url,
        "ONEWINDOW_STORAGE_URL": settings.storage_url,
        "ONEWINDOW_INDEX_URL": settings.index_url,
    }
    result = CliRunner().invoke(main, ["deadlines", "sweep"], env=env)
    assert result.exit_code == 0, result.output
    assert f"deemed_accepted\t{app_id}" in result.output
    again = CliRunner().invoke(main, ["deadlines", "sweep"], env=env)
    assert again.exit_code == 0 and app_id not in again.output
