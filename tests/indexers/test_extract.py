"""Tests for indexers.extract: text, OCR, previews, sniffing and hostile input.

Test files are generated here (see fixtures/extract_samples.py). OCR tests
need tesseract with chi_sim and rendering tests need pdftoppm; without them
they skip with the reason, except under CI=true, where they fail, because CI
installs them.
"""

from __future__ import annotations

import importlib.util
import io
import os
import shutil
import threading
import time
import zipfile
from pathlib import Path

import pytest
from PIL import Image

from indexers.extract import (
    ExtractionFailed,
    Limits,
    OcrUnavailable,
    PdfWorker,
    Tesseract,
    check_usable,
    clean_ocr_text,
    count_pages,
    extract_text,
    image_preview,
    iter_previews,
    pdf_page_preview,
    sniff_file,
    sniff_media_type,
)

IN_CI = os.environ.get("CI", "").lower() == "true"

_spec = importlib.util.spec_from_file_location(
    "extract_samples", Path(__file__).with_name("fixtures") / "extract_samples.py"
)
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)


def require(ok: bool, reason: str) -> None:
    """Skip without a prerequisite, but fail under CI, which must have it."""
    if ok:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def require_ocr() -> None:
    require(
        Tesseract().available(), "tesseract with chi_sim is not installed (apt: tesseract-ocr tesseract-ocr-chi-sim)"
    )
    require(shutil.which("pdftoppm") is not None, "pdftoppm is not installed (apt: poppler-utils)")


def require_pdf_tools() -> None:
    require(samples.cjk_font_path() is not None, "no CJK font (apt: fonts-wqy-zenhei)")
    require(importlib.util.find_spec("reportlab") is not None, "reportlab is not installed (pip: reportlab)")


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("extract")


@pytest.fixture(scope="module")
def text_pdf(workdir: Path) -> tuple[Path, list[str]]:
    require_pdf_tools()
    path = workdir / "guide.pdf"
    drawn = samples.make_text_pdf(path, [samples.dense_page_text(0, 3), samples.dense_page_text(5, 2)])
    return path, drawn


@pytest.fixture(scope="module")
def scan_image(workdir: Path) -> tuple[Path, str]:
    require(samples.cjk_font_path() is not None, "no CJK font (apt: fonts-wqy-zenhei)")
    img, drawn = samples.render_text_image(samples.PARAGRAPHS[1] + "\n" + samples.PARAGRAPHS[4], width=1800)
    path = workdir / "scan.png"
    samples.degrade(img, seed=3).save(path, dpi=(300, 300))
    return path, drawn


@pytest.fixture(scope="module")
def scanned_pdf(workdir: Path) -> tuple[Path, str]:
    require(samples.cjk_font_path() is not None, "no CJK font (apt: fonts-wqy-zenhei)")
    img, drawn = samples.render_text_image(samples.PARAGRAPHS[2] + "\n" + samples.PARAGRAPHS[8], width=1800)
    path = workdir / "scanned.pdf"
    samples.make_scanned_pdf(path, [samples.degrade(img, seed=5)])
    return path, drawn


# --- sniffing --------------------------------------------------------------


def _encoded(fmt: str, **kw: object) -> bytes:
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(buf, format=fmt, **kw)
    return buf.getvalue()


@pytest.mark.parametrize(
    "fmt, expected",
    [
        ("JPEG", "image/jpeg"),
        ("PNG", "image/png"),
        ("TIFF", "image/tiff"),
        ("WEBP", "image/webp"),
        ("GIF", "image/gif"),
        ("BMP", "image/bmp"),
    ],
)
def test_sniff_images_by_content(fmt: str, expected: str) -> None:
    assert sniff_media_type(_encoded(fmt)) == expected


def test_sniff_ignores_the_name(text_pdf: tuple[Path, list[str]], tmp_path: Path) -> None:
    disguised = tmp_path / "photo.jpg"
    shutil.copy(text_pdf[0], disguised)
    assert sniff_file(disguised) == "application/pdf"
    assert check_usable(disguised, "image/jpeg") == (False, "content is application/pdf, declared image/jpeg")
    assert check_usable(disguised, "application/pdf")[0]


def test_sniff_pdf_after_junk_and_unknown_bytes() -> None:
    assert sniff_media_type(b"\r\n\x00junk%PDF-1.7\n") == "application/pdf"
    assert sniff_media_type(b"MZ\x90\x00 not a document") == "application/octet-stream"
    assert sniff_media_type(b"") == "application/octet-stream"


def _ofd(path: Path, pages: int, ofd_first: bool = True) -> None:
    ofd_xml = '<ofd:OFD xmlns:ofd="http://www.ofdspec.org/2016"><ofd:DocBody><ofd:DocRoot>Doc_0/Document.xml</ofd:DocRoot></ofd:DocBody></ofd:OFD>'
    page_list = "".join(f'<ofd:Page ID="{i}" BaseLoc="Pages/Page_{i}/Content.xml"/>' for i in range(pages))
    document = (
        f'<ofd:Document xmlns:ofd="http://www.ofdspec.org/2016"><ofd:Pages>{page_list}</ofd:Pages></ofd:Document>'
    )
    with zipfile.ZipFile(path, "w") as zf:
        if not ofd_first:
            zf.writestr("Doc_0/Document.xml", document)
        zf.writestr("OFD.xml", ofd_xml)
        if ofd_first:
            zf.writestr("Doc_0/Document.xml", document)
        for i in range(pages):
            zf.writestr(f"Doc_0/Pages/Page_{i}/Content.xml", '<ofd:Page xmlns:ofd="http://www.ofdspec.org/2016"/>')


def test_ofd_sniff_count_and_check(tmp_path: Path) -> None:
    first, later = tmp_path / "a.bin", tmp_path / "b.bin"
    _ofd(first, 3)
    _ofd(later, 2, ofd_first=False)
    assert sniff_media_type(first.read_bytes()[:1024]) == "application/ofd"
    assert sniff_media_type(later.read_bytes()[:1024]) == "application/zip"
    assert sniff_file(later) == "application/ofd"
    assert count_pages(first) == 3 and count_pages(later) == 2
    assert check_usable(first) == (True, "OFD, 3 page(s)")


# --- text layer ------------------------------------------------------------


def test_text_layer_per_page(text_pdf: tuple[Path, list[str]]) -> None:
    path, drawn = text_pdf
    pages = extract_text(path)
    assert [(p.page_no, p.source) for p in pages] == [(1, "text"), (2, "text")]
    for page, expected in zip(pages, drawn, strict=True):
        assert samples.normalise(page.text) == samples.normalise(expected)
    assert "一窗受理" in samples.normalise(pages[0].text)


def test_which_pages_go_to_ocr(tmp_path: Path, scanned_pdf: tuple[Path, str]) -> None:
    require_pdf_tools()
    from indexers.extract.pdf import text_layer

    cover = tmp_path / "cover.pdf"
    samples.make_text_pdf(cover, ["附件一"])
    assert [(p["text"].strip(), p["ocr"]) for p in text_layer(cover)] == [("附件一", False)]
    garbled = tmp_path / "garbled.pdf"
    samples.glyph_garbage_pdf(garbled)
    assert [p["ocr"] for p in text_layer(garbled)] == [True]
    assert [(p["text"], p["ocr"]) for p in text_layer(scanned_pdf[0])] == [("", True)]


def test_count_pages_and_check_pdf(text_pdf: tuple[Path, list[str]]) -> None:
    assert count_pages(text_pdf[0]) == 2
    assert check_usable(text_pdf[0]) == (True, "PDF, 2 page(s)")


def test_max_pages_limit(text_pdf: tuple[Path, list[str]]) -> None:
    with pytest.raises(ExtractionFailed) as err:
        extract_text(text_pdf[0], limits=Limits(max_pages=1))
    assert err.value.reason == "too_many_pages"


def test_encrypted_pdf_is_reported(text_pdf: tuple[Path, list[str]], tmp_path: Path) -> None:
    from pypdf import PdfWriter

    writer = PdfWriter(clone_from=str(text_pdf[0]))
    writer.encrypt(user_password="secret", owner_password="owner", algorithm="RC4-128")
    locked = tmp_path / "locked.pdf"
    with open(locked, "wb") as fh:
        writer.write(fh)
    with pytest.raises(ExtractionFailed) as err:
        extract_text(locked)
    assert err.value.reason == "encrypted"


# --- hostile PDFs ----------------------------------------------------------


def _fails(
    path: Path, reason: str, limits: Limits = Limits(), within_s: float = 60.0, worker: PdfWorker | None = None
) -> None:
    started = time.monotonic()
    with pytest.raises(ExtractionFailed) as err:
        extract_text(path, limits=limits, worker=worker)
    assert err.value.reason == reason, str(err.value)
    assert time.monotonic() - started < within_s


def test_garbage_pdf_fails_quickly(tmp_path: Path) -> None:
    samples.garbage_pdf(tmp_path / "garbage.pdf")
    _fails(tmp_path / "garbage.pdf", "unreadable")
    assert check_usable(tmp_path / "garbage.pdf")[0] is False


def test_truncated_pdf_is_not_usable(tmp_path: Path) -> None:
    (tmp_path / "cut.pdf").write_bytes(b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog /Pages 2 0 R")
    _fails(tmp_path / "cut.pdf", "unreadable")


def test_flate_bomb_is_stopped(tmp_path: Path) -> None:
    samples.flate_bomb_pdf(tmp_path / "bomb.pdf")
    _fails(tmp_path / "bomb.pdf", "too_large")
    ok, detail = check_usable(tmp_path / "bomb.pdf")
    assert not ok and "too_large" in detail


def test_page_tree_bomb_is_stopped(tmp_path: Path) -> None:
    samples.page_tree_bomb_pdf(tmp_path / "tree.pdf")
    _fails(tmp_path / "tree.pdf", "too_many_pages")


def test_timeout_kills_the_worker_and_the_next_job_runs(tmp_path: Path, text_pdf: tuple[Path, list[str]]) -> None:
    samples.operator_flood_pdf(tmp_path / "flood.pdf")
    with PdfWorker(memory_mb=2048) as worker:
        worker.run("count", text_pdf[0], Limits())
        pid = worker.pid
        assert pid is not None
        _fails(tmp_path / "flood.pdf", "timeout", Limits(timeout_s=2), within_s=60, worker=worker)
        assert worker.pid is None
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)
        assert extract_text(text_pdf[0], worker=worker)[0].source == "text"


def test_worker_recovers_from_outside_kill_and_recycles(text_pdf: tuple[Path, list[str]]) -> None:
    with PdfWorker(max_jobs=2) as worker:
        worker.run("count", text_pdf[0], Limits())
        first = worker.pid
        assert first is not None
        os.kill(first, 9)
        time.sleep(0.2)
        assert worker.run("count", text_pdf[0], Limits())["page_count"] == 2
        second = worker.pid
        assert second not in (None, first)
        worker.run("count", text_pdf[0], Limits())
        assert worker.pid is None


def test_memory_limit_stops_the_worker(tmp_path: Path) -> None:
    samples.operator_flood_pdf(tmp_path / "flood.pdf")
    _fails(tmp_path / "flood.pdf", "memory", Limits(memory_mb=200, timeout_s=90), within_s=180)


# --- images, EXIF, previews ------------------------------------------------


def test_exif_rotation_is_applied(tmp_path: Path) -> None:
    path = tmp_path / "phone.jpg"
    samples.make_exif_rotated_jpeg(path, (300, 600))
    with Image.open(path) as raw:
        assert raw.size == (600, 300)
    preview = image_preview(path, max_px=320, fmt="jpeg")
    assert (preview.width, preview.height) == (160, 320)
    with Image.open(io.BytesIO(preview.data)) as img:
        assert img.format == "JPEG" and img.size == (160, 320)
        gray = img.convert("L")
        assert gray.getpixel((80, 10)) < 60 and gray.getpixel((80, 300)) > 200


def test_thumbnail_and_preview_sizes(tmp_path: Path) -> None:
    path = tmp_path / "wide.png"
    Image.new("RGBA", (2000, 1000), (10, 20, 30, 128)).save(path)
    got = {(page, size): p for page, size, p in iter_previews(path)}
    assert set(got) == {(1, 320), (1, 1200)}
    assert (got[1, 320].width, got[1, 320].height) == (320, 160)
    assert (got[1, 1200].width, got[1, 1200].height) == (1200, 600)
    with Image.open(io.BytesIO(got[1, 320].data)) as img:
        assert img.format == "WEBP" and img.size == (320, 160)
    small = image_preview(path, max_px=3000)
    assert (small.width, small.height) == (2000, 1000)


def test_pdf_page_previews(text_pdf: tuple[Path, list[str]]) -> None:
    require(shutil.which("pdftoppm") is not None, "pdftoppm is not installed (apt: poppler-utils)")
    got = list(iter_previews(text_pdf[0], sizes=(320, 1200), fmt="jpeg"))
    assert [(page, size) for page, size, _ in got] == [(1, 1200), (1, 320), (2, 1200), (2, 320)]
    for _, size, preview in got:
        assert max(preview.width, preview.height) == size and preview.height > preview.width
        assert preview.media_type == "image/jpeg" and preview.data[:3] == b"\xff\xd8\xff"
    single = pdf_page_preview(text_pdf[0], 2, 320)
    assert single.height == 320 and single.media_type == "image/webp"


def test_image_checks(tmp_path: Path) -> None:
    good = tmp_path / "good.jpg"
    Image.effect_noise((800, 600), 60).convert("RGB").save(good, quality=90)
    assert check_usable(good) == (True, "JPEG 800x600, 1 frame(s)")
    cut = tmp_path / "cut.jpg"
    cut.write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    ok, detail = check_usable(cut)
    assert not ok and "unreadable" in detail
    tiff = tmp_path / "pages.tif"
    frames = [Image.new("L", (50, 50), v) for v in (0, 128, 255)]
    frames[0].save(tiff, save_all=True, append_images=frames[1:])
    assert count_pages(tiff) == 3
    assert check_usable(tmp_path / "good.jpg", "image/jpg")[0]


# --- OCR -------------------------------------------------------------------


def test_clean_ocr_text() -> None:
    raw = "受理 通知书 ; 材料 不齐全 的\n咨询 电话 : 0571-12345 , Office hours 9:00 \n\n\n\f"
    assert clean_ocr_text(raw) == "受理通知书；材料不齐全的\n咨询电话：0571-12345 , Office hours 9:00"


def test_ocr_of_scanned_image(scan_image: tuple[Path, str]) -> None:
    require_ocr()
    path, drawn = scan_image
    pages = extract_text(path)
    assert [(p.page_no, p.source) for p in pages] == [(1, "ocr")]
    assert samples.similarity(drawn, pages[0].text) >= 0.9
    assert " " not in pages[0].text.split("\n")[0][:20]


def test_ocr_of_exif_rotated_scan(scan_image: tuple[Path, str], tmp_path: Path) -> None:
    require_ocr()
    path, drawn = scan_image
    rotated = tmp_path / "rotated.jpg"
    with Image.open(path) as img:
        stored = img.convert("L").transpose(Image.Transpose.ROTATE_90)
    exif = Image.Exif()
    exif[0x0112] = 6
    stored.save(rotated, exif=exif.tobytes(), quality=92, dpi=(300, 300))
    assert samples.similarity(drawn, extract_text(rotated)[0].text) >= 0.9


BLANK_PAGE_LINES = [
    "本办法自二〇二六年一月一日起施行。",
    "申请人对不予受理决定不服的，可以依法申请行政复议。",
    "咨询电话：0571-12345",
]


def test_illumination_is_levelled_and_paper_made_white() -> None:
    from indexers.extract.preprocess import prepare_for_ocr

    require(samples.cjk_font_path() is not None, "no CJK font (apt: fonts-wqy-zenhei)")
    img, _ = samples.nearly_blank_page(BLANK_PAGE_LINES)
    photo = samples.phone_photo(img, seed=2)
    w, h = photo.size
    corners = [(w // 10, h // 10), (w - w // 10, h // 10), (w // 10, h - h // 10), (w - w // 10, h - h // 10)]
    before = [
        photo.crop((x - 20, y - 20, x + 20, y + 20)).resize((1, 1), Image.Resampling.BOX).getpixel((0, 0))
        for x, y in corners
    ]
    assert max(before) - min(before) > 15  # unevenly lit
    cleaned, factor = prepare_for_ocr(photo)
    assert factor == 1.0 and cleaned.mode == "L" and cleaned.size == photo.size
    lower = cleaned.crop((0, h // 3, w, h))  # no text there: only paper, now white
    assert lower.histogram()[255] / (lower.width * lower.height) > 0.99
    text_band = cleaned.crop((100, 150, w - 100, 400)).histogram()
    assert sum(text_band[:200]) > 2000  # the ink is kept


def test_small_images_are_enlarged_for_ocr() -> None:
    from indexers.extract.preprocess import prepare_for_ocr

    cleaned, factor = prepare_for_ocr(Image.new("RGB", (600, 900), "white"))
    assert factor == 2.0 and cleaned.size == (1200, 1800) and cleaned.mode == "L"
    _, factor = prepare_for_ocr(Image.new("L", (1000, 1500), 255), upscale=False)
    assert factor == 1.0
    _, factor = prepare_for_ocr(Image.new("L", (2480, 3508), 255))
    assert factor == 1.0


def test_ocr_of_nearly_blank_unevenly_lit_photo(tmp_path: Path) -> None:
    """A last page with three lines on it, photographed: bare Tesseract 5.3 returns nothing."""
    require_ocr()
    img, drawn = samples.nearly_blank_page(BLANK_PAGE_LINES)
    path = tmp_path / "last_page.jpg"
    samples.phone_photo(img, seed=5).save(path, quality=80)
    pages = extract_text(path)
    assert [(p.page_no, p.source) for p in pages] == [(1, "ocr")]
    assert samples.similarity(drawn, pages[0].text) >= 0.9


def test_ocr_of_image_only_pdf(scanned_pdf: tuple[Path, str]) -> None:
    require_ocr()
    path, drawn = scanned_pdf
    pages = extract_text(path)
    assert [(p.page_no, p.source) for p in pages] == [(1, "ocr")]
    assert samples.similarity(drawn, pages[0].text) >= 0.9


def test_mixed_pdf_keeps_text_pages_and_ocrs_scans(
    text_pdf: tuple[Path, list[str]], scanned_pdf: tuple[Path, str], tmp_path: Path
) -> None:
    require_ocr()
    mixed = tmp_path / "mixed.pdf"
    samples.make_mixed_pdf(mixed, text_pdf[0], scanned_pdf[0])
    pages = extract_text(mixed)
    assert [(p.page_no, p.source) for p in pages] == [(1, "text"), (2, "text"), (3, "ocr")]
    assert samples.similarity(scanned_pdf[1], pages[2].text) >= 0.9


def test_missing_engine_degrades_with_partial_text(
    text_pdf: tuple[Path, list[str]], scanned_pdf: tuple[Path, str], tmp_path: Path
) -> None:
    mixed = tmp_path / "mixed.pdf"
    samples.make_mixed_pdf(mixed, text_pdf[0], scanned_pdf[0])
    absent = Tesseract(binary=str(tmp_path / "no-tesseract"))
    with pytest.raises(OcrUnavailable) as err:
        extract_text(mixed, engine=absent)
    assert [p.page_no for p in err.value.partial] == [1, 2]
    assert err.value.pending_pages == [3]
    assert [p.page_no for p in extract_text(mixed, ocr=False)] == [1, 2]
    with pytest.raises(OcrUnavailable):
        extract_text(scanned_pdf[0], engine=Tesseract(languages="chi_sim+xyz_missing"))


# --- OCR of a scan's pages on every core ---------------------------------------

PAGES_MEET = threading.Barrier(2, timeout=30)


class _PagesThatMeet(Tesseract):
    """Reads a page only while another page of the scan is read at the same moment: one page after
    another, the first page waits at the barrier until it breaks and the extraction fails."""

    def executable(self) -> str:
        return "tesseract"

    def recognize(self, image, *, dpi=None, limits=Limits()) -> str:
        PAGES_MEET.wait()
        return f"第{len(image)}字节"


def test_a_scans_pages_are_read_side_by_side_within_the_cores(workdir: Path, monkeypatch) -> None:
    require(shutil.which("pdftoppm") is not None, "pdftoppm is not installed (apt: poppler-utils)")
    from indexers.extract import pdf

    monkeypatch.setattr(pdf, "OCR_SLOTS", threading.BoundedSemaphore(2))
    monkeypatch.setattr(pdf.os, "cpu_count", lambda: 2)
    path = workdir / "two-page-scan.pdf"
    samples.make_scanned_pdf(path, [Image.new("L", (400, 560), 255), Image.new("L", (420, 560), 255)])
    PAGES_MEET.reset()
    pages = extract_text(path, "application/pdf", engine=_PagesThatMeet(preprocess=False))
    assert [(p.page_no, p.source) for p in pages] == [(1, "ocr"), (2, "ocr")]

    monkeypatch.setattr(pdf, "OCR_SLOTS", threading.BoundedSemaphore(1))
    monkeypatch.setitem(globals(), "PAGES_MEET", threading.Barrier(2, timeout=2))
    with pytest.raises(threading.BrokenBarrierError):
        # one Tesseract at a time in the process (a one-core machine, or the other core busy)
        pdf.extract_pdf_text(path, engine=_PagesThatMeet(preprocess=False), limits=Limits())
