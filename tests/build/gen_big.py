#!/usr/bin/env python3
"""Writes a large, valid register made of copies of the households of
examples/jinshan-2011.xml, every id, service member reference and address
made fresh, until the file is at least SIZE bytes (default 30 MB).

    python3 tests/build/gen_big.py SOURCE.xml OUT.xml [SIZE]

Generated into tests/out/ by tests/build/run.sh; never committed."""
import re
import sys


def main():
    src, out = sys.argv[1], sys.argv[2]
    size = int(sys.argv[3]) if len(sys.argv) > 3 else 30 * 1000 * 1000
    text = open(src, encoding="utf-8").read()
    start = text.index("<households>") + len("<households>")
    end = text.index("</households>")
    head, body, tail = text[:start], text[start:end], text[end:]
    pat = re.compile(r'\b(id|member|address)="([^"]*)"')
    copies = [body]
    total = len(head.encode()) + len(body.encode()) + len(tail.encode())
    k = 0
    while total < size:
        k += 1
        suffix = "-k%d" % k
        part = pat.sub(lambda m: '%s="%s%s"' % (m.group(1), m.group(2), suffix),
                       body)
        copies.append(part)
        total += len(part.encode())
    tmp = out + ".tmp"
    with open(tmp, "w", encoding="utf-8") as f:
        f.write(head)
        f.writelines(copies)
        f.write(tail)
    import os
    os.replace(tmp, out)


main()
