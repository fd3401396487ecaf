"""Corrections and versions of dossiers over the API: an archivist seals a corrected version with a reason."""

from __future__ import annotations

from ...services.archive import access, corrections
from ...services.archive.views import dossier_json
from ...web.context import db_session, runtime
from . import correction_schemas as cs
from .access import api_user
from .endpoint import endpoint


@endpoint(
    "POST",
    "/archives/<dossier_id>/corrections",
    roles=(corrections.CORRECTOR_ROLE,),
    body=cs.CorrectionBody,
    responses={201: cs.Corrected},
    errors=(507,),
    summary="Correct a dossier (archivists): seals its next version with the reason; the old one is superseded",
)
def correct_dossier(dossier_id: str, body: cs.CorrectionBody):
    """The new version keeps the 档号, names the version it replaces and carries its files less ``remove_files``;
    only the current version can be corrected (400 names the current one)."""
    session, user = db_session(), api_user()
    corrections.require_corrector(user)
    changes = body.model_dump(include=set(corrections.CORRECTABLE), exclude_none=True)
    correction = corrections.Correction(reason=body.reason, changes=changes, remove_files=body.remove_files)
    dossier = corrections.correct(session, runtime(), user.display_name, dossier_id, correction)
    session.commit()
    view = access.view_dossier(session, user, dossier.id)
    return {"dossier": dossier_json(view), "versions": corrections.version_history(session, dossier)}, 201


@endpoint(
    "GET",
    "/archives/<dossier_id>/versions",
    responses={200: cs.Versions},
    summary="Every version of the dossier's 档号, oldest first, with the current one marked (in scope)",
)
def dossier_versions(dossier_id: str):
    session = db_session()
    view = access.view_dossier(session, api_user(), dossier_id)
    return {
        "archival_code": view.dossier.archival_code,
        "versions": corrections.version_history(session, view.dossier),
    }
