"""The promised-time clock: working days, holidays and 调休, warnings, pauses."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from types import SimpleNamespace

from click.testing import CliRunner

from server.cli import main
from server.models import ClockPause
from server.services.cases.clock import Calendar, clock_state

CST = timezone(timedelta(hours=8))
# 2026-09-28 is a Monday; 2026-10-01..07 national holiday; Sunday 2026-09-27 and Saturday 2026-10-10 worked.
HOLIDAYS = {date(2026, 10, d) for d in range(1, 8)}
WORKDAYS = {date(2026, 9, 27), date(2026, 10, 10)}


def _case(accepted: datetime, limit: int = 5, **kwargs):
    return SimpleNamespace(
        service=SimpleNamespace(time_limit_days=limit),
        limit_days=None,
        accepted_at=accepted,
        decided_at=None,
        completed_at=None,
        status="in_progress",
        pauses=kwargs.get("pauses", []),
    )


def test_working_days_skip_weekends_and_holidays_and_count_makeup_days():
    cal = Calendar(HOLIDAYS, WORKDAYS)
    assert cal.add_workdays(date(2026, 9, 28), 3) == date(2026, 10, 8)  # Tue, Wed, then after the holiday
    assert cal.add_workdays(date(2026, 10, 8), 2) == date(2026, 10, 10)  # Fri 9, worked Sat 10
    assert cal.workdays_between(date(2026, 9, 25), date(2026, 9, 28)) == 2  # worked Sun 27, Mon 28
    plain = Calendar(set(), set())
    assert plain.add_workdays(date(2026, 9, 25), 1) == date(2026, 9, 28)


def test_levels_green_yellow_red():
    cal = Calendar(set(), set())
    accepted = datetime(2026, 11, 2, 9, tzinfo=CST)  # Monday
    assert clock_state(_case(accepted), cal, now=accepted + timedelta(days=1)).level == "green"
    yellow = clock_state(_case(accepted), cal, now=datetime(2026, 11, 6, 10, tzinfo=CST))  # 4 of 5 used
    assert (yellow.level, yellow.used_days, yellow.due_date) == ("yellow", 4, date(2026, 11, 9))
    red = clock_state(_case(accepted), cal, now=datetime(2026, 11, 10, 10, tzinfo=CST))
    assert red.level == "red" and red.used_days == 6


def test_the_clock_pauses_while_waiting_for_the_applicant():
    cal = Calendar(set(), set())
    accepted = datetime(2026, 11, 2, 9, tzinfo=CST)
    pause = ClockPause(started_at=datetime(2026, 11, 3, 9, tzinfo=CST), ended_at=datetime(2026, 11, 6, 9, tzinfo=CST))
    state = clock_state(_case(accepted, pauses=[pause]), cal, now=datetime(2026, 11, 9, 10, tzinfo=CST))
    assert state.used_days == 2 and state.due_date == date(2026, 11, 12) and state.level == "green"
    waiting = ClockPause(started_at=datetime(2026, 11, 3, 9, tzinfo=CST), ended_at=None)
    assert clock_state(_case(accepted, pauses=[waiting]), cal, now=datetime(2026, 11, 20, tzinfo=CST)).level == "paused"


def test_calendar_commands(tmp_path):
    env = {"ONEWINDOW_DATA_DIR": str(tmp_path / "var")}
    runner = CliRunner()
    assert (
        runner.invoke(main, ["calendar", "holiday", "2026-10-01", "2026-10-02", "--name", "国庆节"], env=env).exit_code
        == 0
    )
    assert runner.invoke(main, ["calendar", "workday", "2026-10-10", "--name", "国庆节调休"], env=env).exit_code == 0
    bad = runner.invoke(main, ["calendar", "holiday", "2026-10-03"], env=env)
    assert bad.exit_code != 0 and "weekend" in bad.output
    listed = runner.invoke(main, ["calendar", "list", "--year", "2026"], env=env).output
    assert "2026-10-01  holiday  国庆节" in listed and "2026-10-10  workday  国庆节调休" in listed
