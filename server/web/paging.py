"""?page= and ?per_page= (API.md), validated with errors that say what to fix.

The bounds keep offsets far from what a database can overflow on; the API's
schemas (server/blueprints/api/schemas.py) use the same bounds and message.
"""

from __future__ import annotations

from flask import request

from ..errors import InvalidInput

MAX_PAGE = 10_000
MAX_PER_PAGE = 100
MESSAGE = (
    f"page 须为 1 至 {MAX_PAGE} 的整数，per_page 须为 1 至 {MAX_PER_PAGE} 的整数 "
    f"(page must be a whole number from 1 to {MAX_PAGE}, per_page from 1 to {MAX_PER_PAGE})"
)


def paging(default_per_page: int = 20) -> tuple[int, int]:
    raw_page, raw_per_page = request.args.get("page", "1"), request.args.get("per_page", str(default_per_page))
    try:
        page, per_page = int(raw_page), int(raw_per_page)
    except ValueError:
        raise InvalidInput(MESSAGE, {"page": raw_page[:20], "per_page": raw_per_page[:20]}) from None
    if not (1 <= page <= MAX_PAGE and 1 <= per_page <= MAX_PER_PAGE):
        raise InvalidInput(MESSAGE, {"page": page, "per_page": per_page})
    return page, per_page
