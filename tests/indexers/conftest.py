"""Search-index fixtures: the test archive (``search_corpus``) loaded into each backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from search_corpus import build_corpus

from indexers import DossierDoc, SearchIndex, open_index


@pytest.fixture
def corpus() -> list[DossierDoc]:
    return build_corpus()


@pytest.fixture
def search_index(index_url: str) -> Iterator[SearchIndex]:
    """An empty index on each backend; everything it stored is removed afterwards."""
    index = open_index(index_url)
    try:
        yield index
    finally:
        index.destroy()
        index.close()


@pytest.fixture
def loaded(search_index: SearchIndex, corpus: list[DossierDoc]) -> SearchIndex:
    assert search_index.index_many(corpus) == len(corpus)
    return search_index
