"""The process's backends, built once from the settings: database, object store, search index, virus scanner."""

from __future__ import annotations

from dataclasses import dataclass

from indexers import SearchIndex, open_index
from storage import ObjectStore, open_store

from .config import Settings
from .db import Database
from .scanning import Scanner, open_scanner


@dataclass
class Runtime:
    settings: Settings
    db: Database
    store: ObjectStore
    index: SearchIndex
    scanner: Scanner | None = None

    def close(self) -> None:
        self.db.dispose()


def build_runtime(settings: Settings) -> Runtime:
    """The one place where configuration turns into backends (each factory picks by URL scheme)."""
    return Runtime(
        settings=settings,
        db=Database(settings.database_url),
        store=open_store(settings.storage_url),
        index=open_index(settings.index_url),
        scanner=open_scanner(settings.clamd_url),
    )
