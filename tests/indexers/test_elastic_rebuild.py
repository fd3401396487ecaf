"""A rebuilt Elasticsearch index is served merged: one segment per shard.

A bulk load leaves many segments (merges are throttled while it writes), and
each one costs every query; the rebuild merges them before the alias points at
the new index (issue #16: 50 -> 40 ms p95 at 1M pages).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator

import pytest

from indexers import DossierDoc, Scope, SearchQuery, open_index
from indexers.elastic import BULK_DOSSIERS

pytestmark = pytest.mark.backends


def _segments(index) -> dict[str, int]:
    body = index._client.indices.segments(index=index.alias).body
    [shards] = [info["shards"] for info in body["indices"].values()]
    return {shard: len(copies[0]["segments"]) for shard, copies in shards.items()}


def _flushed_in_parts(index, corpus: list[DossierDoc], copies: int) -> Iterator[DossierDoc]:
    """``copies`` renamed copies of the corpus, refreshing the index being built after each bulk request,
    so that the load leaves one segment per request as a large load does."""
    n = 0
    for copy in range(copies):
        for doc in corpus:
            if n and n % BULK_DOSSIERS == 0:
                index._client.indices.refresh(index=f"{index.alias}-v*")
            n += 1
            yield dataclasses.replace(doc, dossier_id=f"{doc.dossier_id}-{copy}")


@pytest.mark.parametrize("index_url", ["elasticsearch"], indirect=True)
def test_a_rebuilt_index_has_one_segment_per_shard(index_url, corpus):
    index = open_index(index_url + "&shards=2")
    try:
        copies = -(-3 * BULK_DOSSIERS // len(corpus))
        loaded = index.rebuild(_flushed_in_parts(index, corpus, copies))
        assert loaded == copies * len(corpus)
        assert _segments(index) == {"0": 1, "1": 1}
        found = index.search(SearchQuery(q="民宿", scope=Scope.everything()))
        assert found.total >= copies, "every copy of a matching dossier is searchable after the merge"
    finally:
        index.destroy()
        index.close()
