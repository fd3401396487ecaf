"""固化信息 of a sealed package: its tag manifest signed (SM2/SM3), timestamped when a service is
configured, and kept sealed beside the bag, where exports and transfers pick it up."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from storage import ObjectNotFound, ObjectStore

from ...runtime import Runtime
from ..object_keys import fixation_key
from . import signing

TAG_MANIFEST = "tagmanifest-sha256.txt"
SIGNATURE = TAG_MANIFEST + ".sig"
CERTIFICATE = "signer.pem"
TIMESTAMP = TAG_MANIFEST + ".tsr"


@dataclass(frozen=True)
class Fixation:
    signature: bytes | None
    certificate: bytes | None
    timestamp: bytes | None

    def files(self) -> dict[str, bytes]:
        named = {SIGNATURE: self.signature, CERTIFICATE: self.certificate, TIMESTAMP: self.timestamp}
        return {name: data for name, data in named.items() if data is not None}


def fix_package(runtime: Runtime, dossier_id: str, prefix: str, seal_until: datetime | None) -> Fixation:
    """Signs the package's tag manifest and stores the signature, certificate and timestamp beside it."""
    with runtime.store.open(f"{prefix}/{TAG_MANIFEST}") as fh:
        tag_manifest = fh.read()
    signer = signing.signer_for(runtime.settings)
    fixation = Fixation(
        signature=signer.sign(tag_manifest),
        certificate=signer.certificate(),
        timestamp=signing.timestamp(runtime.settings.tsa_url, tag_manifest) if runtime.settings.tsa_url else None,
    )
    for name, data in fixation.files().items():
        runtime.store.put(
            fixation_key(dossier_id, name), [data], content_type="application/octet-stream", seal_until=seal_until
        )
    return fixation


def fixation_of(store: ObjectStore, dossier_id: str) -> Fixation:
    """What was stored at sealing (None for each part a package sealed before signing existed lacks)."""
    return Fixation(
        signature=_read(store, fixation_key(dossier_id, SIGNATURE)),
        certificate=_read(store, fixation_key(dossier_id, CERTIFICATE)),
        timestamp=_read(store, fixation_key(dossier_id, TIMESTAMP)),
    )


def _read(store: ObjectStore, key: str) -> bytes | None:
    try:
        with store.open(key) as fh:
            return fh.read()
    except ObjectNotFound:
        return None
