"""No import cycle among the project's modules.

A cycle makes the import order matter (a module sees a half-initialised one),
so it is refused outright. pylint's cyclic-import check follows imports inside
functions too and counts ``from package import name`` as importing the
submodule when ``name`` is one, so deferring an import does not hide a cycle.
It runs over the three packages in one process, since a cycle may cross them.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("server", "storage", "indexers")


def test_no_import_cycle():
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "pylint",
            "--disable=all",
            "--enable=cyclic-import",
            "--jobs=1",
            "--persistent=n",
            "--score=n",
            "--reports=n",
            "--msg-template={msg}",
            *PACKAGES,
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    # pylint exits with bit 1 for a fatal error and bit 32 for a usage error: the check did not run.
    assert not result.returncode & (1 | 32), result.stdout + result.stderr
    cycles = sorted({line for line in result.stdout.splitlines() if line.startswith("Cyclic import")})
    assert not cycles, "import cycles:\n" + "\n".join(cycles)
    assert result.returncode == 0, result.stdout + result.stderr
