"""The public portal: service guides (办事指南)."""

from flask import Blueprint, render_template

from ..services import catalogue
from ..web.context import db_session

bp = Blueprint("portal", __name__)


@bp.get("/")
def index():
    services = catalogue.list_services(db_session())
    by_department: dict[str, list] = {}
    for service in services:
        by_department.setdefault(service.department.name, []).append(service)
    return render_template("portal/index.html", services=services, by_department=by_department)


@bp.get("/services/<code>")
def service_guide(code: str):
    service = catalogue.get_service(db_session(), code)
    return render_template("portal/service.html", service=service)
