"""OFD e-documents and HEIC phone photos in the quality benchmark (issue #15, items 3-5).

Some corpus documents are written as OFD (GB/T 33190; one TextObject per line,
by ``tests/indexers/fixtures/ofd_samples.py``, the tests' writer) and some as
HEIC phone photos (``generate.py``'s page rendering and ``photograph``
distortions, saved by pillow-heif, a quarter of them sideways with an EXIF
orientation as iPhones store portrait photos). Those documents are indexed
from those files only, through ``indexers.extract.extract_text`` (OFD text
objects; OCR of the decoded, upright HEIC), the rest of the corpus from its
text; every labelled query is searched on each backend. Reported separately:

* OFD: the share of (query, OFD document) answer pairs found in the top 10,
  for queries with at most 10 relevant documents ("found by their text");
* HEIC: character accuracy (1 - CER, normalised as the labels are) of the
  OCR against the page text drawn, seconds per page, and the same pair recall.

    python bench/search_quality/formats.py [--out DIR]   # writes the files only, and lists them
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import random
import sys
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
for _path in (HERE, ROOT):
    if str(_path) not in sys.path:
        sys.path.insert(0, str(_path))

import generate  # noqa: E402
from label import CORPUS, load_jsonl, normalise  # noqa: E402

SEED = 1533
OFD_DOCS = 24
HEIC_DOCS = 12
HEIC_MAX_CHARS = 1200  # one or two pages, as a photo of a paper document is
OFD_LINE = 42.0  # font sizes: generate.py's lines (40 ideographs, punctuation hanging) stay whole


def _ofd_writer() -> Any:
    path = ROOT / "tests" / "indexers" / "fixtures" / "ofd_samples.py"
    spec = importlib.util.spec_from_file_location("ofd_samples", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def subsets(docs: list[dict], manifest: dict) -> tuple[list[str], list[str]]:
    """(OFD ids, HEIC ids): disjoint, and apart from the scanned subset (which is indexed from its JPEGs)."""
    scanned = set(generate.scan_subset(docs))  # generate.py's, not the manifest's: others add scans to it
    rng = random.Random(SEED)
    pool = sorted(d["id"] for d in docs if d["id"] not in scanned and d["id"] in manifest["documents"])
    short = [d["id"] for d in docs if d["id"] in pool and len(d["text"]) <= HEIC_MAX_CHARS]
    heic = sorted(rng.sample(short, min(HEIC_DOCS, len(short))))
    rest = [d for d in pool if d not in heic]
    ofd = sorted(rng.sample(rest, min(OFD_DOCS, len(rest))))
    return ofd, heic


def _save_heic(img: Any, path: Path, rng: random.Random) -> dict[str, Any]:
    from PIL import Image
    from pillow_heif import register_heif_opener

    register_heif_opener()
    quality = rng.randint(60, 85)
    orientation = rng.choice([6, 8]) if rng.random() < 0.25 else 1
    if orientation != 1:
        img = img.transpose(Image.Transpose.ROTATE_90 if orientation == 6 else Image.Transpose.ROTATE_270)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "Apple"
    # x265's default preset took two minutes for one A4 photo on the shared 2-core machine; ultrafast ~15 s
    img.convert("RGB").save(
        path, format="HEIF", quality=quality, exif=exif.tobytes(), enc_params={"preset": "ultrafast"}
    )
    return {"quality": quality, "exif_orientation": orientation}


def write_files(docs: list[dict], manifest: dict, out: Path) -> dict[str, dict[str, Any]]:
    """The OFD and HEIC files, made once (kept while their inputs are the same); entries by document id."""
    ofd_ids, heic_ids = subsets(docs, manifest)
    stamp = json.dumps([manifest["corpus_sha256"], manifest["generator_sha256"], SEED, ofd_ids, heic_ids])
    index = out / "formats" / "formats.json"
    if index.exists():
        old = json.loads(index.read_text(encoding="utf-8"))
        if old.get("stamp") == stamp:
            return old["documents"]
    (out / "formats").mkdir(parents=True, exist_ok=True)
    writer, layout = _ofd_writer(), generate.Layout(generate.find_font())
    by_id = {d["id"]: d for d in docs}
    entries: dict[str, dict[str, Any]] = {}
    for doc_id in ofd_ids:
        path = out / "formats" / f"{doc_id}.ofd"
        writer.make_ofd(path, manifest["documents"][doc_id]["page_texts"], with_image=False, per_line=OFD_LINE)
        entries[doc_id] = {"kind": "ofd", "files": [str(path.relative_to(out))]}
    for doc_id in heic_ids:
        rng = random.Random(f"{SEED}:{doc_id}")
        files, params = [], []
        for n, page in enumerate(layout.pages(by_id[doc_id]["text"]), start=1):
            paper, ink = rng.randint(232, 250), rng.randint(25, 70)
            img, distortion = generate.photograph(generate.render_page(layout, page, 250, ink, paper), rng, paper)
            path = out / "formats" / f"{doc_id}_p{n}.heic"
            distortion.update(_save_heic(img, path, rng))
            files.append(str(path.relative_to(out)))
            params.append(distortion)
        entries[doc_id] = {"kind": "heic", "files": files, "photos": params}
    index.write_text(json.dumps({"stamp": stamp, "documents": entries}, ensure_ascii=False), encoding="utf-8")
    return entries


def extract(entries: dict[str, dict[str, Any]], manifest: dict, files_dir: Path, bench: Any) -> dict[str, Any]:
    """Text of each OFD/HEIC document from its files, and the OCR figures of the HEIC pages."""
    from indexers.extract import PageText

    cache = files_dir / "extract-cache"
    cache.mkdir(parents=True, exist_ok=True)
    lib = bench._library_hash()
    texts, ocr_pages, ofd_seconds = {}, [], []
    for doc_id, entry in sorted(entries.items()):
        media_type = "application/ofd" if entry["kind"] == "ofd" else "image/heif"
        pages = []
        for n, name in enumerate(entry["files"], start=1):
            got, seconds, hit = bench._extract_file(files_dir / name, media_type, cache, lib)
            if entry["kind"] == "ofd":
                pages.extend(got)
                ofd_seconds.append(seconds)
                continue
            text = "\n".join(p.text for p in got)
            pages.append(PageText(n, text, "ocr"))
            ref, hyp = normalise(manifest["documents"][doc_id]["page_texts"][n - 1]), normalise(text)
            edits = bench.levenshtein(ref, hyp)
            orientation = entry["photos"][n - 1]["exif_orientation"]
            ocr_pages.append({"doc": doc_id, "page": n, "ref_chars": len(ref), "edits": edits, "seconds": seconds})
            ocr_pages[-1].update(cached=hit, exif_orientation=orientation)
        texts[doc_id] = bench.Extracted(pages, 0.0, entry["kind"])
    chars = sum(p["ref_chars"] for p in ocr_pages)
    fresh = [p["seconds"] for p in ocr_pages if not p["cached"]]
    return {
        "texts": texts,
        "heic_pages": len(ocr_pages),
        "heic_sideways_pages": sum(1 for p in ocr_pages if p["exif_orientation"] != 1),
        "heic_char_accuracy": 1 - sum(p["edits"] for p in ocr_pages) / chars if chars else None,
        "heic_worst_page": min((1 - p["edits"] / max(1, p["ref_chars"]) for p in ocr_pages), default=None),
        "heic_seconds_per_page": sum(p["seconds"] for p in ocr_pages) / len(ocr_pages) if ocr_pages else None,
        "heic_measured_now": len(fresh),
        "ofd_seconds_per_document": sum(ofd_seconds) / len(ofd_seconds) if ofd_seconds else None,
    }


def pair_recall(queries: list[dict], run: dict, members: set[str]) -> tuple[float | None, int, list[str]]:
    """Share of (query, document in ``members``) answer pairs in the top 10; the pairs missed."""
    by_id = {r["id"]: set(r["ids"][:10]) for r in run["results"]}
    pairs, missed = 0, []
    for q in queries:
        if not q["relevant"] or len(q["relevant"]) > 10:
            continue
        for doc_id in set(q["relevant"]) & members:
            pairs += 1
            if doc_id not in by_id[q["id"]]:
                missed.append(f"{q['id']}:{doc_id}")
    return ((pairs - len(missed)) / pairs if pairs else None), pairs, missed


def measure(
    docs: list[dict], queries: list[dict], manifest: dict, files_dir: Path, backends: list[tuple[str, str]], bench: Any
) -> dict[str, Any]:
    """Index the corpus with its OFD/HEIC documents read from their files, on every backend, and score them.

    ``bench`` is evaluate.py's module (``perfect_all``, ``dossiers``, ``run_backend``, ``score``,
    ``_extract_file``, ``levenshtein``).
    """
    started = time.perf_counter()
    entries = write_files(docs, manifest, files_dir)
    extracted = extract(entries, manifest, files_dir, bench)
    texts = {**bench.perfect_all(docs), **extracted.pop("texts")}
    dossier_docs = bench.dossiers(docs, texts)
    ofd = {d for d, e in entries.items() if e["kind"] == "ofd"}
    heic = {d for d, e in entries.items() if e["kind"] == "heic"}
    runs = []
    for name, url in backends:
        print(f"indexing and searching: OFD and HEIC documents / {name} ...", file=sys.stderr)
        run = bench.run_backend(name, url, docs, dossier_docs, queries)
        s = bench.score(queries, run, heic)
        ofd_recall, ofd_pairs, ofd_missed = pair_recall(queries, run, ofd)
        heic_recall, heic_pairs, heic_missed = pair_recall(queries, run, heic)
        runs.append(
            {
                "backend": name,
                "recall_at_10": s["recall_at_10"],
                "mrr": s["mrr"],
                "wrong_returned": s["wrong_returned"],
                "ofd_pair_recall": ofd_recall,
                "ofd_pairs": ofd_pairs,
                "ofd_missed": ofd_missed,
                "heic_pair_recall": heic_recall,
                "heic_pairs": heic_pairs,
                "heic_missed": heic_missed,
            }
        )
    return {
        "ofd_documents": len(ofd),
        "heic_documents": len(heic),
        **extracted,
        "runs": runs,
        "seconds": time.perf_counter() - started,
    }


def _f(value: float | None, digits: int = 3) -> str:
    return "-" if value is None else f"{value:.{digits}f}"


def print_report(result: dict[str, Any]) -> None:
    print(
        f"OFD and HEIC: {result['ofd_documents']} documents as OFD"
        f" ({_f(result['ofd_seconds_per_document'], 3)} s each),"
        f" {result['heic_documents']} as HEIC photos ({result['heic_pages']} pages,"
        f" {result['heic_sideways_pages']} sideways by EXIF)"
    )
    print(
        f"  HEIC OCR: character accuracy (1-CER) {_f(result['heic_char_accuracy'], 4)}, worst page"
        f" {_f(result['heic_worst_page'])}, {_f(result['heic_seconds_per_page'], 2)} s/page"
    )
    for run in result["runs"]:
        print(
            f"  {run['backend']}: OFD found by their text {_f(run['ofd_pair_recall'])} of {run['ofd_pairs']} answers,"
            f" HEIC {_f(run['heic_pair_recall'])} of {run['heic_pairs']}; all queries recall@10"
            f" {_f(run['recall_at_10'])}, MRR {_f(run['mrr'])}, wrong {run['wrong_returned']}"
        )
        for missed in (run["ofd_missed"] + run["heic_missed"])[:8]:
            print(f"     missed {missed}")


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=None, help="generated files (default: the cache, see generate.py)")
    args = ap.parse_args(argv)
    out = args.out or generate.cache_root()
    if generate.main(["--out", str(out)]) != 0:
        return 1
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    entries = write_files(load_jsonl(CORPUS), manifest, out)
    for doc_id, entry in sorted(entries.items()):
        print(f"{entry['kind']:<5} {doc_id}: {', '.join(entry['files'])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
