"""Generate the benchmark's files: a text-layer PDF per corpus document and
phone-photo-like "scans" (JPEG) of a subset, into the cache (never the repo).

    python bench/search_quality/generate.py [--out DIR] [--force]

Output (default ``$ONEWINDOW_CACHE_DIR/bench/search_quality``, the cache being
``/var/cache/onewindow`` as root and ``~/.cache/onewindow`` otherwise):

* ``pdf/<id>.pdf``: A4, the document's text laid out in lines of at most
  40 ideographs (so phrases are cut across lines as in real PDFs), CJK font
  embedded (WenQuanYi Zen Hei, Debian ``fonts-wqy-zenhei``, or Noto Sans CJK,
  ``fonts-noto-cjk``);
* ``scan/<id>_p<n>.jpg`` for the scan subset: each page drawn at 200-300 dpi
  with the same layout, then photographed: off-white paper and uneven light,
  grey ink, a small rotation, blur, sensor noise, JPEG compression, and for
  about a quarter of the pages a sideways sensor image with an EXIF
  orientation tag (as phones store portrait photos);
* ``manifest.json``: files, page texts (the ground truth for OCR accuracy),
  the distortion parameters and the inputs' hashes.

Everything is seeded: the same corpus and font give the same files. Nothing is
fetched; needs reportlab and Pillow.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import random
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from label import CORPUS, load_jsonl  # noqa: E402

SEED = 4242
SCAN_COUNT = 48
SCAN_MAX_CHARS = 1900  # documents short enough for one or two pages

PAGE_W, PAGE_H = 595.28, 841.89  # A4 in points
MARGIN_X, MARGIN_TOP, MARGIN_BOTTOM = 56.0, 60.0, 60.0
BODY_SIZE, BODY_LEADING = 12.0, 20.0
TITLE_SIZE, TITLE_LEADING = 16.0, 28.0
HEAD_SIZE, HEAD_LEADING = 13.0, 24.0
TEXT_W = PAGE_W - 2 * MARGIN_X  # 483 pt: 40 ideographs of 12 pt

# Characters that may not start a line (禁则): they hang into the margin instead.
NO_LINE_START = set("，。、；：？！）》」』”’〕】…%,.;:?!)]")

FONT_CANDIDATES = [
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
]


def cache_root() -> Path:
    if os.environ.get("ONEWINDOW_CACHE_DIR"):
        base = Path(os.environ["ONEWINDOW_CACHE_DIR"])
    elif os.geteuid() == 0:
        base = Path("/var/cache/onewindow")
    else:
        base = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "onewindow"
    return base / "bench" / "search_quality"


def find_font() -> Path:
    env = os.environ.get("ONEWINDOW_BENCH_FONT")
    for cand in ([env] if env else []) + FONT_CANDIDATES:
        if cand and Path(cand).is_file():
            return Path(cand)
    raise SystemExit(
        "no CJK font found: apt-get install fonts-wqy-zenhei (or fonts-noto-cjk), or set ONEWINDOW_BENCH_FONT"
    )


@dataclass(frozen=True)
class Line:
    text: str
    size: float
    leading: float
    centred: bool = False


class Layout:
    """Lays text out in lines and pages with the font's real advance widths."""

    def __init__(self, font_path: Path) -> None:
        from reportlab.pdfbase import pdfmetrics
        from reportlab.pdfbase.ttfonts import TTFont

        self.font_path = font_path
        self.font_name = "BenchCJK"
        if self.font_name not in pdfmetrics.getRegisteredFontNames():
            pdfmetrics.registerFont(TTFont(self.font_name, str(font_path), subfontIndex=0))
        self._width = pdfmetrics.stringWidth

    def width(self, text: str, size: float) -> float:
        return self._width(text, self.font_name, size)

    def wrap(self, para: str, size: float) -> list[str]:
        lines: list[str] = []
        cur = ""
        for ch in para:
            if cur and self.width(cur + ch, size) > TEXT_W and ch not in NO_LINE_START:
                lines.append(cur)
                cur = ch
            else:
                cur += ch
        if cur:
            lines.append(cur)
        return lines

    def pages(self, text: str) -> list[list[Line]]:
        paras = [p.strip() for p in text.split("\n")]
        lines: list[Line] = []
        for n, para in enumerate(p for p in paras if p):
            if n == 0:
                size, leading, centred = TITLE_SIZE, TITLE_LEADING, True
            elif para.startswith("第") and ("章" in para[:6] or "节" in para[:6]) and len(para) < 30:
                size, leading, centred = HEAD_SIZE, HEAD_LEADING, False
            else:
                size, leading, centred = BODY_SIZE, BODY_LEADING, False
            lines.extend(Line(t, size, leading, centred) for t in self.wrap(para, size))
        pages: list[list[Line]] = [[]]
        used = 0.0
        avail = PAGE_H - MARGIN_TOP - MARGIN_BOTTOM
        for line in lines:
            if pages[-1] and used + line.leading > avail:
                pages.append([])
                used = 0.0
            pages[-1].append(line)
            used += line.leading
        return pages


def page_texts(pages: list[list[Line]]) -> list[str]:
    return ["\n".join(line.text for line in page) for page in pages]


def write_pdf(layout: Layout, pages: list[list[Line]], title: str, path: Path) -> None:
    from reportlab.pdfgen import canvas

    c = canvas.Canvas(str(path), pagesize=(PAGE_W, PAGE_H), invariant=1, pageCompression=1)
    c.setTitle(title)
    c.setAuthor("OneWindow search quality benchmark")
    for page in pages:
        y = PAGE_H - MARGIN_TOP
        for line in page:
            y -= line.leading
            c.setFont(layout.font_name, line.size)
            x = (PAGE_W - layout.width(line.text, line.size)) / 2 if line.centred else MARGIN_X
            c.drawString(x, y + (line.leading - line.size) * 0.4, line.text)
        c.showPage()
    c.save()


def render_page(layout: Layout, page: list[Line], dpi: int, ink: int, paper: int):
    from PIL import Image, ImageDraw, ImageFont

    scale = dpi / 72.0
    img = Image.new("L", (round(PAGE_W * scale), round(PAGE_H * scale)), paper)
    draw = ImageDraw.Draw(img)
    fonts: dict[float, ImageFont.FreeTypeFont] = {}
    y = MARGIN_TOP
    for line in page:
        font = fonts.get(line.size) or fonts.setdefault(
            line.size, ImageFont.truetype(str(layout.font_path), round(line.size * scale), index=0)
        )
        x = (PAGE_W - layout.width(line.text, line.size)) / 2 if line.centred else MARGIN_X
        baseline = y + line.leading - (line.leading - line.size) * 0.4
        draw.text((x * scale, baseline * scale), line.text, fill=ink, font=font, anchor="ls")
        y += line.leading
    return img


def photograph(img, rng: random.Random, paper: int):
    """Phone-photo distortions, all drawn from ``rng``."""
    from PIL import Image, ImageFilter

    w, h = img.size
    # uneven light: a vertical and horizontal brightness ramp
    ramp = Image.linear_gradient("L").resize((w, h))
    if rng.random() < 0.5:
        ramp = ramp.transpose(Image.Transpose.ROTATE_90).resize((w, h))
    dark = Image.new("L", (w, h), max(0, paper - rng.randint(25, 45)))
    img = Image.composite(img, Image.blend(img, dark, 0.6), ramp)
    angle = rng.uniform(-2.0, 2.0)
    img = img.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor=paper)
    blur = rng.uniform(0.5, 1.1) * (w / 2067)
    img = img.filter(ImageFilter.GaussianBlur(blur))
    noise = Image.frombytes("L", img.size, rng.randbytes(img.size[0] * img.size[1]))
    alpha = rng.uniform(0.05, 0.09)
    img = Image.blend(img, noise, alpha)
    return img, {"angle": round(angle, 3), "blur": round(blur, 3), "noise_alpha": round(alpha, 3)}


def save_jpeg(img, path: Path, rng: random.Random) -> dict:
    from PIL import Image

    quality = rng.randint(72, 88)
    orientation = 1
    if rng.random() < 0.25:
        # stored sideways: the viewer must turn it upright from the EXIF tag
        orientation = rng.choice([6, 8])
        img = img.transpose(Image.Transpose.ROTATE_90 if orientation == 6 else Image.Transpose.ROTATE_270)
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x010F] = "OneWindowBench"
    exif[0x0110] = "SimulatedPhone"
    img.convert("RGB").save(path, "JPEG", quality=quality, exif=exif.tobytes(), optimize=True)
    return {"quality": quality, "exif_orientation": orientation}


def sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def scan_subset(docs: list[dict]) -> list[str]:
    eligible = sorted(d["id"] for d in docs if len(d["text"]) <= SCAN_MAX_CHARS)
    rng = random.Random(SEED)
    return sorted(rng.sample(eligible, min(SCAN_COUNT, len(eligible))))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, default=None, help="output directory (default: the cache)")
    ap.add_argument("--corpus", type=Path, default=CORPUS)
    ap.add_argument("--force", action="store_true", help="regenerate even if the manifest matches")
    ap.add_argument("--limit", type=int, default=0, help="only the first N documents (smoke runs)")
    args = ap.parse_args(argv)

    out = args.out or cache_root()
    docs = load_jsonl(args.corpus)
    if args.limit:
        docs = docs[: args.limit]
    font = find_font()
    corpus_sha = hashlib.sha256(args.corpus.read_bytes()).hexdigest()
    generator_sha = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()
    manifest_path = out / "manifest.json"
    if manifest_path.exists() and not args.force:
        old = json.loads(manifest_path.read_text(encoding="utf-8"))
        if (old.get("corpus_sha256"), old.get("generator_sha256"), old.get("font"), old.get("limit")) == (
            corpus_sha,
            generator_sha,
            str(font),
            args.limit,
        ):
            print(f"up to date: {manifest_path}")
            return 0
    (out / "pdf").mkdir(parents=True, exist_ok=True)
    (out / "scan").mkdir(parents=True, exist_ok=True)
    layout = Layout(font)
    scans = set(scan_subset(docs))
    started = time.monotonic()
    entries = {}
    for doc in docs:
        pages = layout.pages(doc["text"])
        pdf = out / "pdf" / f"{doc['id']}.pdf"
        write_pdf(layout, pages, doc["title"], pdf)
        entry = {
            "pdf": str(pdf.relative_to(out)),
            "pdf_sha256": sha256(pdf),
            "pages": len(pages),
            "page_texts": page_texts(pages),
            "scan": [],
        }
        if doc["id"] in scans:
            rng = random.Random(f"{SEED}:{doc['id']}")
            for n, page in enumerate(pages, start=1):
                dpi = rng.randint(200, 300)
                paper = rng.randint(232, 250)
                ink = rng.randint(25, 70)
                img = render_page(layout, page, dpi, ink, paper)
                img, params = photograph(img, rng, paper)
                jpg = out / "scan" / f"{doc['id']}_p{n}.jpg"
                params.update(save_jpeg(img, jpg, rng))
                entry["scan"].append({"path": str(jpg.relative_to(out)), "sha256": sha256(jpg), "dpi": dpi, **params})
        entries[doc["id"]] = entry
    manifest = {
        "corpus_sha256": corpus_sha,
        "generator_sha256": generator_sha,
        "font": str(font),
        "limit": args.limit,
        "seed": SEED,
        "documents": entries,
    }
    manifest_path.write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
    n_scan_pages = sum(len(e["scan"]) for e in entries.values())
    print(
        f"{len(entries)} PDFs ({sum(e['pages'] for e in entries.values())} pages), "
        f"{len(scans & set(entries))} scanned documents ({n_scan_pages} JPEG pages) in {out} "
        f"[{time.monotonic() - started:.1f} s]"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
