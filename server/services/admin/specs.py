"""What an administrator asks for, in the shape the API and the catalogue spreadsheet share.

Plain data: the callers (API schemas, spreadsheet rows) check types and
lengths; the admin services check the rules that need the database.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DepartmentSpec:
    code: str
    name: str
    name_en: str = ""
    org_code: str = ""


@dataclass(frozen=True)
class MaterialTypeSpec:
    code: str
    name: str
    name_en: str = ""
    shared: bool = False
    valid_days: int | None = None


@dataclass(frozen=True)
class SlotSpec:
    slot: str
    name: str
    material_type: str
    required: bool = True
    key: bool = True
    formats: tuple[str, ...] = ("pdf",)
    max_bytes: int = 20 * 1024 * 1024
    material_class: str = "basis"
    note: str = ""


@dataclass(frozen=True)
class ServiceSpec:
    code: str
    name: str
    department: str
    time_limit_days: int
    name_en: str = ""
    summary: str = ""
    conditions: str = ""
    legal_basis: str = ""
    statutory_days: int | None = None
    fees: str = "不收费"
    retention: str = "30y"
    location: str = ""
    cooperating_departments: tuple[str, ...] = ()
    materials: tuple[SlotSpec, ...] = ()
    status: str = "published"
    # DA/T 46 / GB/T 42727 elements its dossiers take (vocabulary.ItemType, Secrecy, Openness).
    item_code: str = ""
    item_type: str = "licensing"
    secrecy: str = "public"
    secrecy_years: int | None = None
    openness: str = "controlled"
