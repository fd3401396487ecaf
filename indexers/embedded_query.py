"""Plan -> tantivy queries, mirroring the Elasticsearch compiler clause for clause.

Filters are wrapped in constant-score-0 clauses so that only the terms (and
the jieba boosts) decide the score, as filter context does in Elasticsearch.
"""

from __future__ import annotations

from collections.abc import Iterable

import tantivy
from tantivy import Occur, Query

from .query import BOOST_BODY, BOOST_EXACT, BOOST_FORM, BOOST_META, BOOST_WORD, Plan
from .tokenize import TermTokens
from .units import KIND_DOSSIER, KIND_SHARED

# Past this many values a term set (one bitset) beats advancing that many posting lists together.
UNION_MAX = 32


class Compiler:
    """Plan -> tantivy queries (the Elasticsearch backend compiles the same plan to JSON)."""

    def __init__(self, schema: tantivy.Schema) -> None:
        self.schema = schema

    def _field(self, field: str, tokens: tuple[str, ...], boost: float) -> Query:
        if len(tokens) == 1:
            query = Query.term_query(self.schema, field, tokens[0])
        else:
            query = Query.phrase_query(self.schema, field, list(tokens))
        return Query.boost_query(query, boost)

    def term(self, term: TermTokens) -> Query:
        should = []
        if term.gram_field:
            should += [
                self._field(term.gram_field, term.grams, BOOST_BODY),
                self._field("meta", term.phrase, BOOST_META),
            ]
        elif term.phrase:
            should += [self._field("body", term.phrase, BOOST_BODY), self._field("meta", term.phrase, BOOST_META)]
        elif term.char:
            should.append(Query.boost_query(Query.term_query(self.schema, "chars", term.char), BOOST_BODY))
        if term.exact:
            should.append(Query.boost_query(Query.term_query(self.schema, "exact", term.exact), BOOST_EXACT))
        return Query.boolean_query([(Occur.Should, q) for q in should])

    def as_typed(self, term: TermTokens) -> Query | None:
        """A constant bonus for units holding the term in the form typed (elastic_query.as_typed)."""
        if not term.forms_required and not term.forms_excluded:
            return None
        clauses = [(Occur.Must, Query.term_query(self.schema, "forms", t)) for t in term.forms_required]
        if not clauses:
            clauses.append((Occur.Must, Query.all_query()))
        if term.forms_excluded:
            clauses.append((Occur.MustNot, self._any("forms", term.forms_excluded)))
        return Query.const_score_query(Query.boolean_query(clauses), BOOST_FORM)

    def boosts(self, plan: Plan) -> list[Query]:
        words = dict.fromkeys(w for t in plan.terms for w in t.boosts)
        out = [Query.boost_query(Query.term_query(self.schema, "words", w), BOOST_WORD) for w in words]
        return out + [q for q in map(self.as_typed, plan.terms) if q is not None]

    def _any(self, field: str, values: Iterable[str]) -> Query:
        """A union of term queries, not a term set: tantivy builds a term set's bitset over every
        posting of every value on each search (the whole shared part of the archive for the
        permission filter), while a union is only advanced to the documents the terms match."""
        values = list(values)
        if not values:
            return Query.empty_query()
        if len(values) == 1:
            return Query.term_query(self.schema, field, values[0])
        if len(values) > UNION_MAX:
            return Query.term_set_query(self.schema, field, values)
        return Query.boolean_query([(Occur.Should, Query.term_query(self.schema, field, v)) for v in values])

    def filters(self, plan: Plan) -> list[Query]:
        f = plan.filters
        out = []
        for field, value in (
            ("service", f.service),
            ("departments", f.department),
            ("material_types", f.material_type),
            ("applicant_id", f.applicant_id),
        ):
            if value:
                out.append(Query.term_query(self.schema, field, value))
        if f.start or f.end:
            out.append(
                Query.range_query(
                    self.schema,
                    "completed_at",
                    tantivy.FieldType.Date,
                    f.start or tantivy.MIN_DATETIME,
                    f.end or tantivy.MAX_DATETIME,
                    include_lower=True,
                    include_upper=f.end is None,
                )
            )
        return out

    def visible_dossiers(self, plan: Plan) -> Query | None:
        kind = Query.term_query(self.schema, "kind", KIND_DOSSIER)
        if plan.visibility.all:
            return kind
        if not plan.visibility.departments:
            return None
        return Query.boolean_query(
            [(Occur.Must, kind), (Occur.Must, self._any("departments", plan.visibility.departments))]
        )

    def visible_shared(self, plan: Plan) -> Query | None:
        vis = plan.visibility
        if vis.all or not vis.shared_types:
            return None
        clauses = [
            (Occur.Must, Query.term_query(self.schema, "kind", KIND_SHARED)),
            (Occur.Must, self._any("material_types", vis.shared_types)),
        ]
        if vis.departments:
            clauses.append((Occur.MustNot, self._any("departments", vis.departments)))
        if vis.withheld_types:
            clauses.append((Occur.MustNot, self._any("material_types", vis.withheld_types)))
        return Query.boolean_query(clauses)

    def either(self, parts: list[Query]) -> Query:
        """What a viewer sees at all: any of their parts (own dossiers, others' shared files)."""
        return parts[0] if len(parts) == 1 else Query.boolean_query([(Occur.Should, p) for p in parts])

    def query(self, plan: Plan, visibility: Query, with_boosts: bool) -> Query:
        clauses = [(Occur.Must, self.term(t)) for t in plan.terms]
        if not clauses:
            clauses.append((Occur.Must, Query.all_query()))
        for f in [visibility, *self.filters(plan)]:
            clauses.append((Occur.Must, Query.const_score_query(f, 0.0)))
        if with_boosts:
            clauses += [(Occur.Should, b) for b in self.boosts(plan)]
        return Query.boolean_query(clauses)
