"""Every object key the application writes, in one place.

The object store outlives the database (the index is rebuilt from it, an
archives bureau may read it), so its layout is part of the archive's format:

    applications/<case>/materials/<material>       uploaded materials
    applications/<case>/results/<result>           result documents
    previews/materials/<material>/<page>-<px>.webp page previews of case materials (a cache)
    previews/files/<file>/<page>-<px>.webp         page previews of archived files offered for reuse (a cache)
    dossiers/<dossier>/bag/...                     the sealed BagIt package
    dossiers/<dossier>/committed.json              written once the database recorded the package
    dossiers/<dossier>/quarantine.json             a package no record will ever own (a crashed sealing)
    dossiers/<dossier>/text/<seq>.json             extracted text per file
    dossiers/<dossier>/previews/<seq>/<page>-<px>.webp
    dossiers/<dossier>/checks/<time>-<trigger>.json four-property check reports
    dossiers/<dossier>/fixation/...                固化信息: the SM2 signature of the bag's tag manifest, the
                                                   signer's certificate, an RFC 3161 timestamp (sealed)
    ledger/heads/<time>-<seq>.json                 the access ledger's head, sealed (write-once) at least daily
"""

from __future__ import annotations

from datetime import datetime

DOSSIERS = "dossiers/"
APPLICATIONS = "applications/"


def material_key(application_id: str, material_id: str) -> str:
    return f"{APPLICATIONS}{application_id}/materials/{material_id}"


def result_key(application_id: str, result_id: str) -> str:
    return f"{APPLICATIONS}{application_id}/results/{result_id}"


def material_preview_key(material_id: str, page: int, px: int) -> str:
    return f"previews/materials/{material_id}/{page}-{px}.webp"


def offer_preview_key(file_id: str, page: int, px: int) -> str:
    return f"previews/files/{file_id}/{page}-{px}.webp"


def package_prefix(dossier_id: str) -> str:
    return f"{DOSSIERS}{dossier_id}/bag"


def commit_marker_key(dossier_id: str) -> str:
    return f"{DOSSIERS}{dossier_id}/committed.json"


def quarantine_key(dossier_id: str) -> str:
    return f"{DOSSIERS}{dossier_id}/quarantine.json"


def text_key(dossier_id: str, seq: int) -> str:
    return f"{DOSSIERS}{dossier_id}/text/{seq:03d}.json"


def preview_key(dossier_id: str, seq: int, page_no: int, size: int) -> str:
    return f"{DOSSIERS}{dossier_id}/previews/{seq:03d}/{page_no:04d}-{size}.webp"


def check_report_key(dossier_id: str, at: datetime, trigger: str) -> str:
    return f"{DOSSIERS}{dossier_id}/checks/{at.strftime('%Y%m%dT%H%M%S%fZ')}-{trigger}.json"


LEDGER_HEADS = "ledger/heads/"


def ledger_head_key(at: datetime, seq: int) -> str:
    """Time first, so that listing the prefix lists the sealed heads in the order they were sealed."""
    return f"{LEDGER_HEADS}{at.strftime('%Y%m%dT%H%M%S%fZ')}-{seq:012d}.json"


def fixation_key(dossier_id: str, name: str) -> str:
    """``name``: tagmanifest-sha256.txt.sig, signer.pem or tagmanifest-sha256.txt.tsr."""
    return f"{DOSSIERS}{dossier_id}/fixation/{name}"


def dossier_of(key: str) -> tuple[str, str] | None:
    """``(dossier id, the rest of the key)`` for a key under dossiers/, else None."""
    if not key.startswith(DOSSIERS):
        return None
    dossier_id, _, rest = key[len(DOSSIERS) :].partition("/")
    return (dossier_id, rest) if dossier_id and rest else None
