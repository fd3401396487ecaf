"""Exact before folded (issue #15, items 1 and 5): does the copy written as the query was typed rank first?

Some corpus documents are indexed a second time as a traditional-script copy
(OpenCC ``s2t``, id ``<id>~t``) or a full-width copy (ASCII letters and digits
as U+FF10-U+FF5A, id ``<id>~w``). For each copied document one phrase that
occurs in no other corpus document is queried as written in each form
(simplified and traditional, half- and full-width). Both forms match every such
query after folding, so recall@10, MRR and wrong are computed as for the main
queries, with labels from ``label.py``'s rule over the extended corpus. What
this adds is the **exact-first rate**: the share of these queries whose first
hit contains the query exactly as typed (no folding; whitespace ignored), and
the exact MRR (1 / rank of the first such hit).

The texts are the corpus texts (the copies have no generated PDFs or scans),
and the queries are made here, deterministically, rather than stored.

    python bench/search_quality/variants.py            # the copies and queries it would use
"""

from __future__ import annotations

import random
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
for _path in (HERE, HERE.parent.parent):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

from label import CORPUS, label, load_jsonl, normalise, normalised_corpus  # noqa: E402

SEED = 15
TRADITIONAL_DOCS = 24
FULLWIDTH_DOCS = 16
KINDS = ("as_simplified", "as_traditional", "as_halfwidth", "as_fullwidth")
_WS = re.compile(r"\s+")
_HAN_RUN = re.compile(r"[\u4e00-\u9fff]{4,}")
# A number or Latin word with up to two Han characters either side: 第596号, 2022年3月, IPv6协议.
_ALNUM_PHRASE = re.compile(r"[\u4e00-\u9fff]{1,2}[0-9A-Za-z]+[\u4e00-\u9fff]{1,2}")
_WIDE = {c: c + 0xFEE0 for c in range(0x21, 0x7F) if chr(c).isalnum()}


def _s2t() -> Callable[[str], str]:
    import opencc  # OpenCC (PyPI "OpenCC"), bundled dictionaries, no download

    return opencc.OpenCC("s2t").convert


def full_width(text: str) -> str:
    return text.translate(_WIDE)


def _folds_alike(a: str, b: str) -> bool:
    """Both the labels' rule and the index fold ``a`` and ``b`` to the same text."""
    from indexers.tokenize import normalize

    return normalise(a) == normalise(b) and normalize(a) == normalize(b)


def _unique(phrase: str, doc_id: str, norm: dict[str, str]) -> bool:
    key = normalise(phrase)
    return len(key) >= 3 and all((key in text) == (i == doc_id) for i, text in norm.items())


def _words(text: str) -> list[tuple[int, int]]:
    """Spans of two or three consecutive jieba words (4-7 Han characters): what a person would type."""
    import rjieba

    spans = []
    for run in _HAN_RUN.finditer(text):
        starts, offset = [], run.start()
        for word in rjieba.cut(run.group()):
            starts.append(offset)
            offset += len(word)
        starts.append(offset)
        for i in range(len(starts) - 2):
            for j in (i + 2, i + 3):
                if j < len(starts) and 4 <= starts[j] - starts[i] <= 7:
                    spans.append((starts[i], starts[j]))
    return spans


def _traditional_phrase(doc: dict, converted: str, rng: random.Random, norm: dict[str, str]) -> str | None:
    spans = _words(doc["text"])
    rng.shuffle(spans)
    for start, end in spans[:400]:
        simple, trad = doc["text"][start:end], converted[start:end]
        if simple != trad and _folds_alike(simple, trad) and _unique(simple, doc["id"], norm):
            return simple
    return None


def _alnum_phrase(doc: dict, rng: random.Random, norm: dict[str, str]) -> str | None:
    found = [m.group() for m in _ALNUM_PHRASE.finditer(doc["text"])]
    rng.shuffle(found)
    return next((p for p in found if _folds_alike(p, full_width(p)) and _unique(p, doc["id"], norm)), None)


def build(docs: list[dict], seed: int = SEED) -> tuple[list[dict], list[dict]]:
    """The extra documents and the queries (labelled over corpus + copies)."""
    rng = random.Random(seed)
    norm = normalised_corpus(docs)
    s2t = _s2t()
    extra: list[dict] = []
    pairs: list[tuple[str, str, str, str]] = []  # (kind typed as, query, kind, query) per copied document
    order = sorted(docs, key=lambda d: d["id"])
    rng.shuffle(order)
    for doc in order:
        if sum(1 for d in extra if d["id"].endswith("~t")) >= TRADITIONAL_DOCS:
            break
        converted = s2t(doc["text"])
        phrase = _traditional_phrase(doc, converted, rng, norm) if len(converted) == len(doc["text"]) else None
        if phrase:
            start = doc["text"].index(phrase)
            extra.append({**doc, "id": f"{doc['id']}~t", "title": s2t(doc["title"]), "text": converted})
            pairs.append(("as_simplified", phrase, "as_traditional", converted[start : start + len(phrase)]))
    for doc in order:
        if sum(1 for d in extra if d["id"].endswith("~w")) >= FULLWIDTH_DOCS:
            break
        phrase = _alnum_phrase(doc, rng, norm)
        if phrase:
            extra.append({**doc, "id": f"{doc['id']}~w", "text": full_width(doc["text"])})
            pairs.append(("as_halfwidth", phrase, "as_fullwidth", full_width(phrase)))
    extended = normalised_corpus(docs + extra)
    queries = []
    for a_kind, a, b_kind, b in pairs:
        for kind, query in ((a_kind, a), (b_kind, b)):
            queries.append({"id": f"v{len(queries) + 1:03d}", "query": query, "kind": kind})
    for q in queries:
        q["relevant"] = label(q["query"], extended)
    return extra, queries


def typed_in(text: str, query: str) -> bool:
    """The query occurs in the text as typed: same script, width and case (whitespace aside)."""
    return all(term in _WS.sub("", text) for term in query.split())


def exact_scores(queries: list[dict], run: dict, texts: dict[str, str]) -> dict[str, Any]:
    """Exact-first rate and exact MRR of one backend's run, overall and per kind typed."""
    by_id = {r["id"]: r["ids"] for r in run["results"]}

    def rank(q: dict) -> int | None:
        return next((n for n, d in enumerate(by_id[q["id"]], 1) if typed_in(texts[d], q["query"])), None)

    def summary(group: list[dict]) -> dict[str, Any]:
        ranks = [rank(q) for q in group]
        return {
            "n": len(group),
            "exact_first_rate": sum(r == 1 for r in ranks) / len(group) if group else None,
            "exact_mrr": sum(1 / r for r in ranks if r) / len(group) if group else None,
            "not_first": [q["query"] for q, r in zip(group, ranks, strict=True) if r != 1],
        }

    return {**summary(queries), "by_kind": {k: summary([q for q in queries if q["kind"] == k]) for k in KINDS}}


def measure(docs: list[dict], backends: list[tuple[str, str]], bench: Any) -> dict[str, Any]:
    """Index corpus + copies on every backend and score the variant queries.

    ``bench`` is evaluate.py's module (its ``perfect_all``, ``dossiers``, ``run_backend`` and ``score``).
    """
    extra, queries = build(docs)
    extended = docs + extra
    texts = {d["id"]: d["text"] for d in extended}
    dossier_docs = bench.dossiers(extended, bench.perfect_all(extended))
    runs = []
    for name, url in backends:
        print(f"indexing and searching: exact vs folded / {name} ...", file=sys.stderr)
        run = bench.run_backend(name, url, extended, dossier_docs, queries)
        s = bench.score(queries, run, set())
        runs.append(
            {
                "backend": name,
                "recall_at_10": s["recall_at_10"],
                "mrr": s["mrr"],
                "wrong_returned": s["wrong_returned"],
                "total_exact": s["total_exact"],
                **exact_scores(queries, run, texts),
                "order": [r["ids"] for r in run["results"]],
            }
        )
    if len(runs) == 2:
        agree = runs[0]["order"] == runs[1]["order"]
        for run in runs:
            run["backends_agree"] = agree
    return {"copies": len(extra), "queries": len(queries), "runs": runs}


def print_report(result: dict[str, Any]) -> None:
    print(f"exact vs folded: {result['copies']} copies (s2t / full-width), {result['queries']} queries typed each way")
    for run in result["runs"]:
        kinds = ", ".join(f"{k} {v['exact_first_rate']:.3f}" for k, v in run["by_kind"].items() if v["n"])
        print(
            f"  {run['backend']}: exact-first {run['exact_first_rate']:.3f} (exact MRR {run['exact_mrr']:.3f};"
            f" {kinds}), recall@10 {run['recall_at_10']:.3f}, MRR {run['mrr']:.3f}, wrong {run['wrong_returned']},"
            f" total=|rel| {run['total_exact']}/{result['queries']}"
            + (f", same order on both backends: {run['backends_agree']}" if "backends_agree" in run else "")
        )
        for query in run["not_first"][:8]:
            print(f"     not first as typed: {query!r}")


def main() -> int:
    docs = load_jsonl(CORPUS)
    extra, queries = build(docs)
    print(f"{len(extra)} copies: {', '.join(d['id'] for d in extra)}")
    for q in queries:
        print(f"  {q['id']} {q['kind']:<15} {q['query']!r} -> {len(q['relevant'])} relevant")
    return 0


if __name__ == "__main__":
    sys.exit(main())
