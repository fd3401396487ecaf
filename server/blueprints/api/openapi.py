"""GET /api/v1/openapi.json."""

from ... import openapi
from . import schemas as s
from .endpoint import endpoint


@endpoint(
    "GET", "/openapi.json", public=True, database=False, responses={200: s.OpenApiDocument}, summary="This document"
)
def openapi_json():
    return openapi.document()
