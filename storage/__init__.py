"""Object storage for OneWindow: one interface, a backend chosen by URL.

    store = open_store("file:///var/lib/onewindow/objects")
    store = open_store("s3://ACCESS:SECRET@host:9000/bucket/prefix?secure=true")

The scheme-to-backend mapping below is the only place that knows which
backends exist; everything else uses the ``ObjectStore`` interface.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlsplit

from .base import (
    DigestMismatch,
    InvalidKey,
    ObjectInfo,
    ObjectNotFound,
    ObjectSealed,
    ObjectStore,
    Source,
    StorageError,
    StorageFull,
    StorageUnavailable,
    TooLarge,
)

__all__ = [
    "open_store",
    "ObjectStore",
    "ObjectInfo",
    "Source",
    "StorageError",
    "ObjectNotFound",
    "ObjectSealed",
    "DigestMismatch",
    "TooLarge",
    "InvalidKey",
    "StorageUnavailable",
    "StorageFull",
]


def _local(url: str) -> ObjectStore:
    from .local import LocalStore

    return LocalStore.from_url(url)


def _s3(url: str) -> ObjectStore:
    from .s3 import S3Store

    return S3Store.from_url(url)


BACKENDS: dict[str, Callable[[str], ObjectStore]] = {
    "file": _local,
    "s3": _s3,
}


def open_store(url: str) -> ObjectStore:
    """The object store named by ``url`` (``file://`` or ``s3://``); nothing is contacted yet."""
    scheme = urlsplit(url).scheme.lower()
    try:
        factory = BACKENDS[scheme]
    except KeyError:
        raise ValueError(
            f"unsupported storage URL scheme {scheme!r}; use one of {', '.join(s + '://' for s in BACKENDS)}"
        ) from None
    return factory(url)
