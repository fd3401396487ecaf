"""What goes into the search index and what comes out of it, independent of the backend.

A dossier (一事一档) is the unit of search: terms are ANDed over its metadata
and all its files together. What a user may see is a ``Scope``, applied inside
the search engine as a filter so that totals, pages and facets are computed
over visible material only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime

from .extract.model import PageText

__all__ = [
    "DossierDoc",
    "DossierHit",
    "FileDoc",
    "FileHit",
    "PageText",
    "Scope",
    "SearchQuery",
    "SearchResult",
]

MAX_PER_PAGE = 100
# Elasticsearch's default max_result_window; the embedded backend keeps the same limit.
MAX_RESULT_WINDOW = 10_000


@dataclass(frozen=True)
class FileDoc:
    """One archived file with its extracted text, page by page.

    ``shared`` says the file's material type may be reused by other departments
    (共享材料); ``material_type_name`` makes the type searchable by its Chinese name.
    """

    file_id: str
    name: str
    material_type: str
    shared: bool = False
    pages: Sequence[PageText] = ()
    material_type_name: str = ""


@dataclass(frozen=True)
class DossierDoc:
    """A sealed dossier as the index sees it. ``departments`` are the owner plus routed departments."""

    dossier_id: str
    archival_code: str
    title: str
    service_code: str
    department_code: str
    departments: Sequence[str]
    applicant_name: str
    applicant_id_number: str
    completed_at: datetime
    retention: str
    files: Sequence[FileDoc] = ()
    service_name: str = ""

    @property
    def allowed_departments(self) -> list[str]:
        return list(dict.fromkeys([self.department_code, *self.departments]))


@dataclass(frozen=True)
class Scope:
    """What a searcher may see.

    ``all`` (archivists) sees every dossier. Otherwise a dossier of one of
    ``departments`` is visible whole, and in any other dossier only the files
    that are shared and of a type in ``shared_material_types``. A dossier
    holding a shared file of a type in ``withheld_material_types`` (no longer
    shared) is not found through its shared files at all, since the index keeps
    a dossier's shared files together. The default scope sees nothing: access
    must be granted explicitly.
    """

    all: bool = False
    departments: Sequence[str] = ()
    shared_material_types: Sequence[str] = ()
    withheld_material_types: Sequence[str] = ()

    @classmethod
    def everything(cls) -> Scope:
        return cls(all=True)

    @property
    def sees_nothing(self) -> bool:
        return not self.all and not self.departments and not self.shared_material_types


@dataclass(frozen=True)
class SearchQuery:
    """One search request (``GET /api/v1/archives``).

    ``q`` holds whitespace-separated terms, all required (AND); "double quotes"
    keep spaces inside one term. ``date_from``/``date_to`` are inclusive; a
    ``date`` is a calendar day in China Standard Time, a naive ``datetime`` is UTC.
    """

    q: str = ""
    service: str | None = None
    department: str | None = None
    material_type: str | None = None
    applicant_id: str | None = None
    date_from: date | datetime | None = None
    date_to: date | datetime | None = None
    page: int = 1
    per_page: int = 20
    scope: Scope = field(default_factory=Scope)

    def __post_init__(self) -> None:
        if self.page < 1:
            raise ValueError("page must be 1 or more")
        if not 1 <= self.per_page <= MAX_PER_PAGE:
            raise ValueError(f"per_page must be between 1 and {MAX_PER_PAGE}")
        if self.page * self.per_page > MAX_RESULT_WINDOW:
            raise ValueError(f"page * per_page must not exceed {MAX_RESULT_WINDOW}; narrow the search")

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.per_page


@dataclass
class FileHit:
    file_id: str
    name: str
    material_type: str
    highlights: list[str] = field(default_factory=list)


@dataclass
class DossierHit:
    dossier_id: str
    archival_code: str
    title: str
    service_code: str
    completed_at: datetime
    score: float
    highlights: list[str] = field(default_factory=list)
    files: list[FileHit] = field(default_factory=list)


@dataclass
class SearchResult:
    """``total`` counts visible matching dossiers; facet values count dossiers too."""

    total: int
    hits: list[DossierHit]
    facets: dict[str, dict[str, int]]
