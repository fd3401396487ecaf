"""`onewindow index rebuild|status`."""

from __future__ import annotations

import sys

import click
from sqlalchemy.exc import SQLAlchemyError

from .context import CliContext, pass_cli


@click.group()
def index() -> None:
    """The full-text search index (derived from the object store)."""


@index.command()
@pass_cli
def rebuild(cli: CliContext) -> None:
    """Rebuild the search index from the object store (the database, if it answers, only confirms
    which packages it recorded; without it the store's commit markers decide)."""
    from ..services.archive.reconcile import reconcile
    from ..services.archive.text import docs_from_storage

    runtime = cli.runtime
    try:
        with runtime.db.session() as session:
            reconcile(session, runtime, quarantine=False, sweep_uploads=False)
    except SQLAlchemyError as exc:
        click.echo(f"database unavailable ({type(exc).__name__}): trusting the store's commit markers alone")
    count = runtime.index.rebuild(docs_from_storage(runtime.store))
    click.echo(f"indexed {count} dossier(s) from {runtime.store.describe()}")


@index.command()
@pass_cli
def status(cli: CliContext) -> None:
    """Show whether the index answers and whether its schema needs a rebuild."""
    runtime = cli.runtime
    health = runtime.index.check()
    click.echo(f"{'ok' if health.get('ok') else 'DOWN'}: {runtime.index.describe()} {health.get('detail', '')}")
    sys.exit(0 if health.get("ok") else 1)
