"""What the reuse and e-licence operations accept and answer (API.md, "Reuse, e-licences and the ledger")."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from pydantic import BaseModel, Field

from ...services.cases.licences import LicenceFacts
from .schemas import Body, Code, Level, PlausibleDate, Query, ResultUploaded, ReusedFrom, Uploaded, _text


class LicenceQuery(Query):
    licence_type: Code = Field("", description="files the result as an e-licence of this material type code")
    licence_number: Annotated[str, *_text(64)] = Field("", description="the licence's number (证照编号)")
    valid_until: PlausibleDate | None = Field(None, description="last day of validity; none: valid until revoked")

    def facts(self) -> LicenceFacts | None:
        """The licence stated, or None for a plain result (naming neither type nor number)."""
        if not self.licence_type and not self.licence_number and self.valid_until is None:
            return None
        return LicenceFacts(self.licence_type, self.licence_number, self.valid_until)


class Revoke(Body):
    reason: Annotated[str, *_text(2000, 1)] = Field(description="why the licence is revoked; told to the holder")


class LicenceOut(BaseModel):
    id: str
    licence_type: str
    licence_type_name: str
    number: str
    holder_name: str
    department: str
    department_name: str
    issued_at: datetime
    issued_by: str
    valid_until: date | None
    state: Literal["pending", "valid", "expired", "revoked"] = Field(
        description="pending until the issuing case is archived; only a valid licence is offered for reuse"
    )
    application_id: str
    dossier_id: str | None
    file_id: str | None
    archival_code: str | None
    revoked_at: datetime | None
    revoked_by: str | None
    revoke_reason: str | None


class LicenceList(BaseModel):
    total: int
    items: list[LicenceOut]


class ResultFiled(ResultUploaded):
    licence: LicenceOut | None = Field(description="the e-licence, when the result was filed as one")


class OfferLicence(BaseModel):
    id: str
    number: str
    department: str
    department_name: str
    issued_at: datetime
    valid_until: date | None


class Offer(BaseModel):
    file_id: str
    dossier_id: str
    name: str
    material_type: str
    level: Level = Field(description="issued / verified_original / archived_copy / uploaded (never checked)")
    level_label: str
    verified_by: str | None = Field(description="who checked it against the original, or the issuing department")
    verified_at: datetime | None
    valid_until: datetime | None = Field(description="from the licence, or the type's valid_days from the check")
    archival_code: str = Field(description="the source dossier's 档号")
    source_department: str
    closed_at: datetime
    media_type: str
    size: int
    pages: int | None
    licence: OfferLicence | None


class Reusable(BaseModel):
    slots: dict[str, list[Offer]] = Field(
        description="per slot, the archived files that may fill it: each file once, strongest level first; "
        "never expired, revoked, or unchecked copies from rejected cases"
    )


class ReusedMaterial(Uploaded):
    level: Level
    verified_by: str | None
    verified_at: datetime | None
    valid_until: datetime | None
    reused_from: ReusedFrom


class DossierFileOut(BaseModel):
    file_id: str
    name: str
    material_type: str
    material_type_name: str
    material_class: str
    level: Level
    verified_by: str | None
    verified_at: datetime | None
    valid_until: datetime | None
    licence_id: str | None
    media_type: str
    size: int


class MyDossier(BaseModel):
    dossier_id: str
    archival_code: str
    title: str
    service_name: str
    department_name: str
    outcome: str
    closed_at: datetime
    application_id: str | None
    files: list[DossierFileOut]


class MyDossiers(BaseModel):
    total: int
    items: list[MyDossier]
