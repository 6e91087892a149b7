#!/usr/bin/env python3
"""CPython's own pickle opcode walk, timed in-process: the baseline of issue 17 item 3.

    python3 tests/modelscan-bench/scripts/genops_baseline.py FILE [PASSES]

Reads FILE into memory once, then runs `for _ in pickletools.genops(data): pass` PASSES times (default 2) and prints
one line: file name, bytes, best seconds, MB/s (10^6 bytes per second). genops decodes every opcode and its
argument and builds nothing else; nothing is unpickled. Only the standard library is used, so any python3 works.
"""
import os
import pickletools
import sys
import time


def main():
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    path = sys.argv[1]
    passes = int(sys.argv[2]) if len(sys.argv) > 2 else 2
    with open(path, "rb") as f:
        data = f.read()
    best = None
    for _ in range(passes):
        start = time.perf_counter()
        for _ in pickletools.genops(data):
            pass
        elapsed = time.perf_counter() - start
        best = elapsed if best is None or elapsed < best else best
    print("%s %d bytes best %.3f s %.2f MB/s (python %s)" % (
        os.path.basename(path), len(data), best, len(data) / best / 1e6, sys.version.split()[0]))


if __name__ == "__main__":
    main()
