"""Service items: the list of current guides, the guide form (a changed guide publishes the next version),
retiring and reinstating, and each item's version history."""

from __future__ import annotations

from dataclasses import replace

from flask import render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Session

from ...errors import AppError, NotFound
from ...models import RETENTION_LABELS, ServiceItem
from ...services import catalogue as reading
from ...services.admin import catalogue
from ...services.cases.uploads import FORMAT_TYPES
from ...vocabulary import ItemType, MaterialClass, Openness, Secrecy, ServiceStatus
from ...web.context import db_session
from .blueprint import admin_user, bp
from .changes import diff
from .forms import Done, save, text
from .service_form import ServiceForm

# What differs between any two versions, whatever changed: left out of "what this version changed".
NOT_THE_GUIDE = frozenset({"version", "published_at", "published_by", "status"})


STATUS = {status: _l(status.label) for status in ServiceStatus}


@bp.context_processor
def _service_status() -> dict:
    return {"status_labels": STATUS}


@bp.get("/services")
def services():
    return render_template("admin/services.html", services=reading.list_services(db_session(), active_only=False))


def _form_page(form: ServiceForm, service: ServiceItem | None, error: AppError | None = None):
    session = db_session()
    departments = reading.list_departments(session)
    errors = form.errors(error)
    body = render_template(
        "admin/service_form.html",
        form=form,
        service=service,
        error=error,
        errors=errors,
        unplaced={name: problem for name, problem in errors.items() if name not in form.input_names()},
        departments=departments,
        dept_options=[(d.code, f"{d.name}（{d.code}）") for d in departments],
        type_options=[(t.code, f"{t.name}（{t.code}）") for t in reading.list_material_types(session)],
        class_options=[(c.value, _(c.label)) for c in MaterialClass],
        retention_options=[(code, _(words)) for code, words in RETENTION_LABELS.items()],
        item_type_options=[(t.value, _(t.label)) for t in ItemType],
        secrecy_options=[(s.value, _(s.label)) for s in Secrecy],
        openness_options=[(o.value, _(o.label)) for o in Openness],
        formats=list(FORMAT_TYPES),
    )
    return body, (error.status if error else 200)


def _publish(form: ServiceForm, service: ServiceItem | None):
    """Saves the posted guide: a new version when anything differs, "没有变化" when nothing does."""
    admin = admin_user()
    old_version = service.version if service is not None else 0
    code = service.code if service is not None else text("code", 64)
    status = service.status if service is not None else ServiceStatus.PUBLISHED

    def action(session: Session) -> Done:
        saved = catalogue.publish_service(session, admin, form.spec(code, status), create=service is None)
        done_url = url_for("admin.edit_service", code=saved.code)
        if saved.version == old_version:
            return Done(_("没有变化"), done_url)
        return Done(_("已发布第%(n)s版：%(name)s", n=saved.version, name=saved.name), done_url)

    return save(action, refused=lambda error: _form_page(form, service, error))


def _form(service: ServiceItem | None):
    if request.method == "GET":
        return _form_page(ServiceForm.of_service(service) if service is not None else ServiceForm.empty(), service)
    form = ServiceForm.posted()
    if request.form.get("op", "save") != "save":
        return _form_page(form, service)
    return _publish(form, service)


@bp.route("/services/new", methods=["GET", "POST"])
def new_service():
    return _form(None)


@bp.route("/services/<code>/edit", methods=["GET", "POST"])
def edit_service(code: str):
    return _form(reading.get_service(db_session(), code))


def _set_status(code: str, status: str, message: str):
    """Retires or reinstates the current version: its guide stays as it is, only whether it takes applications."""
    admin, service = admin_user(), reading.get_service(db_session(), code)
    spec = replace(catalogue.service_spec_of(service), status=status)
    unchanged = service.status == status

    def action(session: Session) -> Done:
        catalogue.publish_service(session, admin, spec, create=False)
        return Done(_("没有变化") if unchanged else message, url_for("admin.services"))

    return save(action, refused=lambda error: _form_page(ServiceForm.of_service(service), service, error))


@bp.post("/services/<code>/retire")
def retire_service(code: str):
    return _set_status(code, ServiceStatus.RETIRED, _("已停止受理：%(code)s", code=code))


@bp.post("/services/<code>/reinstate")
def reinstate_service(code: str):
    return _set_status(code, ServiceStatus.PUBLISHED, _("已恢复受理：%(code)s", code=code))


@bp.get("/services/<code>/versions")
def service_versions(code: str):
    """Every version, newest first, with who published it, when, and what it changed from the one before."""
    versions = reading.service_versions(db_session(), code)
    if not versions:
        raise NotFound(f"没有编码为 {code!r} 的事项 (no service item with code {code!r})")
    shown = [catalogue.service_admin_json(version) for version in versions]
    changes = [None] + [
        diff(before, after, ignore=NOT_THE_GUIDE) for before, after in zip(shown, shown[1:], strict=False)
    ]
    return render_template(
        "admin/service_versions.html",
        code=code,
        current=versions[-1],
        versions=list(reversed(list(zip(versions, changes, strict=True)))),
    )
