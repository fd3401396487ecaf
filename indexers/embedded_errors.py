"""tantivy's and the filesystem's failures as SearchIndexError, for the embedded backend.

tantivy-py raises a bare ValueError for everything, so its errors are told
apart by the message tantivy writes for each kind (``TantivyError``'s display
strings); a ValueError with none of them is not tantivy's and propagates.
"""

from __future__ import annotations

from .base import IndexCorrupt, IndexUnavailable, QueryRejected, SearchIndexError

# Checked in this order: a lock failure caused by an I/O error is still about the disk.
_KINDS: tuple[tuple[type[SearchIndexError], tuple[str, ...]], ...] = (
    (IndexCorrupt, ("Data corrupted", "IndexMismatch", "CompressionMismatch", "Deserialize error")),
    (
        IndexUnavailable,
        (
            "Failed to open the directory",
            "Directory does not exist",
            "Failed to open file for",
            "Failed to acquire Lockfile",
            "IO error",
            "IoError",
            "poisoned",
            "error occurred in a thread",
            "System error",
        ),
    ),
    (
        QueryRejected,
        (
            "Syntax Error",
            "invalid argument",
            "Schema error",
            "field does not exist",
            "is not defined in the schema",
            "error occurred in an aggregation",
        ),
    ),
)


def translate(exc: Exception) -> SearchIndexError | None:
    """Our error for a tantivy or filesystem failure, None for anything else."""
    if isinstance(exc, OSError):
        return IndexUnavailable(f"index files unusable: {exc}")
    if isinstance(exc, ValueError):
        message = str(exc)
        for kind, markers in _KINDS:
            if any(marker in message for marker in markers):
                return kind(f"tantivy: {message}"[:500])
    return None


def lock_busy(exc: ValueError) -> bool:
    """Another writer (this or another process) holds the index: worth waiting for."""
    return "LockBusy" in str(exc)
