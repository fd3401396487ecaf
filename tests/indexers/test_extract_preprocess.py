"""Tests for OCR of low-resolution, skewed scans: deskew, enlargement by dpi, TSV lines, second reading.

Pages are drawn here with the CJK font of fixtures/extract_samples.py; the
tests that run Tesseract skip without it (and fail under CI=true, which
installs it).
"""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

import pytest
from PIL import Image, ImageChops, ImageStat

from indexers.extract import Limits, Tesseract, clean_ocr_text
from indexers.extract.deskew import skew_angle, straighten
from indexers.extract.ocr import ocr_image_file
from indexers.extract.ocr_text import OcrLine, lines_text, parse_tsv
from indexers.extract.preprocess import TARGET_DPI, dpi_factor, prepare_for_ocr

_spec = importlib.util.spec_from_file_location(
    "extract_samples", Path(__file__).with_name("fixtures") / "extract_samples.py"
)
samples = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(samples)

IN_CI = os.environ.get("CI", "").lower() == "true"


def require(ok: bool, reason: str) -> None:
    if ok:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="module")
def page() -> tuple[Image.Image, str]:
    """An upright A4 page at 150 dpi: 1240 px wide, body text 25 px high, as a flatbed draws it."""
    require(samples.cjk_font_path() is not None, "no CJK font (apt: fonts-wqy-zenhei)")
    img, drawn = samples.render_text_image(samples.dense_page_text(2, 6), width=1240, font_px=25, margin=110)
    return img.point(lambda v: 40 + v * 0.78), drawn


def rotated(img: Image.Image, degrees: float) -> Image.Image:
    return img.rotate(degrees, resample=Image.Resampling.BICUBIC, fillcolor=239)


@pytest.mark.parametrize("degrees", [1.5, -1.5, 0.6, -2.0])
def test_skew_is_measured_within_a_third_of_a_degree(page: tuple[Image.Image, str], degrees: float) -> None:
    assert skew_angle(rotated(page[0], degrees)) == pytest.approx(degrees, abs=0.3)


def test_upright_and_blank_pages_measure_no_skew(page: tuple[Image.Image, str]) -> None:
    assert abs(skew_angle(page[0])) < 0.1
    assert skew_angle(Image.new("L", (1240, 1754), 240)) == 0.0


def test_straighten_undoes_the_rotation_and_enlarges_in_one_pass(page: tuple[Image.Image, str]) -> None:
    img = page[0]
    askew = rotated(img, 1.5)

    def mean_difference(a: Image.Image) -> float:
        return ImageStat.Stat(ImageChops.difference(a, img)).mean[0]

    level = straighten(askew, skew_angle(askew), 1.0, 239)
    assert level.size == img.size
    assert mean_difference(level) < mean_difference(askew) / 3
    bigger = straighten(askew, 1.5, 2.0, 239)
    assert bigger.size == (2 * img.width, 2 * img.height)
    assert mean_difference(bigger.resize(img.size, Image.Resampling.BOX)) < mean_difference(askew) / 3


def test_low_dpi_pages_are_enlarged_to_300_dpi_by_their_dpi() -> None:
    a4_at_200 = Image.new("L", (1654, 2339), 255)  # large enough in pixels for the old rule
    cleaned, factor = prepare_for_ocr(a4_at_200, dpi=200)
    assert factor == pytest.approx(1.5) and cleaned.size == (2481, 3508)
    _, factor = prepare_for_ocr(Image.new("L", (1240, 1754), 255), dpi=150)
    assert factor == 2.0
    assert dpi_factor(TARGET_DPI) == 1.0 and dpi_factor(280) == 1.0 and dpi_factor(100) == 2.0
    _, factor = prepare_for_ocr(a4_at_200)  # dpi unknown: judged by pixel size, as before
    assert factor == 1.0


def test_a_skewed_page_is_turned_level_before_ocr(page: tuple[Image.Image, str]) -> None:
    cleaned, _ = prepare_for_ocr(rotated(page[0], 1.5), dpi=TARGET_DPI)
    assert abs(skew_angle(cleaned)) < 0.2
    kept, _ = prepare_for_ocr(rotated(page[0], 1.5), dpi=TARGET_DPI, straighten_skew=False)
    assert skew_angle(kept) == pytest.approx(1.5, abs=0.3)


TSV = (
    "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n"
    "1\t1\t0\t0\t0\t0\t0\t0\t800\t300\t-1\t\n"
    "4\t1\t1\t1\t1\t0\t10\t20\t300\t40\t-1\t\n"
    "5\t1\t1\t1\t1\t1\t10\t20\t100\t40\t96.0\t受理\n"
    "5\t1\t1\t1\t1\t2\t120\t20\t200\t40\t90.0\t通知书\n"
    "4\t1\t1\t1\t2\t0\t10\t70\t300\t40\t-1\t\n"
    "5\t1\t1\t1\t2\t1\t10\t70\t300\t40\t12.5\tARTA\n"
    "4\t1\t2\t1\t1\t0\t10\t200\t300\t40\t-1\t\n"
    "4\t1\t2\t2\t1\t0\t10\t250\t300\t40\t-1\t\n"
    "5\t1\t2\t2\t1\t1\t10\t250\t300\t40\t88.0\t咨询\n"
)


def test_tsv_lines_keep_boxes_confidence_and_paragraphs() -> None:
    lines = parse_tsv(TSV)
    assert [(line.text, line.box, round(line.confidence, 1)) for line in lines] == [
        ("受理 通知书", (10, 20, 310, 60), 92.0),  # confidence weighted by word width
        ("ARTA", (10, 70, 310, 110), 12.5),
        ("咨询", (10, 250, 310, 290), 88.0),  # the empty line of block 2 is dropped
    ]
    assert lines_text(lines) == "受理 通知书\nARTA\n\n咨询"
    assert clean_ocr_text(lines_text(lines)) == "受理通知书\nARTA\n\n咨询"


def test_a_gap_after_an_article_number_read_as_a_quote_is_dropped() -> None:
    assert clean_ocr_text("第 六 十 九 条 “行政 行为 证据 确凿") == "第六十九条\u3000行政行为证据确凿"
    assert clean_ocr_text("第七章 “审理") == "第七章\u3000审理"
    assert clean_ocr_text("第 五 条 ”契税 的") == "第五条\u3000契税的"
    assert clean_ocr_text("规定。\n”级 人民 代表") == "规定。\n级人民代表"  # 禁则: no line starts with ”
    # quotes that pair on their line are quotes
    assert clean_ocr_text("第 三 条 “行政 许可” 是 指") == "第三条“行政许可”是指"
    assert clean_ocr_text("依照 “本法 第 五 条” 规定") == "依照“本法第五条”规定"


def require_ocr() -> None:
    require(
        Tesseract().available(), "tesseract with chi_sim is not installed (apt: tesseract-ocr tesseract-ocr-chi-sim)"
    )
    require(samples.cjk_font_path() is not None, "no CJK font (apt: fonts-wqy-zenhei)")


def test_a_doubtful_line_is_read_again_in_chinese() -> None:
    require_ocr()
    text = "行政行为证据确凿，适用法律、法规正确"
    img, _ = samples.render_text_image(text, width=1400, font_px=50, margin=40)
    garbled = OcrLine("ARTA TRTAIBEM A. JANIE", (40, 40, 1360, img.height - 40), 17.0, (1, 1))
    sure = OcrLine("ARTA", (40, 40, 1360, img.height - 40), 95.0, (1, 1))
    [again, kept] = Tesseract()._reread_doubtful(img, [garbled, sure], 300, Limits())
    assert samples.similarity(text, clean_ocr_text(again.text)) >= 0.9
    assert again.confidence > 60 and again.box == garbled.box
    assert kept == sure  # confident lines are not read again


def test_low_resolution_skewed_scan_reads_better_than_before(page: tuple[Image.Image, str], tmp_path: Path) -> None:
    """The issue's case end to end: 150 dpi, 1.5 degrees askew, JPEG q75 carrying its dpi."""
    require_ocr()
    img, drawn = page
    path = tmp_path / "flatbed.jpg"
    rotated(img, 1.5).save(path, quality=75, dpi=(150, 150))
    after = samples.similarity(drawn, "\n".join(ocr_image_file(path, Tesseract())))
    before = samples.similarity(drawn, "\n".join(ocr_image_file(path, Tesseract(low_resolution=False))))
    assert after >= 0.97
    assert after > before
