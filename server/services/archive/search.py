"""Archive search for the API and the pages alike: request parameters in, a scoped result out."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

from sqlalchemy.orm import Session

from indexers import SearchIndex, SearchIndexError, SearchQuery, SearchResult
from indexers.models import MAX_RESULT_WINDOW

from ...errors import InvalidInput, Unavailable
from ...models import User
from . import access

FILTERS = ("service", "department", "material_type", "applicant_id")
UNAVAILABLE = "全文检索暂不可用，请稍后重试；办件受理不受影响 (search is unavailable; intake is not affected)"
# Dates outside these make no sense for a record and break index date arithmetic.
EARLIEST, LATEST = date(1900, 1, 1), date(2199, 12, 31)


def date_message(name: str) -> str:
    return (
        f"{name} 须为 {EARLIEST} 至 {LATEST} 之间的日期 YYYY-MM-DD "
        f"({name} must be a date like 2026-11-27, from {EARLIEST} to {LATEST})"
    )


def _date(params: Mapping[str, str], name: str) -> date | None:
    value = params.get(name)
    if not value:
        return None
    try:
        parsed = date.fromisoformat(value)
    except ValueError:
        parsed = None
    if parsed is None or not EARLIEST <= parsed <= LATEST:
        raise InvalidInput(date_message(name), {"parameter": name, "value": value[:40]})
    return parsed


def search(
    session: Session,
    index: SearchIndex,
    user: User,
    params: Mapping[str, str],
    *,
    page: int,
    per_page: int,
    remote_addr: str = "",
) -> SearchResult:
    """The user's scope is applied inside the index query; an index that fails degrades search only.
    Each search is logged (who, what, how many hits) in the caller's transaction."""
    if page * per_page > MAX_RESULT_WINDOW:
        raise InvalidInput(
            f"只能翻阅前 {MAX_RESULT_WINDOW} 条结果，请缩小检索范围 "
            f"(only the first {MAX_RESULT_WINDOW} results can be paged through: narrow the search)",
            {"page": page, "per_page": per_page},
        )
    query = SearchQuery(
        q=params.get("q", ""),
        date_from=_date(params, "from"),
        date_to=_date(params, "to"),
        page=page,
        per_page=per_page,
        scope=access.search_scope(session, user),
        **{name: params.get(name) or None for name in FILTERS},
    )
    try:
        result = index.search(query)
    except SearchIndexError as exc:  # the index is a derived, optional service
        raise Unavailable(UNAVAILABLE, {"reason": str(exc)[:200]}) from exc
    asked = {name: params.get(name, "") for name in ("q", "from", "to", *FILTERS)}
    access.log_search(session, user, asked, result.total, remote_addr=remote_addr)
    return result
