"""Mechanical relevance labels for the search quality benchmark.

The rule (see README.md):

* A query is split into terms on whitespace (after NFKC, so an ideographic
  space U+3000 separates terms too).
* Text and terms are normalised the same way: Unicode NFKC (full-width
  digits/letters/punctuation to half-width), case folding, traditional to
  simplified Chinese with OpenCC ``t2s``, and every whitespace character
  (spaces, newlines) removed.
* A document is relevant to a query exactly when its normalised text contains
  every normalised term as a substring (AND of terms; each term is a phrase),
  with one refinement for numbers and Latin words: a term that begins (ends)
  with an ASCII letter or digit must not be preceded (followed) there by
  another ASCII letter or digit, so ``4000元`` does not match ``144000元`` and
  ``30个工作日`` does not match ``130个工作日``.

The labels are therefore exhaustive: a document that is not labelled relevant
does not contain the query's terms, and a search result outside the label set
is a document that fails the query's terms.

Usage::

    python label.py            # check that queries.jsonl carries the labels the rule gives
    python label.py --write    # recompute and write the labels into queries.jsonl
    python label.py --show Q   # documents and counts for an ad-hoc query
"""

from __future__ import annotations

import argparse
import functools
import json
import re
import sys
import unicodedata
from collections.abc import Iterable
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.jsonl"
QUERIES = HERE / "queries.jsonl"

_WS = re.compile(r"\s+")


@functools.lru_cache(maxsize=1)
def _t2s():
    import opencc  # OpenCC (PyPI "OpenCC"), bundled dictionaries, no download

    return opencc.OpenCC("t2s")


def normalise(text: str) -> str:
    """NFKC, casefold, traditional->simplified (OpenCC t2s), whitespace removed."""
    text = unicodedata.normalize("NFKC", text).casefold()
    text = _WS.sub("", text)
    return _t2s().convert(text)


def query_terms(query: str) -> list[str]:
    """The query's terms, each normalised; empty terms dropped."""
    parts = _WS.split(unicodedata.normalize("NFKC", query).strip())
    return [t for t in (normalise(p) for p in parts) if t]


_ALNUM = "0-9a-z"


@functools.lru_cache(maxsize=4096)
def term_pattern(term: str) -> re.Pattern[str]:
    """The normalised term as a regex with ASCII-alphanumeric boundaries at alphanumeric ends."""
    head = f"(?<![{_ALNUM}])" if term[:1].isascii() and term[:1].isalnum() else ""
    tail = f"(?![{_ALNUM}])" if term[-1:].isascii() and term[-1:].isalnum() else ""
    return re.compile(head + re.escape(term) + tail)


def matches(normalised_text: str, terms: Iterable[str]) -> bool:
    terms = list(terms)
    return bool(terms) and all(t in normalised_text and term_pattern(t).search(normalised_text) for t in terms)


def load_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def normalised_corpus(docs: list[dict]) -> dict[str, str]:
    return {d["id"]: normalise(d["text"]) for d in docs}


def label(query: str, norm: dict[str, str]) -> list[str]:
    """Sorted ids of the documents relevant to ``query`` under the rule."""
    terms = query_terms(query)
    return sorted(doc_id for doc_id, text in norm.items() if matches(text, terms))


def relabel(queries: list[dict], docs: list[dict]) -> list[dict]:
    norm = normalised_corpus(docs)
    return [{**q, "relevant": label(q["query"], norm)} for q in queries]


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--write", action="store_true", help="write the computed labels into queries.jsonl")
    ap.add_argument("--show", metavar="QUERY", help="print the documents an ad-hoc query is relevant to")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--queries", type=Path, default=QUERIES)
    args = ap.parse_args(argv)
    docs = load_jsonl(args.corpus)
    if args.show:
        norm = normalised_corpus(docs)
        ids = label(args.show, norm)
        titles = {d["id"]: d["title"] for d in docs}
        print(f"{args.show!r} -> terms {query_terms(args.show)}: {len(ids)} documents")
        for i in ids[:40]:
            print(f"  {i} {titles[i]}")
        return 0
    queries = load_jsonl(args.queries)
    fresh = relabel(queries, docs)
    if args.write:
        write_jsonl(args.queries, fresh)
        print(f"wrote labels for {len(fresh)} queries to {args.queries}")
        return 0
    bad = [q["id"] for q, f in zip(queries, fresh, strict=True) if q.get("relevant") != f["relevant"]]
    if bad:
        print(f"labels differ from the rule for {len(bad)} queries: {bad}")
        return 1
    print(f"labels of all {len(queries)} queries follow the rule")
    return 0


if __name__ == "__main__":
    sys.exit(main())
