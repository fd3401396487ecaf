"""Page previews of case materials, rendered on first request and cached in object storage.

The clerk checks every page against the original at the window, so previews
must be there the moment a case is opened; rendering on demand (then reusing
the cached bytes) avoids a job queue between upload and review.
"""

from __future__ import annotations

import logging
import shutil
import tempfile

from flask import Response

from indexers.extract import ExtractError, page_preview
from indexers.extract.previews import PREVIEW_PX, THUMBNAIL_PX
from storage import StorageError

from ..errors import NotFound
from ..models import DossierFile
from ..runtime import Runtime
from ..services.object_keys import material_preview_key, offer_preview_key, preview_key

SIZES = (THUMBNAIL_PX, PREVIEW_PX)
MEDIA_TYPE = "image/webp"
NO_PREVIEW_SVG = (
    '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 160"><rect width="120" height="160" '
    'rx="6" fill="#eef2f7"/><path d="M30 30h44l16 16v84H30z" fill="#fff" stroke="#9aa7b6" '
    'stroke-width="3"/><path d="M42 70h36M42 86h36M42 102h24" stroke="#9aa7b6" stroke-width="3"/></svg>'
)

log = logging.getLogger(__name__)


def check_request(pages: int | None, page: int, px: int) -> None:
    if px not in SIZES:
        raise NotFound(f"预览尺寸只有 {SIZES} (preview sizes are {SIZES})")
    if page < 1 or page > (pages or 1):
        raise NotFound(f"没有第 {page} 页 (no page {page})")


def image_response(data: bytes | None) -> Response:
    """The page as WebP, or an icon when this file cannot be previewed."""
    if data is None:
        return Response(NO_PREVIEW_SVG, mimetype="image/svg+xml")
    return Response(data, mimetype=MEDIA_TYPE)


def material_preview(
    runtime: Runtime, *, material_id: str, object_key: str, media_type: str, page: int, px: int
) -> bytes | None:
    """The WebP bytes of one page, or None when this file cannot be previewed (the page shows an icon)."""
    return _cached(runtime, material_preview_key(material_id, page, px), object_key, media_type, page, px)


def offer_preview(runtime: Runtime, dossier_id: str, file: DossierFile, page: int, px: int) -> bytes | None:
    """A page of an archived file offered for reuse: the preview extraction made, or rendered now (and cached)
    when extraction has not reached it yet, so the applicant always sees what they are asked to agree to."""
    store = runtime.store
    extracted = preview_key(dossier_id, file.seq, page, px)
    if page <= file.preview_pages and store.exists(extracted):
        with store.open(extracted) as fh:
            return fh.read()
    return _cached(runtime, offer_preview_key(file.id, page, px), file.stored.key, file.media_type, page, px)


def _cached(runtime: Runtime, key: str, object_key: str, media_type: str, page: int, px: int) -> bytes | None:
    store = runtime.store
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
            return page_preview(local.name, media_type, page, px).data
        except ExtractError as error:
            log.warning("no preview for %s page %s: %s", object_key, page, error)
    return None
