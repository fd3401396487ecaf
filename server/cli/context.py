"""What the `onewindow` group hands its subcommands."""

from __future__ import annotations

import click

from ..config import Settings, load_settings
from ..runtime import Runtime, build_runtime


class CliContext:
    """Settings read once and ONE runtime, built by the first subcommand that needs it and closed
    when the command ends, so no command leaves a connection pool behind."""

    def __init__(self) -> None:
        self._settings: Settings | None = None
        self._runtime: Runtime | None = None
        self._migrated = False

    @property
    def settings(self) -> Settings:
        if self._settings is None:
            self._settings = load_settings()
        return self._settings

    @property
    def runtime(self) -> Runtime:
        if self._runtime is None:
            self._runtime = build_runtime(self.settings)
        return self._runtime

    def migrated_runtime(self) -> Runtime:
        """The runtime with the schema brought up to date, for commands that read or write records."""
        runtime = self.runtime
        if not self._migrated:
            runtime.db.migrate()
            self._migrated = True
        return runtime

    def close(self) -> None:
        """Safe to call twice: serve closes before gunicorn forks, the group again at exit."""
        if self._runtime is not None:
            self._runtime.close()
            self._runtime = None
            self._migrated = False


pass_cli = click.make_pass_decorator(CliContext)
