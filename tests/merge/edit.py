#!/usr/bin/env python3
"""edit.py — changes one figure of a return, as a careless or dishonest
hand would, for the tests of merge's and verify's refusals.

    python3 edit.py IN OUT CODE ATTR DELTA ANCHOR...

In the <unit> whose code is CODE, after each ANCHOR text in turn, the next
ATTR="N" becomes ATTR="N+DELTA". Every other byte is kept."""
import re
import sys


def main():
    src, dst, code, attr, delta = sys.argv[1:6]
    text = open(src, encoding="utf-8").read()
    pos = text.index(' code="%s"' % code, text.index("<unit "))
    for anchor in sys.argv[6:]:
        pos = text.index(anchor, pos)
    m = re.compile(r'\b%s="(\d+)"' % re.escape(attr)).search(text, pos)
    new = '%s="%d"' % (attr, int(m.group(1)) + int(delta))
    open(dst, "w", encoding="utf-8").write(text[:m.start()] + new + text[m.end():])


if __name__ == "__main__":
    main()
