"""Conformance suite: the same behaviour from every storage backend.

Each test runs on local disk and on a fresh bucket of the real S3 server
(``storage_url`` in tests/conftest.py). Backend-specific assertions are
limited to looking under the interface for leftovers and server-side locks.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from storage import (
    DigestMismatch,
    InvalidKey,
    ObjectNotFound,
    ObjectSealed,
    TooLarge,
)
from storage.s3 import PART_SIZE as S3_PART_SIZE

MIB = 1 << 20
PART = S3_PART_SIZE  # the S3 backend's default part size: larger objects go multipart
pytestmark = pytest.mark.backends


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sm3(data: bytes) -> str:
    return hashlib.new("sm3", data).hexdigest()


def read(store, key: str, start: int = 0, end: int | None = None) -> bytes:
    with store.open(key, start, end) as stream:
        return stream.read()


def chunked(data: bytes, sizes=(1, 7, 4096, 65536, 3 * MIB + 5)):
    """A generator of irregular chunks, as a network upload would deliver them."""
    offset, i = 0, 0
    while offset < len(data):
        size = sizes[i % len(sizes)]
        yield data[offset : offset + size]
        offset += size
        i += 1


def failing(data: bytes, after: int):
    yield data[:after]
    raise ConnectionResetError("client went away")


def future(seconds: float = 3600) -> datetime:
    return (datetime.now(UTC) + timedelta(seconds=seconds)).replace(microsecond=0)


# --- round trips --------------------------------------------------------------


def test_small_object_round_trip(store):
    data = "营业执照 scan\n".encode() * 100
    info = store.put(
        "案卷/a.txt",
        io.BytesIO(data),
        content_type="text/plain",
        metadata={"filename": "营业执照 副本.pdf", "material": "business-licence"},
    )
    assert (info.key, info.size, info.sha256, info.sm3) == ("案卷/a.txt", len(data), sha256(data), sm3(data))
    stat = store.stat("案卷/a.txt")
    assert (stat.size, stat.sha256, stat.sm3, stat.content_type) == (len(data), sha256(data), sm3(data), "text/plain")
    assert dict(stat.metadata) == {"filename": "营业执照 副本.pdf", "material": "business-licence"}
    assert stat.sealed_until is None and not stat.sealed
    assert read(store, "案卷/a.txt") == data
    assert store.exists("案卷/a.txt")


def test_empty_object(store):
    info = store.put("empty", io.BytesIO(b""))
    assert (info.size, info.sha256, info.sm3) == (0, sha256(b""), sm3(b""))
    assert store.stat("empty").size == 0
    assert read(store, "empty") == b""
    assert [i.key for i in store.list()] == ["empty"]


def test_stream_of_unknown_length(store):
    data = os.urandom(2 * PART + 12345)  # three parts on S3, in chunks that straddle part boundaries
    info = store.put("stream/unknown", chunked(data))
    assert (info.size, info.sha256, info.sm3) == (len(data), sha256(data), sm3(data))
    stat = store.stat("stream/unknown")
    assert (stat.size, stat.sha256, stat.sm3) == (len(data), sha256(data), sm3(data))
    assert sha256(read(store, "stream/unknown")) == sha256(data)


def test_file_like_source_with_short_reads(store):
    class Trickle(io.RawIOBase):
        def __init__(self, data: bytes) -> None:
            self._data = io.BytesIO(data)

        def readable(self) -> bool:
            return True

        def readinto(self, buffer) -> int:
            chunk = self._data.read(min(len(buffer), 1000))
            buffer[: len(chunk)] = chunk
            return len(chunk)

    data = os.urandom(300_000)
    assert store.put("trickle", Trickle(data)).sha256 == sha256(data)
    assert read(store, "trickle") == data


def test_overwrite_replaces_unsealed_object(store, backend):
    store.put("doc", io.BytesIO(b"first version"))
    store.put("doc", chunked(os.urandom(PART + 1)))
    data = b"third version"
    store.put("doc", io.BytesIO(data))
    assert read(store, "doc") == data
    assert store.stat("doc").sha256 == sha256(data)
    if backend == "s3" and store.versioned:
        versions = store._client._execute("GET", store.bucket, query_params={"versions": "", "prefix": "doc"})
        assert versions.data.count(b"<Version>") == 1, "replaced versions must not linger"


@pytest.mark.gib
def test_gib_round_trip_with_bounded_memory(store):
    """1 GiB from a generator, in a child process whose peak RSS must grow < 100 MB."""
    child = Path(__file__).with_name("gib_child.py")
    url = store.describe()
    if store.backend == "s3":
        url = _full_url(store)
    run = subprocess.run(
        [sys.executable, str(child), url, "big/1gib.bin", "1024"], capture_output=True, text=True, timeout=900
    )
    assert run.returncode == 0, run.stderr[-3000:]
    report = json.loads(run.stdout.strip().splitlines()[-1])
    assert report["size"] == 1 << 30
    assert report["sha256_put"] == report["sha256_generated"] == report["sha256_reread"] == report["stat_sha256"]
    assert report["rss_start_kib"] < 100 * 1024, "the child's peak RSS must not include the parent's"
    grown_mb = (max(report["rss_after_put_kib"], report["rss_after_read_kib"]) - report["rss_start_kib"]) / 1024
    print(
        f"\n{store.backend}: put {report['put_seconds']:.1f}s read {report['read_seconds']:.1f}s "
        f"peak RSS +{grown_mb:.0f} MB"
    )
    assert grown_mb < 100, report


def _full_url(store) -> str:
    secret = store._client._provider.retrieve().secret_key
    return f"s3://{store._access_key}:{secret}@{store.endpoint}/{store.bucket}?lock_mode={store.lock_mode.lower()}"


# --- concurrency and failures ---------------------------------------------------


def test_concurrent_writers_to_different_keys(store):
    payloads = {f"concurrent/{i:02d}": os.urandom(MIB * (i % 3) + 1000 * i) for i in range(8)}
    payloads["concurrent/large"] = os.urandom(PART + 3 * MIB)
    errors: list[BaseException] = []

    def write(key: str, data: bytes) -> None:
        try:
            store.put(key, chunked(data))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=write, args=item) for item in payloads.items()]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert [i.key for i in store.list("concurrent/")] == sorted(payloads)
    for key, data in payloads.items():
        assert store.stat(key).sha256 == sha256(data)
        assert read(store, key) == data


@pytest.mark.parametrize("size, after", [(1000, 500), (3 * PART, 2 * PART + 100)], ids=["single", "multipart"])
def test_interrupted_upload_leaves_nothing(store, leftovers, size, after):
    data = os.urandom(size)
    with pytest.raises(ConnectionResetError):
        store.put("upload/broken", failing(data, after))
    assert not store.exists("upload/broken")
    with pytest.raises(ObjectNotFound):
        store.stat("upload/broken")
    assert list(store.list()) == []
    assert leftovers(store) == []


def test_interrupted_overwrite_keeps_the_old_object(store, leftovers):
    store.put("keep", io.BytesIO(b"original"))
    with pytest.raises(ConnectionResetError):
        store.put("keep", failing(os.urandom(PART + MIB), PART + 10))
    assert read(store, "keep") == b"original"
    assert store.stat("keep").sha256 == sha256(b"original")
    assert leftovers(store) == []


def test_a_killed_writer_leaves_nothing_after_a_sweep(store, store_url, leftovers):
    """SIGKILL mid-write (no cleanup runs): the leftovers are invisible, and the next start-up sweep removes them."""
    child = subprocess.Popen(
        [sys.executable, str(Path(__file__).with_name("put_child.py")), store_url, "killed/upload"],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert child.stdout.readline().strip() == "writing"
        assert leftovers(store), "a write in progress has something on the store"
        assert store.sweep_incomplete() == 0, "a live write is never swept"
    finally:
        child.kill()
        child.wait()
    assert not store.exists("killed/upload") and list(store.list()) == []
    assert leftovers(store)
    assert store.sweep_incomplete(timedelta(0)) >= 1
    assert leftovers(store) == []
    store.put("killed/upload", io.BytesIO(b"the retry"))
    assert read(store, "killed/upload") == b"the retry"


def test_a_live_local_write_is_never_swept(tmp_path):
    from storage.local import LocalStore

    store = LocalStore(tmp_path / "objects")
    started, release = threading.Event(), threading.Event()

    def slow():
        yield b"first part"
        started.set()
        release.wait(30)
        yield b" and the rest"

    writer = threading.Thread(target=store.put, args=("slow/upload", slow()))
    writer.start()
    started.wait(30)
    assert store.sweep_incomplete(timedelta(0)) == 0
    release.set()
    writer.join()
    assert read(store, "slow/upload") == b"first part and the rest"


# --- ranges -----------------------------------------------------------------------


def test_range_reads(store):
    data = bytes(range(256)) * 4
    store.put("range", io.BytesIO(data))
    cases = [
        (0, 10),
        (0, None),
        (100, 200),
        (1000, None),
        (1000, 5000),
        (1024, None),
        (2000, None),
        (5000, 6000),
        (20, 10),
        (0, 0),
        (1023, 1024),
    ]
    for start, end in cases:
        assert read(store, "range", start, end) == data[start:end], (start, end)
    with store.open("range", 10, 20) as stream:
        assert stream.read(3) == data[10:13]
        assert stream.read() == data[13:20]
    with pytest.raises(ValueError):
        store.open("range", -1)


def test_range_across_parts(store):
    data = os.urandom(PART + MIB)
    store.put("parts", io.BytesIO(data))
    for start, end in [(PART - 5, PART + 5), (PART, None), (PART + MIB - 1, None)]:
        assert read(store, "parts", start, end) == data[start:end]


def test_missing_objects(store):
    with pytest.raises(ObjectNotFound):
        store.open("nope")
    with pytest.raises(ObjectNotFound):
        store.open("nope", 5, 5)
    with pytest.raises(ObjectNotFound):
        store.stat("nope")
    with pytest.raises(ObjectNotFound):
        store.delete("nope")
    assert not store.exists("nope")
    assert list(store.list("nope")) == []


# --- keys -----------------------------------------------------------------------------

UNICODE_KEYS = [
    "案卷/2026/身份证 正面.pdf",
    "案卷/2026/营业执照（副本）#1?.jpg",
    "案卷/2026/100% sure+plus&amp.txt",
    "申请人/张三/😀 照片.png",
    "ünïcödé/ğ/ß",
]


def test_unicode_keys_and_names(store):
    for i, key in enumerate(UNICODE_KEYS):
        store.put(key, io.BytesIO(key.encode()), metadata={"name": f"原件 {i} % 100"})
    for i, key in enumerate(UNICODE_KEYS):
        assert read(store, key) == key.encode()
        assert store.stat(key).metadata["name"] == f"原件 {i} % 100"
    assert [i.key for i in store.list()] == sorted(UNICODE_KEYS, key=lambda k: k.encode())
    assert [i.key for i in store.list("案卷/2026/")] == sorted(k for k in UNICODE_KEYS if k.startswith("案卷/"))
    store.delete(UNICODE_KEYS[0])
    assert not store.exists(UNICODE_KEYS[0])


BAD_KEYS = [
    "",
    "/abs/path",
    "../escape",
    "a/../../escape",
    "a/./b",
    "a//b",
    "trailing/",
    "a\\b",
    "nul\x00byte",
    "tab\tkey",
    ".onewindow/tmp/x",
    "x" * 1000,
    "a/" + "y" * 300,
    "..",
    ".",
]


@pytest.mark.parametrize("key", BAD_KEYS, ids=range(len(BAD_KEYS)))
def test_invalid_keys_rejected(store, key):
    with pytest.raises(InvalidKey):
        store.put(key, io.BytesIO(b"x"))
    for call in (store.stat, store.open, store.delete, store.exists):
        with pytest.raises(InvalidKey):
            call(key)
    assert list(store.list()) == []


def test_path_escape_impossible(store, backend, tmp_path):
    sentinel = tmp_path / "escape"
    sentinel.write_bytes(b"untouched")
    for key in ("../escape", "../../escape", str(sentinel), "a/../../escape"):
        with pytest.raises(InvalidKey):
            store.put(key, io.BytesIO(b"overwritten"))
    assert sentinel.read_bytes() == b"untouched"
    for prefix in ("../", "/", "a/../"):
        with pytest.raises(InvalidKey):
            list(store.list(prefix))
    if backend == "local":
        assert sorted(p.name for p in tmp_path.iterdir()) == ["escape"]


def test_key_order_is_byte_order(store):
    keys = ["a", "a-b", "a.txt", "a/1", "a/2", "ab/c", "b", "中/x"]
    for key in reversed(keys):
        if key == "a":
            continue  # 'a' cannot be both an object and a folder on disk
        store.put(key, io.BytesIO(key.encode()))
    keys.remove("a")
    assert [i.key for i in store.list()] == keys
    assert [i.key for i in store.list("a")] == ["a-b", "a.txt", "a/1", "a/2", "ab/c"]
    assert [i.key for i in store.list("a/")] == ["a/1", "a/2"]
    assert [i.key for i in store.list("a/1")] == ["a/1"]
    assert [i.key for i in store.list("zzz")] == []
    info = next(iter(store.list("b")))
    assert (info.size, info.sha256, info.sm3) == (1, sha256(b"b"), sm3(b"b"))


def test_object_and_folder_with_the_same_name(store):
    """Plain S3 allows 'a' and 'a/b' together; file-backed stores cannot, and must say so clearly."""
    store.put("same/a", io.BytesIO(b"object"))
    try:
        store.put("same/a/b", io.BytesIO(b"nested"))
    except InvalidKey:
        assert not store.exists("same/a/b")
    store.put("other/a/b", io.BytesIO(b"nested"))
    try:
        store.put("other/a", io.BytesIO(b"object"))
    except InvalidKey:
        assert not store.exists("other/a")
    assert read(store, "same/a") == b"object" and read(store, "other/a/b") == b"nested"


def test_names_that_look_like_internal_ones(store):
    keys = ["x", "x.json/y", "meta/x.json", "tmp/put-1", "locks/00"]
    for key in keys:
        store.put(key, io.BytesIO(key.encode()))
    assert [i.key for i in store.list()] == sorted(keys)
    assert all(read(store, key) == key.encode() for key in keys)


# --- integrity and limits -------------------------------------------------------------


@pytest.mark.parametrize("size", [1000, PART + MIB], ids=["single", "multipart"])
def test_digest_mismatch_stores_nothing(store, leftovers, size):
    data = os.urandom(size)
    with pytest.raises(DigestMismatch):
        store.put("digest/bad", chunked(data), expected_sha256=sha256(data + b"!"))
    assert not store.exists("digest/bad")
    assert list(store.list()) == []
    assert leftovers(store) == []
    info = store.put("digest/good", chunked(data), expected_sha256=sha256(data).upper())
    assert info.sha256 == sha256(data)


@pytest.mark.parametrize("size", [1000, PART + MIB], ids=["single", "multipart"])
def test_max_bytes(store, leftovers, size):
    data = os.urandom(size)
    assert store.put("limit/exact", io.BytesIO(data), max_bytes=size).size == size
    with pytest.raises(TooLarge):
        store.put("limit/over", io.BytesIO(data), max_bytes=size - 1)
    assert not store.exists("limit/over")
    assert leftovers(store) == []


def test_max_bytes_stops_reading_an_endless_stream(store, leftovers):
    def endless():
        while True:
            yield b"\0" * MIB

    with pytest.raises(TooLarge):
        store.put("limit/endless", endless(), max_bytes=2 * PART)
    assert list(store.list()) == []
    assert leftovers(store) == []


# --- sealing ----------------------------------------------------------------------------


def test_sealed_object_cannot_be_deleted(store):
    until = future()
    info = store.put("sealed/dossier.zip", io.BytesIO(b"dossier"), seal_until=until)
    assert info.sealed and info.sealed_until == until
    with pytest.raises(ObjectSealed):
        store.delete("sealed/dossier.zip")
    stat = store.stat("sealed/dossier.zip")
    assert stat.sealed and stat.sealed_until == until
    assert read(store, "sealed/dossier.zip") == b"dossier"


def test_sealed_large_object_cannot_be_deleted(store):
    data = os.urandom(PART + MIB)
    store.put("sealed/large", chunked(data), seal_until=future())
    with pytest.raises(ObjectSealed):
        store.delete("sealed/large")
    assert store.stat("sealed/large").sha256 == sha256(data)


def test_sealed_object_cannot_be_overwritten(store):
    store.put("sealed/x", io.BytesIO(b"original"), seal_until=future())
    consumed = []

    def replacement():
        consumed.append(True)
        yield b"replacement"

    with pytest.raises(ObjectSealed):
        store.put("sealed/x", replacement())
    with pytest.raises(ObjectSealed):
        store.put("sealed/x", io.BytesIO(b"again"), seal_until=future(7200))
    assert not consumed, "a refused overwrite must not read the upload"
    assert read(store, "sealed/x") == b"original"


def test_seal_expires(default_store):
    store = default_store
    store.put("sealed/short", io.BytesIO(b"x"), seal_until=future(2))
    with pytest.raises(ObjectSealed):
        store.delete("sealed/short")
    time.sleep(max(0.0, (store.stat("sealed/short").sealed_until - datetime.now(UTC)).total_seconds()) + 1.1)
    assert not store.stat("sealed/short").sealed
    store.delete("sealed/short")
    assert not store.exists("sealed/short")


def test_seal_dates(store):
    with pytest.raises(ValueError):
        store.put("sealed/naive", io.BytesIO(b"x"), seal_until=datetime.now() + timedelta(days=1))
    assert not store.exists("sealed/naive")
    info = store.put("sealed/expired", io.BytesIO(b"x"), seal_until=datetime(2020, 1, 1, tzinfo=UTC))
    assert info.sealed_until is None and store.stat("sealed/expired").sealed_until is None
    store.delete("sealed/expired")
    until = future(60)
    info = store.put("sealed/rounded", io.BytesIO(b"x"), seal_until=until + timedelta(microseconds=1))
    assert info.sealed_until == until + timedelta(seconds=1), "retention is rounded up, never shortened"


def test_s3_seal_uses_object_lock(store, backend):
    """On a server with object lock the server itself, not only our code, protects the version."""
    if backend != "s3":
        pytest.skip("object lock is an S3 feature")
    from minio.error import S3Error

    store.put("sealed/locked", io.BytesIO(b"x"), seal_until=future())
    assert store.object_lock, "versitygw supports object lock: the test bucket must have it"
    head = store._client.stat_object(store.bucket, "sealed/locked")
    retention = store._client.get_object_retention(store.bucket, "sealed/locked")
    assert retention.mode == "GOVERNANCE"
    with pytest.raises(S3Error) as refused:
        store._client.remove_object(store.bucket, "sealed/locked", version_id=head.version_id)
    assert refused.value.code == "AccessDenied"


# --- copy -------------------------------------------------------------------------------


@pytest.mark.parametrize("size", [1000, PART + MIB], ids=["single", "multipart"])
def test_copy_carries_bytes_digests_and_metadata(store, leftovers, size):
    data = os.urandom(size)
    store.put("copy/src", chunked(data), content_type="application/pdf", metadata={"slot": "身份证"})
    info = store.copy("copy/src", "copy/dst", expected_sha256=sha256(data))
    assert (info.key, info.size, info.sha256, info.sm3) == ("copy/dst", size, sha256(data), sm3(data))
    stat = store.stat("copy/dst")
    assert (stat.size, stat.sha256, stat.sm3) == (size, sha256(data), sm3(data))
    assert stat.content_type == "application/pdf" and dict(stat.metadata) == {"slot": "身份证"}
    assert read(store, "copy/dst") == data and read(store, "copy/src") == data
    assert leftovers(store) == []


def test_copy_never_reads_through_the_application(store, monkeypatch):
    """Within the backend: neither the interface's reads nor a re-hash of the bytes."""
    data = os.urandom(PART + MIB)
    store.put("copy/big", io.BytesIO(data))

    def refused(*args, **kwargs):
        raise AssertionError("copy read the object back through the application")

    monkeypatch.setattr(store, "open", refused)
    monkeypatch.setattr(store, "put", refused)
    monkeypatch.setattr("storage.hashing.Digester.update", refused)
    info = store.copy("copy/big", "copy/big-copy", content_type="image/tiff", metadata={})
    monkeypatch.undo()
    assert info.sm3 == sm3(data) and read(store, "copy/big-copy") == data
    assert store.stat("copy/big-copy").content_type == "image/tiff" and not store.stat("copy/big-copy").metadata


@pytest.mark.parametrize("size", [1000, PART + MIB], ids=["single", "multipart"])
def test_a_put_with_sha256_only_records_no_sm3_and_copies_within_the_store(store, monkeypatch, size):
    """What an upload asks for: SM3 is left to a job, and sealing still copies without a read-back."""
    data = os.urandom(size)
    info = store.put("copy/upload", chunked(data), digests=("sha256",), expected_sha256=sha256(data))
    assert (info.size, info.sha256, info.sm3) == (size, sha256(data), None)
    assert (store.stat("copy/upload").sha256, store.stat("copy/upload").sm3) == (sha256(data), None)

    def refused(*args, **kwargs):
        raise AssertionError("copy read the object back through the application")

    monkeypatch.setattr(store, "open", refused)
    monkeypatch.setattr("storage.hashing.Digester.update", refused)
    copied = store.copy("copy/upload", "copy/upload-copy", expected_sha256=sha256(data))
    monkeypatch.undo()
    assert (copied.sha256, copied.sm3, store.stat("copy/upload-copy").sha256) == (sha256(data), None, sha256(data))
    assert read(store, "copy/upload-copy") == data


@pytest.mark.parametrize("digests", [("sm3",), ("sha256", "md5"), ()])
def test_a_put_must_compute_sha256_and_only_known_digests(store, digests):
    with pytest.raises(ValueError):
        store.put("copy/odd", io.BytesIO(b"x"), digests=digests)
    assert not store.exists("copy/odd")


def test_copy_refuses_a_wrong_digest_and_stores_nothing(store, leftovers):
    store.put("copy/src", io.BytesIO(b"original"))
    with pytest.raises(DigestMismatch):
        store.copy("copy/src", "copy/dst", expected_sha256=sha256(b"something else"))
    assert not store.exists("copy/dst") and leftovers(store) == []


def test_copy_of_a_missing_object(store):
    with pytest.raises(ObjectNotFound):
        store.copy("copy/none", "copy/dst")
    assert not store.exists("copy/dst")


def test_copy_seals_and_respects_seals(store):
    store.put("copy/src", io.BytesIO(b"dossier file"))
    until = future()
    info = store.copy("copy/src", "copy/sealed", seal_until=until)
    assert info.sealed_until == until and store.stat("copy/sealed").sealed_until == until
    with pytest.raises(ObjectSealed):
        store.delete("copy/sealed")
    store.put("copy/other", io.BytesIO(b"other"))
    with pytest.raises(ObjectSealed):
        store.copy("copy/other", "copy/sealed")
    assert read(store, "copy/sealed") == b"dossier file"
    store.delete("copy/src")  # the source stays an ordinary object
    assert read(store, "copy/sealed") == b"dossier file"


def test_copy_replaces_an_unsealed_object(store):
    store.put("copy/src", io.BytesIO(b"new"))
    store.put("copy/dst", io.BytesIO(b"old"))
    store.copy("copy/src", "copy/dst")
    assert read(store, "copy/dst") == b"new" and store.stat("copy/dst").sha256 == sha256(b"new")


# --- health -----------------------------------------------------------------------------


def test_check_and_describe(store, backend):
    health = store.check()
    assert health["ok"] is True, health
    assert health["backend"] == backend
    assert "onewindow-secret" not in store.describe()
    store.put("x", io.BytesIO(b"x"))
    assert store.check()["ok"] is True
