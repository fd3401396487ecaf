"""The process's backends, built once from the settings: database, object store, search index, virus scanner,
and the notification channels (e-mail, SMS)."""

from __future__ import annotations

from dataclasses import dataclass

from indexers import SearchIndex, open_index
from storage import ObjectStore, open_store

from .channels import Mailer, SmsGateway, open_mailer, open_sms
from .config import Settings
from .db import Database
from .scanning import Scanner, open_scanner


@dataclass
class Runtime:
    settings: Settings
    db: Database
    store: ObjectStore
    index: SearchIndex
    scanner: Scanner | None = None
    mailer: Mailer | None = None
    sms: SmsGateway | None = None

    def close(self) -> None:
        self.db.dispose()


def build_runtime(settings: Settings) -> Runtime:
    """The one place where configuration turns into backends (each factory picks by URL scheme)."""
    return Runtime(
        settings=settings,
        db=Database(settings.database_url),
        store=open_store(settings.storage_url),
        index=open_index(settings.index_url),
        scanner=open_scanner(settings.clamd_url),
        mailer=open_mailer(settings.smtp_url, sender=settings.mail_from),
        sms=open_sms(settings.sms_url, sign=settings.sms_sign),
    )
