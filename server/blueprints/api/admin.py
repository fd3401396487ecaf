"""Administration over the API (admins): the catalogue, accounts and the audit log (API.md).

The rules are the admin services'; these views parse, call and shape.
"""

from __future__ import annotations

from ...services.admin import audit, catalogue, users
from ...services.catalogue import list_departments, list_material_types, list_services, service_versions
from ...web.context import db_session
from . import admin_schemas as a
from .access import api_user
from .endpoint import endpoint

ADMIN = ("admin",)
WRITES = (409,)


def _done(value):
    db_session().commit()
    return value


@endpoint("GET", "/admin/departments", roles=ADMIN, responses={200: a.Departments}, summary="Departments")
def admin_departments():
    return [catalogue.department_json(d) for d in list_departments(db_session())]


@endpoint(
    "POST",
    "/admin/departments",
    roles=ADMIN,
    body=a.DepartmentIn,
    responses={201: a.DepartmentOut},
    errors=WRITES,
    summary="Add a department",
)
def admin_create_department(body: a.DepartmentIn):
    dept = catalogue.save_department(db_session(), api_user(), body.spec(), create=True)
    return _done(catalogue.department_json(dept)), 201


@endpoint(
    "PUT",
    "/admin/departments/<code>",
    roles=ADMIN,
    body=a.DepartmentChange,
    responses={200: a.DepartmentOut},
    summary="Change a department (its code stays: it is in URLs and archival codes)",
)
def admin_update_department(code: str, body: a.DepartmentChange):
    spec = a.DepartmentIn(code=code, **body.model_dump()).spec()
    return _done(catalogue.department_json(catalogue.save_department(db_session(), api_user(), spec, create=False)))


@endpoint("GET", "/admin/material-types", roles=ADMIN, responses={200: a.MaterialTypes}, summary="Material types")
def admin_material_types():
    return [catalogue.material_type_json(t) for t in list_material_types(db_session())]


@endpoint(
    "POST",
    "/admin/material-types",
    roles=ADMIN,
    body=a.MaterialTypeIn,
    responses={201: a.MaterialTypeOut},
    errors=WRITES,
    summary="Add a material type",
)
def admin_create_material_type(body: a.MaterialTypeIn):
    mtype = catalogue.save_material_type(db_session(), api_user(), body.spec(), create=True)
    return _done(catalogue.material_type_json(mtype)), 201


@endpoint(
    "PUT",
    "/admin/material-types/<code>",
    roles=ADMIN,
    body=a.MaterialTypeChange,
    responses={200: a.MaterialTypeOut},
    summary="Change a material type (shared or not, validity)",
)
def admin_update_material_type(code: str, body: a.MaterialTypeChange):
    spec = a.MaterialTypeIn(code=code, **body.model_dump()).spec()
    mtype = catalogue.save_material_type(db_session(), api_user(), spec, create=False)
    return _done(catalogue.material_type_json(mtype))


@endpoint(
    "GET",
    "/admin/services",
    roles=ADMIN,
    responses={200: a.ServiceList},
    summary="Every service item's newest version, retired ones included",
)
def admin_services():
    return [catalogue.service_admin_json(s) for s in list_services(db_session(), active_only=False)]


@endpoint(
    "POST",
    "/admin/services",
    roles=ADMIN,
    body=a.ServiceIn,
    responses={201: a.ServiceOut},
    errors=WRITES,
    summary="Add a service item (its guide is published as version 1)",
)
def admin_create_service(body: a.ServiceIn):
    service = catalogue.publish_service(db_session(), api_user(), body.spec(body.code), create=True)
    return _done(catalogue.service_admin_json(service)), 201


@endpoint(
    "GET",
    "/admin/services/<code>",
    roles=ADMIN,
    responses={200: a.ServiceVersions},
    summary="A service item with every version of its guide, oldest first",
)
def admin_service(code: str):
    versions = service_versions(db_session(), code, required=True)
    return {"code": code, "versions": [catalogue.service_admin_json(v) for v in versions]}


@endpoint(
    "PUT",
    "/admin/services/<code>",
    roles=ADMIN,
    body=a.ServiceChange,
    responses={200: a.ServiceOut},
    summary="Publish the guide as given: a new version if anything changed (cases keep theirs); "
    "status retired stops new applications",
)
def admin_update_service(code: str, body: a.ServiceChange):
    service = catalogue.publish_service(db_session(), api_user(), body.spec(code), create=False)
    return _done(catalogue.service_admin_json(service))


@endpoint(
    "GET",
    "/admin/users",
    roles=ADMIN,
    query=a.UserQuery,
    responses={200: a.UserList},
    summary="Staff and applicant accounts",
)
def admin_users(query: a.UserQuery):
    total, rows = users.list_users(db_session(), role=query.role, page=query.page, per_page=query.per_page)
    return {"total": total, "page": query.page, "per_page": query.per_page, "items": [users.user_json(u) for u in rows]}


@endpoint(
    "POST",
    "/admin/users",
    roles=ADMIN,
    body=a.UserIn,
    responses={201: a.UserOut},
    errors=WRITES,
    summary="Add an account (staff or applicant) with an initial password",
)
def admin_create_user(body: a.UserIn):
    user = users.create_user(db_session(), api_user(), body.username, body.fields())
    return _done(users.user_json(user)), 201


@endpoint(
    "PATCH",
    "/admin/users/<username>",
    roles=ADMIN,
    body=a.UserChange,
    responses={200: a.UserOut},
    errors=WRITES,
    summary="Change an account; deactivating or a new password ends its sessions and tokens at once",
)
def admin_update_user(username: str, body: a.UserChange):
    return _done(users.user_json(users.update_user(db_session(), api_user(), username, body.changes())))


@endpoint(
    "GET",
    "/admin/audit",
    roles=ADMIN,
    query=a.AuditQuery,
    responses={200: a.AuditList},
    summary="Every administrative change: who, when, what, before and after (never editable)",
)
def admin_audit(query: a.AuditQuery):
    total, rows = audit.entries(
        db_session(), page=query.page, per_page=query.per_page, target=query.target, action=query.action
    )
    return {
        "total": total,
        "page": query.page,
        "per_page": query.per_page,
        "items": [audit.entry_json(e) for e in rows],
    }
