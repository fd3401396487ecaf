"""Local-disk specifics the conformance suite cannot see: the on-disk layout and crash recovery."""

from __future__ import annotations

import hashlib
import io
import os
import stat
from datetime import UTC, datetime, timedelta

import pytest

from storage import ObjectSealed, open_store


@pytest.fixture
def store(tmp_path):
    return open_store(f"file://{tmp_path}/objects")


def test_objects_are_plain_files(store):
    store.put("案卷/2026/a.pdf", io.BytesIO(b"%PDF-1.7"))
    assert (store.root / "案卷" / "2026" / "a.pdf").read_bytes() == b"%PDF-1.7"


def test_lost_sidecar_is_rebuilt_from_the_bytes(store):
    store.put("doc", io.BytesIO(b"content"), content_type="application/pdf")
    store._meta_path("doc").unlink()  # as after a crash between the two renames
    info = store.stat("doc")
    assert info.sha256 == hashlib.sha256(b"content").hexdigest()
    assert info.sm3 == hashlib.new("sm3", b"content").hexdigest()
    assert not info.sealed
    assert store._meta_path("doc").exists()


def test_read_only_file_without_sidecar_counts_as_sealed(store):
    until = datetime.now(UTC) + timedelta(days=1)
    store.put("sealed", io.BytesIO(b"x"), seal_until=until)
    path = store.root / "sealed"
    assert not stat.S_IMODE(os.stat(path).st_mode) & 0o222
    store._meta_path("sealed").unlink()
    with pytest.raises(ObjectSealed):
        store.delete("sealed")
    assert path.exists()


def test_stale_sidecar_is_not_trusted(store):
    store.put("doc", io.BytesIO(b"old"))
    (store.root / "doc").write_bytes(b"changed by hand")
    assert store.stat("doc").sha256 == hashlib.sha256(b"changed by hand").hexdigest()


def test_delete_prunes_empty_folders(store):
    store.put("a/b/c/d", io.BytesIO(b"x"))
    store.put("a/keep", io.BytesIO(b"y"))
    store.delete("a/b/c/d")
    assert not (store.root / "a" / "b").exists()
    assert (store.root / "a" / "keep").exists()
