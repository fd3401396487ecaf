"""URL parsing, secrets redaction and behaviour when the S3 server is down (no server needed)."""

from __future__ import annotations

import io
import socket
import time

import pytest

from storage import ObjectStore, StorageUnavailable, open_store
from storage.local import LocalStore
from storage.s3 import S3Store


def _dead_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_file_url(tmp_path):
    store = open_store(f"file://{tmp_path}/objects")
    assert isinstance(store, LocalStore) and isinstance(store, ObjectStore)
    assert store.describe() == (tmp_path / "objects").as_uri()
    assert store.check()["ok"] is True


def test_s3_url():
    store = open_store("s3://AK:se%2Fcret@minio.example:9000/archive/county/a?secure=true&region=cn-east-1")
    assert isinstance(store, S3Store)
    assert (store.endpoint, store.bucket, store.prefix, store.secure, store.region) == (
        "minio.example:9000",
        "archive",
        "county/a/",
        True,
        "cn-east-1",
    )
    assert store.describe() == "s3://AK:***@minio.example:9000/archive/county/a?secure=true"
    assert "se/cret" not in repr(store) and "se%2Fcret" not in repr(store)


@pytest.mark.parametrize("url", ["ftp://x/y", "s3://host/bucket", "s3://a:b@host:9000/", "file://remote/x"])
def test_bad_urls(url):
    with pytest.raises(ValueError):
        open_store(url)


def test_s3_server_down_is_reported_quickly():
    store = open_store(f"s3://a:b@127.0.0.1:{_dead_port()}/bucket")
    began = time.monotonic()
    health = store.check()
    assert health["ok"] is False and health["backend"] == "s3"
    assert time.monotonic() - began < 15  # bounded by the deadline, not a speed test
    for call in (
        lambda: store.put("k", io.BytesIO(b"x")),
        lambda: store.stat("k"),
        lambda: store.exists("k"),
        lambda: list(store.list()),
        lambda: store.open("k"),
    ):
        began = time.monotonic()
        with pytest.raises(StorageUnavailable):
            call()
        assert time.monotonic() - began < 30


def test_s3_check_answers_within_deadline_when_server_hangs():
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)  # accepts connections but never answers
    try:
        store = open_store(f"s3://a:b@127.0.0.1:{listener.getsockname()[1]}/bucket")
        began = time.monotonic()
        assert store.check()["ok"] is False
        assert time.monotonic() - began < 15  # bounded by the deadline, not a speed test
    finally:
        listener.close()
