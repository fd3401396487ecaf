"""Search index for the electronic archive (issue #4): Chinese full text over dossiers.

``open_index(url)`` is the one place that picks a backend, from the URL scheme:

* ``sqlite:///path/index.db`` - embedded (tantivy in ``path/index.tantivy/``);
* ``http(s)://host:9200[?prefix=name]`` - Elasticsearch 8 (alias ``name``,
  default ``onewindow``).

Both backends share the tokeniser, the query plan, result building and
highlighting, so they return the same results for the same data. Both raise
only ``SearchIndexError`` and its subclasses when the backend fails.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote, urlsplit

from .base import IndexCorrupt, IndexUnavailable, QueryRejected, SearchIndex, SearchIndexError
from .models import DossierDoc, DossierHit, FileDoc, FileHit, PageText, Scope, SearchQuery, SearchResult

__all__ = [
    "DossierDoc",
    "DossierHit",
    "FileDoc",
    "FileHit",
    "IndexCorrupt",
    "IndexUnavailable",
    "PageText",
    "QueryRejected",
    "Scope",
    "SearchIndex",
    "SearchIndexError",
    "SearchQuery",
    "SearchResult",
    "open_index",
]


def open_index(url: str) -> SearchIndex:
    """The index named by ``url``. Cheap: nothing is opened or contacted until first use."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme == "sqlite":
        # SQLAlchemy's convention: sqlite:///relative.db, sqlite:////absolute.db
        path = unquote(parts.path)[1:]
        if not path:
            raise ValueError(f"index URL {url!r} names no file (expected sqlite:///path/index.db)")
        from .embedded import EmbeddedIndex

        return EmbeddedIndex(Path(path))
    if scheme in ("http", "https"):
        from .elastic import ElasticIndex

        return ElasticIndex(url)
    raise ValueError(f"unsupported index URL scheme {parts.scheme!r} (use sqlite:/// or http(s)://)")
