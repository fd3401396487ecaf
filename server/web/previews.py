"""Page previews of case materials, rendered on first request and cached in object storage.

The clerk checks every page against the original at the window, so previews
must be there the moment a case is opened; rendering on demand (then reusing
the cached bytes) avoids a job queue between upload and review.
"""

from __future__ import annotations

import logging
import shutil
import tempfile

from indexers.extract import ExtractError, image_preview, pdf_page_preview
from indexers.extract.previews import PREVIEW_PX, THUMBNAIL_PX
from storage import StorageError

from ..errors import NotFound
from ..runtime import Runtime
from ..services.object_keys import material_preview_key

SIZES = (THUMBNAIL_PX, PREVIEW_PX)
MEDIA_TYPE = "image/webp"

log = logging.getLogger(__name__)


def check_request(pages: int | None, page: int, px: int) -> None:
    if px not in SIZES:
        raise NotFound(f"预览尺寸只有 {SIZES} (preview sizes are {SIZES})")
    if page < 1 or page > (pages or 1):
        raise NotFound(f"没有第 {page} 页 (no page {page})")


def material_preview(
    runtime: Runtime, *, material_id: str, object_key: str, media_type: str, page: int, px: int
) -> bytes | None:
    """The WebP bytes of one page, or None when this file cannot be previewed (the page shows an icon)."""
    store = runtime.store
    key = material_preview_key(material_id, page, px)
    if store.exists(key):
        with store.open(key) as fh:
            return fh.read()
    data = _render(runtime, object_key, media_type, page, px)
    if data is not None:
        try:
            store.put(key, [data], content_type=MEDIA_TYPE)
        except StorageError as error:  # a cache: a full disk must not hide the page from the clerk
            log.warning("preview of %s not cached: %s", object_key, error)
    return data


def _render(runtime: Runtime, object_key: str, media_type: str, page: int, px: int) -> bytes | None:
    with tempfile.NamedTemporaryFile(prefix="ow-preview-") as local:
        with runtime.store.open(object_key) as src:
            shutil.copyfileobj(src, local, 1024 * 1024)
        local.flush()
        try:
            if media_type == "application/pdf":
                return pdf_page_preview(local.name, page, px).data
            if media_type.startswith("image/"):
                return image_preview(local.name, px, frame=page).data
        except ExtractError as error:
            log.warning("no preview for %s page %s: %s", object_key, page, error)
    return None
