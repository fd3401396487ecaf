"""The access ledger's integrity: the chain checked entry by entry, and its head sealed into the object store.

A changed, removed or inserted row breaks the chain at that row. Rewriting the whole table (every hash
recomputed) keeps the chain consistent, so the head is also sealed, write-once, into the object store at
least daily; ``check`` compares every sealed head with the chain, and a rewritten table no longer holds them.
"""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from storage import ObjectStore, StorageError

from ...models import AccessLog, LedgerHead, utcnow
from ...models.chain import HEAD_ID, entry_hash
from ...models.ledger import GENESIS
from ..object_keys import LEDGER_HEADS, ledger_head_key

log = logging.getLogger(__name__)

# Sealed heads are evidence for as long as the longest fixed retention runs.
SEAL_YEARS = 30
BATCH = 2000


@dataclass
class ChainReport:
    """What ``check`` found: entries read, sealed heads compared, and the problems (the first break first)."""

    entries: int = 0
    sealed: int = 0
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def _entries(session: Session) -> Iterator[AccessLog]:
    last = 0
    while True:
        rows = list(session.scalars(select(AccessLog).where(AccessLog.seq > last).order_by(AccessLog.seq).limit(BATCH)))
        if not rows:
            return
        yield from rows
        last = rows[-1].seq or last
        for row in rows:  # a long ledger is read in batches, not held in the session
            session.expunge(row)


def _label(entry: AccessLog) -> str:
    return f"entry {entry.seq} (id {entry.id}, {entry.at.isoformat()}, {entry.username} {entry.action})"


def _check_chain(session: Session, report: ChainReport) -> dict[int, str]:
    """Walks the chain in order; stops at the first break, which is the one named. Returns seq → hash."""
    hashes: dict[int, str] = {}
    previous, expected_seq = GENESIS, 1
    for entry in _entries(session):
        report.entries += 1
        if entry.seq != expected_seq:
            report.problems.append(f"access ledger: entry {expected_seq} is missing (next is {_label(entry)})")
            return hashes
        if entry.prev_hash != previous:
            report.problems.append(f"access ledger: {_label(entry)} does not follow the entry before it")
            return hashes
        if entry_hash(entry) != entry.entry_hash:
            report.problems.append(f"access ledger: {_label(entry)} was changed after it was written")
            return hashes
        hashes[entry.seq] = previous = entry.entry_hash
        expected_seq += 1
    unchained = session.scalar(select(func.count()).select_from(AccessLog).where(AccessLog.seq.is_(None))) or 0
    if unchained:
        report.problems.append(f"access ledger: {unchained} entr(y/ies) carry no place in the chain")
    head = session.get(LedgerHead, HEAD_ID)
    if head is not None and (head.seq, head.entry_hash) != (expected_seq - 1, previous):
        report.problems.append(
            f"access ledger: the head says entry {head.seq} comes last, the chain ends at entry {expected_seq - 1}"
        )
    return hashes


def sealed_heads(store: ObjectStore) -> Iterator[tuple[str, dict]]:
    for info in store.list(LEDGER_HEADS):
        with store.open(info.key) as fh:
            yield info.key, json.loads(fh.read())


def _check_sealed(store: ObjectStore, hashes: dict[int, str], report: ChainReport, complete: bool) -> None:
    try:
        for key, sealed in sealed_heads(store):
            report.sealed += 1
            seq, digest = int(sealed["seq"]), sealed["entry_hash"]
            if seq == 0:
                continue
            if seq not in hashes:
                if complete:
                    report.problems.append(f"access ledger: entry {seq}, sealed in {key}, is no longer in the chain")
            elif hashes[seq] != digest:
                report.problems.append(f"access ledger: entry {seq} differs from its hash sealed in {key}")
    except (StorageError, ValueError, KeyError) as exc:
        report.problems.append(f"access ledger: the sealed heads cannot be read: {exc}")


def check(session: Session, store: ObjectStore) -> ChainReport:
    """The chain from its first entry, then every sealed head against it. Never repairs."""
    report = ChainReport()
    hashes = _check_chain(session, report)
    _check_sealed(store, hashes, report, complete=report.ok)
    return report


def seal_head(session: Session, store: ObjectStore, now: datetime | None = None) -> str | None:
    """Writes the chain's head into the store, sealed and never overwritten; None when it is already sealed."""
    head = session.get(LedgerHead, HEAD_ID)
    if head is None:
        return None
    latest = _latest_sealed(store)
    if latest is not None and (int(latest["seq"]), latest["entry_hash"]) == (head.seq, head.entry_hash):
        return None
    now = now or utcnow()
    key = ledger_head_key(now, head.seq)
    if store.exists(key):
        return None
    body = {"seq": head.seq, "entry_hash": head.entry_hash, "sealed_at": now.isoformat(), "algorithm": "sha256"}
    store.put(
        key,
        io.BytesIO(json.dumps(body, sort_keys=True).encode()),
        content_type="application/json",
        seal_until=now + timedelta(days=365 * SEAL_YEARS),
    )
    log.info("sealed the access ledger's head: entry %s", head.seq)
    return key


def _latest_sealed(store: ObjectStore) -> dict | None:
    latest = None
    for _key, sealed in sealed_heads(store):
        latest = sealed
    return latest
