"""Fast checks of the search quality benchmark's committed data (bench/search_quality/).

The corpus and the labelled queries are test data: these checks keep them
well-formed and keep every label equal to what the documented rule gives, so
a benchmark figure always means the same thing. Nothing here fetches, renders
or indexes anything.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import random
import re
import sys
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "search_quality"
CORPUS = BENCH / "corpus.jsonl"
QUERIES = BENCH / "queries.jsonl"

REQUIRED_KINDS = {"word2", "name", "number", "split_phrase", "multi_term", "traditional", "fullwidth", "no_answer"}


def _module(name: str):
    spec = importlib.util.spec_from_file_location(f"bench_search_quality_{name}", BENCH / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    sys.path.insert(0, str(BENCH))
    try:
        spec.loader.exec_module(module)
    finally:
        sys.path.remove(str(BENCH))
    return module


def _jsonl(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


@pytest.fixture(scope="module")
def docs() -> list[dict]:
    return _jsonl(CORPUS)


@pytest.fixture(scope="module")
def queries() -> list[dict]:
    return _jsonl(QUERIES)


@pytest.fixture(scope="module")
def label():
    pytest.importorskip("opencc", reason="the label rule folds traditional to simplified with OpenCC")
    return _module("label")


# --- corpus ----------------------------------------------------------------------


def test_corpus_has_200_documents_with_unique_ids(docs):
    assert len(docs) >= 200
    ids = [d["id"] for d in docs]
    assert len(set(ids)) == len(ids)
    assert all(re.fullmatch(r"cn\d{4}", i) for i in ids)


def test_every_document_names_its_source_and_licence(docs):
    for d in docs:
        for key in ("title", "text", "source_repo", "source_path", "source_commit", "licence", "source_doc"):
            assert isinstance(d.get(key), str) and d[key].strip(), (d["id"], key)
        assert d["chars"] == len(d["text"]), d["id"]
        assert d["sha1"] == hashlib.sha1(d["text"].encode("utf-8")).hexdigest(), d["id"]


def test_corpus_is_varied_public_government_text(docs):
    assert len({d["source_doc"] for d in docs}) >= 80
    assert {"law", "regulation", "notice", "form"} <= {d["kind"] for d in docs}
    han = sum(len(re.findall(r"[\u4e00-\u9fff]", d["text"])) for d in docs)
    assert han / sum(len(d["text"]) for d in docs) > 0.8
    assert not any("<!--" in d["text"] or re.search(r"^#+ ", d["text"], re.M) for d in docs), "Markdown left in a text"


def test_document_sizes(docs):
    sizes = [len(d["text"]) for d in docs]
    assert all(100 <= n <= 4000 for n in sizes)
    assert sum(300 <= n <= 3000 for n in sizes) >= 0.95 * len(sizes)
    assert CORPUS.stat().st_size < 5 * 1024 * 1024


def test_documents_start_with_their_title_line(docs):
    # evaluate.py indexes the first line as the dossier title: it must be part of the labelled text
    for d in docs:
        first = d["text"].split("\n", 1)[0].strip()
        assert first and d["title"].startswith(first), d["id"]


# --- queries ---------------------------------------------------------------------


def test_queries_cover_the_required_kinds(queries):
    assert len(queries) >= 60
    ids = [q["id"] for q in queries]
    assert len(set(ids)) == len(ids)
    kinds = Counter(q["kind"] for q in queries)
    assert set(kinds) >= REQUIRED_KINDS, REQUIRED_KINDS - set(kinds)
    assert kinds["no_answer"] >= 5
    for kind in REQUIRED_KINDS - {"no_answer"}:
        assert kinds[kind] >= 5, kind
    for q in queries:
        assert q["query"].strip() and isinstance(q.get("note"), str), q["id"]


def test_query_kinds_mean_what_they_say(queries, label):
    for q in queries:
        text = q["query"]
        terms = label.query_terms(text)
        if q["kind"] == "word2":
            assert len(terms) == 1 and len(terms[0]) == 2, q
        elif q["kind"] == "multi_term":
            assert len(terms) >= 2, q
        elif q["kind"] == "traditional":
            nfkc = unicodedata.normalize("NFKC", text)
            assert label.normalise(nfkc) != re.sub(r"\s", "", nfkc), f"{q['id']} has no traditional character"
        elif q["kind"] == "fullwidth":
            assert unicodedata.normalize("NFKC", text) != text, f"{q['id']} has no full-width character"
        elif q["kind"] == "split_phrase":
            assert len(terms) == 1 and len(terms[0]) >= 4, q
            named = re.findall(r"cn\d{4}", q["note"])
            assert named and set(named) <= set(q["relevant"]), (
                f"{q['id']}: the documents it is split in must be relevant"
            )


def test_relevant_ids_exist_and_are_sorted(queries, docs):
    known = {d["id"] for d in docs}
    for q in queries:
        assert q["relevant"] == sorted(set(q["relevant"])), q["id"]
        assert set(q["relevant"]) <= known, q["id"]


def test_no_answer_queries_have_no_relevant_documents_and_others_do(queries):
    for q in queries:
        if q["kind"] == "no_answer":
            assert q["relevant"] == [], q["id"]
        else:
            assert q["relevant"], f"{q['id']} {q['query']!r} has no relevant document"


def test_labels_are_exactly_what_the_rule_gives(queries, docs, label):
    fresh = label.relabel(queries, docs)
    differ = [(q["id"], q["query"]) for q, f in zip(queries, fresh, strict=True) if q["relevant"] != f["relevant"]]
    assert not differ, f"run `python bench/search_quality/label.py --write`: {differ}"


# --- the rule itself ----------------------------------------------------------------


def test_normalisation_folds_width_case_script_and_whitespace(label):
    assert label.normalise("營業執照　４０００元") == "营业执照4000元"
    assert label.normalise("ＩＰｖ６\n互联网\n协议") == "ipv6互联网协议"
    assert label.query_terms("旅館\u3000登記  檔案") == ["旅馆", "登记", "档案"]


def test_rule_is_and_of_phrases_with_number_boundaries(label):
    text = label.normalise("处4000元以下的罚款；超过36000元至144000元的部分\n营业\n执照")
    assert label.matches(text, label.query_terms("4000元"))
    assert label.matches(text, label.query_terms("144000元"))
    assert not label.matches(text, label.query_terms("44000元"))
    assert label.matches(text, label.query_terms("营业执照 罚款"))
    assert not label.matches(text, label.query_terms("营业执照 消防"))
    assert not label.matches(text, label.query_terms("执照营业"))
    assert not label.matches(text, [])


def test_hand_checked_sample(queries, docs):
    """A sample checked by reading the documents: the rule's output is what a person would label."""
    by_query = {q["query"]: set(q["relevant"]) for q in queries}
    titles = {d["id"]: d["title"] for d in docs}
    assert {titles[i] for i in by_query["国务院令第596号"]} == {"个体工商户条例"}
    assert {titles[i].split("（")[0] for i in by_query["居住证 签注"]} == {"居住证暂行条例"}
    assert any(titles[i].startswith("不动产登记暂行条例") for i in by_query["网络安全"])  # 信息网络安全防护措施
    assert by_query["营业执照"] == by_query["營業執照"]
    assert by_query["4000元"] == by_query["４０００元"] and len(by_query["4000元"]) == 1


def test_ocr_metric_edit_distance_is_exact():
    evaluate = _module("evaluate")

    def slow(a: str, b: str) -> int:
        prev = list(range(len(b) + 1))
        for i, ca in enumerate(a, 1):
            cur = [i] + [0] * len(b)
            for j, cb in enumerate(b, 1):
                cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (ca != cb))
            prev = cur
        return prev[-1]

    rng = random.Random(7)
    for _ in range(300):
        a = "".join(rng.choice("营业执照ab1") for _ in range(rng.randint(0, 90)))
        b = "".join(rng.choice("营业执照ab1") for _ in range(rng.randint(0, 90)))
        assert evaluate.levenshtein(a, b) == slow(a, b)
