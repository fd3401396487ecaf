"""Departments and service items with their guides."""

from ...services import catalogue
from ...web.context import db_session
from . import schemas as s
from .endpoint import endpoint


@endpoint(
    "GET", "/departments", public=True, responses={200: s.Departments}, summary="Departments of the service centre"
)
def departments():
    return [catalogue.department_json(d) for d in catalogue.list_departments(db_session())]


@endpoint("GET", "/services", public=True, responses={200: s.Services}, summary="Service items with their guides")
def services():
    return [catalogue.service_json(item) for item in catalogue.list_services(db_session())]


@endpoint("GET", "/services/<code>", public=True, responses={200: s.Service}, summary="One service item's guide")
def service(code: str):
    return catalogue.service_json(catalogue.get_service(db_session(), code))
