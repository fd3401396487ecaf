"""What the administration API accepts and answers (API.md, "Administration")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, Field, RootModel

from ...services.admin.specs import DepartmentSpec, MaterialTypeSpec, ServiceSpec, SlotSpec
from ...vocabulary import ItemType, Openness, Secrecy
from .schemas import Body, Paging, PerPage, WholeNumber, _number, _text

# A bound inside an optional number must come before the validator, or the OpenAPI document loses it
# (pydantic writes "ge"/"le" instead of minimum/maximum there, and the fuzzer sends what we refuse).
ValidDays = Annotated[int, Field(strict=False, ge=1, le=36500), BeforeValidator(_number)]
StatutoryDays = Annotated[int, Field(strict=False, ge=1, le=3650), BeforeValidator(_number)]
SecrecyYears = Annotated[int, Field(strict=False, ge=1, le=100), BeforeValidator(_number)]

Name = Annotated[str, *_text(200, 1)]
LongText = Annotated[str, *_text(20000)]
Role = Literal["applicant", "clerk", "officer", "supervisor", "archivist", "admin"]
Format = Literal["pdf", "jpg", "jpeg", "png", "tif", "tiff", "ofd", "webp"]


def _pdf_only() -> list[Format]:
    return ["pdf"]


class DepartmentIn(Body):
    code: Annotated[str, *_text(32, 1)]
    name: Name
    name_en: Annotated[str, *_text(200)] = ""
    org_code: Annotated[str, *_text(32)] = ""

    def spec(self) -> DepartmentSpec:
        return DepartmentSpec(**self.model_dump())


class DepartmentChange(Body):
    name: Name
    name_en: Annotated[str, *_text(200)] = ""
    org_code: Annotated[str, *_text(32)] = ""


class DepartmentOut(BaseModel):
    code: str
    name: str
    name_en: str
    org_code: str


class MaterialTypeIn(Body):
    code: Annotated[str, *_text(64, 1)]
    name: Name
    name_en: Annotated[str, *_text(200)] = ""
    shared: bool = False
    valid_days: ValidDays | None = None

    def spec(self) -> MaterialTypeSpec:
        return MaterialTypeSpec(**self.model_dump())


class MaterialTypeChange(Body):
    name: Name
    name_en: Annotated[str, *_text(200)] = ""
    shared: bool = False
    valid_days: ValidDays | None = None


class MaterialTypeOut(BaseModel):
    code: str
    name: str
    name_en: str
    shared: bool
    valid_days: int | None


class SlotIn(Body):
    slot: Annotated[str, *_text(64, 1)]
    name: Name
    material_type: Annotated[str, *_text(64, 1)]
    required: bool = True
    key: bool = Field(default=True, description="key (必要): cannot be missing at acceptance (no 容缺)")
    formats: list[Format] = Field(default_factory=_pdf_only, min_length=1, max_length=8)
    max_bytes: WholeNumber = Field(default=20 * 1024 * 1024, ge=1, le=2 * 1024**3)
    material_class: Literal["basis", "procedure", "result"] = "basis"
    note: Annotated[str, *_text(2000)] = ""


class ServiceChange(Body):
    """A guide as it should read; a PUT publishes it as the next version when anything differs."""

    name: Name
    name_en: Annotated[str, *_text(200)] = ""
    department: Annotated[str, *_text(32, 1)] = Field(description="the owning department's code")
    summary: LongText = ""
    conditions: LongText = ""
    legal_basis: LongText = ""
    time_limit_days: WholeNumber = Field(ge=1, le=3650, description="promised working days (承诺时限)")
    statutory_days: StatutoryDays | None = None
    fees: Annotated[str, *_text(2000)] = "不收费"
    retention: Literal["permanent", "30y", "10y"] = "30y"
    location: Annotated[str, *_text(200)] = ""
    cooperating_departments: list[Annotated[str, *_text(32, 1)]] = Field(default_factory=list, max_length=50)
    materials: list[SlotIn] = Field(min_length=1, max_length=100)
    status: Literal["published", "retired"] = "published"
    item_code: Annotated[str, *_text(64)] = Field("", description="the national 事项编码 of the service item")
    item_type: ItemType = Field(ItemType.LICENSING, description="事项类型")
    secrecy: Secrecy = Field(Secrecy.PUBLIC, description="密级 its dossiers are sealed with")
    secrecy_years: SecrecyYears | None = Field(None, description="保密期限 in years (classified services only)")
    openness: Openness = Field(Openness.CONTROLLED, description="开放状态 its dossiers are sealed with")

    def spec(self, code: str) -> ServiceSpec:
        fields = self.model_dump(exclude={"code", "materials", "cooperating_departments"})
        return ServiceSpec(
            code=code,
            **fields,
            cooperating_departments=tuple(self.cooperating_departments),
            materials=tuple(SlotSpec(**{**m.model_dump(), "formats": tuple(m.formats)}) for m in self.materials),
        )


class ServiceIn(ServiceChange):
    code: Annotated[str, *_text(64, 1)]


class SlotOut(BaseModel):
    slot: str
    name: str
    material_type: str
    required: bool
    key: bool
    formats: list[str]
    max_bytes: int
    material_class: str
    note: str


class ServiceOut(BaseModel):
    code: str
    version: int
    status: str
    name: str
    name_en: str
    department: str
    summary: str
    conditions: str
    legal_basis: str
    time_limit_days: int
    statutory_days: int | None
    fees: str
    retention: str
    retention_label: str
    location: str
    cooperating_departments: list[str]
    materials: list[SlotOut]
    item_code: str
    item_type: str
    secrecy: str
    secrecy_years: int | None
    openness: str
    published_at: datetime
    published_by: str


class ServiceVersions(BaseModel):
    code: str
    versions: list[ServiceOut]


class UserQuery(Paging):
    role: Role | None = None
    per_page: PerPage = 50


class UserIn(Body):
    username: Annotated[str, *_text(64, 3)]
    display_name: Name
    role: Role
    department: Annotated[str, *_text(32)] | None = None
    password: Annotated[str, *_text(1024, 1)]
    phone: Annotated[str, *_text(32)] = ""
    id_number: Annotated[str, *_text(32)] = ""
    email: Annotated[str, *_text(254)] = ""
    active: bool = True
    is_head: bool = Field(default=False, description="科室负责人: an officer heading their department")

    def fields(self) -> dict[str, Any]:
        return self.model_dump(exclude={"username"})


class UserChange(Body):
    """Only the fields given change; ``"department": null`` removes the department."""

    display_name: Name | None = None
    role: Role | None = None
    department: Annotated[str, *_text(32)] | None = None
    active: bool | None = None
    password: Annotated[str, *_text(1024, 1)] | None = Field(default=None, description="a new password (a reset)")
    phone: Annotated[str, *_text(32)] | None = None
    id_number: Annotated[str, *_text(32)] | None = None
    email: Annotated[str, *_text(254)] | None = None
    is_head: bool | None = None

    def changes(self) -> dict[str, Any]:
        return self.model_dump(exclude_unset=True)


class UserOut(BaseModel):
    username: str
    display_name: str
    role: str
    department: str | None
    active: bool
    phone: str
    id_number: str
    email: str
    is_head: bool
    signs_in_with: Literal["password", "oidc"]
    created_at: datetime | None


class UserList(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[UserOut]


class AuditQuery(Paging):
    target: Annotated[str, *_text(200)] | None = Field(default=None, description="e.g. service:minsu, user:clerk")
    action: Annotated[str, *_text(64)] | None = Field(default=None, description="e.g. service.publish")
    per_page: PerPage = 50


class AuditItem(BaseModel):
    at: datetime
    actor: str
    action: str
    target: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class AuditList(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[AuditItem]


class Departments(RootModel[list[DepartmentOut]]):
    pass


class MaterialTypes(RootModel[list[MaterialTypeOut]]):
    pass


class ServiceList(RootModel[list[ServiceOut]]):
    pass
