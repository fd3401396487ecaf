"""The web and load sections' helpers make what the server accepts and read what wrk prints.

Their figures are measured by ``bench/run.py``, never here: these checks keep a
run from failing for a made-up ID number, a PDF the intake check refuses, or a
wrk summary read wrongly (a non-2xx answer must count as a bad answer).
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from bench.suite import applicants, wrk
from indexers.extract import open_fully
from server.services.accounts import require_valid_person

WRK_OUT = """Running 8s test @ http://127.0.0.1:1/api/v1/track/X
  1 threads and 16 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency    12.10ms    3.01ms  40.00ms   80.00%
  Latency Distribution
     50%   11.00ms
     75%   13.00ms
     90%   15.00ms
     99%   1.20s
  4000 requests in 8.00s, 1.00MB read
  Socket errors: connect 0, read 1, write 0, timeout 2
  Non-2xx or 3xx responses: 7
Requests/sec:    500.00
Transfer/sec:    128.00KB
"""


def test_applicants_id_numbers_and_phones_pass_the_registration_checks():
    for serial in (1, 17, 999, 1049, 20_099):
        person = require_valid_person(name="测试", id_number=applicants.id_number(serial), phone=f"139{serial:08d}")
        assert person["id_number"] == applicants.id_number(serial)


def test_bench_pdfs_open_fully_with_one_page_and_differ(tmp_path: Path):
    first, second = applicants.pdf(300_000), applicants.pdf(300_000)
    assert first != second and abs(len(first) - 300_000) < 1000
    path = tmp_path / "bench.pdf"
    path.write_bytes(first)
    assert open_fully(path, "application/pdf")[0] == 1


def test_every_client_has_its_own_address():
    assert len({applicants.address(n) for n in range(1, 30_000)}) == 29_999


def test_wrk_summary_counts_errors_and_non_2xx_as_bad_answers():
    got = wrk.parse(WRK_OUT)
    assert (got.requests_per_s, got.requests, got.bad_answers, got.latency_p99_ms) == (500.0, 4000, 10, 1200.0)
    assert got.kinds == "Socket errors: connect 0, read 1, write 0, timeout 2; Non-2xx or 3xx responses: 7"
