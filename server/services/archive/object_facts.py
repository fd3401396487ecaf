"""What sealing needs to know of an uploaded file, learned after the upload by a job.

An upload hashes with SHA-256 only: SM3 on one core runs slower than the disk writes, so hashing it inline
would bound every upload by SM3. Soon after the upload this job reads the stored object once for its SM3,
its SHA-512 (the package's manifests) and its format (Siegfried), and keeps them on the StoredObject row.
Sealing then copies the object within the store and reads none of its bytes; a case sealed before its job
ran has its files read while they are copied, as before.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from sqlalchemy.orm import Session

from storage import DigestMismatch, ObjectStore
from storage.hashing import CHUNK, Digester

from ...jobs import enqueue
from ...models import StoredObject
from .formats import FormatInfo, Spool, suffix_of

FACTS_JOB = "uploads.facts"


@dataclass(frozen=True)
class ObjectFacts:
    sha512: str
    sm3: str
    format: FormatInfo


def request_facts(session: Session, stored: StoredObject, name: str) -> None:
    """Queues the job in the caller's unit of work (no job for an upload that is rolled back)."""
    enqueue(session, FACTS_JOB, {"object_id": stored.id, "name": name}, subject=f"object:{stored.id}")


def learn(store: ObjectStore, key: str, sha256: str, media_type: str, name: str) -> ObjectFacts:
    """One read of the object: its digests and its format under ``name``'s suffix.

    Raises DigestMismatch when the bytes are no longer the ones recorded at the upload.
    """
    with store.open(key) as stream, Spool(stream, name) as spool:
        digester = Digester(("sha256", "sha512", "sm3"))
        try:
            while chunk := spool.read(CHUNK):
                digester.update(chunk)
            digests = digester.finish()
        finally:
            digester.close()
        found = spool.identify(media_type)
    if digests["sha256"] != sha256:
        raise DigestMismatch(f"{key}: the stored bytes have sha256 {digests['sha256']}, recorded {sha256}")
    return ObjectFacts(digests["sha512"], digests["sm3"], found)


def remember(stored: StoredObject, facts: ObjectFacts, name: str) -> None:
    stored.sm3, stored.sha512 = facts.sm3, facts.sha512
    stored.format = {**dataclasses.asdict(facts.format), "suffix": suffix_of(name)}


def known(stored: StoredObject, name: str, media_type: str) -> ObjectFacts | None:
    """The facts learned for this object, if they hold for sealing it as ``name`` of ``media_type``.

    Identification depends on the media type and (for Siegfried) the file's suffix, so facts learned under
    another name or type are not used.
    """
    if not (stored.sm3 and stored.sha512 and stored.format) or stored.media_type != media_type:
        return None
    found = dict(stored.format)
    if found.pop("suffix", None) != suffix_of(name):
        return None
    return ObjectFacts(stored.sha512, stored.sm3, FormatInfo(**found))
