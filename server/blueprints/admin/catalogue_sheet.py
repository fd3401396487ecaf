"""The catalogue as a spreadsheet on the admin pages: the same export and import as `onewindow catalogue`.

An upload is either checked (预览: what would change, nothing written) or imported (all rows or none); the
page lists each change, or each bad cell by sheet, row and column, so the admin fixes the file and tries again.
"""

from __future__ import annotations

import io

from flask import render_template, request, send_file
from flask_babel import gettext as _

from ...errors import AppError, InvalidInput
from ...models import utcnow
from ...services.admin.spreadsheet import ImportReport, export_catalogue, import_catalogue
from ...timeutil import local
from ...web.context import db_session
from .blueprint import admin_user, bp

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@bp.get("/catalogue")
def catalogue_sheet():
    return render_template("admin/catalogue.html", report=None, error=None)


@bp.get("/catalogue.xlsx")
def catalogue_download():
    """Built in memory: a catalogue of two thousand services is well under a few megabytes."""
    out = io.BytesIO()
    export_catalogue(db_session(), out)
    out.seek(0)
    name = f"事项目录-{local(utcnow()):%Y%m%d}.xlsx"
    return send_file(out, mimetype=XLSX, as_attachment=True, download_name=name)


@bp.post("/catalogue")
def catalogue_upload():
    admin, session = admin_user(), db_session()
    dry_run = request.form.get("op") != "import"
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _page(None, InvalidInput(_("请选择要上传的 .xlsx 文件")), dry_run)
    try:
        report = import_catalogue(session, admin, upload.stream, dry_run=dry_run)
    except AppError as error:
        session.rollback()
        return _page(None, error, dry_run)
    if dry_run:
        session.rollback()
    else:
        session.commit()
    return _page(report, None, dry_run)


def _page(report: ImportReport | None, error: AppError | None, dry_run: bool):
    body = render_template("admin/catalogue.html", report=report, error=error, dry_run=dry_run)
    return body, (error.status if error else 200)
