"""Departments and material types: a list, a form to create one, the same form to change one (its code
stays: it is in URLs, archival codes and every guide that names it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from flask import render_template, request, url_for
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from ...errors import AppError
from ...services import catalogue as reading
from ...services.admin import catalogue
from ...services.admin.specs import DepartmentSpec, MaterialTypeSpec
from ...web.context import db_session
from .blueprint import admin_user, bp
from .forms import Done, checked, field_errors, find, refuse_if, save, text, whole_number


@dataclass(frozen=True)
class Kind:
    """One kind of catalogue row and how its pages read, show and save it."""

    template: str
    list_endpoint: str
    to_json: Callable[[Any], dict[str, Any]]
    spec_from_form: Callable[[str | None], Any]
    saver: Callable[..., Any]


def _department_spec(code: str | None) -> DepartmentSpec:
    return DepartmentSpec(
        code=code or text("code", 32),
        name=text("name", 200),
        name_en=text("name_en", 200),
        org_code=text("org_code", 32),
    )


def _material_type_spec(code: str | None) -> MaterialTypeSpec:
    problems: dict[str, str] = {}
    valid_days = whole_number("valid_days", problems, optional=True)
    refuse_if(problems)
    return MaterialTypeSpec(
        code=code or text("code", 64),
        name=text("name", 200),
        name_en=text("name_en", 200),
        shared=checked("shared"),
        valid_days=valid_days,
    )


DEPARTMENTS = Kind(
    "admin/department_form.html",
    "admin.departments",
    catalogue.department_json,
    _department_spec,
    catalogue.save_department,
)
MATERIAL_TYPES = Kind(
    "admin/material_type_form.html",
    "admin.material_types",
    catalogue.material_type_json,
    _material_type_spec,
    catalogue.save_material_type,
)


def _form_page(kind: Kind, existing: Any, error: AppError | None = None):
    values = request.form if error else (kind.to_json(existing) if existing is not None else {})
    body = render_template(kind.template, values=values, existing=existing, error=error, errors=field_errors(error))
    return body, (error.status if error else 200)


def _form(kind: Kind, existing: Any = None):
    """GET shows the form; POST saves it, saying whether anything changed."""
    if request.method == "GET":
        return _form_page(kind, existing)
    admin = admin_user()
    before = kind.to_json(existing) if existing is not None else None

    def action(session: Session) -> Done:
        spec = kind.spec_from_form(existing.code if existing is not None else None)
        after = kind.to_json(kind.saver(session, admin, spec, create=existing is None))
        if before is None:
            message = _("已创建：%(name)s", name=after["name"])
        else:
            message = _("已保存：%(name)s", name=after["name"]) if after != before else _("没有变化")
        return Done(message, url_for(kind.list_endpoint))

    return save(action, refused=lambda error: _form_page(kind, existing, error))


@bp.get("/departments")
def departments():
    return render_template("admin/departments.html", departments=reading.list_departments(db_session()))


@bp.route("/departments/new", methods=["GET", "POST"])
def new_department():
    return _form(DEPARTMENTS)


@bp.route("/departments/<code>/edit", methods=["GET", "POST"])
def edit_department(code: str):
    return _form(DEPARTMENTS, find(reading.list_departments(db_session()), code, "部门", "department"))


@bp.get("/material-types")
def material_types():
    return render_template("admin/material_types.html", material_types=reading.list_material_types(db_session()))


@bp.route("/material-types/new", methods=["GET", "POST"])
def new_material_type():
    return _form(MATERIAL_TYPES)


@bp.route("/material-types/<code>/edit", methods=["GET", "POST"])
def edit_material_type(code: str):
    return _form(MATERIAL_TYPES, find(reading.list_material_types(db_session()), code, "材料类型", "material type"))
