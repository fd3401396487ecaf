"""An iPhone photo (HEIC) uploaded through the web page into an image slot: accepted, and previewed upright."""

from __future__ import annotations

import importlib.util
import io
import re
from pathlib import Path

from PIL import Image


def _heic_samples():
    path = Path(__file__).parent.parent / "indexers" / "fixtures" / "heic_samples.py"
    spec = importlib.util.spec_from_file_location("heic_samples", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _draft(web) -> str:
    response = web.post("applicant", "/apply/minsu", {"business_name": "青山村民宿", "address": "临安区青山村十八号"})
    return re.search(r"/my/cases/(\w+)/edit", response.headers["Location"]).group(1)


def test_a_heic_photo_goes_into_a_jpg_slot_and_is_previewed_upright(web, tmp_path):
    heic = _heic_samples()
    path = tmp_path / "IMG_0001.HEIC"
    heic.sideways_heic(path, heic.marked_photo())
    app_id = _draft(web)
    page = web.page("applicant", f"/my/cases/{app_id}/edit")
    assert 'accept=".jpg,.png,.pdf,.jpeg,.heic,.heif"' in page, "the picker offers the photo as the phone saved it"

    done = web.upload("applicant", app_id, "applicant_id", path.read_bytes(), "IMG_0001.HEIC")
    assert done["complete"] and done["pages"] == 1 and done["name"] == "IMG_0001.HEIC"
    preview = web.get("applicant", f"/cases/{app_id}/materials/{done['file_id']}/pages/1-320.webp")
    assert preview.mimetype == "image/webp"
    with Image.open(io.BytesIO(preview.data)) as img:
        rgb = img.convert("RGB")
        assert rgb.height > rgb.width, "portrait, as the photo was taken"
        top, bottom = rgb.getpixel((rgb.width // 2, 5)), rgb.getpixel((rgb.width // 2, rgb.height - 5))
        assert top[0] > 180 and top[1] < 80 and bottom[1] > 180, "the red band is at the top"
