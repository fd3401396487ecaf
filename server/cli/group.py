"""The `onewindow` group: it imports the command modules, which never import it."""

from __future__ import annotations

import logging

import click

from .archive import archive
from .calendar import calendar
from .catalogue import catalogue
from .context import CliContext
from .corrections import correct, versions
from .database import demo, migrate
from .deadlines import deadlines
from .index import index
from .serve import serve, worker
from .transfer import transfer, verify_package


@click.group()
@click.option("-v", "--verbose", is_flag=True, help="Log debug messages.")
@click.pass_context
def main(ctx: click.Context, verbose: bool) -> None:
    """OneWindow: one-window intake and electronic archive (一窗受理 · 电子归档)."""
    logging.basicConfig(
        level=logging.DEBUG if verbose else logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    cli = ctx.ensure_object(CliContext)
    ctx.call_on_close(cli.close)


for _command in (serve, worker, migrate, demo, archive, calendar, catalogue, deadlines, index):
    main.add_command(_command)
for _command in (correct, versions):
    archive.add_command(_command)
archive.add_command(transfer)
archive.add_command(verify_package)
