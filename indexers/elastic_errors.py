"""elasticsearch-py's failures as SearchIndexError, for the Elasticsearch backend.

What retrying can fix (no connection, a timeout, a node shutting down or
overloaded, credentials an operator may correct, an index removed under us)
is IndexUnavailable; a request the server refuses as invalid is QueryRejected.
"""

from __future__ import annotations

from typing import Any

from elastic_transport import SerializationError, TransportError
from elasticsearch import ApiError, UnsupportedProductError
from elasticsearch.helpers import BulkIndexError

from .base import IndexUnavailable, QueryRejected, SearchIndexError

_RETRYABLE = {401, 403, 404, 408, 409, 429}
_REJECTED = {400, 413}


def _by_status(status: int, message: str) -> SearchIndexError:
    if status in _RETRYABLE or status >= 500:
        return IndexUnavailable(message)
    if status in _REJECTED:
        return QueryRejected(message)
    return SearchIndexError(message)


def _bulk_status(item: dict[str, Any]) -> int:
    """An item of BulkIndexError.errors is ``{"index"|"delete": {"status": ..., "error": ...}}``."""
    return max((int(result.get("status") or 0) for result in item.values() if isinstance(result, dict)), default=0)


def translate(exc: Exception) -> SearchIndexError | None:
    """Our error for an elasticsearch-py failure, None for anything else."""
    if isinstance(exc, BulkIndexError):
        statuses = [_bulk_status(item) for item in exc.errors] or [0]
        worst = next((s for s in statuses if s in _RETRYABLE or s >= 500), max(statuses))
        return _by_status(worst, f"Elasticsearch refused {len(exc.errors)} bulk item(s): {exc.errors[:1]}"[:500])
    if isinstance(exc, UnsupportedProductError):
        return IndexUnavailable(f"not an Elasticsearch server: {exc}"[:500])
    if isinstance(exc, ApiError):
        return _by_status(exc.meta.status, f"Elasticsearch: {exc}"[:500])
    if isinstance(exc, SerializationError):
        return SearchIndexError(f"Elasticsearch answer unreadable: {exc}"[:500])
    if isinstance(exc, TransportError):
        return IndexUnavailable(f"Elasticsearch unreachable: {exc}"[:500])
    return None
