#!/usr/bin/env python3
"""The include graph of src/: which project headers each file includes.

    python3 tools/includes.py [--graph]

Exits 1, naming the cycle, when headers include each other in a loop
(make lint); with --graph prints one line per file, "file: headers...".
Python 3 standard library only."""
import os
import re
import sys

SRC = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src")
INC = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def graph():
    g = {}
    for name in sorted(os.listdir(SRC)):
        if name.endswith((".c", ".h")):
            with open(os.path.join(SRC, name), encoding="utf-8") as f:
                g[name] = INC.findall(f.read())
    return g


def cycle(g):
    """A list of headers forming a loop, or None."""
    state = {}

    def visit(n, path):
        state[n] = 1
        for m in g.get(n, []):
            if state.get(m) == 1:
                return path[path.index(m):] + [m] if m in path else [n, m]
            if not state.get(m):
                found = visit(m, path + [m])
                if found:
                    return found
        state[n] = 2
        return None

    for n in g:
        if not state.get(n):
            found = visit(n, [n])
            if found:
                return found
    return None


def main():
    g = graph()
    if "--graph" in sys.argv[1:]:
        for n, deps in g.items():
            print("%s: %s" % (n, " ".join(deps)))
    loop = cycle(g)
    if loop:
        print("include loop: " + " -> ".join(loop), file=sys.stderr)
        return 1
    missing = [(n, d) for n, deps in g.items() for d in deps if d not in g]
    for n, d in missing:
        print("%s includes %s, which is not in src/" % (n, d),
              file=sys.stderr)
    return 1 if missing else 0


sys.exit(main())
