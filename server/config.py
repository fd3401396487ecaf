"""Settings, read once in the app factory (and by the CLI) from the environment.

Every backend is named by a URL so that an operator moves from the embedded
defaults to PostgreSQL, S3 and Elasticsearch by changing variables, not code.
An optional instance file ``<data dir>/onewindow.env`` (``KEY=value`` lines)
is read too; the process environment wins over it.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

PREFIX = "ONEWINDOW_"

# 档号 per DA/T 22: 全宗号-门类代码·年度-保管期限代码-机构代码-件号, e.g. 0001-WS·2026-D30-WLJ-0001.
DEFAULT_ARCHIVAL_CODE_SCHEME = "{fonds}-{category}·{year}-{retention}-{org}-{number:04d}"


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    storage_url: str
    index_url: str
    secret_key: str
    demo_password: str = "demo"
    run_jobs_in_process: bool = True
    job_poll_seconds: float = 1.0
    # Job threads per process (serve's in-process jobs and `onewindow worker`): OCR on every core.
    job_threads: int = field(default_factory=lambda: os.cpu_count() or 1)
    max_upload_bytes: int = 2 * 1024**3
    default_locale: str = "zh_CN"
    fonds: str = "0001"
    # 全宗名称 and 立档单位 of the DA/T 46 metadata; 门类代码 of the 档号 (文书 WS by default).
    fonds_name: str = "XX县政务服务中心"
    archiving_unit: str = "XX县政务服务中心"
    archive_category: str = "WS"
    archival_code_scheme: str = DEFAULT_ARCHIVAL_CODE_SCHEME
    verify_interval_hours: float = 24 * 7
    # Throttling counters: in memory for one process, redis://host:6379/0 when several share them.
    ratelimit_url: str = "memory://"
    # The ClamAV daemon uploads are scanned by (unix:///run/clamav/clamd.ctl, tcp://host:3310); "" = none.
    clamd_url: str = ""
    # Only for development on http://: session cookies then lack the Secure flag.
    plain_http: bool = False
    # Reverse proxies in front of the app whose X-Forwarded-For/-Proto are trusted.
    proxy_hops: int = 0
    token_lifetime_hours: float = 24 * 30
    session_lifetime_hours: float = 12
    # Below this much free space in the data folder (and a local store) /healthz says degraded.
    min_free_mb: int = 1024
    # Sign-in through the province's unified identity platform (统一身份认证, OpenID Connect): on when the
    # issuer, client id and secret are all set (server/web/oidc.py).
    oidc_issuer: str = ""
    oidc_client_id: str = ""
    oidc_client_secret: str = ""
    oidc_scopes: str = "openid profile phone"
    # Which of the platform's claims carries each of our fields (platforms name them differently).
    oidc_claims: str = "name=name,id_number=id_number,phone=phone_number,username=preferred_username"
    # Staff sign in through the platform too (matched by username); a linked account's password stops working.
    oidc_staff: bool = False
    # 网格化: the townships and streets (乡镇/街道) of the area served, in the order the grid shows them.
    townships: tuple[str, ...] = ()
    # Where a denied applicant turns (行政许可法 第三十八条): 行政复议 to the government at the same level,
    # 行政诉讼 to the people's court; printed on every 不予许可决定书.
    review_body: str = "XX县人民政府"
    court: str = "XX县人民法院"
    # Notifications by e-mail (smtp://user:pass@host:port, smtps://…, ?starttls=true) and by SMS through an
    # HTTP gateway (http://host:port/send); "" = that channel is off (the inbox always works).
    smtp_url: str = ""
    mail_from: str = "OneWindow <noreply@onewindow.localhost>"
    sms_url: str = ""
    # The signature (签名) an SMS gateway puts in front of every text, e.g. 【某县政务服务中心】.
    sms_sign: str = "政务服务中心"
    # 固化信息: the SM2 private key (PEM) that signs every package's tag manifest, and its certificate;
    # "" = generated on first use under <data dir>/signing/ (a self-signed SM2/SM3 certificate).
    signing_key_path: str = ""
    signing_cert_path: str = ""
    # An RFC 3161 timestamping service (http://host/tsa); "" = packages are signed but not timestamped.
    tsa_url: str = ""
    # Crash points the fault-injection tests arm (server/faults.py); never set in production.
    failpoints: frozenset[str] = frozenset()
    extra: Mapping[str, str] = field(default_factory=dict)

    def with_overrides(self, **changes: Any) -> Settings:
        return replace(self, **changes)


def _read_instance_file(path: Path) -> dict[str, str]:
    values: dict[str, str] = {}
    if not path.is_file():
        return values
    for raw in path.read_text(encoding="utf-8").splitlines():
        line = raw.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        values[key.strip()] = value.strip().strip('"').strip("'")
    return values


def _secret_key(data_dir: Path, env: Mapping[str, str]) -> str:
    """A stable key per instance: sessions survive restarts without configuration."""
    if env.get(PREFIX + "SECRET_KEY"):
        return env[PREFIX + "SECRET_KEY"]
    path = data_dir / "secret_key"
    if path.is_file():
        return path.read_text(encoding="ascii").strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def _flag(value: str) -> bool:
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _names(value: str) -> frozenset[str]:
    return frozenset(filter(None, value.split(",")))


def _list(value: str) -> tuple[str, ...]:
    """Comma-separated, in order, Chinese commas too (people type 城关镇，溪口镇); blanks and repeats dropped."""
    items = (item.strip() for item in value.replace("，", ",").replace("、", ",").split(","))
    return tuple(dict.fromkeys(item for item in items if item))


# Variables whose default is the Settings field's: (name after the prefix, field, parser of a non-empty value).
_OPTIONAL: tuple[tuple[str, str, Callable[[str], Any]], ...] = (
    ("DEMO_PASSWORD", "demo_password", str),
    ("JOBS_IN_PROCESS", "run_jobs_in_process", _flag),
    ("JOB_POLL_SECONDS", "job_poll_seconds", float),
    ("JOB_THREADS", "job_threads", int),
    ("MAX_UPLOAD_BYTES", "max_upload_bytes", int),
    ("LOCALE", "default_locale", str),
    ("FONDS", "fonds", str),
    ("FONDS_NAME", "fonds_name", str),
    ("ARCHIVING_UNIT", "archiving_unit", str),
    ("ARCHIVE_CATEGORY", "archive_category", str),
    ("ARCHIVAL_CODE_SCHEME", "archival_code_scheme", str),
    ("VERIFY_INTERVAL_HOURS", "verify_interval_hours", float),
    ("RATELIMIT_URL", "ratelimit_url", str),
    ("CLAMD_URL", "clamd_url", str),
    ("PLAIN_HTTP", "plain_http", _flag),
    ("PROXY_HOPS", "proxy_hops", int),
    ("TOKEN_LIFETIME_HOURS", "token_lifetime_hours", float),
    ("SESSION_LIFETIME_HOURS", "session_lifetime_hours", float),
    ("MIN_FREE_MB", "min_free_mb", int),
    ("OIDC_ISSUER", "oidc_issuer", str),
    ("OIDC_CLIENT_ID", "oidc_client_id", str),
    ("OIDC_CLIENT_SECRET", "oidc_client_secret", str),
    ("OIDC_SCOPES", "oidc_scopes", str),
    ("OIDC_CLAIMS", "oidc_claims", str),
    ("OIDC_STAFF", "oidc_staff", _flag),
    ("TOWNSHIPS", "townships", _list),
    ("REVIEW_BODY", "review_body", str),
    ("COURT", "court", str),
    ("SMTP_URL", "smtp_url", str),
    ("MAIL_FROM", "mail_from", str),
    ("SMS_URL", "sms_url", str),
    ("SMS_SIGN", "sms_sign", str),
    ("SIGNING_KEY", "signing_key_path", str),
    ("SIGNING_CERT", "signing_cert_path", str),
    ("TSA_URL", "tsa_url", str),
    ("FAILPOINTS", "failpoints", _names),
)

# Every variable the application reads; docker-compose.yml may set only these.
KNOWN_VARIABLES = frozenset(
    PREFIX + name
    for name in (
        "DATA_DIR",
        "DATABASE_URL",
        "STORAGE_URL",
        "INDEX_URL",
        "SECRET_KEY",
        *(name for name, _, _ in _OPTIONAL),
    )
)


def load_settings(environ: Mapping[str, str] | None = None) -> Settings:
    """An unset or empty variable means the default."""
    env_in = dict(os.environ if environ is None else environ)
    data_dir = Path(env_in.get(PREFIX + "DATA_DIR") or "./var").resolve()
    env = {**_read_instance_file(data_dir / "onewindow.env"), **env_in}
    optional: dict[str, Any] = {
        field_name: parse(env[PREFIX + name]) for name, field_name, parse in _OPTIONAL if env.get(PREFIX + name)
    }
    return Settings(
        data_dir=data_dir,
        database_url=env.get(PREFIX + "DATABASE_URL") or f"sqlite:///{data_dir / 'onewindow.db'}",
        storage_url=env.get(PREFIX + "STORAGE_URL") or f"file://{data_dir / 'objects'}",
        index_url=env.get(PREFIX + "INDEX_URL") or f"sqlite:///{data_dir / 'index.db'}",
        secret_key=_secret_key(data_dir, env),
        extra={k: v for k, v in env.items() if k.startswith(PREFIX) and k not in KNOWN_VARIABLES},
        **optional,
    )
