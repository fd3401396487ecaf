"""Text and previews of archived files, and the index documents built from them.

Extracted text is stored in object storage beside the package, per page with
its source (text layer or OCR), so the index can be rebuilt from the object
store alone and re-indexed without re-extracting.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterator
from datetime import datetime

from indexers import DossierDoc, FileDoc, PageText
from indexers.extract import ExtractError, OcrUnavailable, extract_text, iter_previews
from indexers.extract.previews import PREVIEW_PX, THUMBNAIL_PX
from storage import ObjectNotFound, ObjectStore

from ...models import Dossier, DossierFile
from ..object_keys import DOSSIERS, commit_marker_key, dossier_of, preview_key, text_key

CHUNK = 1024 * 1024


def _download(store: ObjectStore, key: str, target: str) -> None:
    with store.open(key) as src, open(target, "wb") as dst:
        while chunk := src.read(CHUNK):
            dst.write(chunk)


def extract_file(store: ObjectStore, dossier: Dossier, file: DossierFile, *, previews: bool = True) -> None:
    """Extracts text and renders previews, recording the outcome on ``file`` (the caller commits).

    A file that cannot be read is recorded as failed with the reason rather
    than retried: the bytes will not change. Missing OCR gives text-layer
    pages only and says so, so installing Tesseract later and re-running helps.
    """
    with tempfile.TemporaryDirectory(prefix="ow-extract-") as tmp:
        local = os.path.join(tmp, "file")
        _download(store, f"{dossier.package_prefix}/{file.path}", local)
        status, detail = "done", ""
        try:
            pages = extract_text(local, file.media_type)
        except OcrUnavailable as exc:
            pages = exc.partial
            status, detail = "partial", f"OCR not available, pages {exc.pending_pages} pending: {exc}"
        except ExtractError as exc:
            pages, status, detail = [], "failed", str(exc)
        body = [{"page_no": p.page_no, "text": p.text, "source": p.source} for p in pages]
        store.put(
            text_key(dossier.id, file.seq),
            [json.dumps({"file_id": file.id, "pages": body}, ensure_ascii=False).encode()],
            content_type="application/json",
        )
        file.text_pages = len(pages)
        if previews and status != "failed":
            try:
                file.preview_pages = _store_previews(store, dossier.id, file.seq, local, file.media_type)
            except ExtractError as exc:
                detail = (detail + "; " if detail else "") + f"previews: {exc}"
        file.text_status, file.text_detail = status, detail[:2000]


def store_previews(store: ObjectStore, dossier: Dossier, file: DossierFile) -> None:
    """Renders the previews of a file whose text is already extracted (the caller commits).

    A job of its own, after the file's text is indexed: rendering every page
    at two sizes costs many times the text layer's extraction, and the
    previews page renders a missing preview on the fly meanwhile.
    """
    with tempfile.TemporaryDirectory(prefix="ow-previews-") as tmp:
        local = os.path.join(tmp, "file")
        _download(store, f"{dossier.package_prefix}/{file.path}", local)
        try:
            file.preview_pages = _store_previews(store, dossier.id, file.seq, local, file.media_type)
        except ExtractError as exc:
            file.text_detail = ((file.text_detail + "; " if file.text_detail else "") + f"previews: {exc}")[:2000]


def _store_previews(store: ObjectStore, dossier_id: str, seq: int, local: str, media_type: str) -> int:
    pages = set()
    for page_no, size, preview in iter_previews(local, media_type, sizes=(THUMBNAIL_PX, PREVIEW_PX)):
        store.put(preview_key(dossier_id, seq, page_no, size), [preview.data], content_type=preview.media_type)
        pages.add(page_no)
    return len(pages)


def read_pages(store: ObjectStore, dossier_id: str, seq: int) -> list[PageText]:
    try:
        with store.open(text_key(dossier_id, seq)) as fh:
            body = json.loads(fh.read().decode("utf-8"))
    except ObjectNotFound:
        return []
    return [PageText(p["page_no"], p["text"], p["source"]) for p in body.get("pages", [])]


def dossier_doc(store: ObjectStore, dossier: Dossier) -> DossierDoc:
    """The index document of a dossier, from its record and the stored text."""
    return DossierDoc(
        dossier_id=dossier.id,
        archival_code=dossier.archival_code,
        title=dossier.title,
        service_code=dossier.service_code,
        service_name=dossier.service_name,
        department_code=dossier.department_code,
        departments=list(dossier.departments),
        applicant_name=dossier.applicant_name,
        applicant_id_number=dossier.applicant_id_number,
        completed_at=dossier.closed_at,
        retention=dossier.retention,
        files=[
            FileDoc(
                file_id=f.id,
                name=f.name,
                material_type=f.material_type,
                material_type_name=f.material_type_name,
                shared=f.shared,
                pages=read_pages(store, dossier.id, f.seq),
            )
            for f in dossier.files
        ],
    )


def docs_from_storage(store: ObjectStore) -> Iterator[DossierDoc]:
    """Every current dossier's index document, read from the object store alone.

    Only packages with a commit marker count: a package whose sealing never
    committed (services/archive/reconcile.py) is not part of the archive. A
    dossier replaced by a newer committed version (its id named in that
    package's ``replaces``) is left out, as the database would.
    """
    meta_keys, committed = {}, set()
    for info in store.list(DOSSIERS):
        parts = dossier_of(info.key)
        if parts is None:
            continue
        dossier_id, rest = parts
        if rest == "bag/metadata/dossier.json":
            meta_keys[dossier_id] = info.key
        elif info.key == commit_marker_key(dossier_id):
            committed.add(dossier_id)
    metas = []
    for dossier_id in sorted(committed & set(meta_keys)):
        with store.open(meta_keys[dossier_id]) as fh:
            metas.append(json.loads(fh.read().decode("utf-8")))
    replaced = {m["replaces"] for m in metas if m.get("replaces")}
    for meta in metas:
        if meta["dossier_id"] in replaced:
            continue
        yield _doc_from_metadata(store, meta)


def _doc_from_metadata(store: ObjectStore, meta: dict) -> DossierDoc:
    dossier_id = meta["dossier_id"]
    return DossierDoc(
        dossier_id=dossier_id,
        archival_code=meta["archival_code"],
        title=meta["title"],
        service_code=meta["service_item"]["code"],
        service_name=meta["service_item"].get("name", ""),
        department_code=meta["department"]["code"],
        departments=meta.get("departments", []),
        applicant_name=meta["applicant"].get("name", ""),
        applicant_id_number=meta["applicant"].get("id_number", ""),
        completed_at=datetime.fromisoformat(meta["dates"]["closed"]),
        retention=meta["retention"]["code"],
        files=[
            FileDoc(
                file_id=f["file_id"],
                name=f["name"],
                material_type=f.get("material_type", ""),
                material_type_name=f.get("material_type_name", ""),
                shared=bool(f.get("shared")),
                pages=read_pages(store, dossier_id, f["seq"]),
            )
            for f in meta["files"]
        ],
    )
