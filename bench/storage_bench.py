"""Benchmark: a streamed ``put`` through ``storage`` vs a raw copy to the same backend.

    python bench/storage_bench.py [--size-mib 1024] [--runs 2] [--s3-url s3://...] [--storage-url URL ...]

By default it measures local disk (a temp dir) and, when ONEWINDOW_TEST_STORAGE_URL
or --s3-url names an S3 server, a fresh bucket on it (removed afterwards).
``--storage-url`` benchmarks exactly the given store(s) instead.

For each backend one child process writes the same random source file
(pre-read into the page cache) ``--runs`` times each way, alternating:

* ours: ``store.put(key, open(source), digests=UPLOAD_DIGESTS)`` as an upload
  writes it - length unknown to the store, SHA-256 computed (SM3 is learned
  afterwards by a job), durable (fsync / completed multipart) on return;
* raw, local: ``shutil.copyfileobj`` into a file in the same folder, then fsync
  (the same durability; the figure without fsync is printed too), and the same
  copy starting writeback every 16 MiB as the store does; the faster counts;
* raw, S3: minio ``put_object`` with the length known, no digests of ours;
* raw with SHA-256: each raw copy again, with the SHA-256 of the same bytes
  computed by ``hashlib`` in a second thread. An upload's 201 answer carries
  the file's SHA-256 (API.md, PRODUCT.md's digest at intake), so this is the
  least any upload must do; on this VM SHA-256 on one core (about 1.5 GB/s)
  is slower than a page-cache copy, so no upload can reach 0.9x the plain copy.

The best run of each is compared (the machine may be shared). Peak memory is
the growth of the child's ``ru_maxrss`` across its puts only, measured
before any raw copy runs.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import queue
import resource
import secrets
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

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


def _touch_free_space(root: Path, source: str, copies: int) -> None:
    """Writes ``copies`` of the source into the store's folder and removes them, before anything is timed.

    On this VM's thin-provisioned disk a block written for the first time costs many times one written before
    (a 1 GiB dd: 8 s into fresh space, 0.3 s after an rm), so whichever copy happened to land in fresh space
    lost: the local ratio read 0.54-0.66 at 1 GiB while each put, timed alone, ran at the raw copy's speed.
    Each put is also removed right after it is timed, as each raw copy is, so both reuse the same space.
    """
    root.mkdir(parents=True, exist_ok=True)
    for n in range(copies):
        scratch = root / f"touch-{n}"
        shutil.copyfile(source, scratch)  # sendfile: no buffer in this process to raise its peak RSS
        with open(scratch, "rb+") as written:
            os.fsync(written.fileno())
    for n in range(copies):
        (root / f"touch-{n}").unlink()


MEMORY_PUTS = 3


def child(url: str, source: str, runs: int) -> dict:
    """Runs in a fresh process: timings and the peak-RSS growth of our puts."""
    from server.services.cases.uploads import UPLOAD_DIGESTS
    from storage import open_store

    store = open_store(url)
    size = os.path.getsize(source)
    result: dict = {"size": size, "ours": [], "raw": [], "raw_nofsync": [], "raw_sha256": []}
    if store.backend == "local":
        _touch_free_space(Path(store.root), source, copies=2)
    # Memory first, from puts alone: the raw copies below (minio's parallel parts, the hashing queue) raise
    # this process's peak too, and would be counted as the put's.
    start = peak_kib()
    for n in range(MEMORY_PUTS):
        with open(source, "rb") as stream:
            store.put(f"bench/memory-{n}", stream, digests=UPLOAD_DIGESTS)
        store.delete(f"bench/memory-{n}")
    result["rss_growth_kib"] = peak_kib() - start
    variants = _raw_variants(store)
    for run in range(runs):
        puts = []
        for attempt in range(len(variants)):
            began = time.perf_counter()
            with open(source, "rb") as stream:
                info = store.put(f"bench/ours-{run}-{attempt}", stream, digests=UPLOAD_DIGESTS)
            puts.append(time.perf_counter() - began)
            assert info.size == size
            store.delete(f"bench/ours-{run}-{attempt}")
        result["ours"].append(min(puts))
        raw, nofsync = min(raw_copy(store, source, run, writeback=w) for w in variants)
        result["raw"].append(raw)
        if nofsync is not None:
            result["raw_nofsync"].append(nofsync)
        result["raw_sha256"].append(min(raw_copy(store, source, run, writeback=w, digest=True)[0] for w in variants))
    store.close()
    return result


def _raw_variants(store) -> tuple[bool, ...]:
    """The raw copies a round tries (``writeback`` of each), the faster one counting; a round tries as many
    puts, so that neither side gets more draws from this VM's round-to-round spread than the other.

    Locally two plain copies: ``copyfileobj`` then fsync, and the same with the kernel told to start writing
    back every 16 MiB (what the local store does). On this VM the second is several times the first, and a
    put measured against the first alone would look better than any copy can be. On S3 the one copy, twice.
    """
    return (False, True) if store.backend == "local" else (False, False)


def raw_copy(
    store, source: str, run: int, *, writeback: bool = False, digest: bool = False
) -> tuple[float, float | None]:
    """Seconds for the same bytes copied without our interface (and, locally, before fsync).

    ``digest``: with the SHA-256 of the bytes computed alongside in a second thread (HashAlong).
    """
    if store.backend == "local":
        target = Path(store.root) / f"raw-{run}"
        began = time.perf_counter()
        with open(source, "rb") as src, open(target, "wb") as dst, HashAlong(digest) as hashing:
            _copy(src, dst, writeback, hashing)
            dst.flush()
            nofsync = time.perf_counter() - began
            os.fsync(dst.fileno())
        seconds = time.perf_counter() - began
        target.unlink()
        return seconds, nofsync
    client, name = store._client, f"bench/raw-{run}"
    began = time.perf_counter()
    with HashAlong(digest) as hashing:
        if digest:  # minio reads the file itself: the hash reads it too, beside the upload
            threading.Thread(target=_feed, args=(source, hashing), daemon=True).start()
        result = client.fput_object(store.bucket, name, source)
    raw = time.perf_counter() - began
    client.remove_object(store.bucket, name, version_id=result.version_id)
    return raw, None


class HashAlong:
    """SHA-256 of the chunks given to ``add``, in its own thread as hashlib allows (it releases the GIL).

    Leaving the ``with`` waits for the digest, so a timed block includes it. Disabled, it does nothing.
    """

    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.digest = hashlib.sha256()
        self.inbox: queue.Queue = queue.Queue(maxsize=8)
        self.thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> HashAlong:
        if self.enabled:
            self.thread.start()
        return self

    def add(self, chunk: bytes | None) -> None:
        if self.enabled:
            self.inbox.put(chunk)

    def __exit__(self, *exc) -> None:
        if self.enabled:
            if self.thread.is_alive() and exc[0] is not None:
                self.inbox.put(None)
            self.thread.join()

    def _run(self) -> None:
        while (chunk := self.inbox.get()) is not None:
            self.digest.update(chunk)


def _feed(source: str, hashing: HashAlong) -> None:
    with open(source, "rb") as src:
        while chunk := src.read(MIB):
            hashing.add(chunk)
    hashing.add(None)


def _copy(src, dst, writeback: bool, hashing: HashAlong) -> None:
    if not writeback and not hashing.enabled:
        shutil.copyfileobj(src, dst, MIB)
        return
    done = flushed = 0
    while chunk := src.read(MIB):
        hashing.add(chunk)
        dst.write(chunk)
        done += len(chunk)
        if writeback and done - flushed >= 16 * MIB:
            dst.flush()
            os.posix_fadvise(dst.fileno(), flushed, done - flushed, os.POSIX_FADV_DONTNEED)
            flushed = done
    hashing.add(None)


def hash_ceilings(mib: int = 256) -> dict[str, float]:
    """Single-core speed of each digest on this CPU, in MB/s: the floor of any put's duration."""
    block = os.urandom(8 * MIB)
    speeds = {}
    for name in ("sha256", "sm3"):
        digest = hashlib.new(name)
        began = time.perf_counter()
        for _ in range(mib // 8):
            digest.update(block)
        speeds[name] = mib * MIB / (time.perf_counter() - began) / 1e6
    return speeds


def make_source(path: Path, size_mib: int) -> Path:
    """A random file of ``size_mib`` MiB, on disk (its writeback would slow the first runs) and read once so that
    it sits in the page cache."""
    with open(path, "wb") as out:
        for _ in range(size_mib):
            out.write(os.urandom(MIB))
        out.flush()
        os.fsync(out.fileno())
    with open(path, "rb") as warm:
        while warm.read(16 * MIB):
            pass
    return path


def measure(url: str, source: Path, runs: int, *, temporary: bool = False) -> dict:
    """The child's report for one store (``temporary``: a bench bucket, removed afterwards)."""
    try:
        run = subprocess.run(
            [sys.executable, __file__, "--runs", str(runs), "--child", url, str(source)],
            capture_output=True,
            text=True,
            timeout=3600,
        )
    finally:
        if temporary:
            remove_bucket(url)
    if run.returncode != 0:
        raise RuntimeError(run.stderr.strip()[-2000:])
    return json.loads(run.stdout.strip().splitlines()[-1])


def fresh_s3_url(base: str) -> str:
    parts = urlsplit(base)
    return urlunsplit((parts.scheme, parts.netloc, f"/ow-bench-{secrets.token_hex(4)}", parts.query, ""))


def remove_bucket(url: str) -> None:
    """Every version of every object, then the bucket (bench objects carry no retention, or a governance one)."""
    import re

    from storage import open_store

    store = open_store(url)
    client, bucket = store._client, store.bucket
    try:
        # minio cannot parse the nanosecond times versitygw gives delete markers: read the listing's XML here.
        data = client._execute("GET", bucket, query_params={"versions": ""}).data.decode()
        for entry in re.findall(r"<(?:Version|DeleteMarker)>(.*?)</(?:Version|DeleteMarker)>", data, re.S):
            key = re.search(r"<Key>(.*?)</Key>", entry, re.S).group(1)
            version = re.search(r"<VersionId>(.*?)</VersionId>", entry, re.S).group(1)
            key = key.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
            client._execute(  # the load section's demo seals dossiers: governance lets their bench bucket go
                "DELETE",
                bucket,
                key,
                query_params={"versionId": version},
                headers={"x-amz-bypass-governance-retention": "true"},
            )
        for item in client.list_objects(bucket, recursive=True):
            client.remove_object(bucket, item.object_name)
        client.remove_bucket(bucket)
    except Exception as exc:  # noqa: BLE001 - a leftover bucket is worth a warning, not a failed benchmark
        print(f"warning: could not remove bench bucket {bucket}: {exc}", file=sys.stderr)
    finally:
        store.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size-mib", type=int, default=1024)
    parser.add_argument("--runs", type=int, default=2)
    parser.add_argument("--s3-url", default=os.environ.get("ONEWINDOW_TEST_STORAGE_URL", ""))
    parser.add_argument(
        "--storage-url",
        action="append",
        default=[],
        help="benchmark exactly this store (repeatable) instead of the defaults",
    )
    parser.add_argument("--child", nargs=2, metavar=("URL", "SOURCE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(args.child[0], args.child[1], args.runs)))
        return 0

    with tempfile.TemporaryDirectory(prefix="ow-bench-") as tmp:
        source = make_source(Path(tmp) / "source.bin", args.size_mib)
        targets: list[tuple[str, str, bool]] = []
        if args.storage_url:
            targets = [(urlsplit(u).scheme.replace("file", "local"), u, False) for u in args.storage_url]
        else:
            targets.append(("local", f"file://{tmp}/objects", False))
            if args.s3_url:
                targets.append(("s3", fresh_s3_url(args.s3_url), True))

        print(f"{args.size_mib} MiB, best of {args.runs} runs; MB/s = 10^6 bytes/s")
        print(f"{'backend':8} {'ours MB/s':>10} {'raw MB/s':>10} {'ratio':>6} {'peak RSS growth':>16}")
        for name, url, temporary in targets:
            try:
                report = measure(url, source, args.runs, temporary=temporary)
            except RuntimeError as exc:
                print(f"{name:8} failed: {exc}")
                continue
            size = report["size"]
            ours = size / min(report["ours"]) / 1e6
            raw = size / min(report["raw"]) / 1e6
            line = f"{name:8} {ours:10.1f} {raw:10.1f} {ours / raw:6.2f} {report['rss_growth_kib'] / 1024:13.1f} MiB"
            if report["raw_nofsync"]:
                nofsync = size / min(report["raw_nofsync"]) / 1e6
                line += f"   (raw without fsync: {nofsync:.0f} MB/s, ratio {ours / nofsync:.2f})"
            print(line, flush=True)
            hashed = size / min(report["raw_sha256"]) / 1e6
            print(f"{'':8} raw copy with SHA-256 alongside: {hashed:.0f} MB/s, ours / it {ours / hashed:.2f}")
            print(
                f"{'':8} runs: ours {', '.join(f'{t:.1f}s' for t in report['ours'])}; "
                f"raw {', '.join(f'{t:.1f}s' for t in report['raw'])}"
            )
        ceilings = hash_ceilings()
        print(
            f"digest speed on one core of this CPU: sha256 {ceilings['sha256']:.0f} MB/s, "
            f"sm3 {ceilings['sm3']:.0f} MB/s (a put cannot beat the slower one)"
        )
        print(f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
