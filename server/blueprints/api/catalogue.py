"""Departments and service items with their guides."""

from ...services import catalogue
from ...web.context import db_session
from . import bp


@bp.get("/departments")
def departments():
    return [catalogue.department_json(d) for d in catalogue.list_departments(db_session())]


@bp.get("/services")
def services():
    return [catalogue.service_json(s) for s in catalogue.list_services(db_session())]


@bp.get("/services/<code>")
def service(code: str):
    return catalogue.service_json(catalogue.get_service(db_session(), code))
