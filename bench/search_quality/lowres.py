"""Low-resolution flatbed scans for the search quality benchmark (issue #15, item 2).

    python bench/search_quality/lowres.py [--pages N] [--force] [--out DIR]

A clerk's flatbed scanner at its default setting: each page of a few corpus
documents drawn with ``generate.py``'s layout at 150-200 dpi, the sheet
placed up to 2 degrees askew on the glass, paper grain and dust, saved as a
JPEG at quality 75 that records its dpi (as scanners do). Everything is
seeded; files are cached under ``<benchmark cache>/lowres/`` with a manifest
keyed by the corpus, the generators and the font.

Run on its own, the command OCRs every page through ``indexers.extract`` twice
in the same run, interleaved: BEFORE (the preprocessing and plain-text reading
as they were, selected with ``Tesseract(low_resolution=False)``; the clean-up
of ``ocr_text.clean_ocr_text`` applies to both) and AFTER (the current ones), and
prints character accuracy (1 - CER, text normalised as ``label.py`` does)
and seconds per page for both. ``evaluate.py`` indexes these documents from
their scans only (see ``add_to_manifest``) and reports them separately.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
sys.path.insert(0, str(HERE))
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import generate  # noqa: E402
from label import CORPUS, load_jsonl, normalise  # noqa: E402

SEED = 1515
PAGES = 32
DPI_RANGE = (150, 200)
MAX_ANGLE = 2.0
JPEG_QUALITY = 75
KIND = "lowres"


def _levenshtein(a: str, b: str) -> int:
    from evaluate import levenshtein

    return levenshtein(a, b)


def choose_documents(docs: list[dict], pages: int, layout: generate.Layout) -> list[tuple[dict, list]]:
    """Seeded documents (outside the phone-photo subset) until their pages reach ``pages``."""
    photographed = set(generate.scan_subset(docs))
    eligible = sorted(
        (d for d in docs if len(d["text"]) <= generate.SCAN_MAX_CHARS and d["id"] not in photographed),
        key=lambda d: d["id"],
    )
    random.Random(SEED).shuffle(eligible)
    chosen: list[tuple[dict, list]] = []
    total = 0
    for doc in eligible:
        if total >= pages:
            break
        laid_out = layout.pages(doc["text"])
        chosen.append((doc, laid_out))
        total += len(laid_out)
    return chosen


def flatbed(img, rng: random.Random, paper: int):
    """Scanner distortions, all drawn from ``rng``: skew, optics blur, paper grain, dust."""
    from PIL import Image, ImageDraw, ImageFilter

    w, h = img.size
    angle = rng.uniform(-MAX_ANGLE, MAX_ANGLE)
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=False, fillcolor=paper)
    img = img.filter(ImageFilter.GaussianBlur(rng.uniform(0.3, 0.6)))
    # paper grain: coarse mottling (noise enlarged and blurred) and fine per-pixel noise
    mottle = Image.frombytes("L", (w // 8, h // 8), rng.randbytes((w // 8) * (h // 8)))
    mottle = mottle.resize((w, h), Image.Resampling.BILINEAR).filter(ImageFilter.GaussianBlur(3))
    img = Image.blend(img, mottle, rng.uniform(0.04, 0.08))
    grain = Image.frombytes("L", (w, h), rng.randbytes(w * h))
    alpha = rng.uniform(0.06, 0.10)
    img = Image.blend(img, grain, alpha)
    draw = ImageDraw.Draw(img)
    for _ in range(rng.randint(20, 60)):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h), rng.uniform(0.5, 1.8)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.randint(40, 140))
    return img, {"angle": round(angle, 3), "grain_alpha": round(alpha, 3)}


def cache_dir(out: Path | None = None) -> Path:
    return (out or generate.cache_root()) / KIND


def _inputs_sha(corpus: Path, font: Path, pages: int) -> str:
    h = hashlib.sha256()
    for part in (corpus.read_bytes(), Path(__file__).read_bytes(), Path(generate.__file__).read_bytes()):
        h.update(hashlib.sha256(part).digest())
    h.update(f"{font}|{pages}".encode())
    return h.hexdigest()


def build(pages: int = PAGES, out: Path | None = None, corpus: Path = CORPUS, force: bool = False) -> dict:
    """The scans' manifest, generating them first unless the cached ones match the inputs."""
    docs = load_jsonl(corpus)
    font = generate.find_font()
    root = cache_dir(out)
    manifest_path = root / "manifest.json"
    inputs = _inputs_sha(corpus, font, pages)
    if manifest_path.exists() and not force:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
        if old.get("inputs_sha256") == inputs:
            return old
    root.mkdir(parents=True, exist_ok=True)
    layout = generate.Layout(font)
    documents = {}
    for doc, laid_out in choose_documents(docs, pages, layout):
        rng = random.Random(f"{SEED}:{doc['id']}")
        scans = []
        for n, page in enumerate(laid_out, start=1):
            dpi = rng.randint(*DPI_RANGE)
            paper = rng.randint(228, 246)
            img = generate.render_page(layout, page, dpi, rng.randint(20, 60), paper)
            img, params = flatbed(img, rng, paper)
            jpg = root / f"{doc['id']}_p{n}.jpg"
            img.convert("RGB").save(jpg, "JPEG", quality=JPEG_QUALITY, dpi=(dpi, dpi))
            scans.append({"path": f"{KIND}/{jpg.name}", "sha256": generate.sha256(jpg), "dpi": dpi, **params})
        documents[doc["id"]] = {"page_texts": generate.page_texts(laid_out), "scan": scans}
    manifest = {"inputs_sha256": inputs, "seed": SEED, "pages": pages, "documents": documents}
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    return manifest


# --- hooks for evaluate.py -----------------------------------------------------


def add_to_manifest(manifest: dict, files_dir: Path, corpus: Path = CORPUS) -> set[str]:
    """Turn the low-resolution documents into scan-only ones in ``generate.py``'s manifest; their ids.

    Their scans live in ``files_dir/lowres/``, so evaluate.py finds them by
    the same relative paths as the phone photos.
    """
    low = build(out=files_dir, corpus=corpus)
    for doc_id, entry in low["documents"].items():
        manifest["documents"][doc_id]["scan"] = [{**s, "kind": KIND} for s in entry["scan"]]
    return set(low["documents"])


def summarise(texts: dict, queries: list[dict], runs: list[dict], ids: set[str]) -> dict | None:
    """evaluate.py's figures for the low-resolution documents: OCR accuracy, s/page, recall of their answers.

    ``texts`` is evaluate.py's extraction (document id -> Extracted), ``runs``
    its backend runs; recall counts (query, relevant low-resolution document)
    pairs found in the top 10, for queries with at most 10 relevant documents.
    """
    pages = [p for doc_id in ids if doc_id in texts for p in texts[doc_id].ocr_pages]
    if not pages:
        return None
    chars = sum(p["ref_chars"] for p in pages)
    recall = {}
    for run in runs:
        if run["mode"] == "e2e":
            recall[run["backend"]] = _answer_recall(queries, run, ids)
    return {
        "documents": len(ids),
        "pages": len(pages),
        "char_accuracy": 1 - sum(p["edits"] for p in pages) / max(1, chars),
        "min_page_accuracy": min(p["accuracy"] for p in pages),
        "seconds_per_page": statistics.fmean(p["seconds"] for p in pages),
        "recall": recall,
    }


def _answer_recall(queries: list[dict], run: dict, ids: set[str], top: int = 10) -> dict:
    by_id = {r["id"]: r["ids"][:top] for r in run["results"]}
    found = pairs = 0
    for q in queries:
        if not q["relevant"] or len(q["relevant"]) > top:
            continue
        for d in set(q["relevant"]) & ids:
            pairs += 1
            found += d in by_id[q["id"]]
    return {"found": found, "pairs": pairs, "recall": found / pairs if pairs else None}


def print_report(summary: dict | None) -> None:
    if not summary:
        return
    recall = ", ".join(f"{b} {r['found']}/{r['pairs']}" for b, r in summary["recall"].items())
    print(
        f"low-resolution scans: {summary['pages']} pages of {summary['documents']} documents, OCR accuracy "
        f"{summary['char_accuracy']:.4f} (worst page {summary['min_page_accuracy']:.3f}), "
        f"{summary['seconds_per_page']:.2f} s/page, recall of their answers: {recall or '-'}"
    )


# --- standalone before/after ---------------------------------------------------


def _ocr_page(engine, path: Path) -> tuple[str, float]:
    from indexers.extract.ocr import ocr_image_file

    started = time.perf_counter()
    text = "\n".join(ocr_image_file(path, engine))
    return text, time.perf_counter() - started


def compare(manifest: dict, root: Path, variants: dict[str, Callable[[], object]]) -> dict[str, dict]:
    """Each variant's accuracy and s/page on every page, variants interleaved page by page."""
    results: dict[str, dict] = {name: {"edits": 0, "chars": 0, "seconds": [], "worst": 1.0} for name in variants}
    order = list(variants)
    n = 0
    for entry in manifest["documents"].values():
        for scan, truth in zip(entry["scan"], entry["page_texts"], strict=True):
            ref = normalise(truth)
            for name in order if n % 2 == 0 else reversed(order):
                text, seconds = _ocr_page(variants[name](), root / scan["path"])
                edits = _levenshtein(ref, normalise(text))
                r = results[name]
                r["edits"] += edits
                r["chars"] += len(ref)
                r["seconds"].append(seconds)
                r["worst"] = min(r["worst"], 1 - edits / max(1, len(ref)))
            n += 1
            print(f"  page {n}: " + ", ".join(f"{k} {1 - v['edits'] / v['chars']:.4f}" for k, v in results.items()))
    return results


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--pages", type=int, default=PAGES, help=f"about this many pages (default {PAGES})")
    ap.add_argument("--out", type=Path, default=None, help="benchmark cache (default: generate.py's)")
    ap.add_argument("--force", action="store_true", help="regenerate even if cached")
    ap.add_argument("--after-only", action="store_true", help="skip the BEFORE variant")
    args = ap.parse_args(argv)

    from indexers.extract.ocr import Tesseract

    started = time.perf_counter()
    manifest = build(args.pages, args.out, force=args.force)
    root = cache_dir(args.out).parent
    n_pages = sum(len(e["scan"]) for e in manifest["documents"].values())
    print(
        f"{n_pages} pages of {len(manifest['documents'])} documents, {DPI_RANGE[0]}-{DPI_RANGE[1]} dpi, "
        f"up to {MAX_ANGLE} degrees askew, JPEG q{JPEG_QUALITY} [{time.perf_counter() - started:.1f} s]"
    )
    variants: dict[str, Callable[[], object]] = {"AFTER": Tesseract}
    if not args.after_only:
        variants = {"BEFORE": lambda: Tesseract(low_resolution=False), **variants}
    results = compare(manifest, root, variants)
    for name, r in results.items():
        print(
            f"{name:<6} character accuracy {1 - r['edits'] / max(1, r['chars']):.4f} "
            f"(worst page {r['worst']:.3f}), {statistics.fmean(r['seconds']):.2f} s/page "
            f"(median {statistics.median(r['seconds']):.2f})"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
