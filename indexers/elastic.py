"""The Elasticsearch 8 backend, for centres that outgrow one machine.

Nothing here needs the analysis-common module (CI runs the integ-test zip,
which lacks it): text is tokenised in Python by ``tokenize`` exactly as for the
embedded index and stored in ``whitespace``-analysed fields. A node with IK or
analysis-common may carry extra fields later, but none is required.

Index layout: the alias ``<prefix>`` (URL ``?prefix=``, default ``onewindow``)
points at one concrete index ``<prefix>-v<schema>-<stamp>`` whose mapping
``_meta`` records the schema version and whether a rebuild filled it. All
reads and writes go through the alias, so when a rebuild swaps it every
process follows with no downtime. An index of another schema version is
replaced by an empty current one that reports ``needs_rebuild``.
"""

from __future__ import annotations

import re
import secrets
import threading
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from itertools import islice
from typing import Any
from urllib.parse import parse_qs, urlsplit, urlunsplit

from elasticsearch import ApiError, Elasticsearch, NotFoundError, TransportError, helpers

from . import elastic_query as dsl
from . import units as unit_layout
from .base import SearchIndex, translated
from .elastic_errors import translate
from .models import DossierDoc, SearchQuery, SearchResult
from .query import FACET_FIELDS, plan_query
from .results import Counts, Group, build_hits, empty_result
from .units import Unit, build_units, dossier_key

DEFAULT_PREFIX = "onewindow"
BULK_DOSSIERS = 500
_MERGE_TIMEOUT_SECONDS = 6 * 3600
_PREFIX_RE = re.compile(r"^[a-z0-9][a-z0-9_.-]{0,100}$")
_TEXT = {"type": "text", "analyzer": "whitespace"}
_elastic_errors = translated(translate)


def mapping(complete: bool) -> dict[str, Any]:
    return {
        "dynamic": "strict",
        "_meta": {"schema_version": unit_layout.SCHEMA_VERSION, "complete": complete},
        "_source": {"excludes": ["body", "tri", "quad", "meta", "words", "exact", "chars", "forms"]},
        "properties": {
            "kind": {"type": "keyword"},
            "dossier_id": {"type": "keyword"},
            "dkey": {"type": "long"},
            "body": _TEXT,
            "tri": {**_TEXT, "index_options": "freqs"},
            "quad": _TEXT,
            "meta": _TEXT,
            "words": {**_TEXT, "index_options": "freqs"},
            "exact": {"type": "keyword"},
            "chars": {**_TEXT, "index_options": "docs"},
            "forms": {**_TEXT, "index_options": "docs", "norms": False},
            "service": {"type": "keyword"},
            "departments": {"type": "keyword"},
            "material_types": {"type": "keyword"},
            "applicant_id": {"type": "keyword"},
            "completed_at": {"type": "date"},
            "payload": {"type": "object", "enabled": False},
        },
    }


def _source(unit: Unit) -> dict[str, Any]:
    return {
        "kind": unit.kind,
        "dossier_id": unit.dossier_id,
        "dkey": dossier_key(unit.dossier_id),
        "body": unit.body,
        "tri": unit.tri,
        "quad": unit.quad,
        "meta": unit.meta,
        "words": unit.words,
        "exact": unit.exact,
        "chars": unit.chars,
        "forms": unit.forms,
        "service": unit.service,
        "departments": unit.departments,
        "material_types": unit.material_types,
        "applicant_id": unit.applicant_id,
        "completed_at": unit.completed_at.isoformat(),
        "payload": unit.payload,
    }


def _chunks(items: Iterable[DossierDoc], size: int) -> Iterator[list[DossierDoc]]:
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk


class ElasticIndex(SearchIndex):
    backend = "elasticsearch"

    def __init__(self, url: str) -> None:
        parts = urlsplit(url)
        params = parse_qs(parts.query)
        self.alias = (params.get("prefix") or [DEFAULT_PREFIX])[0]
        if not _PREFIX_RE.match(self.alias):
            raise ValueError(f"index prefix {self.alias!r}: use lower-case letters, digits, '-', '_' or '.'")
        self._shards = int((params.get("shards") or ["1"])[0])
        self._replicas = int((params.get("replicas") or ["0"])[0])
        self._server = urlunsplit((parts.scheme, parts.netloc, parts.path, "", ""))
        self._client = Elasticsearch(self._server, request_timeout=60, max_retries=2, retry_on_timeout=True)
        self._lock = threading.RLock()
        self._meta: dict[str, Any] | None = None
        self._concrete: str | None = None

    # --- index lifecycle -----------------------------------------------------

    def _settings(self, bulk_load: bool) -> dict[str, Any]:
        settings: dict[str, Any] = {"number_of_shards": self._shards, "number_of_replicas": self._replicas}
        if bulk_load:
            settings["refresh_interval"] = "-1"
        return settings

    def _create(self, name: str, complete: bool, bulk_load: bool = False) -> None:
        try:
            self._client.indices.create(index=name, settings=self._settings(bulk_load), mappings=mapping(complete))
        except ApiError as exc:
            if "resource_already_exists_exception" not in str(exc):
                raise

    def _aliased(self) -> list[str]:
        try:
            return sorted(self._client.indices.get_alias(name=self.alias).body)
        except NotFoundError:
            return []

    def _index_meta(self, name: str) -> dict[str, Any]:
        body = self._client.indices.get_mapping(index=name).body
        return body.get(name, {}).get("mappings", {}).get("_meta", {})

    def _point_alias(self, new: str, old: list[str]) -> None:
        actions: list[dict[str, Any]] = [{"remove": {"index": n, "alias": self.alias}} for n in old if n != new]
        actions.append({"add": {"index": new, "alias": self.alias}})
        self._client.indices.update_aliases(actions=actions)
        for name in old:
            if name != new:
                self._client.options(ignore_status=404).indices.delete(index=name)

    def _ensure(self, reread: bool = False) -> None:
        """Make the alias name an index of this schema version (empty and incomplete if created here)."""
        with self._lock:
            if self._concrete and not reread:
                return
            names = self._aliased()
            if len(names) == 1:
                meta = self._index_meta(names[0])
                if meta.get("schema_version") == unit_layout.SCHEMA_VERSION:
                    self._concrete, self._meta = names[0], meta
                    return
            # A fixed name, so that processes starting together create the same index.
            new = f"{self.alias}-v{unit_layout.SCHEMA_VERSION}-initial"
            self._create(new, complete=False)
            self._point_alias(new, names)
            self._concrete, self._meta = new, self._index_meta(new)

    @_elastic_errors
    def needs_rebuild(self) -> bool:
        self._ensure(reread=True)
        return not (self._meta or {}).get("complete", False)

    @_elastic_errors
    def rebuild(self, docs: Iterable[DossierDoc]) -> int:
        self._ensure()
        stamp = datetime.now(UTC).strftime("%Y%m%dt%H%M%S")
        new = f"{self.alias}-v{unit_layout.SCHEMA_VERSION}-{stamp}-{secrets.token_hex(3)}"
        self._create(new, complete=True, bulk_load=True)
        try:
            count = self._write(new, docs, replace=False, require_alias=False)
            self._client.indices.put_settings(index=new, settings={"refresh_interval": None})
            self._client.indices.refresh(index=new)
            self._merge_segments(new)
            with self._lock:
                self._point_alias(new, self._aliased())
                self._concrete, self._meta = new, self._index_meta(new)
        except BaseException:
            self._client.options(ignore_status=404).indices.delete(index=new)
            raise
        return count

    def _merge_segments(self, name: str) -> None:
        """One segment per shard for a freshly loaded index, before the alias points at it.

        Merges are throttled while a bulk load writes, which leaves dozens of segments a shard; at
        1M pages the archive query's p95 fell from 50 to 40 ms once they were merged (issue #16). Later
        writes add small segments that the merge policy handles as usual. The request waits for the
        merge (about a minute per 3 GB here), so it gets a timeout of its own.
        """
        merging = self._client.options(request_timeout=_MERGE_TIMEOUT_SECONDS, max_retries=0)
        merging.indices.forcemerge(index=name, max_num_segments=1)

    @_elastic_errors
    def destroy(self) -> None:
        found = self._client.options(ignore_status=404).indices.get(
            index=f"{self.alias}-v*,{self.alias}", allow_no_indices=True
        )
        for name in sorted(found.body) if found.meta.status == 200 else []:
            self._client.options(ignore_status=404).indices.delete(index=name)
        self._concrete = self._meta = None

    def close(self) -> None:
        self._client.close()

    # --- writing -------------------------------------------------------------

    def _unit_ids(self, target: str, dossier_ids: list[str]) -> set[str]:
        found = self._client.search(
            index=target, query={"terms": {"dossier_id": dossier_ids}}, source=False, size=10_000
        )
        return {hit["_id"] for hit in found["hits"]["hits"]}

    def _write(self, target: str, docs: Iterable[DossierDoc], replace: bool, require_alias: bool) -> int:
        """Bulk-index dossiers; with ``replace``, units a dossier no longer has are deleted in the same bulk."""
        count = 0
        for chunk in _chunks(docs, BULK_DOSSIERS):
            units = [u for d in chunk for u in build_units(d)]
            actions: list[dict[str, Any]] = [
                {"_op_type": "index", "_index": target, "_id": u.uid, "_source": _source(u)} for u in units
            ]
            if replace:
                stale = self._unit_ids(target, [d.dossier_id for d in chunk]) - {u.uid for u in units}
                actions += [{"_op_type": "delete", "_index": target, "_id": i} for i in sorted(stale)]
            helpers.bulk(
                self._client, actions, chunk_size=1000, max_chunk_bytes=50 * 1024 * 1024, require_alias=require_alias
            )
            count += len(chunk)
        return count

    @_elastic_errors
    def index_many(self, docs: Iterable[DossierDoc]) -> int:
        self._ensure()
        count = self._write(self.alias, docs, replace=True, require_alias=True)
        self._client.indices.refresh(index=self.alias)
        return count

    @_elastic_errors
    def delete_dossier(self, dossier_id: str) -> None:
        self._ensure()
        ids = self._unit_ids(self.alias, [dossier_id])
        if ids:
            helpers.bulk(
                self._client, [{"_op_type": "delete", "_index": self.alias, "_id": i} for i in ids], require_alias=True
            )
            self._client.indices.refresh(index=self.alias)

    # --- reading -------------------------------------------------------------

    @_elastic_errors
    def search(self, query: SearchQuery) -> SearchResult:
        plan = plan_query(query)
        own, shared = dsl.visible_dossiers(plan), dsl.visible_shared(plan)
        parts = [p for p in (own, shared) if p is not None]
        if plan.visibility.nothing or not parts:
            return empty_result()
        self._ensure()
        visible = parts[0] if len(parts) == 1 else {"bool": {"should": parts, "minimum_should_match": 1}}
        aggs: dict[str, Any] = {}
        for name, part in (("own", own), ("shared", shared)):
            if part is not None:
                aggs[name] = {"filter": part, "aggs": dsl.count_aggs()}
        sort: list[Any] = [{"completed_at": "desc"}, {"dkey": "asc"}]
        if plan.has_terms:
            sort.insert(0, {"_score": "desc"})
        found = self._client.search(
            index=self.alias,
            query=dsl.query(plan, visible, with_boosts=True),
            from_=plan.offset,
            size=plan.limit,
            sort=sort,
            # the API's _source takes a list of fields; the client's type allows only bool or an object
            source=["kind", "payload"],  # type: ignore[arg-type]
            track_total_hits=False,
            aggs=aggs,
            # each shard would score by its own term statistics: a ranking that changed with the shard count
            search_type="dfs_query_then_fetch" if self._shards > 1 else None,
        ).body
        groups = []
        for hit in found["hits"]["hits"]:
            source = hit["_source"]
            group = Group(source["payload"]["dossier_id"], float(hit.get("_score") or 0.0) if plan.has_terms else 0.0)
            group.units = [(source["kind"], source["payload"])]
            groups.append(group)
        counts = Counts()
        for part, agg in found.get("aggregations", {}).items():
            counts.add(
                agg["doc_count"],
                {name: {b["key"]: b["doc_count"] for b in agg[name]["buckets"]} for name in FACET_FIELDS},
                types=plan.visibility.shared_types if part == "shared" else None,
            )
        return counts.result(build_hits(groups, plan))

    # --- administration ------------------------------------------------------

    def check(self) -> dict[str, Any]:
        quick = self._client.options(request_timeout=1.5, max_retries=0)
        try:
            health = quick.cluster.health().body
            detail: dict[str, Any] = {"server": self._server, "status": health.get("status"), "alias": self.alias}
            try:
                names = sorted(quick.indices.get_alias(name=self.alias).body)
                detail["index"] = names[0] if names else None
            except NotFoundError:
                detail["index"] = None
            return {"ok": health.get("status") in ("green", "yellow"), "backend": self.backend, "detail": detail}
        except (TransportError, ApiError) as exc:
            return {
                "ok": False,
                "backend": self.backend,
                "detail": f"{self._server}: {type(exc).__name__}: {exc}"[:300],
            }

    @_elastic_errors
    def describe(self) -> dict[str, Any]:
        self._ensure(reread=True)
        count = self._client.count(index=self.alias).body.get("count")
        return {
            "backend": self.backend,
            "server": self._server,
            "alias": self.alias,
            "index": self._concrete,
            "schema_version": unit_layout.SCHEMA_VERSION,
            "units": count,
            "needs_rebuild": not (self._meta or {}).get("complete", False),
        }
