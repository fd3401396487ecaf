"""BagIt (RFC 8493) packages written straight into object storage.

The bagit library builds bags only in a local directory, which would mean a
full local copy of every file (1 GiB scans included) before upload. The format
is a handful of text files, so we stream each payload file into the store,
hashing it on the way (SHA-256 and SM3 by the store, SHA-512 here), and write
the manifests after. The bagit library validates the result in the tests.
"""

from __future__ import annotations

import hashlib
import io
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime
from typing import BinaryIO, cast

from storage import DigestMismatch, ObjectInfo, ObjectStore
from storage.hashing import Digester

BAGIT_TXT = "BagIt-Version: 1.0\nTag-File-Character-Encoding: UTF-8\n"
CHUNK = 1 << 20


class _HashingReader(io.RawIOBase):
    """Feeds SHA-512 while the store reads (the store computes SHA-256 and SM3 itself)."""

    def __init__(self, source: BinaryIO) -> None:
        self.source = source
        self.sha512 = hashlib.sha512()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        chunk = self.source.read(size)
        self.sha512.update(chunk)
        return chunk

    def readinto(self, buffer) -> int:
        chunk = self.read(len(buffer))
        buffer[: len(chunk)] = chunk
        return len(chunk)


@dataclass
class WrittenFile:
    path: str
    info: ObjectInfo
    sha512: str
    sm3: str = ""


@dataclass
class BagWriter:
    """Writes one bag under ``prefix``; every object is sealed until ``seal_until``."""

    store: ObjectStore
    prefix: str
    seal_until: datetime | None
    payload: list[WrittenFile] = field(default_factory=list)
    tags: list[WrittenFile] = field(default_factory=list)

    def add_payload(
        self, path: str, stream: BinaryIO, *, content_type: str, expected_sha256: str | None = None
    ) -> WrittenFile:
        written = self._put(f"data/{path}", stream, content_type, expected_sha256)
        self.payload.append(written)
        return written

    def copy_payload(
        self,
        path: str,
        src_key: str,
        source: BinaryIO,
        *,
        content_type: str,
        expected_sha256: str | None = None,
        while_copying: Callable[[], object] = lambda: None,
    ) -> WrittenFile:
        """A file already in the store, copied within it (no byte written back through the application).

        ``source`` is that object's bytes, read here while the store copies,
        for the SHA-512 manifest and to check that the bytes copied are the
        ones whose SHA-256 was recorded (the fixity check ``put`` made when
        it hashed what it wrote). ``while_copying`` runs once the bytes are
        read, before waiting for the copy (format identification overlaps it).
        """
        key = f"{self.prefix}/data/{path}"
        with ThreadPoolExecutor(1, thread_name_prefix="bag-copy") as pool:
            copying = pool.submit(
                self.store.copy,
                src_key,
                key,
                content_type=content_type,
                expected_sha256=expected_sha256,
                seal_until=self.seal_until,
                metadata={},
            )
            digester = Digester(("sha256", "sha512", "sm3"))  # each in its own thread, beside the copy
            try:
                while chunk := source.read(CHUNK):
                    digester.update(chunk)
                digests = digester.finish()
            finally:
                digester.close()
            while_copying()
            info = copying.result()
        if digests["sha256"] != info.sha256:
            raise DigestMismatch(f"{src_key}: the bytes read have sha256 {digests['sha256']}, recorded {info.sha256}")
        written = WrittenFile(path=f"data/{path}", info=info, sha512=digests["sha512"], sm3=digests["sm3"])
        self.payload.append(written)
        return written

    def copy_known(
        self, path: str, src_key: str, *, content_type: str, expected_sha256: str, sha512: str, sm3: str
    ) -> WrittenFile:
        """A stored file whose digests were learned after its upload (object_facts): copied within the
        store, none of its bytes read here. The store checks ``expected_sha256`` against the SHA-256 it
        recorded for the source; the DA/T 70 check before the dossier is final reads the copy."""
        info = self.store.copy(
            src_key,
            f"{self.prefix}/data/{path}",
            content_type=content_type,
            expected_sha256=expected_sha256,
            seal_until=self.seal_until,
            metadata={},
        )
        written = WrittenFile(path=f"data/{path}", info=info, sha512=sha512, sm3=sm3)
        self.payload.append(written)
        return written

    def add_tag_file(self, path: str, content: bytes, content_type: str = "text/plain; charset=utf-8") -> WrittenFile:
        written = self._put(path, io.BytesIO(content), content_type, None)
        self.tags.append(written)
        return written

    def finish(self, bag_info: Mapping[str, str | Iterable[str]]) -> None:
        """Writes bag-info, the payload manifests and, last, the tag manifests over all of them."""
        self.add_tag_file("bagit.txt", BAGIT_TXT.encode())
        info = dict(bag_info)
        info["Payload-Oxum"] = f"{sum(f.info.size for f in self.payload)}.{len(self.payload)}"
        self.add_tag_file("bag-info.txt", _bag_info_text(info).encode())
        self.add_tag_file("manifest-sha256.txt", _manifest(self.payload, "sha256").encode())
        self.add_tag_file("manifest-sha512.txt", _manifest(self.payload, "sha512").encode())
        tags = list(self.tags)
        for algorithm in ("sha256", "sha512"):
            self._put(
                f"tagmanifest-{algorithm}.txt",
                io.BytesIO(_manifest(tags, algorithm).encode()),
                "text/plain; charset=utf-8",
                None,
            )

    def _put(self, path: str, stream: BinaryIO, content_type: str, expected_sha256: str | None) -> WrittenFile:
        reader = _HashingReader(stream)
        info = self.store.put(
            f"{self.prefix}/{path}",
            reader,
            content_type=content_type,
            expected_sha256=expected_sha256,
            seal_until=self.seal_until,
        )
        return WrittenFile(path=path, info=info, sha512=reader.sha512.hexdigest(), sm3=info.sm3 or "")


def _digest(file: WrittenFile, algorithm: str) -> str:
    # put() records the SHA-256 of everything it writes; ObjectInfo's is optional only for objects read back
    return cast(str, file.info.sha256) if algorithm == "sha256" else file.sha512


def _manifest(files: Iterable[WrittenFile], algorithm: str) -> str:
    return "".join(f"{_digest(f, algorithm)}  {encode_path(f.path)}\n" for f in files)


def encode_path(path: str) -> str:
    """RFC 8493 §2.1.3: CR, LF and % in manifest paths are percent-encoded."""
    return path.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _bag_info_text(info: dict[str, str | Iterable[str]]) -> str:
    lines = []
    for key, value in info.items():
        values = [value] if isinstance(value, str) else list(value)
        for item in values:
            lines.append(f"{key}: {' '.join(str(item).split())}")
    return "\n".join(lines) + "\n"


def parse_manifest(text: str) -> dict[str, str]:
    """path → digest, decoding the RFC 8493 path escapes."""
    entries = {}
    for line in text.splitlines():
        if not line.strip():
            continue
        digest, _, path = line.partition(" ")
        path = path.lstrip(" ").replace("%0A", "\n").replace("%0D", "\r").replace("%25", "%")
        entries[path] = digest.lower()
    return entries
