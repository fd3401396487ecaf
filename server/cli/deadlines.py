"""`onewindow deadlines sweep`: the law's clocks, applied now rather than at the next scheduled sweep."""

from __future__ import annotations

import click

from .context import CliContext, pass_cli


@click.group()
def deadlines() -> None:
    """Deemed acceptance, 容缺 deadlines, suspensions and escalation (the same sweep the server runs)."""


@deadlines.command()
@pass_cli
def sweep(cli: CliContext) -> None:
    """Apply every time limit that has passed; running it twice changes nothing more. Exit 1 if a case failed."""
    from ..services.cases.deadlines import sweep as sweep_deadlines

    runtime = cli.migrated_runtime()
    with runtime.db.session() as session:
        report = sweep_deadlines(session, runtime)
    for name, ids in vars(report).items():
        for app_id in ids:
            click.echo(f"{name}\t{app_id}")
    click.echo(report.summary(), err=True)
    if report.failed:
        raise SystemExit(1)
