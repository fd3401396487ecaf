"""HEIC/HEIF photos (iPhones): decoded, turned upright, previewed, opened in the sandbox and OCR'd like JPEG."""

from __future__ import annotations

import importlib.util
import io
import os
from pathlib import Path

import pytest
from PIL import Image

from indexers.extract import (
    Tesseract,
    check_usable,
    count_pages,
    extract_text,
    image_preview,
    iter_previews,
    sniff_file,
)
from indexers.extract.images import jpeg_copy


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, Path(__file__).with_name("fixtures") / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


heic = _load("heic_samples")
samples = _load("extract_samples")


def _top_is_red(data: bytes) -> bool:
    with Image.open(io.BytesIO(data)) as img:
        rgb = img.convert("RGB")
        top = rgb.getpixel((rgb.width // 2, rgb.height // 20))
        bottom = rgb.getpixel((rgb.width // 2, rgb.height * 19 // 20))
    return rgb.height > rgb.width and top[0] > 180 and top[1] < 80 and bottom[1] > 180


@pytest.fixture
def photo(tmp_path: Path) -> Path:
    path = tmp_path / "IMG_0001.HEIC"
    heic.sideways_heic(path, heic.marked_photo())
    return path


def test_sniffed_counted_and_opened_in_the_sandbox(photo: Path) -> None:
    assert photo.read_bytes()[4:12] == b"ftypheic"
    assert sniff_file(photo) == "image/heif"
    assert count_pages(photo) == 1
    assert check_usable(photo, "image/heic") == (True, "HEIF 300x600, 1 frame(s)")


def test_a_cut_off_heic_does_not_open(photo: Path, tmp_path: Path) -> None:
    cut = tmp_path / "cut.heic"
    cut.write_bytes(photo.read_bytes()[: photo.stat().st_size // 2])
    ok, detail = check_usable(cut)
    assert not ok and detail.startswith("unreadable")


def test_previews_are_upright(photo: Path) -> None:
    assert _top_is_red(image_preview(photo, 320).data)
    previews = list(iter_previews(photo, "image/heif", sizes=(320, 1200)))
    assert [(n, px) for n, px, _ in previews] == [(1, 1200), (1, 320)]
    assert all(_top_is_red(p.data) for _, _, p in previews)


def test_the_archival_copy_is_an_upright_jpeg(photo: Path, tmp_path: Path) -> None:
    data = jpeg_copy(photo)
    assert data[:3] == b"\xff\xd8\xff" and _top_is_red(data)
    with Image.open(io.BytesIO(data)) as img:
        assert img.getexif().get(heic.ORIENTATION, 1) == 1, "no viewer turns it again"


def test_ocr_of_a_sideways_heic_photo(tmp_path: Path) -> None:
    for missing, reason in (
        (not Tesseract().available(), "tesseract with chi_sim is not installed"),
        (samples.cjk_font_path() is None, "no CJK font (apt: fonts-wqy-zenhei)"),
    ):
        if missing and os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"CI=true and {reason}")
        if missing:
            pytest.skip(reason)
    img, drawn = samples.render_text_image(samples.PARAGRAPHS[1], width=1800)
    path = tmp_path / "IMG_0002.HEIC"
    heic.sideways_heic(path, samples.phone_photo(img, seed=2))
    [page] = extract_text(path)
    assert page.source == "ocr"
    assert samples.similarity(drawn, page.text) >= 0.9
    assert "受理通知书" in page.text
