"""`onewindow archive import`: existing documents (e.g. scanned paper records) filed as dossiers."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import BinaryIO

from sqlalchemy.orm import Session

from indexers.extract.check import count_pages
from indexers.extract.errors import ExtractError
from indexers.extract.sniff import sniff_file

from ...errors import InvalidInput
from ...models import Dossier, utcnow
from ...runtime import Runtime
from ...timeutil import LOCAL_TZ, local_year
from ...vocabulary import FiledType, MaterialClass
from ..catalogue import get_service
from .seal import SealFile, SealRequest, seal_dossier

# The People's Republic's earliest records a county archive files (1949); earlier ones are historical archives.
EARLIEST_YEAR = 1949


@dataclass(frozen=True)
class ImportResult:
    dossier: Dossier
    sources: list[str]


def _files_of(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.is_file() and not p.name.startswith("."))
        if not files:
            raise InvalidInput(f"{path}: the folder holds no files")
        return files
    raise InvalidInput(f"{path}: no such file or folder")


def _page_count(path: Path, media_type: str) -> int | None:
    try:
        return count_pages(path, media_type)
    except ExtractError:
        return None


def _check_year(year: int | None, now: datetime) -> None:
    if year is not None and not EARLIEST_YEAR <= year <= local_year(now):
        raise InvalidInput(
            f"年度须在 {EARLIEST_YEAR} 至 {local_year(now)} 之间 (--year must be between {EARLIEST_YEAR} and this year)"
        )


def _dates(files: list[Path], year: int | None, now: datetime) -> tuple[datetime, datetime]:
    """Without a year, the files' own times up to now; with one, that year (its exact days are not known, and
    the files' times are those of the scanning, not of the records)."""
    if year is None:
        return datetime.fromtimestamp(min(os.stat(f).st_mtime for f in files), UTC), now
    start = datetime(year, 1, 1, tzinfo=LOCAL_TZ).astimezone(UTC)
    end = datetime(year, 12, 31, 23, 59, 59, tzinfo=LOCAL_TZ).astimezone(UTC)
    return start, min(end, now)


def _opener(path: Path) -> Callable[[], BinaryIO]:
    return lambda: open(path, "rb")  # an opener: sealing closes the file


def import_path(
    session: Session,
    runtime: Runtime,
    path: Path,
    *,
    service_code: str,
    applicant_id: str = "",
    applicant_name: str = "",
    actor: str = "cli",
    year: int | None = None,
) -> ImportResult:
    """One file, or one folder's files together, become one sealed dossier; ``year`` is the year the records
    were formed (年度 of their 档号), not the year they were imported."""
    service = get_service(session, service_code)
    now = utcnow()
    _check_year(year, now)
    files = _files_of(path)
    specs = []
    for file in files:
        media_type = sniff_file(file)
        specs.append(
            SealFile(
                name=str(file.relative_to(path)) if path.is_dir() else file.name,
                open=_opener(file),
                media_type=media_type,
                material_type=FiledType.LEGACY_RECORD,
                material_type_name=FiledType.LEGACY_RECORD.label,
                material_class=MaterialClass.BASIS,
                pages=_page_count(file, media_type),
            )
        )
    opened, closed = _dates(files, year, now)
    request = SealRequest(
        title=f"{service.name}（存量档案导入：{path.name}）",
        service=service,
        files=specs,
        opened_at=opened,
        closed_at=closed,
        sealed_by=actor,
        departments=list(service.cooperating),
        applicant_name=applicant_name,
        applicant_id_number=applicant_id,
        source="import",
        source_paths=[str(f) for f in files],
        year=year,
        events=[
            {
                "seq": 1,
                "at": now.isoformat(),
                "actor": actor,
                "action": "imported",
                "note": f"imported from {path}",
                "files": len(files),
            }
        ],
    )
    dossier = seal_dossier(session, runtime, request)
    return ImportResult(dossier, [str(f) for f in files])
