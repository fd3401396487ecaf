"""Building search results from matched units, identically for every backend.

Backends only find units (and count them); which files of a dossier to show,
their snippets and the dossier's own highlights are decided here from the
stored payloads, so both backends return the same hits for the same data.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from .highlight import Highlighter
from .masking import Masker, identity_masker
from .models import DossierHit, FileHit, SearchResult
from .query import FACET_FIELDS, Plan
from .units import KIND_SHARED

MAX_FILES_PER_HIT = 10
SNIPPET_FILES = 3
SNIPPETS_PER_FILE = 2


@dataclass
class Group:
    """The matched units of one dossier, best first."""

    dossier_id: str
    score: float
    units: list[tuple[str, dict[str, Any]]] = field(default_factory=list)


def group_in_order(rows: Iterable[tuple[str, float, Any]]) -> list[tuple[str, float, list[Any]]]:
    """Group (dossier_id, score, item) rows by dossier, keeping the rank of each dossier's best row."""
    groups: dict[str, tuple[str, float, list[Any]]] = {}
    for dossier_id, score, item in rows:
        if dossier_id not in groups:
            groups[dossier_id] = (dossier_id, score, [])
        groups[dossier_id][2].append(item)
    return list(groups.values())


Spans = list[tuple[int, int, int]]


@dataclass
class _FileScan:
    """Where the terms occur in one file; found cheaply, rendered only for the best files."""

    file: Mapping[str, Any]
    name: str
    terms: set[int]
    labels: list[tuple[str, Spans]]
    pages: list[tuple[str, Spans]]


def _scan(file: Mapping[str, Any], hl: Highlighter, mask: Masker | None) -> _FileScan:
    """Pages are masked as they are read: those after the last one needed are never masked."""
    name, type_name = file.get("name", ""), file.get("type_name", "")
    if mask is not None:
        name, type_name = mask(name), mask(type_name)
    labels = [(label, spans) for label in (name, type_name) if (spans := hl.spans(label))]
    terms = {s[2] for _, spans in labels for s in spans}
    pages: list[tuple[str, Spans]] = []
    for _, text in file.get("pages", []):
        if len(pages) == SNIPPETS_PER_FILE and len(terms) == hl.size:
            break
        if mask is not None:
            text = mask(text)
        spans = hl.spans(text)
        if spans:
            terms.update(s[2] for s in spans)
            if len(pages) < SNIPPETS_PER_FILE:
                pages.append((text, spans))
    return _FileScan(file, name, terms, labels, pages)


def _render(scan: _FileScan, hl: Highlighter, with_snippets: bool) -> FileHit:
    highlights = [hl.mark(label, spans) or "" for label, spans in scan.labels]
    left = SNIPPETS_PER_FILE if with_snippets else 0
    for text, spans in scan.pages:
        if left <= 0:
            break
        found = hl.snippets(text, limit=left, spans=spans)
        highlights.extend(found)
        left -= len(found)
    file = scan.file
    return FileHit(file_id=file["id"], name=scan.name, material_type=file.get("type", ""), highlights=highlights)


def _shared_files(files: list[_FileScan], payload: Mapping[str, Any], plan: Plan, hl: Highlighter) -> list[_FileScan]:
    """The shared files that explain a match seen only through shared files.

    Preferred: files that satisfy every term by themselves or through the
    applicant's identity (a search for 李四 lists all of 李四's shared files;
    a licence number lists the licence). Otherwise the files where some term occurs.
    """
    if not plan.has_terms:
        return files
    identity = {s[2] for value in payload.get("identity", []) for s in hl.spans(value)}
    complete = [f for f in files if len(f.terms | identity) == hl.size]
    return complete or [f for f in files if f.terms] or files


def build_hit(group: Group, plan: Plan, hl: Highlighter) -> DossierHit:
    """One dossier hit: metadata highlights, then the files that explain the match.

    A dossier seen whole lists its files where a term occurs (or, without
    terms, those of the requested material type); a dossier seen only through
    shared files lists those files, of the types the scope may see, with the
    applicant's name, ID numbers and phones masked in everything shown. Files are
    ranked by how many terms they contain; only the first few get text snippets.
    """
    kind, payload = group.units[0]
    only_shared = kind == KIND_SHARED
    mask = identity_masker(payload.get("identity", [])) if only_shared else None
    wanted_type = plan.filters.material_type
    files: dict[str, Mapping[str, Any]] = {}
    for _, unit_payload in group.units:
        for file in unit_payload.get("files", []):
            files.setdefault(file["id"], file)
    scans: list[_FileScan] = []
    for file in files.values():
        if wanted_type and file.get("type") != wanted_type:
            continue
        if only_shared and file.get("type") not in plan.visibility.shared_types:
            continue
        if plan.has_terms:
            scans.append(_scan(file, hl, mask))
        else:
            name = file.get("name", "")
            scans.append(_FileScan(file, name if mask is None else mask(name), set(), [], []))
    if only_shared:
        listed = _shared_files(scans, payload, plan, hl)
    else:
        listed = [s for s in scans if s.terms or (not plan.has_terms and wanted_type)]
    ranked = sorted(enumerate(listed), key=lambda r: (-len(r[1].terms), r[0]))
    file_hits = [_render(scan, hl, i < SNIPPET_FILES) for i, (_, scan) in enumerate(ranked[:MAX_FILES_PER_HIT])]
    meta = [v if mask is None else mask(v) for v in payload.get("meta", [])]
    highlights = [m for m in (hl.mark(v) for v in meta) if m] if plan.has_terms else []
    if not highlights:
        highlights = next(([h] for f in file_hits for h in f.highlights[:1]), [])
    title = payload.get("title", "")
    return DossierHit(
        dossier_id=payload["dossier_id"],
        archival_code=payload.get("archival_code", ""),
        title=title if mask is None else mask(title),
        service_code=payload.get("service_code", ""),
        completed_at=datetime.fromisoformat(payload["completed_at"]),
        score=float(group.score),
        highlights=highlights,
        files=file_hits,
    )


def build_hits(groups: list[Group], plan: Plan) -> list[DossierHit]:
    hl = Highlighter(plan.terms)
    return [build_hit(g, plan, hl) for g in groups]


class Counts:
    """Adds up dossier counts from the parts of a search (own dossiers, others' shared files)."""

    def __init__(self) -> None:
        self.total = 0
        self.facets: dict[str, dict[str, int]] = {name: {} for name in FACET_FIELDS}

    def add(self, total: int, facets: Mapping[str, Mapping[str, int]], types: Collection[str] | None = None) -> None:
        """``types``: the material types the viewer may open in this part (others' shared files): a dossier
        seen through its shared files is not counted under the types of its files the viewer cannot open."""
        self.total += int(total)
        for name, buckets in facets.items():
            target = self.facets[name]
            for key, count in buckets.items():
                if count and (types is None or name != "material_type" or key in types):
                    target[key] = target.get(key, 0) + int(count)

    def result(self, hits: list[DossierHit]) -> SearchResult:
        facets = {name: dict(sorted(b.items(), key=lambda kv: (-kv[1], kv[0]))) for name, b in self.facets.items()}
        return SearchResult(total=self.total, hits=hits, facets=facets)


def empty_result() -> SearchResult:
    return Counts().result([])
