"""A package's files wherever they are: in the object store, or in a folder the receiving side unpacked.

The four-property check reads packages through this one interface, so the archive's own checks and
``verify-package`` (no database, no store) apply the same rules.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import BinaryIO, Protocol

from storage import ObjectNotFound, ObjectStore


class PackageFiles(Protocol):
    def sizes(self) -> dict[str, int]:
        """Every file under the package, relative with ``/`` separators, and its size."""
        ...

    def open(self, path: str) -> BinaryIO:
        """Raises FileNotFoundError for a path that is not there."""
        ...


class StoredPackage:
    def __init__(self, store: ObjectStore, prefix: str) -> None:
        self.store, self.prefix = store, prefix.rstrip("/")

    def sizes(self) -> dict[str, int]:
        return {info.key[len(self.prefix) + 1 :]: info.size for info in self.store.list(self.prefix + "/")}

    def open(self, path: str) -> BinaryIO:
        try:
            return self.store.open(f"{self.prefix}/{path}")
        except ObjectNotFound as exc:
            raise FileNotFoundError(path) from exc


class FolderPackage:
    def __init__(self, root: Path, *, skip: tuple[str, ...] = ()) -> None:
        self.root, self.skip = root, skip

    def sizes(self) -> dict[str, int]:
        found = {}
        for folder, _, names in os.walk(self.root):
            for name in names:
                path = Path(folder, name)
                relative = path.relative_to(self.root).as_posix()
                if not relative.startswith(self.skip):
                    found[relative] = path.stat().st_size
        return found

    def open(self, path: str) -> BinaryIO:
        target = (self.root / path).resolve()
        if not target.is_relative_to(self.root.resolve()):
            raise FileNotFoundError(path)
        return target.open("rb")


def read_bytes(files: PackageFiles, path: str) -> bytes | None:
    try:
        with files.open(path) as fh:
            return fh.read()
    except FileNotFoundError:
        return None
