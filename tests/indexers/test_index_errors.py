"""How each backend's library failures become our errors (the unreachable cases are in the conformance suite)."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest
from elastic_transport import (
    ApiResponseMeta,
    ConnectionTimeout,
    HttpHeaders,
    NodeConfig,
    SerializationError,
)
from elasticsearch import ApiError, BadRequestError, NotFoundError
from elasticsearch.helpers import BulkIndexError
from search_corpus import build_corpus

from indexers import (
    IndexCorrupt,
    IndexUnavailable,
    QueryRejected,
    Scope,
    SearchIndexError,
    SearchQuery,
    elastic_errors,
    embedded,
    embedded_errors,
    open_index,
)


@pytest.fixture
def embedded_index(tmp_path: Path):
    index = open_index(f"sqlite:///{tmp_path / 'index.db'}")
    yield index
    index.close()


def test_a_write_lock_held_past_the_wait_is_unavailable(embedded_index, monkeypatch):
    embedded_index.index_many(build_corpus())
    monkeypatch.setattr(embedded, "LOCK_WAIT_SECONDS", 0.3)
    holder = embedded_index._open().writer(15_000_000, 1)  # another process's writer, as tantivy sees it
    try:
        with pytest.raises(IndexUnavailable, match="busy"):
            embedded_index.delete_dossier("d-ms-001")
    finally:
        holder.wait_merging_threads()  # consumes the writer: the lock is free again
    embedded_index.delete_dossier("d-ms-001")


def test_a_writer_waits_for_the_lock_rather_than_fail(embedded_index):
    embedded_index.index_many(build_corpus())
    holder = embedded_index._open().writer(15_000_000, 1)
    releaser = threading.Timer(0.3, holder.wait_merging_threads)
    releaser.start()
    try:
        embedded_index.delete_dossier("d-ms-001")
    finally:
        releaser.join()


def test_damaged_index_files_are_corrupt(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'index.db'}"
    index = open_index(url)
    index.index_many(build_corpus())
    index.close()
    root = tmp_path / "index.tantivy"
    generation = json.loads((root / "CURRENT").read_text())["generation"]
    (root / generation / "meta.json").write_text("not json")
    damaged = open_index(url)
    with pytest.raises(IndexCorrupt):
        damaged.search(SearchQuery(q="民宿", scope=Scope.everything()))
    assert damaged.check()["ok"] is False
    assert damaged.rebuild(build_corpus()) == 6, "a rebuild replaces a corrupt index"
    assert damaged.search(SearchQuery(q="民宿", scope=Scope.everything())).total == 3


@pytest.mark.parametrize(
    "error, expected",
    [
        (ValueError("Failed to acquire Lockfile: LockBusy. Some(...)"), IndexUnavailable),
        (ValueError("Failed to open the directory: 'DoesNotExist(\"/x\")'"), IndexUnavailable),
        (ValueError("An IO error occurred: 'No space left on device'"), IndexUnavailable),
        (ValueError("Data corrupted: 'Data corruption (in file `\"meta.json\"`)'"), IndexCorrupt),
        (ValueError("Syntax Error: a:("), QueryRejected),
        (ValueError("Field `nope` is not defined in the schema."), QueryRejected),
        (OSError(28, "No space left on device"), IndexUnavailable),
        (PermissionError(13, "Permission denied"), IndexUnavailable),
    ],
)
def test_tantivy_and_filesystem_errors(error, expected):
    assert type(embedded_errors.translate(error)) is expected


@pytest.mark.parametrize("error", [ValueError("a bug of ours"), KeyError("payload"), TypeError("bad call")])
def test_errors_that_are_not_the_backends_propagate_unchanged(error):
    assert embedded_errors.translate(error) is None
    assert elastic_errors.translate(error) is None


def _api(cls: type[ApiError], status: int) -> ApiError:
    meta = ApiResponseMeta(
        status=status,
        http_version="1.1",
        headers=HttpHeaders(),
        duration=0.0,
        node=NodeConfig("http", "127.0.0.1", 9200),
    )
    return cls(message="some_exception", meta=meta, body={})


@pytest.mark.parametrize(
    "error, expected",
    [
        (ConnectionTimeout("timed out"), IndexUnavailable),
        (_api(ApiError, 503), IndexUnavailable),
        (_api(ApiError, 429), IndexUnavailable),
        (_api(ApiError, 401), IndexUnavailable),
        (_api(NotFoundError, 404), IndexUnavailable),
        (_api(BadRequestError, 400), QueryRejected),
        (_api(ApiError, 418), SearchIndexError),
        (SerializationError("bad json"), SearchIndexError),
        (BulkIndexError("2 failed", [{"index": {"status": 400}}, {"index": {"status": 429}}]), IndexUnavailable),
        (
            BulkIndexError("1 failed", [{"index": {"status": 400, "error": {"type": "mapper_parsing_exception"}}}]),
            QueryRejected,
        ),
    ],
)
def test_elasticsearch_errors(error, expected):
    assert type(elastic_errors.translate(error)) is expected
