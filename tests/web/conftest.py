"""Fixtures for the web pages: a browser-like test client that signs in as demo users and sends CSRF tokens."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))

from web_support import Web


@pytest.fixture
def web(app, demo, settings) -> Web:
    return Web(app, settings.demo_password)


@pytest.fixture
def build(runtime, demo):
    """Runs workflow steps through the services in one committed unit of work: ``build(lambda b: ...)``."""
    from scenario import Builder

    def run(steps):
        with runtime.db.session() as session:
            result = steps(Builder(runtime, session))
            session.flush()
            return result.id if hasattr(result, "id") else result

    return run
