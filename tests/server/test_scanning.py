"""The virus-scanner interface against a real clamd (scripts/services clamd, its own signatures)."""

from __future__ import annotations

import io
import os
import shlex
import socket
import subprocess
import sys
from pathlib import Path

import pytest
from pypdf import PdfReader
from scan_samples import EICAR, MALWARE_MARKER, make_jpeg, make_pdf

from server.scanning import CHUNK_BYTES, ClamdScanner, ScannerUnavailable, clamd_verdict, open_scanner

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def scanner(clamd_url: str) -> ClamdScanner:
    found = open_scanner(clamd_url)
    assert isinstance(found, ClamdScanner)
    return found


@pytest.fixture
def dead_scanner() -> ClamdScanner:
    """A scanner pointed at a port nothing listens on."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return ClamdScanner(("127.0.0.1", port), connect_timeout=2.0, timeout=2.0)


@pytest.mark.parametrize("make", [make_pdf, make_jpeg], ids=["pdf", "jpeg"])
def test_clean_documents_are_clean(scanner: ClamdScanner, make) -> None:
    result = scanner.scan(io.BytesIO(make()))
    assert result.clean
    assert result.signature == ""


def test_eicar_test_file_is_found(scanner: ClamdScanner) -> None:
    result = scanner.scan(io.BytesIO(EICAR))
    assert not result.clean
    # clamd names signatures from databases it has not verified "<name>.UNOFFICIAL"
    assert result.signature.startswith("Eicar-Test-Signature")


def test_marker_inside_a_valid_pdf_is_found(scanner: ClamdScanner) -> None:
    pdf = make_pdf(MALWARE_MARKER.decode("ascii"))
    assert len(PdfReader(io.BytesIO(pdf)).pages) == 1
    result = scanner.scan(io.BytesIO(pdf))
    assert not result.clean
    assert result.signature.startswith("OneWindow.Test.Marker")
    assert result.signature in result.detail


def test_a_file_of_many_chunks_is_scanned_to_its_end(scanner: ClamdScanner, tmp_path: Path) -> None:
    path = tmp_path / "large.bin"
    path.write_bytes(os.urandom(5_000_000) + MALWARE_MARKER)
    assert path.stat().st_size > 4 * CHUNK_BYTES
    result = scanner.scan_path(path)
    assert result.signature.startswith("OneWindow.Test.Marker")


def test_a_marker_split_across_two_chunks_is_found(scanner: ClamdScanner) -> None:
    stream = io.BytesIO(bytes(CHUNK_BYTES - 10) + MALWARE_MARKER + bytes(1000))
    result = scanner.scan(stream)
    assert result.signature.startswith("OneWindow.Test.Marker")
    assert stream.read() == b""


def test_random_bytes_of_many_chunks_are_clean(scanner: ClamdScanner) -> None:
    assert scanner.scan(io.BytesIO(os.urandom(3 * CHUNK_BYTES + 1))).clean


def test_dead_scanner_is_unavailable_not_clean(dead_scanner: ClamdScanner) -> None:
    with pytest.raises(ScannerUnavailable, match="refused the connection"):
        dead_scanner.scan(io.BytesIO(EICAR))


def test_check_reports_the_real_clamd(scanner: ClamdScanner) -> None:
    health = scanner.check()
    assert health["ok"] is True
    assert health["engine"] == "clamd"
    assert "ClamAV" in health["detail"]


def test_check_reports_a_dead_scanner(dead_scanner: ClamdScanner) -> None:
    health = dead_scanner.check()
    assert health["ok"] is False
    assert health["engine"] == "clamd"
    assert dead_scanner.describe() in health["detail"]


def test_open_scanner_maps_urls_to_backends() -> None:
    assert open_scanner("") is None
    tcp = open_scanner("tcp://127.0.0.1:13310")
    assert isinstance(tcp, ClamdScanner) and tcp.address == ("127.0.0.1", 13310)
    assert open_scanner("tcp://clamav").address == ("clamav", 3310)
    unix = open_scanner("unix:///run/clamav/clamd.ctl")
    assert isinstance(unix, ClamdScanner) and unix.address == "/run/clamav/clamd.ctl"
    assert unix.describe() == "unix:///run/clamav/clamd.ctl"


@pytest.mark.parametrize(
    "url",
    [
        "http://127.0.0.1:3310",
        "clamd",
        "tcp://",
        "tcp://host:99999",
        "unix://relative/clamd.sock",
        "tcp://host:3310/path",
    ],
)
def test_open_scanner_refuses_other_urls_naming_the_accepted_forms(url: str) -> None:
    with pytest.raises(ValueError, match="tcp://host:port or unix:///"):
        open_scanner(url)


def test_services_env_names_redis_and_clamd() -> None:
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": os.environ.get("HOME", "/tmp"),
        "ONEWINDOW_REDIS_PORT": "16999",
        "ONEWINDOW_CLAMD_PORT": "13999",
    }
    result = subprocess.run(
        [sys.executable, str(ROOT / "scripts" / "services"), "env", "--prefix", "X_"],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    exports = dict(shlex.split(line)[1].split("=", 1) for line in result.stdout.splitlines())
    assert exports["X_RATELIMIT_URL"] == "redis://127.0.0.1:16999/0"
    assert exports["X_CLAMD_URL"] == "tcp://127.0.0.1:13999"


def test_a_file_clamd_could_not_scan_whole_is_no_verdict() -> None:
    # clamd's answer with AlertExceedsMax (as scripts/services runs it) when a limit stops the scan
    with pytest.raises(ScannerUnavailable, match="could not scan the whole file"):
        clamd_verdict("stream: Heuristics.Limits.Exceeded.MaxFileSize FOUND", "clamd")
    with pytest.raises(ScannerUnavailable, match="size limit exceeded"):
        clamd_verdict("INSTREAM size limit exceeded. ERROR", "clamd")
