"""The interface every search backend implements, so callers never know which one they have."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, Iterable

from .models import DossierDoc, SearchQuery, SearchResult


class SearchIndex(ABC):
    """A derived, rebuildable index of sealed dossiers.

    Writes are visible to ``search`` when the call returns. The object store is
    the source of truth: ``rebuild`` builds a complete new index beside the live
    one and swaps it in, so searches keep working during a rebuild, and
    ``needs_rebuild`` turns true when the stored index was made with another
    schema version (or never filled by a rebuild).
    """

    backend: str = ""

    def index_dossier(self, doc: DossierDoc) -> None:
        """Add or replace one dossier (all its units)."""
        self.index_many([doc])

    @abstractmethod
    def index_many(self, docs: Iterable[DossierDoc]) -> int:
        """Add or replace many dossiers in bulk; returns how many were written."""

    @abstractmethod
    def delete_dossier(self, dossier_id: str) -> None:
        """Remove a dossier; removing an absent one is not an error."""

    @abstractmethod
    def search(self, query: SearchQuery) -> SearchResult:
        """Full-text and metadata search within ``query.scope``."""

    @abstractmethod
    def check(self) -> dict[str, Any]:
        """Health: ``{"ok": bool, "backend": str, "detail": ...}``, answered within about 3 s."""

    @abstractmethod
    def rebuild(self, docs: Iterable[DossierDoc]) -> int:
        """Build a fresh index from ``docs`` beside the live one, then swap it in atomically."""

    @abstractmethod
    def needs_rebuild(self) -> bool:
        """True when the live index is not a complete build of the current schema version."""

    @abstractmethod
    def describe(self) -> dict[str, Any]:
        """Backend, location (no credentials), schema version, size: for logs and the admin page."""

    def clear(self) -> None:
        """Empty the index (a rebuild from nothing)."""
        self.rebuild([])

    @abstractmethod
    def destroy(self) -> None:
        """Remove everything this index stored (tests, uninstall)."""

    def close(self) -> None:
        """Release files and connections."""
