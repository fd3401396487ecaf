"""Turning a dossier into the documents both backends store ("units").

A dossier becomes one ``dossier`` unit holding its metadata and all its files
(visible to its own departments and to archivists), plus at most one
``shared`` unit holding its shared files and the applicant's identity
(visible to other departments). Every scope sees at most one unit per
dossier, so counting matching units counts dossiers exactly (no distinct
counting, which cost the most at a million pages), and terms are ANDed over
the whole visible part of a dossier.

Which files are shared is recorded when the dossier is sealed
(``FileDoc.shared``). A type that stops being shared later is named in the
searcher's ``Scope.withheld_material_types``, and the shared units holding it
are then hidden from other departments (fail closed); results list only files
of the types the scope may see.

Token fields are produced here, once, by ``tokenize``; both backends index
them with a plain whitespace tokenizer, so they match identically.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from . import tokenize
from .models import DossierDoc, FileDoc

# Bump when fields, tokenisation or unit layout change: stored indexes with another
# version report needs_rebuild() and are replaced by a rebuild.
SCHEMA_VERSION = 3  # 3: the forms field (issue #15)

KIND_DOSSIER = "dossier"
KIND_SHARED = "shared"

# A separator that ends CJK runs, so adjacent fields never form a bigram.
_FIELD_BREAK = "\n|\n"


@dataclass
class Unit:
    uid: str
    kind: str
    dossier_id: str
    body: str
    tri: str
    quad: str
    meta: str
    words: str
    exact: list[str]
    chars: str
    forms: str
    service: str
    departments: list[str]
    material_types: list[str]
    applicant_id: str
    completed_at: datetime
    payload: dict[str, Any]


def dossier_key(dossier_id: str) -> int:
    """A stable 63-bit number per dossier: the last tie-breaker of the ranking on both backends
    (tantivy reads numeric fast fields in bulk, text ones not; Elasticsearch longs are signed)."""
    return int.from_bytes(hashlib.blake2b(dossier_id.encode(), digest_size=8).digest(), "big") >> 1


def normalize_applicant_id(value: str) -> str:
    return "".join(value.split()).lower()


def utc(value: datetime) -> datetime:
    """Aware UTC datetime; naive values are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def _meta_values(doc: DossierDoc) -> list[str]:
    return [
        v for v in (doc.title, doc.applicant_name, doc.applicant_id_number, doc.archival_code, doc.service_name) if v
    ]


def _file_texts(file: FileDoc) -> list[str]:
    # Pages are joined by a line break: a word cut at the bottom of a page still matches.
    pages = "\n".join(page.text for page in sorted(file.pages, key=lambda p: p.page_no))
    return [v for v in (file.name, file.material_type_name, pages) if v]


def _file_payload(file: FileDoc) -> dict[str, Any]:
    return {
        "id": file.file_id,
        "name": file.name,
        "type": file.material_type,
        "type_name": file.material_type_name,
        "pages": [[p.page_no, p.text] for p in sorted(file.pages, key=lambda p: p.page_no)],
    }


def _joined(parts: list[tokenize.Analyzed]) -> tokenize.Analyzed:
    # Joining token strings equals analysing the texts joined by a run break.
    return tokenize.Analyzed(
        " ".join(p.match for p in parts if p.match),
        " ".join(p.boost for p in parts if p.boost),
        tuple(t for p in parts for t in p.exact),
        frozenset().union(*(p.chars for p in parts)),
        " ".join(p.tri for p in parts if p.tri),
        " ".join(p.quad for p in parts if p.quad),
        frozenset().union(*(p.forms for p in parts)),
    )


def _unit(
    doc: DossierDoc, kind: str, files: list[FileDoc], body: tokenize.Analyzed, meta: tokenize.Analyzed, uid: str
) -> Unit:
    completed = utc(doc.completed_at).replace(microsecond=0)
    return Unit(
        uid=uid,
        kind=kind,
        dossier_id=doc.dossier_id,
        body=body.match,
        tri=body.tri,
        quad=body.quad,
        meta=meta.match,
        words=f"{meta.boost} {body.boost}".strip(),
        exact=sorted(set(meta.exact) | set(body.exact)),
        chars=" ".join(sorted(meta.chars | body.chars)),
        forms=" ".join(sorted(meta.forms | body.forms)),
        service=doc.service_code,
        departments=doc.allowed_departments,
        material_types=sorted({f.material_type for f in files if f.material_type}),
        applicant_id=normalize_applicant_id(doc.applicant_id_number),
        completed_at=completed,
        payload={
            "dossier_id": doc.dossier_id,
            "archival_code": doc.archival_code,
            "title": doc.title,
            "service_code": doc.service_code,
            "completed_at": completed.isoformat(),
            "meta": _meta_values(doc),
            "files": [_file_payload(f) for f in files],
        },
    )


def build_units(doc: DossierDoc) -> list[Unit]:
    """The dossier unit and, when it has shared files, one shared unit; each file is tokenised once.

    The shared unit carries only the applicant's identity as metadata (who the
    materials belong to, which is how other departments look for them), not the
    dossier's title: an ID card is not "about" the food licence it was filed with.
    """
    meta = tokenize.analyze(_FIELD_BREAK.join(_meta_values(doc)))
    files = list(doc.files)
    analysed = [tokenize.analyze(_FIELD_BREAK.join(_file_texts(f))) for f in files]
    units = [_unit(doc, KIND_DOSSIER, files, _joined(analysed), meta, doc.dossier_id)]
    shared = [(f, body) for f, body in zip(files, analysed, strict=True) if f.shared]
    if shared:
        identity_values = [v for v in (doc.applicant_name, doc.applicant_id_number) if v]
        identity = tokenize.analyze(_FIELD_BREAK.join(identity_values))
        unit = _unit(
            doc,
            KIND_SHARED,
            [f for f, _ in shared],
            _joined([b for _, b in shared]),
            identity,
            f"{doc.dossier_id}/shared",
        )
        unit.payload["identity"] = identity_values
        units.append(unit)
    return units
