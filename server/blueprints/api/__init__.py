"""JSON API under /api/v1 (API.md). Authentication is by bearer token only, never the
session cookie, so cross-site requests cannot act with a browser's login."""

from flask import Blueprint

bp = Blueprint("api", __name__)

from . import applications, archives, catalogue, openapi, supervision, tokens  # noqa: E402,F401 - routes register on import
