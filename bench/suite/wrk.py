"""``wrk`` (Debian package), installed when missing as scripts/lib.sh's apt helper does, and its summary read.

Every request carries its own ``X-Forwarded-For`` address (a Lua ``request``
hook), so a throttling budget per client address is not what is measured.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

LUA = """
local n = 0
request = function()
  n = n + 1
  local ip = "10." .. (n % 250 + 1) .. "." .. (math.floor(n / 250) % 250 + 1) .. "." .. math.random(1, 254)
  return wrk.format(nil, nil, {["X-Forwarded-For"] = ip})
end
"""


@dataclass(frozen=True)
class WrkResult:
    requests_per_s: float
    requests: int
    bad_answers: int
    """Non-2xx/3xx answers, socket errors and timeouts."""
    latency_p99_ms: float
    kinds: str = ""
    """What the bad answers were, as wrk printed them."""


def ensure() -> str:
    """The path of ``wrk``, installing the Debian package first when missing (root only, as lib.sh does)."""
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("wrk is missing: apt-get install wrk (the web section needs it)")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, stdout=subprocess.DEVNULL)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "wrk"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
    )
    return shutil.which("wrk") or "/usr/bin/wrk"


def _ms(value: str, unit: str) -> float:
    return float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse(out: str) -> WrkResult:
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))  # type: ignore[union-attr]
    total = int(re.search(r"(\d+) requests in", out).group(1))  # type: ignore[union-attr]
    bad = sum(int(n) for n in re.findall(r"Non-2xx or 3xx responses: (\d+)", out))
    socket = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if socket:
        bad += sum(int(n) for n in socket.groups())
    p99 = re.search(r"99%\s+([\d.]+)(us|ms|s|m)\b", out)
    kinds = "; ".join(re.findall(r"^\s*((?:Socket errors|Non-2xx or 3xx responses):.*)$", out, re.M))
    return WrkResult(rps, total, bad, _ms(*p99.groups()) if p99 else 0.0, kinds)


def run(url: str, seconds: float, *, connections: int, threads: int, work: Path) -> WrkResult:
    script = work / "per-client-address.lua"
    script.write_text(LUA)
    # a stall of the shared machine shows in the p99; wrk's own 2 s timeout would count it as an error
    argv = [
        ensure(),
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        "--latency",
        "--timeout",
        "30s",
    ]
    out = subprocess.run([*argv, "-s", str(script), url], check=True, capture_output=True, text=True).stdout
    return parse(out)
