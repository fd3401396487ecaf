"""OFD (GB/T 33190): text per page in reading order, previews, the usability check, hostile packages.

Packages are written by fixtures/ofd_samples.py, so the expected text is exact.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
from PIL import Image

from indexers.extract import (
    ExtractionFailed,
    PdfWorker,
    check_usable,
    count_pages,
    extract_text,
    iter_previews,
    ofd_page_preview,
    sniff_file,
)
from indexers.extract.ofd_package import delta_x, path_lines
from server.services.archive.formats import OFD_NAME, identify


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("fixtures") / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


ofd = _load("ofd_samples")
samples = _load("extract_samples")

LICENCE = (
    "营业执照\n名称：青山村民宿有限公司\n统一社会信用代码：91330127MA2H3K4L5P\n"
    + samples.PARAGRAPHS[0]
    + "\nService hours: Monday to Friday, 9:00-17:00."
)


@pytest.fixture(scope="module")
def licence(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("ofd") / "licence.ofd"
    ofd.make_ofd(path, [LICENCE, samples.PARAGRAPHS[8]])
    return path


def test_text_per_page_in_reading_order_with_wrapped_lines_rejoined(licence: Path) -> None:
    pages = extract_text(licence)
    assert [(p.page_no, p.source) for p in pages] == [(1, "text"), (2, "text")]
    assert pages[0].text == LICENCE, "one line per paragraph: the wraps joined without a space between CJK"
    assert pages[1].text == samples.PARAGRAPHS[8]
    assert "一窗受理、集成服务" in pages[0].text, "a phrase across a line wrap"


def test_objects_written_in_any_order_read_top_to_bottom_left_to_right(tmp_path: Path) -> None:
    path = tmp_path / "shuffled.ofd"
    ofd.make_ofd(path, ["申请人：王丽华\n受理编号：SL-2026-0018\n经办窗口：综合窗口"], order="reversed", per_char=True)
    assert extract_text(path)[0].text == "申请人：王丽华\n受理编号：SL-2026-0018\n经办窗口：综合窗口"


def test_fields_far_apart_on_a_line_are_separated() -> None:
    from indexers.extract.ofd_package import Page, TextRun
    from indexers.extract.ofd_text import page_text

    page = Page(210, 297, [TextRun([60.0, 64.0], 30, 4, "张三"), TextRun([20.0, 24.0], 30, 4, "姓名")])
    assert page_text(page) == "姓名 张三"


def test_delta_x_and_path_data() -> None:
    assert delta_x("g 3 2.5 1 g 2 4", 10) == [2.5, 2.5, 2.5, 1.0, 4.0, 4.0]
    assert delta_x("1 2 3", 2) == [1.0, 2.0]
    assert path_lines("M 0 0 L 10 0 L 10 5 Z", 1, 2, 1.0) == [[(1, 2), (11, 2), (11, 7), (1, 2)]]


def test_sniff_count_and_usability(licence: Path) -> None:
    assert sniff_file(licence) == "application/ofd"
    assert count_pages(licence) == 2
    assert check_usable(licence) == (True, "OFD, 2 page(s)")
    assert check_usable(licence, "application/pdf")[0] is False


def test_previews_draw_text_image_and_rule(licence: Path) -> None:
    previews = list(iter_previews(licence, "application/ofd", sizes=(320, 1200), fmt="jpeg"))
    assert [(n, px) for n, px, _ in previews] == [(1, 1200), (1, 320), (2, 1200), (2, 320)]
    big = next(p for n, px, p in previews if (n, px) == (1, 1200))
    assert (big.width, big.height) == (848, 1200), "A4 kept in proportion"
    one = ofd_page_preview(licence, 1, 1200, fmt="webp")
    assert one.media_type == "image/webp"
    with Image.open(_bytes(big.data)) as img:
        rgb = img.convert("RGB")
        scale = 1200 / 297
        first_line = rgb.crop((int(20 * scale), int(20 * scale), int(120 * scale), int(26 * scale)))
        assert first_line.convert("L").getextrema()[0] < 80, "the first line's characters are drawn"
        raw = rgb.tobytes()
        reds = sum(1 for i in range(0, len(raw), 3) if raw[i] > 180 and raw[i + 1] < 90 and raw[i + 2] < 90)
        assert reds > 500, "the stamp image is drawn"
        blank = rgb.crop((int(30 * scale), int(250 * scale), int(120 * scale), int(290 * scale)))
        assert blank.convert("L").getextrema()[0] > 240, "nothing where the page is empty"


def _bytes(data: bytes):
    import io

    return io.BytesIO(data)


@pytest.mark.parametrize("kind", sorted(ofd.HOSTILE))
def test_hostile_packages_are_refused_cleanly(kind: str, tmp_path: Path, licence: Path) -> None:
    make, reason = ofd.HOSTILE[kind]
    path = tmp_path / f"{kind}.ofd"
    make(path)
    with PdfWorker() as worker:
        with pytest.raises(ExtractionFailed) as failed:
            extract_text(path, worker=worker)
        assert failed.value.reason == reason, failed.value
        ok, detail = check_usable(path, worker=worker)
        assert not ok and detail.startswith(reason)
        with pytest.raises(ExtractionFailed):
            list(iter_previews(path, "application/ofd"))
        assert extract_text(licence, worker=worker)[1].text == samples.PARAGRAPHS[8], "the worker lives on"


def test_a_member_that_lies_about_its_size_is_not_inflated(tmp_path: Path) -> None:
    """The central directory claims a small Content.xml; the stream holds 64 MB."""
    path = tmp_path / "liar.ofd"
    ofd.zip_bomb_ofd(path)
    data = bytearray(path.read_bytes())
    name = b"Doc_0/Pages/Page_0/Content.xml"
    entry = data.find(b"PK\x01\x02")
    while data[entry + 46 : entry + 46 + len(name)] != name:
        entry = data.find(b"PK\x01\x02", entry + 4)
    data[entry + 24 : entry + 28] = (1000).to_bytes(4, "little")  # the uncompressed size it claims
    path.write_bytes(bytes(data))
    with pytest.raises(ExtractionFailed) as failed:
        extract_text(path)
    assert failed.value.reason in ("too_large", "unreadable")


def test_format_identity_names_ofd_and_its_version(licence: Path) -> None:
    found = identify(str(licence), "application/ofd")
    assert (found.name, found.version, found.pronom) == (OFD_NAME, "1.0", "")
    assert found.software == "OneWindow tests"
