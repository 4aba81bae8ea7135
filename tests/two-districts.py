#!/usr/bin/env python3
"""two-districts.py OUTDIR — a batch of two streets in two districts of one
city, made from the examples (for the golden summaries and the render test).

    城关街道 (白银区, 620402003): 金山社区 and 红星社区, the examples as they are
    长征街道 (平川区, 620403001): 东风社区 moved there (620403001002, still
                                GB18030) and 红星社区 copied there as 红旗社区
                                (620403001003)

Only the <community> element and the street office in `to` change; the
rest of each register is the example's own, byte for byte. The filing unit of the batch is the city 白银市.
"""
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
EX = os.path.join(HERE, "..", "examples")

MOVES = [
    # (source, encoding, target, old community line, new community line)
    ("jinshan-2011.xml", "utf-8", "jinshan-2011.xml", None, None),
    ("hongxing-2011.xml", "utf-8", "hongxing-2011.xml", None, None),
    ("dongfeng-2011.xml", "gb18030", "dongfeng-pingchuan-2011.xml",
     '<community code="620402003002" name="东风社区" street="城关街道" district="白银区" city="白银市"/>',
     '<community code="620403001002" name="东风社区" street="长征街道" district="平川区" city="白银市"/>'),
    ("hongxing-2011.xml", "utf-8", "hongqi-pingchuan-2011.xml",
     '<community code="620402003001" name="红星社区" street="城关街道" district="白银区" city="白银市"/>',
     '<community code="620403001003" name="红旗社区" street="长征街道" district="平川区" city="白银市"/>'),
]


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: two-districts.py OUTDIR")
    out = sys.argv[1]
    os.makedirs(out, exist_ok=True)
    for src, enc, dst, old, new in MOVES:
        data = open(os.path.join(EX, src), "rb").read()
        if old:
            text = data.decode(enc)
            if text.count(old) != 1:
                sys.exit("two-districts.py: %s no longer has %s" % (src, old))
            # and what they reported went to their new street office
            text = text.replace(old, new).replace('to="城关街道办事处"', 'to="长征街道办事处"')
            data = text.encode(enc)
        with open(os.path.join(out, dst), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
