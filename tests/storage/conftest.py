"""Fixtures for the storage conformance suite: a store per backend, and raw views of it.

The raw views (``leftovers``) look under the interface, at what a crash or a
bug could leave behind: temp files on disk, pending multipart uploads and
hidden objects on S3.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from storage import ObjectStore, open_store
from storage.local import LocalStore
from storage.s3 import S3Store


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "gib: streams a 1 GiB object (slow, but part of the default run)")


def _with_query(url: str, extra: str) -> str:
    return url + ("&" if "?" in url else "?") + extra


def purge_s3(store: S3Store) -> None:
    """Remove every version, pending upload and the bucket itself (GOVERNANCE locks are bypassed)."""
    client = store._client
    bucket = store.bucket
    with contextlib.suppress(Exception):
        for upload in client._list_multipart_uploads(bucket).uploads:
            client._abort_multipart_upload(bucket, upload.object_name, upload.upload_id)
    # minio cannot parse the nanosecond timestamps versitygw gives delete markers: read the XML here.
    with contextlib.suppress(Exception):
        data = client._execute("GET", bucket, query_params={"versions": ""}).data.decode()
        for entry in re.findall(r"<(?:Version|DeleteMarker)>(.*?)</(?:Version|DeleteMarker)>", data, re.S):
            key = re.search(r"<Key>(.*?)</Key>", entry, re.S).group(1)
            version = re.search(r"<VersionId>(.*?)</VersionId>", entry, re.S).group(1)
            key = key.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">")
            with contextlib.suppress(Exception):
                client._execute(
                    "DELETE",
                    bucket,
                    key,
                    query_params={"versionId": version},
                    headers={"x-amz-bypass-governance-retention": "true"},
                )
    with contextlib.suppress(Exception):
        for item in client.list_objects(bucket, recursive=True):
            client.remove_object(bucket, item.object_name)
    with contextlib.suppress(Exception):
        client.remove_bucket(bucket)


@contextlib.contextmanager
def opened(url: str) -> Iterator[ObjectStore]:
    store = open_store(url)
    try:
        yield store
    finally:
        if isinstance(store, S3Store):
            purge_s3(store)
        store.close()


@pytest.fixture
def backend(request: pytest.FixtureRequest, storage_url: str) -> str:
    return "s3" if storage_url.startswith("s3://") else "local"


@pytest.fixture
def store_url(storage_url: str) -> str:
    """The URL of ``store``: on S3 seals use GOVERNANCE mode so the test bucket can be removed."""
    return _with_query(storage_url, "lock_mode=governance") if storage_url.startswith("s3://") else storage_url


@pytest.fixture
def store(store_url: str) -> Iterator[ObjectStore]:
    """An empty store."""
    with opened(store_url) as store:
        yield store


@pytest.fixture
def default_store(storage_url: str) -> Iterator[ObjectStore]:
    """An empty store exactly as configured by the URL (COMPLIANCE seals on S3)."""
    with opened(storage_url) as store:
        yield store


@pytest.fixture
def leftovers() -> Callable[[ObjectStore], list[str]]:
    """Everything physically present besides committed objects and their sidecars."""

    def find(store: ObjectStore) -> list[str]:
        if isinstance(store, LocalStore):
            tmp = Path(store.root) / ".onewindow" / "tmp"
            return sorted(str(p) for p in tmp.rglob("*")) if tmp.exists() else []
        assert isinstance(store, S3Store)
        client = store._client
        found = [f"upload:{u.object_name}" for u in client._list_multipart_uploads(store.bucket).uploads]
        live_nonces = {
            {k.lower(): v for k, v in client.stat_object(store.bucket, o.object_name).metadata.items()}.get(
                "x-amz-meta-ow-digests"
            )
            for o in client.list_objects(store.bucket, recursive=True)
            if not o.object_name.startswith(".onewindow/")
        }
        for item in client.list_objects(store.bucket, prefix=".onewindow/", recursive=True):
            nonce = item.object_name.rsplit("/", 1)[-1].removesuffix(".json")
            if nonce not in live_nonces:
                found.append(item.object_name)
        return found

    return find
