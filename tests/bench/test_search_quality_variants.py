"""The exact-vs-folded part of the search quality benchmark (bench/search_quality/variants.py).

Its queries are made, not stored: these checks keep them meaningful, each typed
form occurring as typed only in the copies written that way, and labelled by the
benchmark's own rule. Nothing is indexed here.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "search_quality"


@pytest.fixture(scope="module")
def variants():
    spec = importlib.util.spec_from_file_location("bench_search_quality_variants", BENCH / "variants.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def built(variants):
    docs = variants.load_jsonl(variants.CORPUS)
    return docs, *variants.build(docs)


def test_copies_and_queries_of_every_kind(variants, built):
    docs, extra, queries = built
    assert len(extra) == variants.TRADITIONAL_DOCS + variants.FULLWIDTH_DOCS
    assert {q["kind"] for q in queries} == set(variants.KINDS)
    assert len(queries) == 2 * len(extra)
    assert variants.build(docs) == (extra, queries), "deterministic"


def test_each_pair_folds_alike_and_is_typed_only_in_its_own_form(variants, built):
    docs, extra, queries = built
    texts = {d["id"]: d["text"] for d in docs + extra}
    for a, b in zip(queries[::2], queries[1::2], strict=True):
        assert a["query"] != b["query"] and variants.normalise(a["query"]) == variants.normalise(b["query"])
        assert a["relevant"] == b["relevant"] and len(a["relevant"]) >= 2
        for q in (a, b):
            typed = {d for d in q["relevant"] if variants.typed_in(texts[d], q["query"])}
            assert typed and typed != set(q["relevant"]), q  # some relevant copies hold it only folded
            assert not any(variants.typed_in(texts[d], q["query"]) for d in set(texts) - set(q["relevant"]))


def test_labels_follow_the_rule_over_the_extended_corpus(variants, built):
    docs, extra, queries = built
    norm = variants.normalised_corpus(docs + extra)
    for q in queries:
        assert q["relevant"] == variants.label(q["query"], norm)


def test_exact_first_rate_reads_the_first_hit(variants, built):
    docs, extra, queries = built
    texts = {d["id"]: d["text"] for d in docs + extra}
    q = queries[1]  # typed in traditional: its ~t copy holds it as typed
    typed = next(d for d in q["relevant"] if variants.typed_in(texts[d], q["query"]))
    folded = next(d for d in q["relevant"] if d != typed)
    first = {"results": [{"id": q["id"], "ids": [typed, folded]}]}
    second = {"results": [{"id": q["id"], "ids": [folded, typed]}]}
    assert variants.exact_scores([q], first, texts)["exact_first_rate"] == 1.0
    scores = variants.exact_scores([q], second, texts)
    assert scores["exact_first_rate"] == 0.0 and scores["exact_mrr"] == 0.5
