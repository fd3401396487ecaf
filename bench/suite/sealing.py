"""Sealing a dossier's payload against a raw copy of the same bytes within the same backend.

What is timed is the package as ``seal_dossier`` writes it (``_write_payload``
and the tag files and manifests), without the database rows, which do not grow
with the bytes, and without the DA/T 70 check that follows before commit. The
sources are stored as an upload stores them (SHA-256 only) and their facts
(SM3, SHA-512, format) learned as the job after an upload does, timed apart:
sealing then copies each file within the store and reads none. The fallback,
a file sealed before its job ran (read once while the store copies it), is
timed too.
"""

from __future__ import annotations

import os
import shutil
import statistics
import time
from functools import partial
from pathlib import Path
from types import SimpleNamespace
from typing import Any

from minio.commonconfig import CopySource

from bench.suite.rounds import paired_ratio
from server.services.archive import seal
from server.services.archive.bag import BagWriter
from server.services.archive.formats import identify
from server.services.archive.object_facts import ObjectFacts, learn
from server.services.cases.uploads import UPLOAD_DIGESTS
from storage import ObjectStore

MIB = 1 << 20


JPEG_HEAD = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"


def stored_sources(store: ObjectStore, total_mib: int, files: int = 3) -> list[tuple[str, str]]:
    """``files`` scans (random bytes framed as JPEG) adding up to ``total_mib``, stored as uploads: (key, sha256)."""
    out = []
    for i in range(files):
        info = store.put(f"bench/seal-src/{i}", _scan(total_mib * MIB // files), digests=UPLOAD_DIGESTS)
        out.append((info.key, str(info.sha256)))
    return out


def learn_facts(store: ObjectStore, sources: list[tuple[str, str]]) -> tuple[list[ObjectFacts], float]:
    """What the job after each upload learns, and the seconds it took for all of them."""
    began = time.perf_counter()
    facts = [learn(store, key, digest, "image/jpeg", f"scan-{i}.jpg") for i, (key, digest) in enumerate(sources)]
    return facts, time.perf_counter() - began


def _scan(size: int):
    yield JPEG_HEAD
    left = size - len(JPEG_HEAD) - 2
    while left > 0:
        step = min(MIB, left)
        yield os.urandom(step)
        left -= step
    yield b"\xff\xd9"


def identify_pdf_seconds(folder: Path, mib: int) -> float:
    """Siegfried on a PDF of ``mib`` MiB: it reads a PDF whole (a JPEG it names from its first bytes)."""
    path = folder / "identify.pdf"
    with open(path, "wb") as out:
        out.write(b"%PDF-1.4\n")
        for _ in range(mib):
            out.write(os.urandom(MIB))
        out.write(b"\ntrailer\n<<>>\nstartxref\n0\n%%EOF\n")
    began = time.perf_counter()
    identify(str(path), "application/octet-stream")
    seconds = time.perf_counter() - began
    path.unlink()
    return seconds


def seal_once(
    store: ObjectStore,
    sources: list[tuple[str, str]],
    prefix: str,
    *,
    facts: list[ObjectFacts] | None = None,
    copy: bool = True,
) -> float:
    specs = [
        seal.SealFile(
            name=f"scan-{i}.jpg",
            open=partial(store.open, key),
            media_type="image/jpeg",
            expected_sha256=digest,
            source_key=key if copy else None,
            known=facts[i] if facts else None,
        )
        for i, (key, digest) in enumerate(sources)
    ]
    writer = BagWriter(store, prefix, None)
    began = time.perf_counter()
    seal._write_payload(writer, SimpleNamespace(files=specs), backend=store.describe())  # type: ignore[arg-type]
    writer.finish({"External-Identifier": prefix, "Bag-Software-Agent": "OneWindow bench"})
    return time.perf_counter() - began


def raw_copy_once(store: Any, sources: list[tuple[str, str]], run: int) -> float:
    """The bytes copied within the backend by the plainest means: copyfile + fsync, or CopyObject."""
    began = time.perf_counter()
    for i, (key, _) in enumerate(sources):
        if store.backend == "local":
            target = Path(store.root) / f"raw-{run}-{i}"
            shutil.copyfile(Path(store.root) / key, target)
            fd = os.open(target, os.O_RDONLY)
            os.fsync(fd)
            os.close(fd)
        else:
            store._client.copy_object(store.bucket, f"bench/raw-{run}-{i}", CopySource(store.bucket, key))
    return time.perf_counter() - began


def compare(store: ObjectStore, total_mib: int, rounds: int) -> dict[str, Any]:
    """Rounds of a sealing and a raw copy side by side, which goes first alternating; the facts job, the
    fallback without facts and a streamed sealing once each for reference.

    The figure is the median of each round's ratio: the same 100 MB copy within versitygw takes 0.27 s
    or 2 s from one minute to the next on this VM (both kinds together), so a best-of-N on each side
    compared one side's lucky round with the other's ordinary one."""
    sources = stored_sources(store, total_mib)
    facts, learning = learn_facts(store, sources)
    seal_once(store, sources[:1], "bench/seal-warm-up", facts=facts[:1])  # imports, the ORM's mappers
    ours, raw = [], []
    for run in range(rounds):
        if run % 2:
            raw.append(raw_copy_once(store, sources, run))
        ours.append(seal_once(store, sources, f"bench/seal-{run}", facts=facts))
        if not run % 2:
            raw.append(raw_copy_once(store, sources, run))
    unlearned = seal_once(store, sources, "bench/seal-unlearned")
    streamed = seal_once(store, sources, "bench/seal-streamed", copy=False)
    return {
        "ratio": paired_ratio(ours, raw),
        "ours": statistics.median(ours),
        "raw": statistics.median(raw),
        "raw_range": (min(raw), max(raw)),
        "facts": learning,
        "unlearned": unlearned,
        "streamed": streamed,
        "bytes": total_mib * MIB,
    }
