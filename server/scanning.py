"""Virus scanning of uploads: one interface, ClamAV's clamd behind it.

    scanner = open_scanner("tcp://127.0.0.1:3310")   # or unix:///run/clamav/clamd.ctl
    result = scanner.scan(stream)                    # ScanResult(clean, signature, detail)

A scanner that cannot give a verdict raises ScannerUnavailable and never
answers "clean": the caller decides what that means (an upload answers 503,
the archive's security check records "not checked").

ClamdScanner speaks clamd's small socket protocol itself (INSTREAM, VERSION;
clamd(8)) because no maintained Python client exists: python-clamd and
pyClamd have had no release for years.
"""

from __future__ import annotations

import abc
import os
import re
import socket
import struct
from dataclasses import dataclass
from typing import Any, BinaryIO
from urllib.parse import urlsplit

CLAMD_DEFAULT_PORT = 3310
CHUNK_BYTES = 256 * 1024
CHECK_TIMEOUT = 3.0
MAX_REPLY_BYTES = 4096
ACCEPTED_URLS = "tcp://host:port or unix:///path/to/clamd.socket (empty for no scanner)"


class ScannerUnavailable(Exception):
    """The scanner gave no verdict: unreachable, too slow, or it refused the stream."""


@dataclass(frozen=True)
class ScanResult:
    clean: bool
    signature: str = ""
    detail: str = ""


class Scanner(abc.ABC):
    """A virus scanner; every method but describe() may contact it."""

    @abc.abstractmethod
    def scan(self, stream: BinaryIO) -> ScanResult:
        """Read ``stream`` to its end in chunks and judge it; ScannerUnavailable when no verdict."""

    @abc.abstractmethod
    def check(self) -> dict[str, Any]:
        """Health probe ``{"ok": bool, "engine": str, "detail": str}``, answered within ~3 s."""

    @abc.abstractmethod
    def describe(self) -> str:
        """Where the scanner is, for logs and health pages."""

    def scan_path(self, path: str | os.PathLike[str]) -> ScanResult:
        with open(path, "rb") as stream:
            return self.scan(stream)


def open_scanner(url: str) -> Scanner | None:
    """The scanner named by ``url``, or None when none is configured; nothing is contacted yet."""
    if not url:
        return None
    scheme = urlsplit(url).scheme.lower()
    if scheme in ("tcp", "unix"):
        return ClamdScanner.from_url(url)
    raise ValueError(f"unsupported scanner URL {url!r}; use {ACCEPTED_URLS}")


class ClamdScanner(Scanner):
    """clamd over TCP or a Unix socket, one connection per command."""

    engine = "clamd"

    def __init__(self, address: tuple[str, int] | str, *, connect_timeout: float = 5.0, timeout: float = 300.0) -> None:
        # timeout bounds each socket operation; clamd judges a stream only after its last byte,
        # and a 2 GiB upload takes a while.
        self.address = address
        self.connect_timeout = connect_timeout
        self.timeout = timeout

    @classmethod
    def from_url(cls, url: str, **timeouts: float) -> ClamdScanner:
        parts = urlsplit(url)
        scheme = parts.scheme.lower()
        if scheme == "unix" and not parts.netloc and parts.path.startswith("/"):
            return cls(parts.path, **timeouts)
        if scheme == "tcp" and parts.hostname and parts.path in ("", "/") and not parts.query:
            try:
                return cls((parts.hostname, parts.port or CLAMD_DEFAULT_PORT), **timeouts)
            except ValueError:  # a port that is not a number or out of range
                pass
        raise ValueError(f"invalid clamd URL {url!r}; use {ACCEPTED_URLS}")

    def describe(self) -> str:
        if isinstance(self.address, str):
            return f"unix://{self.address}"
        host, port = self.address
        return f"tcp://{f'[{host}]' if ':' in host else host}:{port}"

    def scan(self, stream: BinaryIO) -> ScanResult:
        with self._connect(self.connect_timeout, self.timeout) as conn:
            try:
                conn.sendall(b"zINSTREAM\0")
                while chunk := stream.read(CHUNK_BYTES):
                    conn.sendall(struct.pack(">I", len(chunk)) + chunk)
                conn.sendall(struct.pack(">I", 0))
            except OSError as exc:
                # clamd answers and hangs up when it refuses a stream (over StreamMaxLength)
                message = self._refusal(conn) or self._failure(exc, "sending", self.timeout)
                raise ScannerUnavailable(message) from None
            reply = self._read_reply(conn)
        return clamd_verdict(reply, self._where())

    def check(self) -> dict[str, Any]:
        step = CHECK_TIMEOUT / 2  # connecting, then answering
        try:
            with self._connect(step, step) as conn:
                try:
                    conn.sendall(b"zVERSION\0")
                except OSError as exc:
                    raise ScannerUnavailable(self._failure(exc, "asking its version", step)) from None
                version = self._read_reply(conn)
        except ScannerUnavailable as exc:
            return {"ok": False, "engine": self.engine, "detail": str(exc)}
        if not version.startswith("ClamAV "):
            return {
                "ok": False,
                "engine": self.engine,
                "detail": f"{self.describe()} is not clamd: it answered {version[:80]!r}",
            }
        return {"ok": True, "engine": self.engine, "detail": f"{self.describe()}: {version}"}

    def _where(self) -> str:
        return f"clamd at {self.describe()}"

    def _connect(self, connect_timeout: float, timeout: float) -> socket.socket:
        try:
            if isinstance(self.address, str):
                conn = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
                try:
                    conn.settimeout(connect_timeout)
                    conn.connect(self.address)
                except OSError:
                    conn.close()
                    raise
            else:
                conn = socket.create_connection(self.address, timeout=connect_timeout)
        except OSError as exc:
            raise ScannerUnavailable(self._failure(exc, "connecting", connect_timeout)) from None
        conn.settimeout(timeout)
        return conn

    def _read_reply(self, conn: socket.socket) -> str:
        reply = b""
        try:
            while b"\0" not in reply and len(reply) < MAX_REPLY_BYTES:
                chunk = conn.recv(MAX_REPLY_BYTES)
                if not chunk:
                    break
                reply += chunk
        except OSError as exc:
            failure = self._failure(exc, "waiting for its answer", conn.gettimeout())
            raise ScannerUnavailable(failure) from None
        if not reply:
            raise ScannerUnavailable(f"{self._where()} closed the connection without an answer")
        return reply.split(b"\0", 1)[0].decode("utf-8", "replace").strip()

    def _refusal(self, conn: socket.socket) -> str:
        """What clamd said before hanging up on a stream, if anything is left to read."""
        try:
            conn.settimeout(1.0)
            said = conn.recv(MAX_REPLY_BYTES).split(b"\0", 1)[0].decode("utf-8", "replace").strip()
        except OSError:
            return ""
        return f"{self._where()} refused the stream: {said}" if said else ""

    def _failure(self, exc: OSError, doing: str, seconds: float | None) -> str:
        where = self._where()
        if isinstance(exc, TimeoutError):
            return f"{where}: no response within {seconds:g} s while {doing}"
        if isinstance(exc, ConnectionRefusedError):
            return f"{where} refused the connection (is clamd running?)"
        if isinstance(exc, FileNotFoundError):
            return f"{where}: no such socket"
        return f"{where}: {doing} failed: {exc.strerror or exc}"


def clamd_verdict(reply: str, where: str) -> ScanResult:
    """clamd's answer to INSTREAM as a ScanResult; ScannerUnavailable when it is no verdict.

    A limit hit (reported as a Heuristics.Limits.Exceeded "signature" when clamd runs
    with AlertExceedsMax) means the file was not scanned whole, so it is no verdict either.
    """
    if reply == "stream: OK":
        return ScanResult(clean=True, detail=reply)
    found = re.fullmatch(r"stream: (\S+) FOUND", reply)
    if found and found.group(1).startswith("Heuristics.Limits.Exceeded"):
        raise ScannerUnavailable(f"{where} could not scan the whole file: {found.group(1)}")
    if found:
        return ScanResult(clean=False, signature=found.group(1), detail=reply)
    if reply.endswith("ERROR"):
        raise ScannerUnavailable(f"{where} could not scan the stream: {reply}")
    raise ScannerUnavailable(f"{where} gave an unexpected answer: {reply[:200]!r}")
