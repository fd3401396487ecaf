"""open_index picks the backend from the URL alone, and health checks never hang."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from indexers import Scope, SearchQuery, open_index


def test_sqlite_url_keeps_the_tantivy_index_beside_the_named_file(tmp_path: Path):
    index = open_index(f"sqlite:///{tmp_path / 'var' / 'index.db'}")
    assert index.backend == "embedded"
    assert index.check()["ok"] is True
    assert (tmp_path / "var" / "index.tantivy").is_dir()
    assert not (tmp_path / "var" / "index.db").exists()
    index.destroy()


def test_elasticsearch_url_takes_the_alias_from_the_prefix():
    index = open_index("http://127.0.0.1:1?prefix=owtest-x")
    assert index.backend == "elasticsearch"
    assert index.alias == "owtest-x"  # type: ignore[attr-defined]
    assert open_index("https://127.0.0.1:1").alias == "onewindow"  # type: ignore[attr-defined]


@pytest.mark.parametrize("url", ["ftp://x/y", "sqlite://", "http://127.0.0.1:1?prefix=Bad*Name"])
def test_bad_urls_are_refused(url: str):
    with pytest.raises(ValueError):
        open_index(url)


def test_elasticsearch_check_answers_fast_when_the_server_is_down():
    index = open_index("http://127.0.0.1:1?prefix=owtest-down")
    started = time.monotonic()
    health = index.check()
    assert health["ok"] is False and health["backend"] == "elasticsearch"
    # bounded, not fast: without a deadline the client would retry for minutes
    assert time.monotonic() - started < 15


def test_search_arguments_are_validated():
    with pytest.raises(ValueError):
        SearchQuery(per_page=0)
    with pytest.raises(ValueError):
        SearchQuery(page=0)
    with pytest.raises(ValueError):
        SearchQuery(page=1000, per_page=100)
    assert Scope().sees_nothing and not Scope.everything().sees_nothing
