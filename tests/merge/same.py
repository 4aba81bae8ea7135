#!/usr/bin/env python3
"""same.py — are two canvass output folders the same return?

    python3 tests/merge/same.py EXPECTED_DIR GOT_DIR

return.xml byte for byte; returns.xlsx cell by cell (sheet names and
order, every cell's value and formula, merged ranges), read with
tests/build/ooxml.py, independently of canvass; the .md summaries byte for
byte; the same set of files. Prints what differs (at most 10 lines) and
exits 1, or exits 0 silently."""
import os
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "build"))
import ooxml  # noqa: E402


def main():
    want, got = sys.argv[1], sys.argv[2]
    problems = []
    fw = sorted(f for f in os.listdir(want) if not f.startswith("."))
    fg = sorted(f for f in os.listdir(got) if not f.startswith("."))
    if fw != fg:
        problems.append("files: %s vs %s" % (fw, fg))
    for f in fw:
        if f not in fg:
            continue
        a, b = os.path.join(want, f), os.path.join(got, f)
        if f.endswith(".xml") or f.endswith(".md") or f.endswith(".html"):
            if open(a, "rb").read() != open(b, "rb").read():
                problems.append("%s differs byte for byte" % f)
        elif f.endswith(".xlsx"):
            oa, sa = ooxml.read_workbook(a)
            ob, sb = ooxml.read_workbook(b)
            if oa != ob:
                problems.append("%s: sheets %s vs %s" % (f, oa, ob))
                continue
            for name in oa:
                ca, cb = sa[name].cells, sb[name].cells
                for key in sorted(set(ca) | set(cb)):
                    x, y = ca.get(key), cb.get(key)
                    vx = (x.value, x.formula) if x else None
                    vy = (y.value, y.formula) if y else None
                    if vx != vy:
                        problems.append("%s %s!%s: %r vs %r" % (
                            f, name, (x or y).ref, vx, vy))
                if sorted(sa[name].merges) != sorted(sb[name].merges):
                    problems.append("%s %s: merged ranges differ" % (f, name))
    for p in problems[:10]:
        print("# " + p)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
