"""?page= and ?per_page= (API.md), validated with errors that say what to fix."""

from __future__ import annotations

from flask import request

from ..errors import InvalidInput

MAX_PER_PAGE = 100


def paging(default_per_page: int = 20) -> tuple[int, int]:
    try:
        page = int(request.args.get("page", 1))
        per_page = int(request.args.get("per_page", default_per_page))
    except ValueError:
        raise InvalidInput("page 和 per_page 须为整数 (page and per_page must be whole numbers)") from None
    if page < 1 or not 1 <= per_page <= MAX_PER_PAGE:
        raise InvalidInput(f"page ≥ 1，1 ≤ per_page ≤ {MAX_PER_PAGE} (page must be at least 1, per_page 1 to {MAX_PER_PAGE})",
                           {"page": page, "per_page": per_page})
    return page, per_page
