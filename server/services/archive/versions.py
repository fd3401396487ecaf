"""The versions of a 档号: a correction seals a new one and supersedes the old (corrections.py).

Exports and transfers carry only what these say: which version a package is and which one is current,
written beside the package at export time, since a sealed package cannot learn that it was superseded.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ...models import Dossier

# Beside every exported package (preservation/).
VERSIONS_FILE = "版本说明.json"


def current_version(session: Session, archival_code: str) -> Dossier | None:
    """The one current version of a 档号 (None: no such code)."""
    return session.scalar(select(Dossier).where(Dossier.archival_code == archival_code, Dossier.superseded.is_(False)))


def version_history(session: Session, dossier: Dossier) -> list[dict[str, Any]]:
    """Every version of the dossier's 档号, oldest first, with the current one marked."""
    versions = session.scalars(
        select(Dossier).where(Dossier.archival_code == dossier.archival_code).order_by(Dossier.version)
    )
    return [
        {
            "version": d.version,
            "dossier_id": d.id,
            "current": not d.superseded,
            "replaces": d.replaces_id,
            "reason": d.correction_reason or None,
            "sealed_at": d.sealed_at.isoformat(),
            "sealed_by": d.sealed_by,
        }
        for d in versions
    ]


def versions_json(session: Session, dossier: Dossier) -> bytes:
    history = version_history(session, dossier)
    current = next((v["version"] for v in history if v["current"]), None)
    body = {
        "archival_code": dossier.archival_code,
        "this_version": dossier.version,
        "current_version": current,
        "is_current": not dossier.superseded,
        "versions": history,
    }
    return json.dumps(body, ensure_ascii=False, indent=2).encode("utf-8")
