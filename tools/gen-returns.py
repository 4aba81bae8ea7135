#!/usr/bin/env python3
"""Writes N community returns for the merge benchmark: the return of one
community (built by canvass from a register) copied N times under fresh
community codes, names, register names and digests, spread over districts
and streets so that merging them makes every roll-up level.

    python3 tools/gen-returns.py RETURN.xml N OUTDIR

Writes OUTDIR/c0001.xml ... (each a valid, self-consistent return)."""
import hashlib
import os
import re
import sys


def main():
    src, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    text = open(src, encoding="utf-8").read()
    code = re.search(r'<unit level="community" code="(\d{12})"', text).group(1)
    sha = re.search(r'sha256="([0-9a-f]{64})"', text).group(1)
    fname = re.search(r'<source file="([^"]*)"', text).group(1)
    os.makedirs(out, exist_ok=True)
    for i in range(n):
        # 4 digits of city, then district (2), street (3), community (3)
        new = "6204%02d%03d%03d" % (1 + i // 100, 1 + (i // 10) % 10, 1 + i % 10)
        t = text.replace(code, new)
        t = t.replace(sha, hashlib.sha256(new.encode()).hexdigest())
        t = t.replace('file="%s"' % fname, 'file="register-%s.xml"' % new)
        with open(os.path.join(out, "c%04d.xml" % (i + 1)), "w",
                  encoding="utf-8") as f:
            f.write(t)


if __name__ == "__main__":
    main()
