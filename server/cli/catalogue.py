"""`onewindow catalogue export|import`: the service catalogue as a spreadsheet (.xlsx)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from ..errors import AppError
from .context import CliContext, pass_cli


@click.group()
def catalogue() -> None:
    """The service catalogue (departments, material types, services, materials) as a spreadsheet."""


@catalogue.command()
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@pass_cli
def export(cli: CliContext, out: Path) -> None:
    """Write the catalogue to OUT (.xlsx): sheets 部门, 材料类型, 事项, 材料清单.

    Written to a temporary file beside OUT and renamed, so OUT is never half-written."""
    from ..services.admin.spreadsheet import export_catalogue

    runtime = cli.migrated_runtime()
    tmp = out.with_name(f".{out.name}.{os.getpid()}.part")
    try:
        with tmp.open("wb") as fh, runtime.db.session() as session:
            summary = export_catalogue(session, fh)
        tmp.replace(out)
    finally:
        tmp.unlink(missing_ok=True)
    click.echo(
        f"wrote {out}: {summary.departments} departments, {summary.material_types} material types, "
        f"{summary.services} services, {summary.materials} materials"
    )


@catalogue.command(name="import")
@click.argument("source", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Check the file and print what would change; change nothing.")
@pass_cli
def import_(cli: CliContext, source: Path, dry_run: bool) -> None:
    """Import the catalogue from SOURCE (.xlsx), all of it or, when any row is wrong, none of it.

    Prints one line per change; on errors prints each as SHEET!CELL: problem and exits 1."""
    from ..services.admin.audit import CommandLine
    from ..services.admin.spreadsheet import import_catalogue

    runtime = cli.migrated_runtime()
    try:
        with source.open("rb") as fh, runtime.db.session() as session:
            report = import_catalogue(session, CommandLine(), fh, dry_run=dry_run)
            if dry_run:
                session.rollback()
    except AppError as exc:
        _echo_refusal(source, exc)
        sys.exit(1)
    for change in report.changes:
        click.echo(("(dry run) " if dry_run else "") + change.describe())
    count = len(report.changes)
    if dry_run:
        click.echo(f"dry run: {count} change(s) would be made, {report.unchanged} unchanged; nothing was written")
    else:
        unchanged = f"{report.unchanged} unchanged"
        click.echo(f"{count} change(s) made, {unchanged}" if count else f"nothing to change ({unchanged})")


def _echo_refusal(source: Path, exc: AppError) -> None:
    """The reason, then each problem as ``事项!E5: …`` (or the row or sheet it is about)."""
    click.echo(f"error: {source}: {exc.message}", err=True)
    errors = exc.details.get("errors", [])
    for problem in errors:
        cell = problem.get("cell")
        click.echo(f"{problem['sheet']}!{cell}: {problem['problem']}" if cell else problem["message"], err=True)
    if exc.details.get("total", 0) > len(errors):
        click.echo(f"… and {exc.details['total'] - len(errors)} more", err=True)
