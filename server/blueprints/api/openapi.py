"""GET /api/v1/openapi.json."""

from ...openapi import document
from . import bp


@bp.get("/openapi.json")
def openapi_json():
    return document()
