"""`onewindow archive correct` and `onewindow archive versions` (joined to the archive group)."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..errors import AppError
from .context import CliContext, pass_cli


@click.command()
@click.argument("dossier_id")
@click.option("--reason", required=True, help="Why the dossier is corrected (更正原因); sealed with it.")
@click.option("--title", default=None, help="A corrected 题名.")
@click.option("--responsible", default=None, help="A corrected 责任者.")
@click.option("--secrecy", default=None, help="A corrected 密级 (public, internal, secret …).")
@click.option("--secrecy-years", type=int, default=None, help="A corrected 保密期限 in years.")
@click.option("--openness", default=None, help="A corrected 开放状态 (open or controlled).")
@click.option("--remove", "remove_files", multiple=True, help="A file id the new version no longer carries.")
@click.option(
    "--add",
    "add_files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A file to add.",
)
@click.option("--actor", default="cli", help="The archivist who corrects, as the history names them.")
@pass_cli
def correct(
    cli: CliContext,
    dossier_id: str,
    reason: str,
    title: str | None,
    responsible: str | None,
    secrecy: str | None,
    secrecy_years: int | None,
    openness: str | None,
    remove_files: tuple[str, ...],
    add_files: tuple[Path, ...],
    actor: str,
) -> None:
    """Seal the next version of a dossier with REASON; the old version is superseded, never changed."""
    from ..services.archive.corrections import Correction, version_history
    from ..services.archive.corrections import correct as seal_correction

    changes = {
        "title": title,
        "responsible": responsible,
        "secrecy": secrecy,
        "secrecy_years": secrecy_years,
        "openness": openness,
    }
    correction = Correction(reason=reason, changes=changes, remove_files=list(remove_files), add_files=list(add_files))
    runtime = cli.migrated_runtime()
    try:
        with runtime.db.session() as session:
            dossier = seal_correction(session, runtime, actor, dossier_id, correction)
            line = f"{dossier.id}\t{dossier.archival_code}\tversion {dossier.version} replaces {dossier.replaces_id}"
            versions = version_history(session, dossier)
    except AppError as exc:
        raise click.ClickException(exc.message) from exc
    click.echo(line)
    click.echo(json.dumps(versions, ensure_ascii=False))


@click.command()
@click.argument("dossier_id")
@pass_cli
def versions(cli: CliContext, dossier_id: str) -> None:
    """Every version of a dossier's 档号 (JSON), the current one marked."""
    from ..models import Dossier
    from ..services.archive.corrections import version_history

    runtime = cli.migrated_runtime()
    with runtime.db.session() as session:
        dossier = session.get(Dossier, dossier_id)
        if dossier is None:
            raise click.ClickException(f"no dossier {dossier_id}")
        click.echo(json.dumps(version_history(session, dossier), ensure_ascii=False, indent=2))
