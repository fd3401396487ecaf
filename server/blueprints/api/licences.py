"""E-licences and the applicant's archive over the API: revocation by the issuer, 我的证照, 我的档案, and the
preview of an offered file before the applicant agrees to reuse it."""

from __future__ import annotations

from flask import request

from ...services.archive import holdings
from ...services.cases import licences, queries, reuse
from ...web import previews
from ...web.context import db_session, runtime
from . import reuse_schemas as rs
from . import schemas as s
from .access import api_user
from .endpoint import Media, endpoint


@endpoint(
    "POST",
    "/licences/<licence_id>/revoke",
    body=rs.Revoke,
    responses={200: rs.LicenceOut},
    errors=(403, 409),
    roles=("officer",),
    summary="Revoke an e-licence (an officer of the issuing department): never offered again, recorded on its "
    "case and dossier, and its holder is told",
)
def revoke_licence(licence_id: str, body: rs.Revoke):
    licence = licences.revoke(db_session(), api_user(), licence_id, body.reason)
    db_session().commit()
    return licences.licence_json(licence)


@endpoint(
    "GET",
    "/me/licences",
    responses={200: rs.LicenceList},
    errors=(403,),
    summary="The applicant's e-licences (我的证照), newest first, each with its state",
)
def my_licences():
    items = holdings.my_licences(db_session(), api_user())
    return {"total": len(items), "items": items}


@endpoint(
    "GET",
    "/me/dossiers",
    query=s.Paging,
    responses={200: rs.MyDossiers},
    errors=(403,),
    summary="The applicant's dossiers (我的档案), newest first, each file with its verification level and validity",
)
def my_dossiers(query: s.Paging):
    total, items = holdings.my_dossiers(db_session(), api_user(), page=query.page, per_page=query.per_page)
    return {"total": total, "items": items}


@endpoint(
    "GET",
    "/applications/<app_id>/reusable/<file_id>/pages/<int:page>-<int:px>.webp",
    responses={200: Media("image/webp", "The page (an SVG icon when the file cannot be previewed)")},
    summary="A page of an archived file offered to this case (px 320 or 1200), to see before consenting",
)
def offer_preview(app_id: str, file_id: str, page: int, px: int):
    session = db_session()
    app = queries.get_case(session, api_user(), app_id)
    file = reuse.preview_offer(session, api_user(), app, file_id, page, remote_addr=request.remote_addr or "")
    previews.check_request(file.pages, page, px)
    session.commit()
    return previews.image_response(previews.offer_preview(runtime(), file.dossier_id, file, page, px))
