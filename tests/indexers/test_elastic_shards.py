"""An Elasticsearch index split into shards ranks as one shard does (``?shards=`` of the index URL).

Each shard knows only its own term statistics; a large archive is split so
that one query runs on several cores (bench/suite/index_growth.py), and its
ranking must not depend on that choice.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from search_corpus import LY, SHARED_TYPES

from indexers import DossierDoc, Scope, SearchIndex, SearchQuery, SearchResult, open_index

pytestmark = pytest.mark.backends

QUERIES = ["民宿", "营业执照", "食品 经营", "杭州", "消防", "许可证", "王", "申请书"]


def _ranking(result: SearchResult) -> list[tuple[str, float]]:
    return [(hit.dossier_id, round(hit.score, 4)) for hit in result.hits]


@pytest.fixture
def one_and_three(index_url: str, corpus: list[DossierDoc]) -> Iterator[tuple[SearchIndex, SearchIndex]]:
    indexes = [open_index(index_url), open_index(index_url.replace("prefix=", "prefix=s3-") + "&shards=3")]
    try:
        for index in indexes:
            index.index_many(corpus)
        yield indexes[0], indexes[1]
    finally:
        for index in indexes:
            index.destroy()
            index.close()


@pytest.mark.parametrize("index_url", ["elasticsearch"], indirect=True)
@pytest.mark.parametrize(
    "scope", [Scope.everything(), Scope(departments=[LY], shared_material_types=list(SHARED_TYPES))]
)
def test_three_shards_rank_and_count_as_one(one_and_three, scope):
    one, three = one_and_three
    ranked = 0
    for q in QUERIES:
        a, b = (index.search(SearchQuery(q=q, scope=scope)) for index in (one, three))
        assert _ranking(a) == _ranking(b)
        assert (a.total, a.facets) == (b.total, b.facets)
        ranked += len(a.hits) > 1
    assert ranked >= 3, "the queries must rank several dossiers for the comparison to mean anything"
