"""GET /healthz: 200 when applications can be taken, 503 when they cannot (API.md)."""

from flask import Blueprint

from ..services.health import health
from ..web.context import runtime
from .api.endpoint import endpoint
from .api.schemas import Health

bp = Blueprint("health", __name__)


@endpoint(
    "GET",
    "/healthz",
    blueprint=bp,
    public=True,
    summary="Health of the service and each dependency",
    responses={200: Health, 503: Health},
)
def healthz():
    """503 when the database or storage fails (no applications can be taken); degraded otherwise."""
    body, status = health(runtime())
    return body, status, {"Cache-Control": "no-store"}
