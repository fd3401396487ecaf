"""What the access ledger and the officers' access requests accept and answer (API.md "Reuse, e-licences and
the ledger")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from .schemas import Body, Purpose, _text


class ArchiveRead(Purpose):
    application_id: Annotated[str, *_text(64)] = Field(
        "",
        description="an officer reading another department's shared file: an open case of the same applicant "
        "routed to their department (or have an access request approved first)",
    )


class AccessRequestBody(Body):
    purpose: Annotated[str, *_text(1000, 1)] = Field(
        description="why the officer needs the files; the applicant reads it"
    )


class AccessRequestOut(BaseModel):
    id: str
    dossier_id: str
    officer: str
    department: str
    department_name: str
    purpose: str
    status: str = Field(description="pending, approved or refused")
    created_at: datetime
    decided_at: datetime | None
    expires_at: datetime | None = Field(description="an approval lets the officer read until then")


class AccessRequests(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[AccessRequestOut]


class LedgerEntry(BaseModel):
    seq: int | None = Field(description="the entry's place in the hash chain")
    at: datetime
    role: str
    department: str | None
    department_name: str | None
    action: str = Field(description="read, preview, export, search or reuse")
    dossier_id: str | None
    file_id: str | None
    file_name: str
    purpose: str
    application_id: str | None = Field(description="the case the read was for")
    tracking_number: str | None
    access_request_id: str | None = Field(description="the approved access request the read relied on")


class Ledger(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[LedgerEntry]
