"""A dossier as a zip of its BagIt bag, streamed object by object (bounded memory)."""

from __future__ import annotations

import re
import shutil
import zipfile
from collections.abc import Mapping
from typing import IO

from sqlalchemy.orm import Session

from ...models import Dossier, DossierEvent
from ...runtime import Runtime

COMPRESSED = ("application/pdf", "image/")


def bag_folder_name(dossier: Dossier) -> str:
    name = re.sub(r"[^\w.-]+", "_", dossier.archival_code)
    return f"{name}-v{dossier.version}" if dossier.version > 1 else name


def export_dossier(
    session: Session,
    store,
    dossier: Dossier,
    out: IO[bytes],
    *,
    actor: str,
    detail: dict,
    runtime: Runtime | None = None,
) -> int:
    """Writes the package into ``out`` and records the export in the dossier's history (the caller commits).

    With ``runtime`` the DA/T 70 check runs first and a failure stops the export (ArchiveCheckFailed).
    Whose read it was goes to the access log first, where the caller knows the user and the purpose.
    """
    from .preservation_files import preservation_files

    if runtime is not None:
        from .assessment import assess

        assess(session, runtime, dossier, "export")
    count = export_zip(store, dossier, out, preservation_files(session, store, dossier))
    dossier.events.append(DossierEvent(action="exported", actor=actor, detail=detail))
    return count


def export_zip(store, dossier: Dossier, out: IO[bytes], sidecars: Mapping[str, bytes] | None = None) -> int:
    """Writes the bag into ``out`` under one top-level folder, ``sidecars`` in its preservation/ folder;
    returns the number of files.

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
        for name, data in (sidecars or {}).items():
            zf.writestr(f"{root}/preservation/{name}", data, compress_type=zipfile.ZIP_DEFLATED)
            count += 1
    return count
