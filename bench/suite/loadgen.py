"""The load section's generator, run as its own processes: applicants uploading while others poll status.

    python -m bench.suite.loadgen PLAN.json OUT.json

PLAN names the server, the applicants (token, draft case, address), the slots
each uploads into, the material size, and the tracking numbers the pollers
ask about. The pollers run in a child process of their own, so that the
uploaders' work never delays a poll's clock; each uploader and each poller is a
thread with its own HTTP connection (requests: maintained, already a
dependency of the application, and one blocking client per simulated person
mirrors the browsers it stands for). The pollers first run alone for
``quiet_seconds``: the same polls without uploads are the baseline of the
same run. After the timed part every upload is read
back and its SHA-256 compared with what was sent.
"""

from __future__ import annotations

import hashlib
import json
import multiprocessing
import random
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from typing import Any

import requests

from bench.suite.applicants import Applicant, address, pdf, upload


def _poll(base: str, target: dict[str, str], serial: int, interval: float, stop: Any, out: list) -> None:
    url = f"{base}/api/v1/track/{target['tracking_number']}?phone_last4={target['phone_last4']}"
    headers = {"X-Forwarded-For": address(serial)}
    rng = random.Random(serial)
    with requests.Session() as http:
        stop.wait(rng.uniform(0, interval))
        while not stop.is_set():
            at, started = time.time(), time.perf_counter()
            try:
                status = http.get(url, headers=headers, timeout=30).status_code
            except requests.RequestException as exc:
                status = type(exc).__name__
            out.append((at, time.perf_counter() - started, status))
            stop.wait(max(0.0, interval * rng.uniform(0.8, 1.2) - (time.perf_counter() - started)))


def _pollers(plan: dict[str, Any], stop: Any, queue: Any) -> None:
    samples: list[tuple[float, float, Any]] = []
    targets = plan["poll_targets"]
    threads = [
        threading.Thread(
            target=_poll,
            args=(plan["base"], targets[i % len(targets)], 20_000 + i, plan["poll_interval"], stop, samples),
        )
        for i in range(plan["pollers"])
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put(samples)


def _upload_all(plan: dict[str, Any], applicant: Applicant, out: list, errors: list) -> None:
    with requests.Session() as http:
        for slot in plan["slots"]:
            data = pdf(plan["material_bytes"], slot)
            started = time.perf_counter()
            try:
                answer = upload(plan["base"], applicant, slot, data, http)
            except (requests.RequestException, RuntimeError) as exc:
                errors.append(f"upload {applicant.case_id}/{slot}: {exc}"[:300])
                continue
            out.append((applicant, answer["file_id"], hashlib.sha256(data).hexdigest(), time.perf_counter() - started))


def _read_back(base: str, uploaded: list) -> tuple[int, list[str]]:
    intact, errors = 0, []
    with requests.Session() as http:
        for applicant, file_id, sha256, _ in uploaded:
            url = f"{base}/api/v1/applications/{applicant.case_id}/files/{file_id}"
            digest = hashlib.sha256()
            with http.get(url, headers=applicant.headers, stream=True, timeout=120) as answer:
                if answer.status_code != 200:
                    errors.append(f"read back {url}: {answer.status_code}")
                    continue
                for chunk in answer.iter_content(1 << 20):
                    digest.update(chunk)
            if digest.hexdigest() == sha256:
                intact += 1
            else:
                errors.append(f"read back {url}: SHA-256 {digest.hexdigest()} is not the {sha256} sent")
    return intact, errors


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))] if ordered else 0.0


def run(plan: dict[str, Any]) -> dict[str, Any]:
    stop, queue = multiprocessing.Event(), multiprocessing.Queue()
    pollers = multiprocessing.Process(target=_pollers, args=(plan, stop, queue))
    pollers.start()
    warm = time.time() + plan["poll_interval"]  # by then every poller has started its rounds
    time.sleep(plan["poll_interval"] + plan["quiet_seconds"])
    quiet_end = time.time()
    applicants = [Applicant(**a) for a in plan["applicants"]]
    uploaded: list = []
    errors: list[str] = []
    started = time.perf_counter()
    threads = [threading.Thread(target=_upload_all, args=(plan, a, uploaded, errors)) for a in applicants]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    upload_seconds = time.perf_counter() - started
    stop.set()
    samples = queue.get()
    pollers.join()
    intact, read_errors = _read_back(plan["base"], uploaded)
    quiet = [seconds for at, seconds, _ in samples if warm <= at < quiet_end]
    loaded = [seconds for at, seconds, _ in samples if at >= quiet_end]
    statuses = Counter(str(status) for *_, status in samples)
    bad = {status: n for status, n in statuses.items() if status != "200"}
    errors += [f"status poll answered {status}: {n} times" for status, n in bad.items()]
    upload_times = [seconds for *_, seconds in uploaded]
    return {
        "uploads": len(uploaded),
        "uploads_expected": len(applicants) * len(plan["slots"]),
        "upload_seconds": upload_seconds,
        "upload_mb_per_s": len(uploaded) * plan["material_bytes"] / (1 << 20) / upload_seconds,
        "upload_p95_s": _percentile(upload_times, 0.95),
        "intact": intact,
        "polls": len(loaded),
        "poll_p50_ms": 1000 * _percentile(loaded, 0.50),
        "poll_p95_ms": 1000 * _percentile(loaded, 0.95),
        "poll_p99_ms": 1000 * _percentile(loaded, 0.99),
        "quiet_polls": len(quiet),
        "quiet_p95_ms": 1000 * _percentile(quiet, 0.95),
        "errors": errors + read_errors,
    }


def main() -> None:
    plan = json.loads(Path(sys.argv[1]).read_text())
    Path(sys.argv[2]).write_text(json.dumps(run(plan), ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
