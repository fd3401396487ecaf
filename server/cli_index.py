"""`onewindow index rebuild|status`."""

from __future__ import annotations

import click

from .runtime import build_runtime


@click.group()
def index() -> None:
    """The full-text search index (derived from the object store)."""


@index.command()
@click.pass_context
def rebuild(ctx: click.Context) -> None:
    """Rebuild the search index from the object store alone (the database is not read)."""
    from .cli import _settings
    from .services.archive.text import docs_from_storage

    runtime = build_runtime(_settings(ctx))
    count = runtime.index.rebuild(docs_from_storage(runtime.store))
    click.echo(f"indexed {count} dossier(s) from {runtime.store.describe()}")


@index.command()
@click.pass_context
def status(ctx: click.Context) -> None:
    """Show whether the index answers and whether its schema needs a rebuild."""
    from .cli import _settings

    runtime = build_runtime(_settings(ctx))
    health = runtime.index.check()
    click.echo(f"{'ok' if health.get('ok') else 'DOWN'}: {runtime.index.describe()} {health.get('detail', '')}")
    ctx.exit(0 if health.get("ok") else 1)
