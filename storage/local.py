"""Object storage on a local (or mounted) POSIX filesystem: the embedded default.

Layout under the root::

    <root>/<key>                        the object's bytes, a plain file
    <root>/.onewindow/meta/xx/<sha256 of key>.json   digests, type, metadata, seal
    <root>/.onewindow/tmp/              files being written (same filesystem)
    <root>/.onewindow/locks/NN          commit locks shared by all processes

Objects stay plain files so that operators can back them up and inspect them
with ordinary tools. A write goes to a temp file that is fsynced and renamed
into place (then the directory is fsynced), so a reader sees the old object
or the complete new one, never a partial one. The sidecar is replaced after
the data, and the old sidecar is removed before the data rename, so a crash
can at worst leave an object without its sidecar; ``stat`` then recomputes
the digests from the bytes rather than ever reporting stale ones.

Sealed objects are made read-only (mode 0444) before they become visible and
their retention date is recorded in the sidecar; delete and overwrite are
refused in code, since the server usually runs as a user that file modes do
not stop. A read-only object whose sidecar is lost counts as sealed for ever.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import hashlib
import json
import os
import shutil
import stat as stat_mode
import tempfile
import threading
import time
import zlib
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import BinaryIO, cast

from .base import (
    DEFAULT_CONTENT_TYPE,
    DIGESTS,
    RESERVED_SEGMENT,
    InvalidKey,
    ObjectInfo,
    ObjectNotFound,
    ObjectSealed,
    ObjectStore,
    Source,
    StorageError,
    StorageFull,
    StorageUnavailable,
    call_with_deadline,
    check_digest,
    validate_digests,
    validate_key,
    validate_metadata,
    validate_prefix,
    validate_range,
    validate_seal,
)
from .hashing import Digester, iter_chunks, limited
from .streams import range_stream

FOREVER = datetime.max.replace(tzinfo=UTC)
_LOCKS = 64
# A process that never ran the start-up sweep (a CLI command) tidies what is a day old on its first write.
_LAZY_SWEEP_AFTER = timedelta(days=1)
_WRITEBACK_EVERY = 16 << 20
_FULL = {errno.ENOSPC, errno.EDQUOT}
_FULL_BELOW = 1 << 20
_UNAVAILABLE = {errno.EROFS, errno.EIO, errno.ENODEV, errno.ESTALE}
_NO_KERNEL_COPY = {errno.EXDEV, errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.EBADF}


@contextlib.contextmanager
def _os_errors(key: str = "") -> Iterator[None]:
    """Translate our own filesystem failures into StorageError subclasses."""
    try:
        yield
    except OSError as exc:
        cls = StorageFull if exc.errno in _FULL else StorageUnavailable if exc.errno in _UNAVAILABLE else StorageError
        raise cls(f"{key or 'store'}: {exc.strerror or exc}") from exc


def _start_writeback(handle: BinaryIO, start: int, end: int) -> int:
    """Ask the kernel to start writing ``[start, end)`` to disk now.

    Without it a large upload sits dirty in the page cache and the final
    fsync writes all of it while nothing else happens; started early, the
    disk writes overlap with reading and hashing. (Linux implements
    POSIX_FADV_DONTNEED on dirty pages as "start writeback, then drop".)
    """
    advise = getattr(os, "posix_fadvise", None)
    if advise is not None:
        with contextlib.suppress(OSError, ValueError):
            handle.flush()
            advise(handle.fileno(), start, end - start, os.POSIX_FADV_DONTNEED)
    return end


def _copy_bytes(src: int, dst: int, size: int, handle: BinaryIO) -> None:
    """``size`` bytes from ``src`` to ``dst`` in the kernel (copy_file_range: no byte enters Python,
    and a filesystem that shares extents makes it a reflink), in steps that start writeback as put does;
    a plain pread/write loop where the kernel cannot copy between these files."""
    done = 0
    kernel = hasattr(os, "copy_file_range")
    while done < size:
        step = min(_WRITEBACK_EVERY, size - done)
        count = 0
        if kernel:
            try:
                count = os.copy_file_range(src, dst, step, done, done)
            except OSError as exc:
                if exc.errno not in _NO_KERNEL_COPY:
                    raise
                kernel = False
        if not kernel:
            data = os.pread(src, step, done)
            count = os.pwrite(dst, data, done)
        if count <= 0:
            raise StorageError(f"the source ended after {done} of {size} bytes while being copied")
        done = _start_writeback(handle, done, done + count)


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _makedirs(path: Path) -> None:
    """mkdir -p that fsyncs each parent whose entries changed, so new folders survive a crash."""
    missing = []
    while not path.is_dir() and path.parent != path:
        missing.append(path)
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir()
        except FileExistsError:
            if not folder.is_dir():
                raise
        _fsync_dir(folder.parent)


class LocalStore(ObjectStore):
    """Objects as files under ``root`` (created on first write)."""

    backend = "local"

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root).absolute()
        self._hidden = self.root / RESERVED_SEGMENT
        self._swept = False
        self._held = threading.local()

    @classmethod
    def from_url(cls, url: str) -> LocalStore:
        from urllib.parse import unquote, urlsplit

        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost") or not parts.path:
            raise ValueError(f"file URL must look like file:///absolute/path, not {url!r}")
        return cls(unquote(parts.path))

    # --- paths --------------------------------------------------------------

    def _path(self, key: str) -> Path:
        return self.root.joinpath(*validate_key(key).split("/"))

    def _meta_path(self, key: str) -> Path:
        # Named by a hash: a tree mirroring the keys would make 'x' and 'x.json/y' collide.
        digest = hashlib.sha256(key.encode()).hexdigest()
        return self._hidden / "meta" / digest[:2] / f"{digest}.json"

    @contextlib.contextmanager
    def _lock(self, key: str) -> Iterator[None]:
        """Serialise commits and deletes of one key across threads and processes (re-entrant)."""
        slot = zlib.crc32(key.encode()) % _LOCKS
        held = self._held.__dict__.setdefault("slots", set())
        if slot in held:
            yield
            return
        folder = self._hidden / "locks"
        with _os_errors(key):
            _makedirs(folder)
            handle = open(folder / f"{slot:02d}", "a+b")  # noqa: SIM115 - closed in the finally below
        try:
            fcntl.flock(handle, fcntl.LOCK_EX)
            held.add(slot)
            try:
                yield
            finally:
                held.discard(slot)
        finally:
            handle.close()

    # --- metadata -------------------------------------------------------------

    def _load_meta(self, key: str) -> dict | None:
        try:
            with open(self._meta_path(key), "rb") as handle:
                return json.load(handle)
        except (FileNotFoundError, NotADirectoryError, ValueError):
            return None

    def _info(self, key: str, path: Path, st: os.stat_result, meta: dict | None) -> ObjectInfo:
        if meta is None or meta.get("size") != st.st_size:
            meta = self._recover_meta(key, path, st)
        sealed = meta.get("sealed_until")
        return ObjectInfo(
            key=key,
            size=st.st_size,
            sha256=meta["sha256"],
            sm3=meta.get("sm3"),
            content_type=meta.get("content_type") or DEFAULT_CONTENT_TYPE,
            metadata=dict(meta.get("metadata") or {}),
            sealed_until=datetime.fromisoformat(sealed) if sealed else None,
            modified=datetime.fromtimestamp(st.st_mtime, UTC),
        )

    def _recover_meta(self, key: str, path: Path, st: os.stat_result) -> dict:
        """Rebuild a lost sidecar from the bytes (only after a crash or a hand-copied file)."""
        digester = Digester()
        try:
            with _os_errors(key), open(path, "rb") as handle:
                for chunk in iter_chunks(handle):
                    digester.update(chunk)
            digests = digester.finish()
        finally:
            digester.close()
        read_only = not st.st_mode & (stat_mode.S_IWUSR | stat_mode.S_IWGRP | stat_mode.S_IWOTH)
        meta: dict = {
            "key": key,
            "size": st.st_size,
            **digests,
            "content_type": DEFAULT_CONTENT_TYPE,
            "metadata": {},
            "sealed_until": FOREVER.isoformat() if read_only else None,
        }
        with contextlib.suppress(OSError), self._lock(key):
            if os.stat(path).st_ino == st.st_ino and self._load_meta(key) is None:
                self._write_meta(key, meta)
        return meta

    def _write_meta(self, key: str, meta: dict) -> None:
        target = self._meta_path(key)
        _makedirs(target.parent)
        tmp, handle = self._json_tmp_file(meta)
        try:
            os.replace(tmp, target)
        except BaseException:
            tmp.unlink(missing_ok=True)
            raise
        finally:
            handle.close()
        _fsync_dir(target.parent)

    def _locked_tmp_file(self, suffix: str = "") -> tuple[Path, BinaryIO]:
        """A new temp file, open for writing and flock-ed until closed (keep it open until renamed):
        sweep_incomplete removes only files nobody holds. Made again if a sweep took it before the lock."""
        folder = self._hidden / "tmp"
        _makedirs(folder)
        while True:
            fd, name = tempfile.mkstemp(dir=folder, prefix="put-", suffix=suffix)
            try:
                fcntl.flock(fd, fcntl.LOCK_EX)
                if os.fstat(fd).st_nlink:
                    return Path(name), os.fdopen(fd, "wb")
            except BaseException:
                os.close(fd)
                raise
            os.close(fd)

    def _json_tmp_file(self, meta: dict) -> tuple[Path, BinaryIO]:
        """A sidecar written and fsynced into a locked temp file, still open."""
        tmp, handle = self._locked_tmp_file(".json")
        try:
            handle.write(json.dumps(meta, ensure_ascii=False).encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                handle.close()
            tmp.unlink(missing_ok=True)
            raise
        return tmp, handle

    def sweep_incomplete(self, older_than: timedelta | None = None) -> int:
        """Temp files of writes that died: a live writer holds an flock on its file until it is renamed,
        so whatever is unlocked is a leftover, whatever its age (``older_than`` may spare recent ones)."""
        self._swept = True
        cutoff = time.time() - (older_than or timedelta(0)).total_seconds()
        removed = 0
        with contextlib.suppress(OSError), os.scandir(self._hidden / "tmp") as entries:
            for entry in entries:
                with contextlib.suppress(OSError):
                    if entry.stat(follow_symlinks=False).st_mtime >= cutoff:
                        continue
                    with open(entry.path, "rb") as probe:
                        try:
                            fcntl.flock(probe, fcntl.LOCK_EX | fcntl.LOCK_NB)
                        except BlockingIOError:
                            continue  # a write in progress
                        os.unlink(entry.path)
                        removed += 1
        return removed

    def _existing(self, key: str, path: Path) -> ObjectInfo | None:
        try:
            st = os.stat(path)
        except (FileNotFoundError, NotADirectoryError):
            return None
        if not stat_mode.S_ISREG(st.st_mode):
            return None
        return self._info(key, path, st, self._load_meta(key))

    def _refuse_if_sealed(self, key: str, path: Path) -> None:
        existing = self._existing(key, path)
        if existing is not None and existing.sealed:
            raise ObjectSealed(f"{key} is sealed until {existing.sealed_until:%Y-%m-%d %H:%M:%S}Z")

    # --- interface ------------------------------------------------------------

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
        path = self._path(key)
        user_meta = validate_metadata(metadata)
        seal = validate_seal(seal_until)
        algorithms = validate_digests(digests)
        tmp, handle = self._start_put(key, path)
        digester = Digester(algorithms)
        try:
            recorded = self._fill(key, handle, stream, digester, max_bytes, expected_sha256)
            meta = {
                "key": key,
                "size": digester.size,
                "sm3": None,
                **recorded,
                "content_type": content_type or DEFAULT_CONTENT_TYPE,
                "metadata": user_meta,
                "sealed_until": seal.isoformat() if seal else None,
            }
            st = self._publish(key, path, tmp, handle, meta, sealed=seal is not None)
        except BaseException:
            digester.close()
            with contextlib.suppress(OSError):
                handle.close()
            with contextlib.suppress(OSError):
                tmp.unlink()
            raise
        return self._info(key, path, st, meta)

    def _start_put(self, key: str, path: Path) -> tuple[Path, BinaryIO]:
        """Refuses a sealed key before reading a byte; a process that never swept tidies old leftovers first."""
        with _os_errors(key):
            self._refuse_if_sealed(key, path)
            if not self._swept:
                self.sweep_incomplete(_LAZY_SWEEP_AFTER)
            return self._locked_tmp_file()

    def _fill(
        self,
        key: str,
        handle: BinaryIO,
        stream: Source,
        digester: Digester,
        max_bytes: int | None,
        expected_sha256: str | None,
    ) -> dict[str, str]:
        """Streams into the temp file while hashing; the bytes are on disk before anything names them."""
        try:
            flushed = 0
            for chunk in limited(iter_chunks(stream), max_bytes):
                digester.update(chunk)
                with _os_errors(key):
                    handle.write(chunk)
                if digester.size - flushed >= _WRITEBACK_EVERY:
                    flushed = _start_writeback(handle, flushed, digester.size)
            digests = digester.finish()
            check_digest(expected_sha256, digests["sha256"])
            with _os_errors(key):
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            # Closing flushes what is buffered; on a full disk that fails again and would
            # hide the first error (or the caller's own exception) behind a bare OSError.
            with contextlib.suppress(OSError):
                handle.close()
            raise
        return digests

    def _publish(
        self, key: str, path: Path, tmp: Path, handle: BinaryIO, meta: dict, *, sealed: bool
    ) -> os.stat_result:
        """Writes the sidecar and renames both into place under the key's lock.

        The data file stays open (so flock-ed, safe from a sweep) until it is
        renamed; a sidecar left over by a failure is removed here.
        """
        meta_tmp: Path | None = None
        try:
            with _os_errors(key):
                if sealed:
                    os.chmod(tmp, 0o444)
                meta_tmp, meta_handle = self._json_tmp_file(meta)
                try:
                    with self._lock(key):
                        self._refuse_if_sealed(key, path)
                        self._commit(key, path, tmp, meta_tmp)
                finally:
                    meta_handle.close()
                handle.close()
                return os.stat(path)
        except BaseException:
            if meta_tmp is not None:
                with contextlib.suppress(OSError):
                    meta_tmp.unlink()
            raise

    def _commit(self, key: str, path: Path, tmp: Path, meta_tmp: Path) -> None:
        """Rename data then sidecar into place; retried if a concurrent delete pruned a folder."""
        meta_path = self._meta_path(key)
        for attempt in range(3):
            try:
                _makedirs(path.parent)
                _makedirs(meta_path.parent)
                meta_path.unlink(missing_ok=True)
                os.replace(tmp, path)
                break
            except FileNotFoundError:
                if attempt == 2:
                    raise
            except (IsADirectoryError, NotADirectoryError, FileExistsError):
                raise InvalidKey(
                    f"{key}: the key or one of its folders is already used the other way round (object vs folder)"
                ) from None
        _fsync_dir(path.parent)
        os.replace(meta_tmp, meta_path)
        _fsync_dir(meta_path.parent)

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
        """An in-kernel copy into a temp file, fsynced and published exactly as a put (sidecar, rename,
        seal); the digests are the ones recorded for the source file that was copied."""
        path = self._path(dst_key)
        user_meta = None if metadata is None else validate_metadata(metadata)
        seal = validate_seal(seal_until)
        with self._open_source(src_key) as (source, info):
            check_digest(expected_sha256, cast(str, info.sha256))
            tmp, handle = self._start_put(dst_key, path)
            try:
                with _os_errors(dst_key):
                    _copy_bytes(source.fileno(), handle.fileno(), info.size, handle)
                    os.fsync(handle.fileno())
                meta = {
                    "key": dst_key,
                    "size": info.size,
                    "sha256": info.sha256,
                    "sm3": info.sm3,
                    "content_type": content_type or info.content_type,
                    "metadata": dict(info.metadata) if user_meta is None else user_meta,
                    "sealed_until": seal.isoformat() if seal else None,
                }
                st = self._publish(dst_key, path, tmp, handle, meta, sealed=seal is not None)
            except BaseException:
                with contextlib.suppress(OSError):
                    handle.close()
                with contextlib.suppress(OSError):
                    tmp.unlink()
                raise
        return self._info(dst_key, path, st, meta)

    @contextlib.contextmanager
    def _open_source(self, key: str) -> Iterator[tuple[BinaryIO, ObjectInfo]]:
        """The object's open file and the info recorded for that very file (not for one renamed over it)."""
        path = self._path(key)
        for _ in range(3):
            try:
                handle = open(path, "rb", buffering=0)  # noqa: SIM115 - closed in the finally below
            except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
                raise ObjectNotFound(key) from None
            try:
                with _os_errors(key):
                    st = os.fstat(handle.fileno())
                    if not stat_mode.S_ISREG(st.st_mode):
                        raise ObjectNotFound(key)
                    info = self._info(key, path, st, self._load_meta(key))
                    current = os.stat(path).st_ino
                if current == st.st_ino:
                    yield handle, info
                    return
            finally:
                handle.close()
        raise StorageError(f"{key}: replaced again and again while being copied")

    def open(self, key: str, start: int = 0, end: int | None = None) -> BinaryIO:
        validate_range(start, end)
        path = self._path(key)
        try:
            handle = open(path, "rb", buffering=0)  # noqa: SIM115 - returned to the caller, who closes it
        except (FileNotFoundError, NotADirectoryError, IsADirectoryError):
            raise ObjectNotFound(key) from None
        except OSError as exc:
            with _os_errors(key):
                raise exc
        try:
            size = os.fstat(handle.fileno()).st_size
            begin = min(start, size)
            stop = size if end is None else max(begin, min(end, size))
            handle.seek(begin)
        except BaseException:
            handle.close()
            raise

        def translate(exc: BaseException) -> BaseException | None:
            if isinstance(exc, OSError):
                return StorageUnavailable(f"{key}: {exc.strerror or exc}")
            return None

        return range_stream(handle, stop - begin, handle.close, translate)

    def stat(self, key: str) -> ObjectInfo:
        path = self._path(key)
        with _os_errors(key):
            info = self._existing(key, path)
        if info is None:
            raise ObjectNotFound(key)
        return info

    def exists(self, key: str) -> bool:
        with _os_errors(key):
            return self._path(key).is_file()

    def list(self, prefix: str = "") -> Iterator[ObjectInfo]:
        prefix = validate_prefix(prefix)
        head = prefix.rpartition("/")[0]
        start = self.root.joinpath(*head.split("/")) if head else self.root
        yield from self._walk(start, head + "/" if head else "", prefix)

    def _walk(self, folder: Path, rel: str, prefix: str) -> Iterator[ObjectInfo]:
        try:
            with os.scandir(folder) as scan:
                entries = list(scan)
        except (FileNotFoundError, NotADirectoryError):
            return
        except OSError as exc:
            with _os_errors(rel or "store"):
                raise exc
        ordered = []
        for entry in entries:
            if not rel and entry.name == RESERVED_SEGMENT:
                continue
            try:
                entry.name.encode("utf-8")
                is_dir = entry.is_dir(follow_symlinks=False)
            except (UnicodeEncodeError, OSError):
                continue
            # S3 orders keys by bytes; 'a/' must sort after 'a-b' and 'a.txt' as it does there.
            ordered.append((entry.name + "/" if is_dir else entry.name, entry, is_dir))
        ordered.sort(key=lambda item: item[0])
        for name, entry, is_dir in ordered:
            key = rel + name
            if is_dir:
                if key.startswith(prefix) or prefix.startswith(key):
                    yield from self._walk(Path(entry.path), key, prefix)
            elif key.startswith(prefix):
                try:
                    st = entry.stat(follow_symlinks=False)
                except FileNotFoundError:
                    continue
                if stat_mode.S_ISREG(st.st_mode):
                    with _os_errors(key):
                        info = self._info(key, Path(entry.path), st, self._load_meta(key))
                    yield info

    def delete(self, key: str) -> None:
        path = self._path(key)
        with _os_errors(key), self._lock(key):
            info = self._existing(key, path)
            if info is None:
                raise ObjectNotFound(key)
            if info.sealed:
                raise ObjectSealed(f"{key} is sealed until {info.sealed_until:%Y-%m-%d %H:%M:%S}Z")
            os.unlink(path)
            _fsync_dir(path.parent)
            self._meta_path(key).unlink(missing_ok=True)
            self._prune(path.parent, self.root)

    @staticmethod
    def _prune(folder: Path, stop: Path) -> None:
        """Remove folders emptied by a delete, up to (not including) ``stop``."""
        while folder != stop and stop in folder.parents:
            try:
                folder.rmdir()
            except OSError:
                return
            folder = folder.parent

    def check(self) -> dict:
        """Also says how much space is left (``free_bytes``); a disk with almost none cannot take a write."""

        def probe() -> tuple[str, int]:
            target = self.root
            while not target.exists() and target.parent != target:
                target = target.parent
            if not os.access(target, os.W_OK | os.X_OK):
                raise PermissionError(f"{target} is not writable")
            free = shutil.disk_usage(target).free
            where = "" if target == self.root else f" (will be created under {target})"
            if free < _FULL_BELOW:
                raise StorageFull(f"no space left ({free} bytes free)")
            return f"{self.root}{where}: writable, {free / 2**30:.1f} GiB free", free

        try:
            detail, free = call_with_deadline(probe, 3.0)
            return {"ok": True, "backend": self.backend, "detail": detail, "free_bytes": free}
        except Exception as exc:  # noqa: BLE001 - a health check reports, never raises
            return {"ok": False, "backend": self.backend, "detail": f"{self.root}: {exc}"}

    def describe(self) -> str:
        return self.root.as_uri()
