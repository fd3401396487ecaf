"""JSON API under /api/v1 (API.md). Authentication is by bearer token only, never the
session cookie, so cross-site requests cannot act with a browser's login."""

from . import (  # noqa: F401 - routes register on import
    accounts,
    admin,
    applications,
    archives,
    catalogue,
    corrections,
    licences,
    notifications,
    openapi,
    supervision,
    time_limits,
    tokens,
)
from .blueprint import bp

__all__ = ["bp"]
