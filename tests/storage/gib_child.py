"""Child process for the 1 GiB test: stream 1 GiB in and out, report peak RSS.

Run as ``python gib_child.py URL KEY [SIZE_MIB]``; prints one JSON line. A
fresh process is needed because the peak RSS is a high-water mark and the
test runner's is already inflated by everything it did before.
"""

from __future__ import annotations

import hashlib
import json
import os
import resource
import sys
import time

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from storage import open_store

MIB = 1 << 20


def peak_kib() -> int:
    """Peak RSS of this process so far, in KiB.

    Linux ``ru_maxrss`` is no use in a child: exec keeps the high-water mark of
    the forking parent (a 300 MB pytest shows up as the child's peak), so read
    VmHWM, the peak of this address space only, where /proc has it.
    """
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    url, key = sys.argv[1], sys.argv[2]
    size_mib = int(sys.argv[3]) if len(sys.argv) > 3 else 1024
    store = open_store(url)
    seed = os.urandom(MIB)
    expected = hashlib.sha256()

    def generate():
        for i in range(size_mib):
            chunk = i.to_bytes(8, "big") + seed[8:]
            expected.update(chunk)
            yield chunk

    start = peak_kib()
    began = time.perf_counter()
    info = store.put(key, generate())
    put_seconds = time.perf_counter() - began
    after_put = peak_kib()

    reread = hashlib.sha256()
    began = time.perf_counter()
    with store.open(key) as stream:
        while chunk := stream.read(MIB):
            reread.update(chunk)
    read_seconds = time.perf_counter() - began
    print(
        json.dumps(
            {
                "size": info.size,
                "sha256_generated": expected.hexdigest(),
                "sha256_put": info.sha256,
                "sha256_reread": reread.hexdigest(),
                "stat_sha256": store.stat(key).sha256,
                "put_seconds": put_seconds,
                "read_seconds": read_seconds,
                "rss_start_kib": start,
                "rss_after_put_kib": after_put,
                "rss_after_read_kib": peak_kib(),
            }
        )
    )
    store.delete(key)
    store.close()


if __name__ == "__main__":
    main()
