"""What the correction endpoints accept and answer (API.md "Corrections and versions")."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import BaseModel, Field

from ...vocabulary import Openness, Secrecy
from .admin_schemas import SecrecyYears
from .schemas import Body, Dossier, _text


class CorrectionBody(Body):
    reason: Annotated[str, *_text(2000, 1)] = Field(description="why the dossier is corrected; sealed with it")
    title: Annotated[str, *_text(500, 1)] | None = Field(None, description="a corrected 题名")
    responsible: Annotated[str, *_text(500, 1)] | None = Field(None, description="a corrected 责任者")
    secrecy: Secrecy | None = Field(None, description="a corrected 密级")
    secrecy_years: SecrecyYears | None = Field(None, description="a corrected 保密期限 in years")
    openness: Openness | None = Field(None, description="a corrected 开放状态")
    remove_files: list[Annotated[str, *_text(64)]] = Field(
        default_factory=list, max_length=1000, description="file ids the new version no longer carries"
    )


class VersionOut(BaseModel):
    version: int
    dossier_id: str
    current: bool = Field(description="the one version of the 档号 that exports and transfers carry")
    replaces: str | None
    reason: str | None
    sealed_at: datetime
    sealed_by: str


class Versions(BaseModel):
    archival_code: str
    versions: list[VersionOut]


class Corrected(BaseModel):
    dossier: Dossier
    versions: list[VersionOut]
