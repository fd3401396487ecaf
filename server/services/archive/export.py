"""A dossier as a zip of its BagIt bag, streamed object by object (bounded memory)."""

from __future__ import annotations

import re
import shutil
import zipfile
from typing import IO

from sqlalchemy.orm import Session

from ...models import Dossier, DossierEvent

COMPRESSED = ("application/pdf", "image/")


def bag_folder_name(dossier: Dossier) -> str:
    name = re.sub(r"[^\w.-]+", "_", dossier.archival_code)
    return f"{name}-v{dossier.version}" if dossier.version > 1 else name


def export_dossier(session: Session, store, dossier: Dossier, out: IO[bytes], *, actor: str, detail: dict) -> int:
    """Writes the package into ``out`` and records the export in the dossier's history (the caller commits).

    Whose read it was goes to the access log first, where the caller knows the user and the purpose.
    """
    count = export_zip(store, dossier, out)
    dossier.events.append(DossierEvent(action="exported", actor=actor, detail=detail))
    return count


def export_zip(store, dossier: Dossier, out: IO[bytes]) -> int:
    """Writes the bag into ``out`` under one top-level folder; returns the number of files.

    Already-compressed payloads (PDF, images) are stored, text is deflated.
    """
    root = bag_folder_name(dossier)
    count = 0
    with zipfile.ZipFile(out, "w", allowZip64=True) as zf:
        for info in store.list(dossier.package_prefix + "/"):
            relative = info.key[len(dossier.package_prefix) + 1 :]
            compress = zipfile.ZIP_STORED if info.content_type.startswith(COMPRESSED) else zipfile.ZIP_DEFLATED
            entry = zipfile.ZipInfo(f"{root}/{relative}")
            entry.compress_type = compress
            entry.file_size = info.size
            with store.open(info.key) as src, zf.open(entry, "w", force_zip64=info.size > 2**31) as dst:
                shutil.copyfileobj(src, dst, 1024 * 1024)
            count += 1
    return count
