"""The access ledger's hash chain: each entry carries the SHA-256 of the one before, over a canonical form.

Every ``AccessLog`` row is chained when its session flushes, whatever code added it, so no read can be
logged outside the chain. The append is serialised by the head row: an UPDATE of it comes first, which
takes PostgreSQL's row lock and SQLite's write lock before the head is read, so two appends never chain
onto the same entry.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from datetime import UTC
from typing import Any

from sqlalchemy import event, insert, select, update
from sqlalchemy.orm import Session

from .base import new_id, utcnow
from .ledger import GENESIS, AccessLog, LedgerHead

HEAD_ID = 1
FIELDS = (
    "id",
    "seq",
    "at",
    "user_id",
    "username",
    "role",
    "department_code",
    "action",
    "dossier_id",
    "file_id",
    "file_name",
    "applicant_id_number",
    "purpose",
    "application_id",
    "remote_addr",
    "detail",
    "prev_hash",
)
_TEXT_FIELDS = ("department_code", "file_name", "applicant_id_number", "purpose", "remote_addr")


def canonical(values: Mapping[str, Any]) -> bytes:
    """Sorted-key JSON of an entry's fields (``FIELDS``; times as UTC ISO 8601 with microseconds), UTF-8."""
    chained = {name: values[name] for name in FIELDS}
    chained["at"] = values["at"].astimezone(UTC).isoformat(timespec="microseconds")
    return json.dumps(chained, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def values_hash(values: Mapping[str, Any]) -> str:
    return hashlib.sha256(canonical(values)).hexdigest()


def entry_hash(entry: AccessLog) -> str:
    return values_hash({name: getattr(entry, name) for name in FIELDS})


def _complete(entry: AccessLog) -> None:
    """Column defaults are applied only at INSERT, after hashing: fill them in first."""
    entry.id = entry.id or new_id()
    entry.at = entry.at or utcnow()
    for name in _TEXT_FIELDS:
        setattr(entry, name, getattr(entry, name) or "")
    entry.detail = entry.detail or {}


def append(session: Session, entries: list[AccessLog]) -> None:
    """Chains ``entries`` after the current head, in their order, under the head's lock."""
    connection = session.connection()
    connection.execute(update(LedgerHead).where(LedgerHead.id == HEAD_ID).values(seq=LedgerHead.seq))
    head = connection.execute(
        select(LedgerHead.seq, LedgerHead.entry_hash).where(LedgerHead.id == HEAD_ID)
    ).one_or_none()
    if head is None:  # a database created by metadata.create_all rather than the migrations
        connection.execute(insert(LedgerHead).values(id=HEAD_ID, seq=0, entry_hash=GENESIS))
        seq, last = 0, GENESIS
    else:
        seq, last = head.seq, head.entry_hash
    for entry in entries:
        _complete(entry)
        seq += 1
        entry.seq, entry.prev_hash = seq, last
        entry.entry_hash = last = entry_hash(entry)
    connection.execute(update(LedgerHead).where(LedgerHead.id == HEAD_ID).values(seq=seq, entry_hash=last))


@event.listens_for(Session, "before_flush")
def _chain_new_entries(session: Session, _context: Any, _instances: Any) -> None:
    # session.new keeps the order in which the entries were added.
    entries = [o for o in session.new if isinstance(o, AccessLog) and o.seq is None]
    if entries:
        append(session, entries)
