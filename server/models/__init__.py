"""All models, imported here so Alembic and the app see one metadata."""

from . import chain  # noqa: F401 - chains every access-log entry when it is flushed
from .archive import (
    MATERIAL_CLASSES,
    ArchivalSequence,
    CheckReport,
    Dossier,
    DossierEvent,
    DossierFile,
    StoredObject,
)
from .audit import AuditEntry
from .base import Base, new_id, utcnow
from .cases import (
    STATUSES,
    Application,
    CaseEvent,
    CasePart,
    ClockPause,
    GapItem,
    Holiday,
    Material,
    Notice,
    Rating,
    ResultFile,
    UploadSession,
)
from .catalogue import RETENTION_LABELS, Department, MaterialSlot, MaterialType, ServiceItem
from .jobs import JOB_STATES, Job
from .ledger import AccessLog, AccessRequest, LedgerHead
from .notifications import Notification, NotificationDelivery, NotificationPreference
from .preservation import PreservationEvent, TransferBatch, TransferItem
from .reuse import Licence, ReuseConsent
from .users import ROLES, STAFF_ROLES, ApiToken, User, UserSession

__all__ = [
    "Base",
    "new_id",
    "utcnow",
    "Department",
    "MaterialSlot",
    "MaterialType",
    "ServiceItem",
    "RETENTION_LABELS",
    "Job",
    "JOB_STATES",
    "Application",
    "CaseEvent",
    "CasePart",
    "ClockPause",
    "GapItem",
    "Holiday",
    "Material",
    "Notice",
    "Rating",
    "ResultFile",
    "STATUSES",
    "UploadSession",
    "AccessLog",
    "AccessRequest",
    "LedgerHead",
    "StoredObject",
    "ArchivalSequence",
    "Dossier",
    "DossierFile",
    "DossierEvent",
    "CheckReport",
    "MATERIAL_CLASSES",
    "User",
    "ApiToken",
    "UserSession",
    "ROLES",
    "STAFF_ROLES",
    "AuditEntry",
    "Notification",
    "NotificationDelivery",
    "NotificationPreference",
    "PreservationEvent",
    "TransferBatch",
    "TransferItem",
    "Licence",
    "ReuseConsent",
]
