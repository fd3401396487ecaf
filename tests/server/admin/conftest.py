"""Administration tests reuse the intake tests' API client and sample files."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "cases"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from case_support import Api


@pytest.fixture
def api(client, demo, settings) -> Api:
    return Api(client, settings.demo_password)
