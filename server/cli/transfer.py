"""`onewindow archive transfer` and `onewindow archive verify-package` (joined to the archive group)."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from ..errors import AppError, ArchiveCheckFailed
from .context import CliContext, pass_cli


@click.command()
@click.argument("out_dir", type=click.Path(file_okay=False, path_type=Path))
@click.argument("dossier_ids", nargs=-1)
@click.option("--actor", default="cli", help="Who transfers (移交人), as the register names them.")
@pass_cli
def transfer(cli: CliContext, out_dir: Path, dossier_ids: tuple[str, ...], actor: str) -> None:
    """Write a transfer batch (移交) for the archives bureau into OUT_DIR: the named dossiers (ids or current
    archival codes), or every current one not transferred yet. Each is checked first (DA/T 70); exit 1,
    with nothing written, when any fails."""
    from ..services.archive.transfer import transfer as make_batch

    runtime = cli.migrated_runtime()
    try:
        with runtime.db.session() as session:
            result = make_batch(session, runtime, out_dir, list(dossier_ids), actor=actor)
            batch = result.batch
            click.echo(
                f"wrote {out_dir}: batch {batch.batch_number}, {batch.dossier_count} dossier(s), "
                f"{batch.file_count} file(s), {batch.total_bytes} bytes"
            )
    except ArchiveCheckFailed as exc:
        click.echo(f"FAIL {exc.message}")
        for dossier in exc.details.get("dossiers", []):
            for item in dossier.get("failures", []):
                where = f" {item['file']}:" if item.get("file") else ""
                click.echo(f"     {dossier['archival_code']} {item['code']}{where} {item['reason']}")
        sys.exit(1)
    except AppError as exc:
        click.echo(f"error: {exc.message}", err=True)
        sys.exit(1)


@click.command(name="verify-package")
@click.argument("paths", nargs=-1, required=True, type=click.Path(exists=True, path_type=Path))
@click.option(
    "--cert",
    "cert",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="The signer's certificate as registered (default: the one inside the batch or package).",
)
def verify_package(paths: tuple[Path, ...], cert: Path | None) -> None:
    """Check transfer batches or exported packages on their own, with no database and no store: exit 0 when
    all hold, 1 naming each failure."""
    from ..services.archive.verify_package import verify_path

    failed = False
    certificate = cert.read_bytes() if cert else None
    for path in paths:
        verdict = verify_path(path, certificate=certificate)
        for line in verdict.failures:
            click.echo(f"FAIL {line}")
        for line in verdict.notes:
            click.echo(f"NOTE {line}")
        word = "OK  " if verdict.ok else "FAIL"
        click.echo(f"{word} {path} ({len(verdict.checked)} package(s))")
        failed |= not verdict.ok
    sys.exit(1 if failed else 0)
