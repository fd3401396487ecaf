"""The public portal: service guides (办事指南)."""

from flask import Blueprint, render_template, request

from ..errors import NotFound
from ..services import catalogue
from ..web import page_cache
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
    """The current guide, or with ``?version=N`` the one a case was opened under (cases keep theirs)."""
    version = request.args.get("version", type=int)
    if version is None:
        return page_cache.anonymous_page(("portal.service_guide", code), lambda: _current_guide(code))
    session = db_session()
    current = catalogue.get_service(session, code)
    if version == current.version:
        return render_template("portal/service.html", service=current, current=current)
    shown = next((v for v in catalogue.service_versions(session, code) if v.version == version), None)
    if shown is None:
        raise NotFound(f"事项 {code} 没有第 {version} 版 (no version {version} of {code})")
    return render_template("portal/service.html", service=shown, current=current)


def _current_guide(code: str) -> str:
    current = catalogue.get_service(db_session(), code)
    return render_template("portal/service.html", service=current, current=current)
