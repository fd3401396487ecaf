"""Shared fixtures and the backend conformance harness.

Backends are parametrised here, in one place: storage over local disk and S3,
index over the embedded index and Elasticsearch, database over SQLite and
PostgreSQL. The real servers are named by ``ONEWINDOW_TEST_*_URL`` (set by
``scripts/test`` from ``scripts/services env --prefix ONEWINDOW_TEST_``).
Without them a parameter skips with the reason; under ``CI=true`` a missing or
unreachable server fails the test instead, so CI can never pass by skipping.
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn
from urllib.parse import urlsplit, urlunsplit

import pytest

IN_CI = os.environ.get("CI", "").lower() == "true"

REAL_BACKENDS = {
    "postgresql": "ONEWINDOW_TEST_DATABASE_URL",
    "s3": "ONEWINDOW_TEST_STORAGE_URL",
    "elasticsearch": "ONEWINDOW_TEST_INDEX_URL",
    "redis": "ONEWINDOW_TEST_RATELIMIT_URL",
    "clamd": "ONEWINDOW_TEST_CLAMD_URL",
    "hydra": "ONEWINDOW_TEST_OIDC_ISSUER",  # an http:// issuer URL: reachable when its port answers
    "mailpit": "ONEWINDOW_TEST_SMTP_URL",  # Mailpit's SMTP side; its HTTP API is ONEWINDOW_TEST_MAILPIT_API_URL
}


def _reachable(url: str) -> bool:
    parts = urlsplit(url)
    default_port = {"postgresql": 5432, "s3": 443, "http": 80, "https": 443, "redis": 6379, "tcp": 3310, "smtp": 25}
    port = parts.port or default_port.get(parts.scheme.split("+")[0], 80)
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=3):
            return True
    except OSError:
        return False


def real_backend_url(name: str) -> str:
    """The URL of a real server, or skip (fail under CI) with the reason."""
    var = REAL_BACKENDS[name]
    url = os.environ.get(var, "")
    if not url:
        reason = f"{name}: {var} is not set (run the tests with scripts/test to start real servers)"
    elif not _reachable(url):
        reason = f"{name}: server at {urlsplit(url).hostname}:{urlsplit(url).port} is unreachable"
    else:
        return url
    _unavailable(reason)


def _unavailable(reason: str) -> NoReturn:
    if IN_CI:
        pytest.fail(f"CI=true and {reason}", pytrace=False)
    pytest.skip(reason)


def _unique(prefix: str) -> str:
    return f"{prefix}{secrets.token_hex(4)}"


# --- database ---------------------------------------------------------------


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database on each database backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    base = real_backend_url("postgresql")
    yield from _fresh_postgres_database(base)


def _fresh_postgres_database(base_url: str) -> Iterator[str]:
    import psycopg

    parts = urlsplit(base_url)
    name = _unique("ow_test_")
    admin = urlunsplit(("postgresql", parts.netloc, parts.path, parts.query, ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, ""))
    finally:
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- object storage ---------------------------------------------------------


@pytest.fixture(params=["local", "s3"])
def storage_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty object store on each storage backend (a fresh bucket on S3)."""
    if request.param == "local":
        return f"file://{tmp_path / 'objects'}"
    base = urlsplit(real_backend_url("s3"))
    return urlunsplit((base.scheme, base.netloc, "/" + _unique("ow-test-"), base.query, ""))


# --- search index -----------------------------------------------------------


@pytest.fixture(params=["embedded", "elasticsearch"])
def index_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """An empty search index on each index backend (a fresh index prefix on Elasticsearch)."""
    if request.param == "embedded":
        return f"sqlite:///{tmp_path / 'index.db'}"
    base = urlsplit(real_backend_url("elasticsearch"))
    return urlunsplit((base.scheme, base.netloc, base.path, f"prefix={_unique('owtest-')}", ""))


# --- virus scanner and throttling store ----------------------------------------


@pytest.fixture
def clamd_url() -> str:
    """The real ClamAV daemon, with the test signatures scripts/services writes (see tests/server/scan_samples.py)."""
    return real_backend_url("clamd")


@pytest.fixture
def redis_url() -> str:
    """The real Redis server (throttling counters at scale)."""
    return real_backend_url("redis")


# --- an OpenID provider ---------------------------------------------------------


@dataclass(frozen=True)
class OidcProvider:
    issuer: str  # http://127.0.0.1:14444/, as its ID tokens' "iss" says
    admin_url: str  # Hydra's admin API: clients, and the login and consent the tests accept


@pytest.fixture
def oidc_provider() -> OidcProvider:
    """The real OpenID provider (Ory Hydra from scripts/services): the tests register their own client
    through its admin API and play its login and consent app there. No mock provider."""
    issuer = real_backend_url("hydra")
    admin = os.environ.get("ONEWINDOW_TEST_HYDRA_ADMIN_URL", "")
    if not admin:
        _unavailable("hydra: ONEWINDOW_TEST_HYDRA_ADMIN_URL is not set (run the tests with scripts/test)")
    if not _reachable(admin):
        _unavailable(f"hydra: the admin API at {admin} is unreachable")
    return OidcProvider(issuer=issuer, admin_url=admin.rstrip("/"))


@dataclass(frozen=True)
class Mailpit:
    smtp_url: str  # smtp://user:pass@127.0.0.1:11025 (any credentials are accepted)
    api_url: str  # http://127.0.0.1:18025/api/v1: what arrived, read back by the tests


@pytest.fixture
def mailpit() -> Mailpit:
    """The real SMTP server (Mailpit from scripts/services); tests find their own messages by recipient."""
    smtp = real_backend_url("mailpit")
    api = os.environ.get("ONEWINDOW_TEST_MAILPIT_API_URL", "")
    if not api:
        _unavailable("mailpit: ONEWINDOW_TEST_MAILPIT_API_URL is not set (run the tests with scripts/test)")
    if not _reachable(api):
        _unavailable(f"mailpit: the HTTP API at {api} is unreachable")
    return Mailpit(smtp_url=smtp, api_url=api.rstrip("/"))


# --- stopping the real servers -------------------------------------------------


class RealServers:
    """Stops and starts the shared real servers with scripts/services, for outage tests."""

    script = Path(__file__).resolve().parent.parent / "scripts" / "services"

    def __init__(self) -> None:
        self.stopped: set[str] = set()

    def stop(self, name: str) -> None:
        self.stopped.add(name)
        self._run("down", name)

    def start(self, name: str) -> None:
        self._run("up", name)
        self.stopped.discard(name)

    def _run(self, command: str, name: str) -> None:
        done = subprocess.run(
            [sys.executable, str(self.script), command, name], capture_output=True, text=True, timeout=300
        )
        assert done.returncode == 0, f"scripts/services {command} {name}: {done.stderr[-2000:]}"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """A test that stops a shared server would fail whatever runs beside it: ``alone``, run after the others."""
    for item in items:
        if "real_servers" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.alone)


@pytest.fixture
def real_servers() -> Iterator[RealServers]:
    """Whatever a test stops is started again afterwards, even when the test fails."""
    servers = RealServers()
    yield servers
    for name in sorted(servers.stopped):
        servers.start(name)


# --- a disk that can be filled ------------------------------------------------


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 64 MB tmpfs, for filling to the last byte (needs root, which CI has)."""
    mount = tmp_path / "disk"
    mount.mkdir()
    done = (
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64m", "tmpfs", str(mount)], capture_output=True, text=True)
        if os.geteuid() == 0
        else None
    )
    if done is None or done.returncode != 0:
        reason = f"cannot mount a small tmpfs: {done.stderr.strip() if done else 'not root'}"
        if IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


# --- the application --------------------------------------------------------


def _settings(tmp_path: Path, **urls: str):
    from server.config import load_settings

    env = {"ONEWINDOW_DATA_DIR": str(tmp_path / "var"), "ONEWINDOW_DEMO_PASSWORD": "demo-pass"}
    env.update({f"ONEWINDOW_{name.upper()}_URL": url for name, url in urls.items()})
    return load_settings(env)


@pytest.fixture
def embedded_settings(tmp_path: Path):
    """Embedded defaults: SQLite, local disk, the embedded index."""
    return _settings(tmp_path)


@pytest.fixture
def settings(embedded_settings):
    """The settings the `app` fixture runs with; test packages may override this to add backends."""
    return embedded_settings


@pytest.fixture
def real_stack_settings(tmp_path: Path) -> Iterator:
    """PostgreSQL, S3 and Elasticsearch, each fresh (a new database, bucket and index prefix), and ClamAV."""
    base_db = real_backend_url("postgresql")
    clamd = real_backend_url("clamd")
    s3 = urlsplit(real_backend_url("s3"))
    es = urlsplit(real_backend_url("elasticsearch"))
    for database_url in _fresh_postgres_database(base_db):
        yield _settings(
            tmp_path,
            database=database_url,
            # governance-mode locks let test buckets be removed; production uses compliance mode
            storage=urlunsplit((s3.scheme, s3.netloc, "/" + _unique("ow-stack-"), "lock_mode=governance", "")),
            index=urlunsplit((es.scheme, es.netloc, es.path, f"prefix={_unique('owstack-')}", "")),
            clamd=clamd,
        )


@pytest.fixture
def app(settings):
    from server.app import create_app

    application = create_app(settings, migrate=True, start_jobs=False)
    application.config.update(TESTING=True)
    yield application
    runtime = application.extensions["onewindow"]
    if not runtime.settings.index_url.startswith("sqlite"):
        runtime.index.destroy()
    runtime.close()


@pytest.fixture
def runtime(app):
    return app.extensions["onewindow"]


@pytest.fixture
def demo(runtime, settings):
    """The demo catalogue and users, loaded into the app's database."""
    from server.services.demo import load_demo

    with runtime.db.session() as session:
        return load_demo(session, settings.demo_password)


@pytest.fixture
def client(app):
    return app.test_client()
