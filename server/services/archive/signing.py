"""固化信息: SM2 signatures with SM3 (GM/T 0003, GM/T 0009) over a package's tag manifest.

OpenSSL 3 implements SM2 and SM3 in its default provider, so signing runs the ``openssl`` command rather
than a pure-Python library: it is the same maintained code the receiving archives bureau verifies with
(``openssl dgst -sm3 -verify pub.pem -sigopt distid:1234567812345678 -signature F.sig F``), it draws
its own nonces, and it writes standard DER signatures and X.509 certificates. The pyca ``cryptography``
package does not know the SM2 curve.

The tag manifest names the digest of every tag file, and those name every payload digest, so one
signature over it covers the whole bag: rewriting a file and recomputing every BagIt manifest changes
the tag manifest and breaks the signature.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from ...config import Settings
from ...errors import SigningUnavailable

# GM/T 0009-2012 §10: the default signer identity when none is agreed.
SM2_ID = "1234567812345678"
SIGNATURE_ALGORITHM = "SM2-with-SM3 (GM/T 0003, GM/T 0009), signer ID 1234567812345678, DER"
CERT_DAYS = 36500
TIMEOUT = 30


@dataclass(frozen=True)
class Signer:
    key_path: Path
    cert_path: Path

    def certificate(self) -> bytes:
        return self.cert_path.read_bytes()

    def sign(self, data: bytes) -> bytes:
        """The DER-encoded SM2 signature of ``data`` (hashed with SM3 over Z‖M)."""
        with tempfile.TemporaryDirectory(prefix="ow-sign-") as tmp:
            message = Path(tmp, "m")
            message.write_bytes(data)
            return _openssl("dgst", "-sm3", "-sign", str(self.key_path), "-sigopt", f"distid:{SM2_ID}", str(message))


def signer_for(settings: Settings) -> Signer:
    """The configured key pair, or the embedded default under the data folder, made on first use."""
    if settings.signing_key_path:
        key = Path(settings.signing_key_path)
        cert = Path(settings.signing_cert_path) if settings.signing_cert_path else key.with_suffix(".crt")
        if not key.is_file():
            raise SigningUnavailable(f"签名私钥不存在 (signing key not found): {key}")
    else:
        folder = settings.data_dir / "signing"
        key, cert = folder / "sm2-key.pem", folder / "sm2-cert.pem"
        if not key.is_file():
            _generate_key(key)
    if not cert.is_file():
        _self_signed_certificate(key, cert, f"OneWindow 全宗 {settings.fonds}")
    return Signer(key, cert)


def verify(certificate_pem: bytes, data: bytes, signature: bytes) -> bool:
    """Whether ``signature`` is the SM2 signature of ``data`` by the certificate's key."""
    with tempfile.TemporaryDirectory(prefix="ow-verify-") as tmp:
        cert, pub, message, sig = (Path(tmp, name) for name in ("c.pem", "p.pem", "m", "s"))
        cert.write_bytes(certificate_pem)
        message.write_bytes(data)
        sig.write_bytes(signature)
        try:
            pub.write_bytes(_openssl("x509", "-in", str(cert), "-pubkey", "-noout"))
        except SigningUnavailable:
            return False
        done = subprocess.run(
            ["openssl", "dgst", "-sm3", "-verify", str(pub), "-sigopt", f"distid:{SM2_ID}", "-signature", str(sig)]
            + [str(message)],
            capture_output=True,
            timeout=TIMEOUT,
        )
        return done.returncode == 0


def certificate_subject(certificate_pem: bytes) -> str:
    with tempfile.NamedTemporaryFile(prefix="ow-cert-", suffix=".pem") as fh:
        fh.write(certificate_pem)
        fh.flush()
        out = _openssl("x509", "-in", fh.name, "-noout", "-subject", "-nameopt", "utf8")
    return out.decode("utf-8", "replace").strip().removeprefix("subject=").strip()


def timestamp(tsa_url: str, data: bytes) -> bytes:
    """An RFC 3161 time-stamp token response (.tsr) for ``data``'s SHA-256, from the configured service."""
    with tempfile.TemporaryDirectory(prefix="ow-tsq-") as tmp:
        message = Path(tmp, "m")
        message.write_bytes(data)
        query = _openssl("ts", "-query", "-data", str(message), "-sha256", "-cert")
    request = urllib.request.Request(
        tsa_url, data=query, headers={"Content-Type": "application/timestamp-query"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            return answer.read()
    except OSError as exc:
        raise SigningUnavailable(f"时间戳服务不可用 (timestamping service unavailable): {exc}") from exc


def timestamp_matches(response: bytes, data: bytes) -> bool:
    """Whether the time-stamp response is granted and stamps ``data`` (its imprint; trust in the TSA is
    the receiver's, with the TSA's certificate)."""
    with tempfile.TemporaryDirectory(prefix="ow-tsr-") as tmp:
        tsr, message = Path(tmp, "r.tsr"), Path(tmp, "m")
        tsr.write_bytes(response)
        message.write_bytes(data)
        try:
            text = _openssl("ts", "-reply", "-in", str(tsr), "-text").decode("utf-8", "replace")
            query = _openssl("ts", "-query", "-data", str(message), "-sha256", "-no_nonce", "-text")
        except SigningUnavailable:
            return False
    imprint = _imprint(query.decode("utf-8", "replace"))
    return "Status: Granted." in text and bool(imprint) and imprint == _imprint(text)


def _imprint(text: str) -> str:
    lines = text.splitlines()
    for i, line in enumerate(lines):
        if line.strip().startswith("Message data:"):
            hexes = []
            for row in lines[i + 1 : i + 4]:
                if " - " not in row:
                    break
                hexes.append(row.split(" - ", 1)[1][:48])
            return "".join(hexes).replace("-", " ").replace(" ", "").lower()
    return ""


def _generate_key(key: Path) -> None:
    key.parent.mkdir(parents=True, exist_ok=True)
    tmp = key.with_name(key.name + ".part")
    _openssl("genpkey", "-algorithm", "SM2", "-out", str(tmp))
    os.chmod(tmp, 0o600)
    try:
        os.link(tmp, key)  # never replaces a key another process made meanwhile
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


def _self_signed_certificate(key: Path, cert: Path, common_name: str) -> None:
    tmp = cert.with_name(cert.name + f".{os.getpid()}.part")
    _openssl(
        *("req", "-new", "-x509", "-key", str(key), "-sm3", "-sigopt", f"distid:{SM2_ID}", "-utf8"),
        *("-subj", f"/CN={common_name}/O=OneWindow", "-days", str(CERT_DAYS), "-out", str(tmp)),
    )
    os.replace(tmp, cert)


def _openssl(*args: str) -> bytes:
    try:
        done = subprocess.run(["openssl", *args], capture_output=True, timeout=TIMEOUT)
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise SigningUnavailable(f"openssl 不可用 (openssl unavailable): {exc}") from exc
    if done.returncode != 0:
        raise SigningUnavailable(f"openssl {args[0]}: {done.stderr.decode('utf-8', 'replace').strip()[:300]}")
    return done.stdout
