"""`onewindow calendar list|holiday|workday|clear`: the working-day calendar behind the time limits."""

from __future__ import annotations

from datetime import date

import click

from .context import CliContext, pass_cli


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date like 2026-10-01") from None


@click.group()
def calendar() -> None:
    """Public holidays and worked weekend days (调休) for the promised-time clock."""


@calendar.command(name="list")
@click.option("--year", type=int)
@pass_cli
def list_(cli: CliContext, year: int | None) -> None:
    from ..services.calendar import list_days

    runtime = cli.migrated_runtime()
    with runtime.db.session() as session:
        for row in list_days(session, year):
            click.echo(f"{row.day.isoformat()}  {'workday' if row.working else 'holiday'}  {row.name}")


@calendar.command()
@click.argument("days", nargs=-1, required=True)
@click.option("--name", default="", help="e.g. 国庆节")
@pass_cli
def holiday(cli: CliContext, days: tuple[str, ...], name: str) -> None:
    """Mark weekdays as public holidays."""
    _set(cli, days, working=False, name=name)


@calendar.command()
@click.argument("days", nargs=-1, required=True)
@click.option("--name", default="", help="e.g. 国庆节调休")
@pass_cli
def workday(cli: CliContext, days: tuple[str, ...], name: str) -> None:
    """Mark weekend days as worked in exchange for a holiday (调休上班)."""
    _set(cli, days, working=True, name=name)


@calendar.command()
@click.argument("days", nargs=-1, required=True)
@pass_cli
def clear(cli: CliContext, days: tuple[str, ...]) -> None:
    """Return days to the plain weekday/weekend rule."""
    from ..services.calendar import clear_day

    runtime = cli.migrated_runtime()
    with runtime.db.session() as session:
        for value in days:
            clear_day(session, _day(value))


def _set(cli: CliContext, days: tuple[str, ...], *, working: bool, name: str) -> None:
    from ..errors import AppError
    from ..services.calendar import set_day

    runtime = cli.migrated_runtime()
    try:
        with runtime.db.session() as session:
            for value in days:
                set_day(session, _day(value), working=working, name=name)
    except AppError as exc:
        raise click.ClickException(exc.message) from None
    click.echo(f"{len(days)} day(s) set")
