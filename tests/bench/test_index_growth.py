"""The bench's 'exact count alone' counts what the search answers as its total, and times it with ours."""

from __future__ import annotations

import random
from pathlib import Path

from bench import search_latency as sl
from bench.suite import index_growth
from indexers import open_index


def test_the_count_alone_is_the_total_the_search_answers(tmp_path: Path) -> None:
    index = open_index(f"sqlite:///{tmp_path / 'index.db'}")
    generator = sl.CorpusGenerator()
    docs = list(generator.dossiers(3_000))
    index.index_many(docs)
    count = index_growth._count_embedded(index)
    queries = sl.queries(generator.facts, random.Random(3), 64)
    totals = [index.search(q).total for q in queries]
    assert [count(q) for q in queries] == totals
    assert sum(t > 0 for t in totals) > 32 and len(set(totals)) > 8, "the mix finds something, in many sizes"

    timed = index_growth._latency(index, index_growth._bare_embedded(index), queries, count)
    assert timed["queries"] == 64 and timed["count_p50_ms"] > 0
    assert timed["count_p95_ms"] >= timed["count_p50_ms"]
    assert "count_p95_ms" not in index_growth._latency(index, index_growth._bare_embedded(index), queries[:4])
    index.destroy()
