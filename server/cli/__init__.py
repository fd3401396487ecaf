"""The `onewindow` command (API.md: serve, worker, demo; archive and index commands join them)."""

from .group import main

__all__ = ["main"]
