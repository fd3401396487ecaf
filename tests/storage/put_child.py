"""Child process for the killed-writer test: streams random data into the store forever.

Run as ``python put_child.py URL KEY``; prints ``writing`` once it has sent more
than two S3 parts, then keeps streaming until it is killed.
"""

from __future__ import annotations

import os
import sys

sys.path.insert(0, os.path.abspath(os.path.join(os.path.dirname(__file__), "..", "..")))

from storage import open_store

MIB = 1 << 20


def endless():
    sent = 0
    while True:
        yield os.urandom(MIB)
        sent += MIB
        if sent == 40 * MIB:
            print("writing", flush=True)


if __name__ == "__main__":
    open_store(sys.argv[1]).put(sys.argv[2], endless())
