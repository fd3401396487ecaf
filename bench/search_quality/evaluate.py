"""Search quality benchmark, end to end, on every index backend (issue #4, item 6).

    python bench/search_quality/evaluate.py [--es-url http://127.0.0.1:19200] [--perfect-text | --all-modes]
                                            [--json results.json] [--jobs 2] [--no-cache]

Stages:

1. Files: the PDFs and scans made by ``generate.py`` (run first if missing).
2. Text: each document's text comes from the project's extraction library,
   ``indexers.extract.extract_text``: the PDF's text layer for most
   documents, OCR of the JPEG pages for the scanned subset (those documents
   are indexed from their scans only, as a phone photo of a paper document
   would be). Results are cached by file hash, and redone when the extraction
   library's source changes (``--reuse-stale-extraction`` keeps them).
   ``--perfect-text`` indexes the corpus text instead (no PDF, no OCR).
3. OCR accuracy: each scanned page's OCR text against the text drawn on it,
   both normalised as the labels are (NFKC, t2s, no whitespace): character
   accuracy = 1 - CER (Levenshtein), and difflib's ratio.
4. Index: one dossier per document (title = the document's first line, one
   file carrying the pages), bulk-indexed through ``indexers.open_index`` into
   the embedded backend (``sqlite:///<tmp>/index.db``) and, when ``--es-url``
   or ``ONEWINDOW_TEST_INDEX_URL`` is given, Elasticsearch (``?prefix=owbench``;
   the benchmark's indexes are destroyed afterwards).
5. Search: every labelled query, ``per_page=10``, scope = everything.

Metrics (answerable queries unless said otherwise):

* recall@10 = |relevant ∩ top10| / min(|relevant|, 10);
* precision@10 = |relevant ∩ top10| / |top10| over queries that returned hits;
* MRR = mean of 1 / rank of the first relevant hit (0 if none in the top 10);
* wrong = documents returned (top 10, all queries incl. no-answer) that are
  not labelled relevant, i.e. that fail the query's terms (labels are exhaustive);
* total exact = queries whose reported total equals the number of relevant documents;
* folding recall = recall@10 on the traditional and full-width queries;
* scan / text-layer recall = share of (query, relevant document) pairs found in
  the top 10, for queries with at most 10 relevant documents, split by whether
  the document was indexed from OCR or from a text layer.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import difflib
import hashlib
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import formats  # noqa: E402
import generate  # noqa: E402
import lowres  # noqa: E402
import variants  # noqa: E402
from label import CORPUS, QUERIES, load_jsonl, normalise  # noqa: E402

FOLDING_KINDS = ("traditional", "fullwidth")
ES_PREFIX = "owbench"
TOP = 10


# --- edit distance -------------------------------------------------------------


def levenshtein(a: str, b: str) -> int:
    """Edit distance, bit-parallel (Myers 1999 / Hyyrö 2001) on Python integers."""
    if not a:
        return len(b)
    if not b:
        return len(a)
    m = len(a)
    peq: dict[str, int] = {}
    for i, ch in enumerate(a):
        peq[ch] = peq.get(ch, 0) | (1 << i)
    mask = (1 << m) - 1
    high = 1 << (m - 1)
    pv, mv, score = mask, 0, m
    for ch in b:
        eq = peq.get(ch, 0)
        xv = eq | mv
        xh = (((eq & pv) + pv) ^ pv) | eq
        ph = mv | (~(xh | pv) & mask)
        mh = pv & xh
        if ph & high:
            score += 1
        elif mh & high:
            score -= 1
        ph = ((ph << 1) | 1) & mask
        mh = (mh << 1) & mask
        pv = mh | (~(xv | ph) & mask)
        mv = ph & xv
    return score


# --- text stage ----------------------------------------------------------------


def _library_hash() -> str:
    h = hashlib.sha256()
    for path in sorted((ROOT / "indexers" / "extract").glob("*.py")):
        h.update(path.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()[:16]


@dataclass
class Extracted:
    pages: list  # list[PageText]
    seconds: float
    source: str  # "pdf" | "scan" | "perfect"
    cached: bool = False
    ocr_pages: list[dict] = field(default_factory=list)


def _extract_file(path: Path, media_type: str, cache_dir: Path | None, lib: str, reuse_stale: bool = False):
    from indexers.extract import PageText, extract_text

    key = None
    if cache_dir is not None:
        key = cache_dir / f"{generate.sha256(path)}.json"
        if key.exists():
            data = json.loads(key.read_text(encoding="utf-8"))
            if data.get("library") == lib or reuse_stale:
                return [PageText(p["n"], p["text"], p["source"]) for p in data["pages"]], data["seconds"], True
    started = time.perf_counter()
    pages = extract_text(path, media_type)
    seconds = time.perf_counter() - started
    if key is not None:
        key.write_text(
            json.dumps(
                {
                    "library": lib,
                    "seconds": seconds,
                    "pages": [{"n": p.page_no, "text": p.text, "source": p.source} for p in pages],
                },
                ensure_ascii=False,
            ),
            encoding="utf-8",
        )
    return pages, seconds, False


def extract_all(
    docs: list[dict], manifest: dict, files_dir: Path, cache_dir: Path | None, jobs: int, reuse_stale: bool = False
) -> dict[str, Extracted]:
    from indexers.extract import PageText

    lib = _library_hash()

    def work(doc: dict) -> tuple[str, Extracted]:
        entry = manifest["documents"][doc["id"]]
        if entry["scan"]:
            pages, total, cached, ocr_pages = [], 0.0, True, []
            for n, scan in enumerate(entry["scan"], start=1):
                got, seconds, hit = _extract_file(files_dir / scan["path"], "image/jpeg", cache_dir, lib, reuse_stale)
                text = "\n".join(p.text for p in got)
                pages.append(PageText(n, text, "ocr"))
                total += seconds
                cached = cached and hit
                ref = normalise(entry["page_texts"][n - 1])
                hyp = normalise(text)
                dist = levenshtein(ref, hyp)
                ocr_pages.append(
                    {
                        "doc": doc["id"],
                        "page": n,
                        "ref_chars": len(ref),
                        "edits": dist,
                        "accuracy": 1 - dist / max(1, len(ref)),
                        "ratio": difflib.SequenceMatcher(None, ref, hyp, autojunk=False).ratio(),
                        "seconds": seconds,
                        "cached": hit,
                        "exif_orientation": scan.get("exif_orientation", 1),
                        "kind": scan.get("kind", "photo"),
                    }
                )
            return doc["id"], Extracted(pages, total, "scan", cached, ocr_pages)
        pages, seconds, hit = _extract_file(files_dir / entry["pdf"], "application/pdf", cache_dir, lib, reuse_stale)
        return doc["id"], Extracted(list(pages), seconds, "pdf", hit)

    out: dict[str, Extracted] = {}
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        for n, (doc_id, ext) in enumerate(pool.map(work, docs), start=1):
            out[doc_id] = ext
            if n % 25 == 0 or n == len(docs):
                print(f"  extracted {n}/{len(docs)}", file=sys.stderr, flush=True)
    return out


def perfect_all(docs: list[dict]) -> dict[str, Extracted]:
    from indexers.extract import PageText

    return {d["id"]: Extracted([PageText(1, d["text"], "text")], 0.0, "perfect") for d in docs}


def split_phrase_check(queries: list[dict], manifest: dict) -> dict[str, list[str]]:
    """For each split_phrase query, the documents whose generated PDF cuts the phrase with a line break."""
    import re

    out = {}
    for q in queries:
        if q["kind"] != "split_phrase":
            continue
        phrase = q["query"].strip()
        pattern = re.compile("\n?".join(map(re.escape, phrase)))
        out[q["id"]] = sorted(
            doc_id
            for doc_id, entry in manifest["documents"].items()
            if any("\n" in m.group(0) for page in entry["page_texts"] for m in pattern.finditer(page))
        )
    return out


# --- index and search ------------------------------------------------------------


def dossiers(docs: list[dict], texts: dict[str, Extracted]) -> list:
    from indexers import DossierDoc, FileDoc

    completed = datetime(2024, 1, 1, tzinfo=UTC)
    out = []
    for doc in docs:
        ext = texts[doc["id"]]
        suffix = "_scan.jpg" if ext.source == "scan" else ".pdf"
        out.append(
            DossierDoc(
                dossier_id=doc["id"],
                archival_code=f"bench-{doc['id']}",
                title=doc["text"].split("\n", 1)[0].strip(),
                service_code="bench",
                department_code="bench",
                departments=["bench"],
                applicant_name="",
                applicant_id_number="",
                completed_at=completed,
                retention="permanent",
                files=[
                    FileDoc(
                        file_id=f"{doc['id']}-f1",
                        name=f"{doc['id']}{suffix}",
                        material_type="document",
                        pages=tuple(ext.pages),
                    )
                ],
            )
        )
    return out


def es_url(base: str) -> str:
    parts = urlsplit(base)
    params = {k: v[0] for k, v in parse_qs(parts.query).items()}
    params["prefix"] = ES_PREFIX
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(params), ""))


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    k = min(len(values) - 1, max(0, round(q * (len(values) - 1))))
    return values[k]


def run_backend(name: str, url: str, docs: list[dict], dossier_docs: list, queries: list[dict]) -> dict:
    from indexers import Scope, SearchQuery, open_index

    index = open_index(url)
    try:
        index.clear()
        started = time.perf_counter()
        written = index.index_many(dossier_docs)
        index_seconds = time.perf_counter() - started
        results = []
        for q in queries:
            t0 = time.perf_counter()
            res = index.search(SearchQuery(q=q["query"], per_page=TOP, scope=Scope.everything()))
            results.append(
                {
                    "id": q["id"],
                    "ids": [h.dossier_id for h in res.hits],
                    "total": res.total,
                    "ms": (time.perf_counter() - t0) * 1000,
                }
            )
        described = index.describe()
    finally:
        index.destroy()
        index.close()
    pages = sum(len(f.pages) for d in dossier_docs for f in d.files)
    return {
        "backend": name,
        "url": url if name == "embedded" else urlsplit(url)._replace(netloc=urlsplit(url).hostname or "").geturl(),
        "written": written,
        "index_seconds": index_seconds,
        "docs_per_s": len(dossier_docs) / index_seconds if index_seconds else 0.0,
        "pages_per_s": pages / index_seconds if index_seconds else 0.0,
        "results": results,
        "describe": {k: v for k, v in described.items() if k in ("backend", "schema_version", "docs")},
    }


# --- metrics ----------------------------------------------------------------------


def score(queries: list[dict], run: dict, scanned: set[str]) -> dict:
    by_id = {r["id"]: r for r in run["results"]}
    per_query = []
    for q in queries:
        r = by_id[q["id"]]
        rel = set(q["relevant"])
        got = r["ids"][:TOP]
        hits = [d for d in got if d in rel]
        rank = next((i for i, d in enumerate(got, start=1) if d in rel), None)
        per_query.append(
            {
                "id": q["id"],
                "query": q["query"],
                "kind": q["kind"],
                "relevant": len(rel),
                "returned": len(got),
                "total": r["total"],
                "found": len(hits),
                "recall": len(hits) / min(len(rel), TOP) if rel else None,
                "precision": len(hits) / len(got) if got else None,
                "rr": (1 / rank if rank else 0.0) if rel else None,
                "wrong": [d for d in got if d not in rel],
                "missed": sorted(rel - set(got)) if len(rel) <= TOP else [],
                "ms": r["ms"],
            }
        )

    def mean(values):
        values = [v for v in values if v is not None]
        return sum(values) / len(values) if values else None

    answerable = [p for p in per_query if p["relevant"]]
    folding = [p for p in answerable if p["kind"] in FOLDING_KINDS]
    pairs_scan = pairs_text = found_scan = found_text = 0
    for q in queries:  # per_query has one entry per query, in order
        if not q["relevant"] or len(q["relevant"]) > TOP:
            continue
        got = set(by_id[q["id"]]["ids"][:TOP])
        for d in q["relevant"]:
            if d in scanned:
                pairs_scan += 1
                found_scan += d in got
            else:
                pairs_text += 1
                found_text += d in got
    kinds = sorted({p["kind"] for p in per_query})
    latencies = [p["ms"] for p in per_query]
    return {
        "queries": len(per_query),
        "answerable": len(answerable),
        "recall_at_10": mean(p["recall"] for p in answerable),
        "precision_at_10": mean(p["precision"] for p in per_query),
        "mrr": mean(p["rr"] for p in answerable),
        "wrong_returned": sum(len(p["wrong"]) for p in per_query),
        "queries_with_wrong": sum(1 for p in per_query if p["wrong"]),
        "total_exact": sum(1 for p in per_query if p["total"] == p["relevant"]),
        "no_answer_empty": sum(1 for p in per_query if not p["relevant"] and not p["returned"]),
        "no_answer": sum(1 for p in per_query if not p["relevant"]),
        "folding_recall": mean(p["recall"] for p in folding),
        "scan_pair_recall": found_scan / pairs_scan if pairs_scan else None,
        "text_pair_recall": found_text / pairs_text if pairs_text else None,
        "scan_pairs": pairs_scan,
        "by_kind": {
            k: {
                "n": sum(1 for p in per_query if p["kind"] == k),
                "recall": mean(p["recall"] for p in per_query if p["kind"] == k),
                "mrr": mean(p["rr"] for p in per_query if p["kind"] == k),
                "wrong": sum(len(p["wrong"]) for p in per_query if p["kind"] == k),
            }
            for k in kinds
        },
        "search_ms_p50": percentile(latencies, 0.5),
        "search_ms_p95": percentile(latencies, 0.95),
        "failures": [
            p for p in per_query if p["wrong"] or (p["recall"] is not None and p["recall"] < 1) or p["missed"]
        ],
    }


def ocr_summary(texts: dict[str, Extracted]) -> dict | None:
    pages = [p for e in texts.values() for p in e.ocr_pages if p.get("kind") != lowres.KIND]
    if not pages:
        return None
    chars = sum(p["ref_chars"] for p in pages)
    edits = sum(p["edits"] for p in pages)
    fresh = [p["seconds"] for p in pages if not p["cached"]]
    return {
        "documents": sum(1 for e in texts.values() if e.ocr_pages),
        "pages": len(pages),
        "chars": chars,
        "char_accuracy": 1 - edits / chars if chars else None,
        "mean_page_accuracy": statistics.fmean(p["accuracy"] for p in pages),
        "min_page_accuracy": min(p["accuracy"] for p in pages),
        "difflib_ratio": statistics.fmean(p["ratio"] for p in pages),
        "empty_pages": sum(1 for p in pages if p["edits"] >= p["ref_chars"] > 0),
        "accuracy_without_empty_pages": (
            1
            - sum(p["edits"] for p in pages if p["edits"] < p["ref_chars"])
            / max(1, sum(p["ref_chars"] for p in pages if p["edits"] < p["ref_chars"]))
        ),
        "sideways_pages": sum(1 for p in pages if p["exif_orientation"] != 1),
        "sideways_accuracy": (
            statistics.fmean(p["accuracy"] for p in pages if p["exif_orientation"] != 1)
            if any(p["exif_orientation"] != 1 for p in pages)
            else None
        ),
        "seconds_per_page": statistics.fmean(p["seconds"] for p in pages),
        "seconds_per_page_measured_now": statistics.fmean(fresh) if fresh else None,
        "worst_pages": sorted(pages, key=lambda p: p["accuracy"])[:5],
    }


# --- report -----------------------------------------------------------------------


def fmt(v, digits=3) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:.{digits}f}"
    return str(v)


def print_report(report: dict) -> None:
    print()
    print(
        f"corpus {report['corpus']['documents']} documents, {report['corpus']['queries']} queries "
        f"({report['corpus']['answerable']} answerable), {report['corpus']['scanned']} documents indexed from scans"
    )
    ocr = report.get("ocr")
    if ocr:
        print(
            f"OCR: {ocr['pages']} pages of {ocr['documents']} documents, character accuracy (1-CER) "
            f"{fmt(ocr['char_accuracy'], 4)}, difflib ratio {fmt(ocr['difflib_ratio'], 4)}, worst page "
            f"{fmt(ocr['min_page_accuracy'], 3)}, pages read as empty {ocr['empty_pages']} (accuracy without them "
            f"{fmt(ocr['accuracy_without_empty_pages'], 4)}), sideways (EXIF) pages {ocr['sideways_pages']} at "
            f"{fmt(ocr['sideways_accuracy'], 4)}, {fmt(ocr['seconds_per_page'], 2)} s/page"
        )
    cols = [
        "mode",
        "backend",
        "recall@10",
        "P@10",
        "MRR",
        "wrong",
        "folding R",
        "scan R",
        "text R",
        "total=|rel|",
        "no-ans ok",
        "p50 ms",
        "p95 ms",
        "index s",
    ]
    rows = []
    for run in report["runs"]:
        s = run["score"]
        rows.append(
            [
                run["mode"],
                run["backend"],
                fmt(s["recall_at_10"]),
                fmt(s["precision_at_10"]),
                fmt(s["mrr"]),
                str(s["wrong_returned"]),
                fmt(s["folding_recall"]),
                fmt(s["scan_pair_recall"]),
                fmt(s["text_pair_recall"]),
                f"{s['total_exact']}/{s['queries']}",
                f"{s['no_answer_empty']}/{s['no_answer']}",
                fmt(s["search_ms_p50"], 1),
                fmt(s["search_ms_p95"], 1),
                fmt(run["index_seconds"], 2),
            ]
        )
    widths = [max(len(c), *(len(r[i]) for r in rows)) for i, c in enumerate(cols)]
    print("  ".join(c.ljust(w) for c, w in zip(cols, widths, strict=True)))
    for r in rows:
        print("  ".join(v.ljust(w) for v, w in zip(r, widths, strict=True)))
    for run in report["runs"]:
        s = run["score"]
        kinds = ", ".join(f"{k} {fmt(v['recall'], 2)}" for k, v in s["by_kind"].items() if v["recall"] is not None)
        print(f"[{run['mode']}/{run['backend']}] recall by kind: {kinds}")
        for p in s["failures"][:12]:
            print(
                f"   {p['id']} {p['kind']:<12} {p['query']!r}: found {p['found']}/{min(p['relevant'], TOP)}"
                f"{' missed ' + ','.join(p['missed']) if p['missed'] else ''}"
                f"{' WRONG ' + ','.join(p['wrong']) if p['wrong'] else ''}"
            )
    for cmp in report.get("comparisons", []):
        print(
            f"[{cmp['mode']}] embedded - elasticsearch: recall {fmt(cmp['recall_delta'], 4)},"
            f" MRR {fmt(cmp['mrr_delta'], 4)}"
        )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument(
        "--es-url",
        default=os.environ.get("ONEWINDOW_TEST_INDEX_URL", ""),
        help="Elasticsearch to test as well (default: $ONEWINDOW_TEST_INDEX_URL)",
    )
    ap.add_argument("--no-es", action="store_true", help="embedded backend only, even if an ES URL is set")
    mode = ap.add_mutually_exclusive_group()
    mode.add_argument("--perfect-text", action="store_true", help="index the corpus text (no PDF, no OCR)")
    mode.add_argument("--all-modes", action="store_true", help="end to end and perfect text")
    ap.add_argument("--json", type=Path, help="write the full results here")
    ap.add_argument("--files", type=Path, default=None, help="generated files (default: the cache, see generate.py)")
    ap.add_argument("--jobs", type=int, default=2, help="extraction/OCR threads")
    ap.add_argument("--no-cache", action="store_true", help="extract and OCR again even if cached")
    ap.add_argument(
        "--reuse-stale-extraction",
        action="store_true",
        help="use cached text even if indexers/extract has changed since (quick re-runs of the search part)",
    )
    ap.add_argument("--no-variants", action="store_true", help="skip the exact-vs-folded ranking (variants.py)")
    ap.add_argument("--no-formats", action="store_true", help="skip the OFD and HEIC documents (formats.py)")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--queries", type=Path, default=QUERIES)
    args = ap.parse_args(argv)

    docs = load_jsonl(args.corpus)
    queries = load_jsonl(args.queries)
    modes = ["perfect"] if args.perfect_text else (["e2e", "perfect"] if args.all_modes else ["e2e"])
    files_dir = args.files or generate.cache_root()
    manifest = None
    texts_by_mode: dict[str, dict[str, Extracted]] = {}
    lowres_ids: set[str] = set()
    if "e2e" in modes:
        if generate.main(["--out", str(files_dir), "--corpus", str(args.corpus)]) != 0:
            return 1
        manifest = json.loads((files_dir / "manifest.json").read_text(encoding="utf-8"))
        lowres_ids = lowres.add_to_manifest(manifest, files_dir, args.corpus)  # scan-only, reported separately
        cache_dir = None
        if not args.no_cache:
            cache_dir = files_dir / "extract-cache"
            cache_dir.mkdir(parents=True, exist_ok=True)
        print("extracting text (PDF text layer) and OCR (scans) ...", file=sys.stderr)
        started = time.perf_counter()
        texts_by_mode["e2e"] = extract_all(docs, manifest, files_dir, cache_dir, args.jobs, args.reuse_stale_extraction)
        print(f"  done in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    if "perfect" in modes:
        texts_by_mode["perfect"] = perfect_all(docs)

    backends = []
    tmp = tempfile.TemporaryDirectory(prefix="owbench-")
    backends.append(("embedded", f"sqlite:///{tmp.name}/index.db"))
    if args.es_url and not args.no_es:
        backends.append(("elasticsearch", es_url(args.es_url)))

    scanned = {d for d, e in texts_by_mode.get("e2e", {}).items() if e.source == "scan"}
    report: dict = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": {
            "documents": len(docs),
            "queries": len(queries),
            "answerable": sum(1 for q in queries if q["relevant"]),
            "scanned": len(scanned),
        },
        "runs": [],
    }
    if "e2e" in texts_by_mode:
        report["ocr"] = ocr_summary(texts_by_mode["e2e"])
        ext = texts_by_mode["e2e"].values()
        pdf_fresh = [e.seconds for e in ext if e.source == "pdf" and not e.cached]
        report["split_phrases"] = split_phrase_check(queries, manifest)
        unsplit = [qid for qid, ids in report["split_phrases"].items() if not ids]
        if unsplit:
            print(f"warning: split_phrase queries not cut by a line break in this layout: {unsplit}", file=sys.stderr)
        report["extraction"] = {
            "pdf_documents": sum(1 for e in ext if e.source == "pdf"),
            "pdf_seconds_per_document": statistics.fmean([e.seconds for e in ext if e.source == "pdf"] or [0.0]),
            "pdf_measured_now": len(pdf_fresh),
        }
    try:
        for mode in modes:
            dossier_docs = dossiers(docs, texts_by_mode[mode])
            for name, url in backends:
                print(f"indexing and searching: {mode} / {name} ...", file=sys.stderr)
                run = run_backend(name, url, docs, dossier_docs, queries)
                run["mode"] = mode
                run["score"] = score(queries, run, scanned if mode == "e2e" else set())
                report["runs"].append(run)
        if not args.no_variants:
            report["variants"] = variants.measure(docs, backends, sys.modules[__name__])
        if manifest is not None and not args.no_formats:
            report["formats"] = formats.measure(docs, queries, manifest, files_dir, backends, sys.modules[__name__])
    finally:
        tmp.cleanup()
    for mode in modes:
        by = {r["backend"]: r["score"] for r in report["runs"] if r["mode"] == mode}
        if "embedded" in by and "elasticsearch" in by:
            report.setdefault("comparisons", []).append(
                {
                    "mode": mode,
                    "recall_delta": by["embedded"]["recall_at_10"] - by["elasticsearch"]["recall_at_10"],
                    "mrr_delta": by["embedded"]["mrr"] - by["elasticsearch"]["mrr"],
                }
            )
    report["lowres"] = lowres.summarise(texts_by_mode.get("e2e", {}), queries, report["runs"], lowres_ids)
    print_report(report)
    lowres.print_report(report["lowres"])
    if "variants" in report:
        variants.print_report(report["variants"])
    if "formats" in report:
        formats.print_report(report["formats"])
    if args.json:
        args.json.write_text(json.dumps(report, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
        print(f"results written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
