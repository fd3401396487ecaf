"""GET /healthz: 200 when applications can be taken, 503 when they cannot (API.md)."""

from flask import Blueprint

from ..services.health import health
from ..web.context import runtime

bp = Blueprint("health", __name__)


@bp.get("/healthz")
def healthz():
    body, status = health(runtime())
    return body, status, {"Cache-Control": "no-store"}
