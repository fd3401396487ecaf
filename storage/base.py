"""The object-storage interface every backend implements, its value types and errors.

Callers depend only on this module (through ``storage.open_store``), so the
archive code behaves the same on local disk and on S3. Backend specifics
(minio, os errors) never leak out: each backend wraps them in the exceptions
below.
"""

from __future__ import annotations

import abc
import re
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any, BinaryIO, TypeVar

T = TypeVar("T")

Source = BinaryIO | Iterable[bytes]
"""What ``put`` accepts: a readable binary file-like object or an iterable of byte chunks."""

DEFAULT_CONTENT_TYPE = "application/octet-stream"
# What put computes unless told otherwise; SHA-256 is always among them (the fixity check).
DIGESTS = ("sha256", "sm3")
RESERVED_SEGMENT = ".onewindow"
"""First key segment reserved for the backends' hidden area (temp files, digests, locks)."""

MAX_KEY_BYTES = 900
MAX_SEGMENT_BYTES = 240
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_META_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}$")


class StorageError(Exception):
    """Base of every error raised by a storage backend."""


class ObjectNotFound(StorageError):
    """No object at this key."""


class ObjectSealed(StorageError):
    """The object is sealed (retention not expired): it can be neither deleted nor overwritten."""


class DigestMismatch(StorageError):
    """The stored bytes do not have the digest the caller promised; nothing was stored."""


class TooLarge(StorageError):
    """The stream is longer than ``max_bytes``; nothing was stored."""


class InvalidKey(StorageError, ValueError):
    """The key is not a safe relative path of non-empty segments."""


class StorageUnavailable(StorageError):
    """The backend cannot be reached (server down, timeout, disk gone)."""


class StorageFull(StorageUnavailable):
    """No space left (disk, quota or bucket): writes fail, reads go on; nothing was stored."""


@dataclass(frozen=True)
class ObjectInfo:
    """What a store knows about one object.

    ``sha256`` and ``sm3`` are lowercase hex digests recorded at write time
    (``sm3`` is ``None`` for an object written with SHA-256 only);
    ``sealed_until`` is the end of the retention period of a sealed object
    (aware UTC datetime), ``None`` for ordinary objects.
    """

    key: str
    size: int
    sha256: str | None
    sm3: str | None
    content_type: str = DEFAULT_CONTENT_TYPE
    metadata: Mapping[str, str] = field(default_factory=dict)
    sealed_until: datetime | None = None
    modified: datetime | None = None

    @property
    def sealed(self) -> bool:
        """True while the retention period runs: delete and overwrite are refused."""
        return self.sealed_until is not None and self.sealed_until > datetime.now(UTC)


class ObjectStore(abc.ABC):
    """A flat namespace of immutable-once-written objects addressed by '/'-separated keys.

    Writes are all-or-nothing: an object is visible only once fully written
    and its digests checked. Reads return buffered binary streams; close them
    (or use them as context managers) to release files and connections.
    """

    backend: str = ""

    @abc.abstractmethod
    def put(
        self,
        key: str,
        stream: Source,
        *,
        content_type: str = DEFAULT_CONTENT_TYPE,
        expected_sha256: str | None = None,
        max_bytes: int | None = None,
        seal_until: datetime | None = None,
        metadata: Mapping[str, str] | None = None,
        digests: tuple[str, ...] = DIGESTS,
    ) -> ObjectInfo:
        """Store the stream at ``key`` (replacing an unsealed object) and return its info.

        The length need not be known. The ``digests`` (SHA-256 always, SM3 by
        default) are computed while streaming; SM3 on one core is slower than
        a disk write, so an upload asks for SHA-256 only and has SM3 computed
        afterwards, off the request (``ObjectInfo.sm3`` is then ``None``).
        Raises DigestMismatch / TooLarge (nothing stored), ValueError (bad
        ``digests``), ObjectSealed (the key holds a sealed object), InvalidKey. An exception
        raised by the stream itself propagates unchanged, with nothing stored.
        ``seal_until`` (timezone-aware) makes the object undeletable until that
        time; a time already past stores an ordinary object.
        """

    def copy(
        self,
        src_key: str,
        dst_key: str,
        *,
        content_type: str | None = None,
        expected_sha256: str | None = None,
        seal_until: datetime | None = None,
        metadata: Mapping[str, str] | None = None,
    ) -> ObjectInfo:
        """Store a copy of ``src_key`` at ``dst_key`` with the same all-or-nothing and sealing rules as ``put``.

        Backends copy within the store (S3 CopyObject, an in-kernel file copy)
        so the bytes never pass through the application, and the copy carries
        the source's recorded SHA-256 and SM3. ``expected_sha256`` is checked
        against them before anything is written (DigestMismatch), so a caller
        holding the digest from the upload keeps its fixity check.
        ``content_type`` and ``metadata`` default to the source's. This generic
        version streams the bytes through ``put``, which hashes them again.
        """
        source = self.stat(src_key)
        if source.sha256 is not None:
            check_digest(expected_sha256, source.sha256)
        with self.open(src_key) as stream:
            return self.put(
                dst_key,
                stream,
                content_type=content_type or source.content_type,
                expected_sha256=expected_sha256 or source.sha256,
                seal_until=seal_until,
                metadata=source.metadata if metadata is None else metadata,
            )

    @abc.abstractmethod
    def open(self, key: str, start: int = 0, end: int | None = None) -> BinaryIO:
        """Bytes ``[start, end)`` of the object as a stream (slice semantics: clamped to the size)."""

    @abc.abstractmethod
    def stat(self, key: str) -> ObjectInfo:
        """Info about the object; ObjectNotFound when absent."""

    @abc.abstractmethod
    def exists(self, key: str) -> bool:
        """Whether an object is stored at ``key``."""

    @abc.abstractmethod
    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        """Objects whose key starts with ``prefix``, in key order (UTF-8 byte order)."""

    @abc.abstractmethod
    def delete(self, key: str) -> None:
        """Remove the object; ObjectSealed while it is sealed, ObjectNotFound when absent."""

    @abc.abstractmethod
    def check(self) -> dict:
        """Health probe ``{"ok": bool, "backend": str, "detail": str}``, answered within ~3 s."""

    @abc.abstractmethod
    def describe(self) -> str:
        """The store's URL with any secret redacted, for logs and health pages."""

    def sweep_incomplete(self, older_than: timedelta | None = None) -> int:
        """Remove what interrupted writes left behind (temp files, unfinished multipart uploads).

        Never touches a write still in progress; ``None`` means the backend's
        safe default age. Returns how many leftovers were removed. Run at
        start-up: a killed process leaves them invisible but taking space.
        """
        return 0

    def close(self) -> None:
        """Release pooled resources (connections). The store must not be used afterwards."""
        return None

    def __enter__(self) -> ObjectStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.describe()}>"


def validate_key(key: object) -> str:
    """Return ``key`` if it is a safe relative path, else raise InvalidKey.

    Both backends apply the same rules, so a key that works locally works on
    S3 and vice versa, and no key can address anything outside the store
    (``..``, absolute paths, backslashes, NUL) or its hidden area.
    """
    if not isinstance(key, str) or not key:
        raise InvalidKey(f"key must be a non-empty string, not {key!r}")
    try:
        encoded = key.encode("utf-8")
    except UnicodeEncodeError:
        raise InvalidKey(f"key is not valid Unicode text: {key!r}") from None
    if len(encoded) > MAX_KEY_BYTES:
        raise InvalidKey(f"key is longer than {MAX_KEY_BYTES} bytes")
    if "\\" in key or _CONTROL.search(key):
        raise InvalidKey(f"key contains a backslash or control character: {key!r}")
    segments = key.split("/")
    if segments[0] == RESERVED_SEGMENT:
        raise InvalidKey(f"keys under {RESERVED_SEGMENT}/ are reserved: {key!r}")
    for segment in segments:
        if segment in ("", ".", ".."):
            raise InvalidKey(f"key has an empty, '.' or '..' segment (or a leading/trailing '/'): {key!r}")
        if len(segment.encode("utf-8")) > MAX_SEGMENT_BYTES:
            raise InvalidKey(f"a key segment is longer than {MAX_SEGMENT_BYTES} bytes")
    return key


def validate_prefix(prefix: object) -> str:
    """A list prefix: any key start, e.g. ``''``, ``'案卷/'`` or ``'案卷/20'``."""
    if not isinstance(prefix, str):
        raise InvalidKey(f"prefix must be a string, not {prefix!r}")
    if not prefix:
        return prefix
    if prefix.startswith("/"):
        raise InvalidKey(f"prefix must be relative: {prefix!r}")
    head, _, tail = prefix.rpartition("/")
    if head:
        validate_key(head)
    if "\\" in tail or _CONTROL.search(tail):
        raise InvalidKey(f"prefix contains a backslash or control character: {prefix!r}")
    return prefix


def validate_metadata(metadata: Mapping[str, str] | None) -> dict[str, str]:
    """Copy of the user metadata; names are lowercase ASCII (S3 folds case), values any text."""
    result: dict[str, str] = {}
    for name, value in (metadata or {}).items():
        if not isinstance(name, str) or not _META_NAME.match(name) or name.startswith("ow-"):
            raise ValueError(f"metadata name must match [a-z0-9][a-z0-9_-]* and not start with 'ow-': {name!r}")
        if not isinstance(value, str):
            raise ValueError(f"metadata value for {name!r} must be a string")
        result[name] = value
    return result


def validate_digests(digests: tuple[str, ...]) -> tuple[str, ...]:
    """The digests a put computes: SHA-256 always (every check rests on it), SM3 if asked."""
    unknown = set(digests) - set(DIGESTS)
    if unknown or "sha256" not in digests:
        raise ValueError(f"digests must include sha256 and be among {DIGESTS}, not {digests}")
    return tuple(d for d in DIGESTS if d in digests)


def validate_seal(seal_until: datetime | None) -> datetime | None:
    """Normalise a retention date to aware UTC, whole seconds (what S3 stores); None if past."""
    if seal_until is None:
        return None
    if not isinstance(seal_until, datetime) or seal_until.tzinfo is None:
        raise ValueError("seal_until must be a timezone-aware datetime")
    if seal_until <= datetime.now(UTC):
        return None  # a retention already over (e.g. importing old records) protects nothing
    moment = seal_until.astimezone(UTC)
    if moment.microsecond:  # S3 keeps whole seconds; round up, never shorten a retention
        moment = moment.replace(microsecond=0) + timedelta(seconds=1)
    return moment


def validate_range(start: int, end: int | None) -> None:
    """Ranges use slice semantics on non-negative offsets."""
    if start < 0 or (end is not None and end < 0):
        raise ValueError("range offsets must be >= 0")


def check_digest(expected_sha256: str | None, actual: str) -> None:
    """Raise DigestMismatch unless the expected SHA-256 (hex, any case) matches."""
    if expected_sha256 is not None and expected_sha256.lower() != actual:
        raise DigestMismatch(f"sha256 mismatch: expected {expected_sha256.lower()}, got {actual}")


def call_with_deadline(probe: Callable[[], T], seconds: float) -> T:
    """Run ``probe`` in a daemon thread and give up after ``seconds``.

    Health checks must answer quickly even when a disk or a server hangs in
    a way no socket timeout covers (NFS, DNS); the stuck thread is abandoned.
    """
    box: dict[str, Any] = {}  # "value": what probe returned (a T), or "error": what it raised

    def run() -> None:
        try:
            box["value"] = probe()
        except BaseException as exc:  # noqa: BLE001 - handed to the calling thread, which raises it
            box["error"] = exc

    thread = threading.Thread(target=run, name="storage-check", daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        raise TimeoutError(f"no answer within {seconds:g} s")
    if "error" in box:
        raise box["error"]
    return box["value"]
