"""The machine a run was measured on, in the words a reader compares machines by."""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _memory_gib() -> float:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / (1 << 20)
    except OSError:
        pass
    return 0.0


def _disk(path: Path) -> str:
    usage = shutil.disk_usage(path)
    try:
        out = subprocess.run(["findmnt", "-n", "-o", "FSTYPE,SOURCE", "-T", str(path)], capture_output=True, text=True)
        fs = " ".join(out.stdout.split())
    except OSError:
        fs = ""
    return f"{fs or 'unknown'}, {usage.free / (1 << 30):.0f} GiB free"


def describe(work: Path) -> dict[str, str]:
    return {
        "cpu": f"{_cpu_model()}, {os.cpu_count()} logical cores",
        "memory": f"{_memory_gib():.1f} GiB",
        "disk": _disk(work),
        "os": f"{platform.system()} {platform.release()} ({platform.machine()})",
        "python": platform.python_version(),
    }
