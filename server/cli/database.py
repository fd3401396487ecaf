"""`onewindow migrate` and `onewindow demo`."""

from __future__ import annotations

import click

from ..config import Settings
from ..runtime import Runtime
from .context import CliContext, pass_cli


@click.command()
@pass_cli
def migrate(cli: CliContext) -> None:
    """Bring the database schema up to date (serve does this on start)."""
    cli.migrated_runtime()
    click.echo("database is up to date")


@click.command()
@pass_cli
def demo(cli: CliContext) -> None:
    """Load the demo catalogue, departments and users, and print their logins."""
    load_demo(cli.migrated_runtime(), cli.settings)


def load_demo(runtime: Runtime, settings: Settings) -> None:
    """Shared with `serve --demo`, which prints the same logins."""
    from ..services.demo import load_demo as load

    with runtime.db.session() as session:
        logins = load(session, settings.demo_password)
    click.echo("Demo logins (password: the value of ONEWINDOW_DEMO_PASSWORD, default 'demo'):")
    for login in logins:
        dept = f"  [{login.department}]" if login.department else ""
        click.echo(f"  {login.username:<16} {login.role:<11} {login.name}{dept}")
