"""Plan -> Elasticsearch query DSL, mirroring the tantivy compiler clause for clause.

Only core Lucene queries are used (term, terms, match_phrase over the
whitespace analyser, range, bool), because CI's node has no
analysis-common module.
"""

from __future__ import annotations

from typing import Any

from .query import BOOST_BODY, BOOST_EXACT, BOOST_FORM, BOOST_META, BOOST_WORD, FACET_FIELDS, FACET_SIZE, Plan
from .tokenize import TermTokens
from .units import KIND_DOSSIER, KIND_SHARED

Json = dict[str, Any]


def _field(field: str, tokens: tuple[str, ...], boost: float) -> Json:
    if len(tokens) == 1:
        return {"term": {field: {"value": tokens[0], "boost": boost}}}
    return {"match_phrase": {field: {"query": " ".join(tokens), "boost": boost}}}


def term_clause(term: TermTokens) -> Json:
    should = []
    if term.gram_field:
        should += [_field(term.gram_field, term.grams, BOOST_BODY), _field("meta", term.phrase, BOOST_META)]
    elif term.phrase:
        should += [_field("body", term.phrase, BOOST_BODY), _field("meta", term.phrase, BOOST_META)]
    elif term.char:
        should.append({"term": {"chars": {"value": term.char, "boost": BOOST_BODY}}})
    if term.exact:
        should.append({"term": {"exact": {"value": term.exact, "boost": BOOST_EXACT}}})
    return {"bool": {"should": should, "minimum_should_match": 1}}


def as_typed(term: TermTokens) -> Json | None:
    """A constant bonus for units holding the term in the script, width and case typed (see ``form_conditions``)."""
    if not term.forms_required and not term.forms_excluded:
        return None
    clause: Json = {"filter": [{"term": {"forms": t}} for t in term.forms_required] or [{"match_all": {}}]}
    if term.forms_excluded:
        clause["must_not"] = [{"terms": {"forms": list(term.forms_excluded)}}]
    return {"constant_score": {"filter": {"bool": clause}, "boost": BOOST_FORM}}


def boosts(plan: Plan) -> list[Json]:
    words = dict.fromkeys(w for t in plan.terms for w in t.boosts)
    out = [{"term": {"words": {"value": w, "boost": BOOST_WORD}}} for w in words]
    return out + [q for q in map(as_typed, plan.terms) if q is not None]


def filters(plan: Plan) -> list[Json]:
    f = plan.filters
    out: list[Json] = []
    for field, value in (
        ("service", f.service),
        ("departments", f.department),
        ("material_types", f.material_type),
        ("applicant_id", f.applicant_id),
    ):
        if value:
            out.append({"term": {field: value}})
    if f.start or f.end:
        bounds = {}
        if f.start:
            bounds["gte"] = f.start.isoformat()
        if f.end:
            bounds["lt"] = f.end.isoformat()
        out.append({"range": {"completed_at": bounds}})
    return out


def visible_dossiers(plan: Plan) -> Json | None:
    kind = {"term": {"kind": KIND_DOSSIER}}
    if plan.visibility.all:
        return kind
    if not plan.visibility.departments:
        return None
    return {"bool": {"filter": [kind, {"terms": {"departments": list(plan.visibility.departments)}}]}}


def visible_shared(plan: Plan) -> Json | None:
    vis = plan.visibility
    if vis.all or not vis.shared_types:
        return None
    clause: Json = {
        "filter": [{"term": {"kind": KIND_SHARED}}, {"terms": {"material_types": list(vis.shared_types)}}],
    }
    must_not = []
    if vis.departments:
        must_not.append({"terms": {"departments": list(vis.departments)}})
    if vis.withheld_types:
        must_not.append({"terms": {"material_types": list(vis.withheld_types)}})
    if must_not:
        clause["must_not"] = must_not
    return {"bool": clause}


def query(plan: Plan, visibility: Json, with_boosts: bool) -> Json:
    must = [term_clause(t) for t in plan.terms] or [{"match_all": {}}]
    body: Json = {"must": must, "filter": [visibility, *filters(plan)]}
    if with_boosts:
        body["should"] = boosts(plan)
    return {"bool": body}


def count_aggs() -> Json:
    """Facet terms (each visible dossier is one unit, so document counts are dossier counts)."""
    return {name: {"terms": {"field": field, "size": FACET_SIZE}} for name, field in FACET_FIELDS.items()}
