"""docker-compose.yml cannot run here (no Docker engine), so its contract is checked statically."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

import yaml

from server.config import KNOWN_VARIABLES

ROOT = Path(__file__).resolve().parent.parent
APP_SERVICES = ("app", "worker")


def _compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))


def test_every_onewindow_variable_is_one_the_app_reads():
    compose = _compose()
    for name in APP_SERVICES:
        env = compose["services"][name]["environment"]
        ours = {key for key in env if key.startswith("ONEWINDOW_")}
        assert ours, f"{name} sets no ONEWINDOW_ variables"
        assert ours <= KNOWN_VARIABLES, f"{name} sets variables the app never reads: {ours - KNOWN_VARIABLES}"
        assert {"ONEWINDOW_DATABASE_URL", "ONEWINDOW_STORAGE_URL", "ONEWINDOW_INDEX_URL"} <= ours


def test_backend_urls_point_at_services_in_the_file():
    compose = _compose()
    services = compose["services"]
    env = services["app"]["environment"]
    expected = {
        "ONEWINDOW_DATABASE_URL": ("postgresql", "postgres"),
        "ONEWINDOW_STORAGE_URL": ("s3", "minio"),
        "ONEWINDOW_INDEX_URL": ("http", "elasticsearch"),
    }
    for var, (scheme, service) in expected.items():
        url = urlsplit(env[var].replace("${", "").replace(":-", "-").replace("}", ""))
        assert url.scheme == scheme, var
        assert url.hostname == service, var
        assert service in services
        assert service in services["app"]["depends_on"]


def test_every_service_has_a_healthcheck_and_data_on_named_volumes():
    compose = _compose()
    named = set(compose["volumes"])
    for name, service in compose["services"].items():
        assert "healthcheck" in service, f"{name} has no healthcheck"
        for volume in service.get("volumes", []):
            source = volume.split(":", 1)[0]
            assert source in named, f"{name} mounts {source}, which is not a named volume"


def test_app_and_worker_share_the_image_and_the_worker_runs_jobs():
    services = _compose()["services"]
    assert services["worker"]["image"] == services["app"]["image"]
    assert services["worker"]["command"] == ["onewindow", "worker"]
    assert services["app"]["environment"]["ONEWINDOW_JOBS_IN_PROCESS"] == "false"
    # `onewindow serve` runs gunicorn (tests/server/test_serve.py) after its start-up duties
    assert '"onewindow", "serve"' in (ROOT / "Dockerfile").read_text()
