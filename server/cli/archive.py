"""`onewindow archive verify|export|import`."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click
from sqlalchemy import select

from ..errors import AppError
from ..models import CheckReport, Dossier
from ..runtime import Runtime
from .context import CliContext, pass_cli

EXIT_INCOMPLETE = 3


@click.group()
def archive() -> None:
    """The electronic archive: integrity checks, exports, imports."""


@archive.command()
@click.argument("dossier_ids", nargs=-1)
@pass_cli
def verify(cli: CliContext, dossier_ids: tuple[str, ...]) -> None:
    """Four-property check of the given dossiers (default: all of them, after checking that store and
    database agree). Exit 0 when all hold, 1 when any fails, 3 when none fails but a check could not
    run (e.g. no virus scanner).

    It only reports (and quarantines packages no record owns); it never repairs.
    """
    from ..services.archive.checks import check_dossier

    runtime = cli.migrated_runtime()
    incomplete = 0
    with runtime.db.session() as session:
        if dossier_ids:
            dossiers, failed = _named_dossiers(session, dossier_ids)
        else:
            dossiers, failed = _reconciled_dossiers(session, runtime)
        for dossier in dossiers:
            row = check_dossier(session, runtime, dossier, "manual")
            label = f"{dossier.archival_code} (dossier {dossier.id}, version {dossier.version})"
            word = {"passed": "OK  ", "failed": "FAIL", "incomplete": "INCOMPLETE"}[row.status]
            click.echo(f"{word} {label}")
            failed += row.status == "failed"
            incomplete += row.status == "incomplete"
            _echo_unheld_items(row)
        failed += not _verify_ledger(session, runtime)
    held = sum(1 for d in dossiers if d.check_status == "passed")
    total = len(dossier_ids) if dossier_ids else len(dossiers)
    click.echo(f"{held} of {total} dossier(s) hold" + (f", {incomplete} not fully checked" if incomplete else ""))
    sys.exit(1 if failed else EXIT_INCOMPLETE if incomplete else 0)


def _verify_ledger(session, runtime: Runtime) -> bool:
    """The access ledger's hash chain and its sealed heads; the first broken entry is named."""
    from ..services.archive import ledger

    report = ledger.check(session, runtime.store)
    for problem in report.problems:
        click.echo(f"FAIL {problem}")
    if report.ok:
        click.echo(f"OK   access ledger ({report.entries} entries, {report.sealed} sealed head(s) agree)")
    return report.ok


def _named_dossiers(session, dossier_ids: tuple[str, ...]) -> tuple[list[Dossier], int]:
    """The dossiers named by id or current archival code, and how many names matched none."""
    dossiers, missing = [], 0
    for dossier_id in dossier_ids:
        dossier = session.get(Dossier, dossier_id) or session.scalar(
            select(Dossier).where(Dossier.archival_code == dossier_id, Dossier.superseded.is_(False))
        )
        if dossier is None:
            click.echo(f"FAIL {dossier_id}: no such dossier")
            missing += 1
        else:
            dossiers.append(dossier)
    return dossiers, missing


def _reconciled_dossiers(session, runtime: Runtime) -> tuple[list[Dossier], int]:
    """Every current dossier, once store and database are checked to agree (each disagreement counts)."""
    from ..services.archive.reconcile import reconcile

    found = reconcile(session, runtime)
    for line in found.problems:
        click.echo(f"FAIL {line}")
    for package in found.known_quarantined:
        click.echo(
            f"NOTE orphan package {package.dossier_id} ({package.archival_code}) "
            "is quarantined: not part of the archive"
        )
    for package in found.in_flight:
        click.echo(f"NOTE package {package.dossier_id} has no record yet (a sealing may be running)")
    dossiers = list(
        session.scalars(select(Dossier).where(Dossier.superseded.is_(False)).order_by(Dossier.archival_code))
    )
    return dossiers, len(found.problems)


def _echo_unheld_items(row: CheckReport) -> None:
    for prop, body in row.report["properties"].items():
        for item in body["items"]:
            if item["ok"] is not True and (item["ok"] is False or row.status == "incomplete"):
                where = f" {item['file']}:" if item.get("file") else ""
                state = "not checked" if item["ok"] is None else "failed"
                click.echo(f"     {prop}/{item['check']} ({state}):{where} {item['detail']}")


@archive.command()
@click.argument("dossier_id")
@click.argument("out", type=click.Path(dir_okay=False, path_type=Path))
@pass_cli
def export(cli: CliContext, dossier_id: str, out: Path) -> None:
    """Write the dossier's package (a BagIt bag in a zip) to OUT."""
    from ..services.archive.access import log_export
    from ..services.archive.export import export_dossier

    runtime = cli.migrated_runtime()
    with runtime.db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        if dossier is None:
            raise click.ClickException(f"no dossier {dossier_id}")
        tmp = out.with_name(out.name + ".part")
        try:
            with tmp.open("wb") as fh:
                count = export_dossier(
                    session, runtime.store, dossier, fh, actor="cli", detail={"to": str(out)}, runtime=runtime
                )
        except AppError as exc:
            tmp.unlink(missing_ok=True)
            session.commit()  # the failed check's report and events stay
            raise click.ClickException(exc.message) from exc
        tmp.replace(out)
        log_export(session, dossier, purpose=f"命令行导出至 {out}")
    click.echo(f"wrote {out} ({count} files, bag of {dossier.archival_code})")


@archive.command(name="import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option("--service", "service_code", required=True, help="Service item code the records belong to.")
@click.option("--applicant-id", default="", help="Applicant's ID number, for search and reuse.")
@click.option("--applicant-name", default="")
@click.option("--year", type=int, default=None, help="The year the records were formed (年度 of their 档号).")
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines.")
@pass_cli
def import_(
    cli: CliContext,
    paths: tuple[Path, ...],
    service_code: str,
    applicant_id: str,
    applicant_name: str,
    year: int | None,
    as_json: bool,
) -> None:
    """File existing documents as dossiers: each file, or each folder's files together, is one dossier."""
    from ..services.archive.importer import import_path

    runtime = cli.migrated_runtime()
    failures = 0
    for path in paths:
        try:
            with runtime.db.session() as session:
                result = import_path(
                    session,
                    runtime,
                    path,
                    service_code=service_code,
                    applicant_id=applicant_id,
                    applicant_name=applicant_name,
                    year=year,
                )
                line = {
                    "dossier_id": result.dossier.id,
                    "archival_code": result.dossier.archival_code,
                    "sources": result.sources,
                }
        except AppError as exc:
            failures += 1
            click.echo(f"error: {path}: {exc.message}", err=True)
            continue
        if as_json:
            click.echo(json.dumps(line, ensure_ascii=False))
        else:
            click.echo(f"{line['dossier_id']}\t{line['archival_code']}\t{' '.join(line['sources'])}")
    if failures:
        sys.exit(1)
