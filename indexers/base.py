"""The interface every search backend implements, its errors, so callers never know which one they have.

Each backend translates its library's exceptions (tantivy's ValueError, OS
errors, elasticsearch-py's transport and API errors) into the classes below
at its boundary, as the storage backends do; callers catch only these.
"""

from __future__ import annotations

import functools
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable
from typing import Any, ParamSpec, TypeVar

from .models import DossierDoc, SearchQuery, SearchResult

P = ParamSpec("P")
R = TypeVar("R")


class SearchIndexError(Exception):
    """Base of every error a search backend raises when the backend fails (IndexError is the builtin's name)."""


class IndexUnavailable(SearchIndexError):
    """The backend cannot be reached, timed out, is shutting down or its write lock stays busy:
    the same call may succeed later (jobs retry, search answers 503)."""


class IndexCorrupt(SearchIndexError):
    """The stored index cannot be read (damaged or incompatible files): retrying will not help,
    a rebuild from the object store will."""


class QueryRejected(SearchIndexError):
    """The backend refused a query or a document as invalid: retrying the same call will not help."""


Translator = Callable[[Exception], "SearchIndexError | None"]


def translated(translate: Translator) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorates a backend's public methods so its library's exceptions leave as ours.

    ``translate`` returns None for an exception that is not the library's (a
    bug of ours, a caller's stream failing): that one propagates unchanged.
    """

    def decorate(method: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(method)
        def call(*args: P.args, **kwargs: P.kwargs) -> R:
            try:
                return method(*args, **kwargs)
            except SearchIndexError:
                raise
            except Exception as exc:
                ours = translate(exc)
                if ours is None:
                    raise
                raise ours from exc

        return call

    return decorate


class SearchIndex(ABC):
    """A derived, rebuildable index of sealed dossiers.

    Every method but ``check`` raises SearchIndexError (IndexUnavailable,
    IndexCorrupt, QueryRejected) when the backend fails; ``check`` never raises.

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

    def close(self) -> None:  # noqa: B027 - optional: a backend that holds nothing open need not override it
        """Release files and connections."""
