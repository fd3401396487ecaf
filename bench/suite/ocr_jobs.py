"""OCR as the application runs it: a sealed dossier of scanned pages, its jobs drained by 1 or 2 job workers.

Each run gets a fresh embedded installation (SQLite, local store, embedded
index) under ``folder``; the dossier is sealed there and the job queue it
leaves (one ``archive.extract_file`` per page, plus previews, the check and
indexing jobs, the same for every worker count) is run by ``Worker`` threads, as
``onewindow worker --threads N`` and the in-process job threads do.
"""

from __future__ import annotations

import io
import threading
import time
from datetime import timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import func, select

from server import tasks  # noqa: F401 - registers the job handlers
from server.app import create_app
from server.config import load_settings
from server.jobs import Worker
from server.models import Job, ServiceItem, utcnow
from server.services.archive.seal import SealFile, SealRequest, seal_dossier
from server.services.demo import load_demo


def _runtime(folder: Path) -> Any:
    settings = load_settings({"ONEWINDOW_DATA_DIR": str(folder), "ONEWINDOW_DEMO_PASSWORD": "bench-demo-pass"})
    app = create_app(settings, migrate=True, start_jobs=False)
    runtime = app.extensions["onewindow"]
    with runtime.db.session() as session:
        load_demo(session, settings.demo_password)
    return runtime


def _seal(runtime: Any, pages: list[bytes]) -> None:
    with runtime.db.session() as session:
        service = session.scalar(select(ServiceItem).where(ServiceItem.code == "minsu"))
        now = utcnow()
        specs = [
            SealFile(name=f"扫描件{i + 1}.png", open=lambda d=data: io.BytesIO(d), media_type="image/png", pages=1)
            for i, data in enumerate(pages)
        ]
        request = SealRequest(
            title="扫描件 OCR 基准",
            service=service,
            files=specs,
            opened_at=now - timedelta(days=1),
            closed_at=now,
            sealed_by="bench",
            events=[{"seq": 1, "action": "submit"}, {"seq": 2, "action": "accept"}, {"seq": 3, "action": "complete"}],
        )
        seal_dossier(session, runtime, request)


def drain(folder: Path, pages: list[bytes], workers: int) -> dict[str, float]:
    """Seconds for ``workers`` job threads to run every job the sealing queued; jobs left undone are counted."""
    runtime = _runtime(folder)
    try:
        _seal(runtime, pages)
        runners = [Worker(runtime.db, runtime, name=f"bench-{i}") for i in range(workers)]
        threads = [threading.Thread(target=r.run_until_idle) for r in runners]
        began = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        seconds = time.perf_counter() - began
        with runtime.db.session() as session:
            left = session.scalar(select(func.count()).select_from(Job).where(Job.status != "done")) or 0
        return {"seconds": seconds, "pages": len(pages), "left": float(left)}
    finally:
        runtime.close()
