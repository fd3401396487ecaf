"""The administrator's pages (系统管理) under /admin: departments, material types, service guides,
accounts, the audit log and the catalogue spreadsheet. Every change goes through services/admin, so
a page, the API and the spreadsheet are checked and audited the same way."""

from . import accounts, audit_log, catalogue_sheet, overview, reference, services  # noqa: F401 - routes register on import
from .blueprint import bp

__all__ = ["bp"]
