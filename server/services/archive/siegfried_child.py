"""Child process for siegfried.py: one file path per line on stdin, pygfried's detailed result as one JSON line.

Run as a script (``python -I siegfried_child.py``), never imported by the server: it needs only the
standard library and pygfried.
"""

from __future__ import annotations

import json
import os
import sys


def main() -> None:
    answers = os.fdopen(os.dup(sys.stdout.fileno()), "w", encoding="utf-8")
    sys.stdout = sys.stderr  # stray prints from a library cannot corrupt the answers
    import pygfried

    for line in sys.stdin:
        path = line.rstrip("\n")
        try:
            answer = {"ok": True, "result": pygfried.identify(path, detailed=True)}
        except Exception as exc:  # noqa: BLE001 - reported to the parent, which logs it
            answer = {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:500]}
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


if __name__ == "__main__":
    main()
