"""Loads the demo catalogue and users; loading twice changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from ..config import Settings
from ..models import Department, MaterialSlot, MaterialType, ServiceItem, User
from . import demo_data
from .auth import hash_password


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    name: str
    department: str | None


def load_demo(session: Session, password: str) -> list[DemoLogin]:
    departments = _departments(session)
    types = _material_types(session)
    for spec in demo_data.SERVICES:
        _service(session, spec, departments, types)
    return _users(session, departments, password)


def demo_settings(settings: Settings) -> Settings:
    """The demo runs with the demo county's townships unless ONEWINDOW_TOWNSHIPS names the real ones."""
    return settings if settings.townships else settings.with_overrides(townships=demo_data.TOWNSHIPS)


def _upsert(session: Session, model, key: str, value: str, **fields):
    row = session.scalar(select(model).where(getattr(model, key) == value))
    if row is None:
        row = model(**{key: value}, **fields)
        session.add(row)
    return row


def _departments(session: Session) -> dict[str, Department]:
    out = {}
    for code, name, name_en, org in demo_data.DEPARTMENTS:
        out[code] = _upsert(session, Department, "code", code, name=name, name_en=name_en, org_code=org)
    session.flush()
    return out


def _material_types(session: Session) -> dict[str, MaterialType]:
    out = {}
    for code, name, name_en, shared, valid_days in demo_data.MATERIAL_TYPES:
        out[code] = _upsert(
            session, MaterialType, "code", code, name=name, name_en=name_en, shared=shared, valid_days=valid_days
        )
    session.flush()
    return out


def _service(session: Session, spec: dict, departments: dict, types: dict) -> None:
    if session.scalar(select(ServiceItem).where(ServiceItem.code == spec["code"])) is not None:
        return
    fields = {k: v for k, v in spec.items() if k not in {"code", "department", "materials"}}
    service = ServiceItem(code=spec["code"], department=departments[spec["department"]], **fields)
    for position, (slot, name, mtype, required, key, formats, max_bytes, mclass, note) in enumerate(spec["materials"]):
        service.materials.append(
            MaterialSlot(
                slot=slot,
                name=name,
                material_type=types[mtype],
                required=required,
                key=key,
                formats=list(formats),
                max_bytes=max_bytes,
                material_class=mclass,
                note=note,
                position=position,
            )
        )
    session.add(service)


def _users(session: Session, departments: dict[str, Department], password: str) -> list[DemoLogin]:
    specs = list(demo_data.USERS) + [
        (f"officer-{code}", f"{dept.name}审批员", "officer", code, "", "") for code, dept in departments.items()
    ]
    # One hash for all demo users: they share the printed demo password anyway, and scrypt is slow.
    password_hash = None
    logins = []
    for username, name, role, dept_code, phone, id_number in specs:
        if session.scalar(select(User).where(User.username == username)) is None:
            password_hash = password_hash or hash_password(password)
            session.add(
                User(
                    username=username,
                    password_hash=password_hash,
                    display_name=name,
                    role=role,
                    department=departments.get(dept_code) if dept_code else None,
                    phone=phone,
                    id_number=id_number,
                )
            )
        logins.append(DemoLogin(username, role, name, dept_code))
    return logins
