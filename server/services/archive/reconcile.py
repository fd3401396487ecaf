"""Store and database agree: every package has its record, every record its package.

A sealing writes the package first and commits the record after; a crash in
between leaves a package no record owns, and its retry writes a second
package under the same archival code. Sealed objects cannot be deleted, so
such an orphan is quarantined instead: a marker beside it says it is not part
of the archive, and the index rebuild (which reads the store alone) skips it.
What the database did commit is confirmed in the store by a commit marker,
written by a job queued in the sealing transaction, so the store by itself
tells committed packages from orphans even when the database is lost.

Reconciliation runs at start-up (as a job), in ``onewindow archive verify``
and before an index rebuild; it only reports and marks, never deletes
archive objects. Upload objects that no record refers to (a crash between
storing an upload and committing it) are deleted: they are not archived and
may hold personal data.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from storage import ObjectInfo, ObjectStore, StorageError

from ...models import Dossier, StoredObject, utcnow
from ...runtime import Runtime
from ...timeutil import local
from ..object_keys import APPLICATIONS, DOSSIERS, commit_marker_key, dossier_of, quarantine_key
from .seal import seal_until

# A package younger than this may belong to a sealing still in progress in another process.
GRACE = timedelta(hours=1)
MARKER_TYPE = "application/json"

log = logging.getLogger(__name__)


@dataclass
class StoredPackage:
    """What the store holds under one dossier id."""

    dossier_id: str
    newest: datetime | None = None
    objects: int = 0
    committed: bool = False
    quarantined: bool = False
    archival_code: str = ""

    def seen(self, info: ObjectInfo) -> None:
        self.objects += 1
        if info.modified is not None and (self.newest is None or info.modified > self.newest):
            self.newest = info.modified


@dataclass
class Reconciliation:
    confirmed: list[str] = field(default_factory=list)
    """Records whose commit marker was missing and has now been written."""
    quarantined: list[StoredPackage] = field(default_factory=list)
    """Orphan packages found and quarantined by this run."""
    known_quarantined: list[StoredPackage] = field(default_factory=list)
    in_flight: list[StoredPackage] = field(default_factory=list)
    """Packages without a record that are too young to judge: a sealing may still commit them."""
    unrecorded_committed: list[StoredPackage] = field(default_factory=list)
    """Committed packages the database has no record of (a database restored from an older backup)."""
    missing_packages: list[str] = field(default_factory=list)
    """Records whose package is not in the store."""
    swept_uploads: list[str] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        """What a person must look at: each line names the dossier and what is wrong."""
        lines = [
            f"orphan package {p.dossier_id} ({p.archival_code or 'no metadata'}): no record; quarantined"
            for p in self.quarantined
        ]
        lines += [
            f"committed package {p.dossier_id} ({p.archival_code}) has no record in the database"
            for p in self.unrecorded_committed
        ]
        lines += [f"dossier {d}: its package is missing from the store" for d in self.missing_packages]
        return lines


def reconcile(
    session: Session,
    runtime: Runtime,
    *,
    now: datetime | None = None,
    grace: timedelta = GRACE,
    quarantine: bool = True,
    sweep_uploads: bool = True,
) -> Reconciliation:
    """Confirms what the database recorded; with ``quarantine``, marks orphans older than ``grace``;
    with ``sweep_uploads``, deletes upload objects no record refers to (older than ``grace``)."""
    now = now or utcnow()
    store = runtime.store
    result = Reconciliation()
    packages = _packages(store)
    records = set(session.scalars(select(Dossier.id)))
    for dossier_id in sorted(records):
        package = packages.get(dossier_id)
        if package is None or not package.objects:
            result.missing_packages.append(dossier_id)
        elif not package.committed:
            dossier = session.get(Dossier, dossier_id)
            assert dossier is not None  # its id was just read from the table
            write_commit_marker(store, dossier)
            result.confirmed.append(dossier_id)
    for dossier_id, package in packages.items():
        if dossier_id in records or not package.objects:
            continue
        package.archival_code = _archival_code(store, dossier_id)
        if package.committed:
            result.unrecorded_committed.append(package)
        elif package.quarantined:
            result.known_quarantined.append(package)
        elif not quarantine or (package.newest is not None and now - package.newest < grace):
            result.in_flight.append(package)
        else:
            _quarantine(store, package, now)
            result.quarantined.append(package)
    if sweep_uploads:
        result.swept_uploads = _sweep_uploads(session, store, now - grace)
    for line in result.problems:
        log.warning("reconciliation: %s", line)
    return result


def write_commit_marker(store: ObjectStore, dossier: Dossier) -> None:
    """Says in the store that the database recorded this package (sealed like the package)."""
    body = {
        "dossier_id": dossier.id,
        "archival_code": dossier.archival_code,
        "version": dossier.version,
        "sealed_at": local(dossier.sealed_at).isoformat(),
        "confirmed_at": local(utcnow()).isoformat(),
    }
    store.put(
        commit_marker_key(dossier.id),
        [json.dumps(body, ensure_ascii=False).encode()],
        content_type=MARKER_TYPE,
        seal_until=seal_until(dossier.retention, dossier.closed_at),
    )


def committed_ids(store: ObjectStore) -> set[str]:
    """Dossiers whose package the database recorded, from the store alone."""
    return {dossier_id for dossier_id, package in _packages(store).items() if package.committed}


def _packages(store: ObjectStore) -> dict[str, StoredPackage]:
    packages: dict[str, StoredPackage] = {}
    for info in store.list(DOSSIERS):
        parts = dossier_of(info.key)
        if parts is None:
            continue
        dossier_id, rest = parts
        package = packages.setdefault(dossier_id, StoredPackage(dossier_id))
        if rest.startswith("bag/"):
            package.seen(info)
        elif info.key == commit_marker_key(dossier_id):
            package.committed = True
        elif info.key == quarantine_key(dossier_id):
            package.quarantined = True
    return packages


def _archival_code(store: ObjectStore, dossier_id: str) -> str:
    try:
        with store.open(f"{DOSSIERS}{dossier_id}/bag/metadata/dossier.json") as fh:
            return str(json.loads(fh.read().decode("utf-8")).get("archival_code", ""))
    except (StorageError, ValueError):
        return ""


def _quarantine(store: ObjectStore, package: StoredPackage, now: datetime) -> None:
    """Not sealed: a person who finds the package was wrongly judged can remove the marker."""
    body = {
        "dossier_id": package.dossier_id,
        "archival_code": package.archival_code,
        "reason": "no database record: the sealing that wrote this package never committed",
        "quarantined_at": local(now).isoformat(),
        "objects": package.objects,
    }
    store.put(
        quarantine_key(package.dossier_id), [json.dumps(body, ensure_ascii=False).encode()], content_type=MARKER_TYPE
    )


def _sweep_uploads(session: Session, store: ObjectStore, older_than: datetime) -> list[str]:
    known = set(session.scalars(select(StoredObject.key).where(StoredObject.backend == store.describe())))
    swept = []
    for info in store.list(APPLICATIONS):
        if info.key in known or info.modified is None or info.modified >= older_than:
            continue
        try:
            store.delete(info.key)
        except StorageError as exc:
            log.warning("could not remove unrecorded upload %s: %s", info.key, exc)
            continue
        swept.append(info.key)
    return swept
