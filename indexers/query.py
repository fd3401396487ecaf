"""A backend-neutral plan of a search: terms, filters, visibility, page.

Both backends compile the same plan with the same field boosts, so the
semantics (phrase per term, AND across terms, jieba words only as boosts,
permission as a filter) are defined once, here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta, timezone

from .models import SearchQuery
from .tokenize import TermTokens, analyze_term
from .units import normalize_applicant_id, utc

# China Standard Time has no daylight saving: a fixed offset needs no tz database.
CHINA_TZ = timezone(timedelta(hours=8), "CST")

# Where a term is found matters: metadata (title, applicant, ID, archival code)
# outranks body text; jieba words only nudge the order among matches.
BOOST_BODY = 1.0
BOOST_META = 2.0
BOOST_EXACT = 2.0
BOOST_WORD = 0.3
# Added once per term found in a unit as typed (script, width, case): breaks the tie
# with a unit where it matches only after folding, and little more (issue #15).
BOOST_FORM = 0.5
MAX_TERMS = 16
FACET_FIELDS = {"service": "service", "department": "departments", "material_type": "material_types"}
FACET_SIZE = 100

_TERMS = re.compile(r'"([^"]*)"|“([^”]*)”|(\S+)')


def split_terms(q: str) -> list[str]:
    """Whitespace-separated terms; "..." or “...” keep spaces inside one term."""
    return [next(g for g in m.groups() if g is not None) for m in _TERMS.finditer(q or "")]


@dataclass(frozen=True)
class Filters:
    service: str | None
    department: str | None
    material_type: str | None
    applicant_id: str | None
    start: datetime | None  # inclusive, UTC, whole seconds
    end: datetime | None  # exclusive


@dataclass(frozen=True)
class Visibility:
    """``all`` sees dossier units; otherwise own departments' dossier units plus others' shared units."""

    all: bool
    departments: tuple[str, ...]
    shared_types: tuple[str, ...]
    withheld_types: tuple[str, ...] = ()

    @property
    def nothing(self) -> bool:
        return not self.all and not self.departments and not self.shared_types


@dataclass(frozen=True)
class Plan:
    terms: tuple[TermTokens, ...]
    filters: Filters
    visibility: Visibility
    offset: int
    limit: int

    @property
    def has_terms(self) -> bool:
        return bool(self.terms)


def _bound(value: date | datetime | None, upper: bool) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        moment = utc(value).replace(microsecond=0)
        return moment + timedelta(seconds=1) if upper else moment
    day = value + timedelta(days=1) if upper else value
    return datetime.combine(day, time(0), CHINA_TZ).astimezone(UTC)


def plan_query(query: SearchQuery) -> Plan:
    # A term with nothing to match (only punctuation) is dropped, as a search box would.
    terms = [t for t in (analyze_term(raw) for raw in split_terms(query.q)[:MAX_TERMS]) if not t.empty]
    scope = query.scope
    shared = tuple(dict.fromkeys(scope.shared_material_types))
    if query.material_type and query.material_type not in shared:
        shared = ()  # others' dossiers are seen only through shared files, and none is of that type
    return Plan(
        terms=tuple(terms),
        filters=Filters(
            service=query.service or None,
            department=query.department or None,
            material_type=query.material_type or None,
            applicant_id=normalize_applicant_id(query.applicant_id) if query.applicant_id else None,
            start=_bound(query.date_from, upper=False),
            end=_bound(query.date_to, upper=True),
        ),
        visibility=Visibility(
            all=scope.all,
            departments=tuple(dict.fromkeys(scope.departments)),
            shared_types=shared,
            withheld_types=tuple(dict.fromkeys(scope.withheld_material_types)),
        ),
        offset=query.offset,
        limit=query.per_page,
    )
