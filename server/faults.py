"""Crash points: where the fault-injection tests make the process die as a power cut would.

Recovery code is only trustworthy if a crash at the worst moment is actually
tried. A test starts the server with ``ONEWINDOW_FAILPOINTS=<name>,...``; on
reaching an armed point the process sends itself SIGKILL (no cleanup, no
rollback, no flushing), exactly like the OOM killer or a pulled plug.
Unarmed points cost one set lookup.
"""

from __future__ import annotations

import logging
import os
import signal

from .runtime import Runtime

# Each name, where it is: so a test and a reader can find the moment it stands for.
POINTS = {
    "seal.before_commit": "services/archive/seal.py: the package is written, the database not yet committed",
}

log = logging.getLogger(__name__)


def crash_point(runtime: Runtime, name: str) -> None:
    if name not in POINTS:
        raise ValueError(f"unknown crash point {name!r}")
    if name in runtime.settings.failpoints:
        log.critical("crash point %s reached: killing this process", name)
        os.kill(os.getpid(), signal.SIGKILL)
