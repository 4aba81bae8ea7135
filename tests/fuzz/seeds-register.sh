#!/bin/sh
# seeds-register.sh DIR — writes the seed corpus of fuzz_register into DIR:
# the examples, the audit registers (one finding each), the small hostile
# inputs of tests/hostile/make-hostile.sh (regular files under 64 KiB: the
# 20 MB attribute and the 100,000-deep nesting would only slow the fuzzer),
# the clean audit register re-encoded in each encoding the reader accepts,
# two registers of one street joined by the target's separator (batch-wide
# rules and roll-ups), and the inputs of the fuzz-* golden cases (every
# crasher found so far).
set -eu
d=$1
t=$(cd "$(dirname "$0")/.." && pwd) # tests/
rm -rf "$d"
mkdir -p "$d"
cp "$t"/../examples/*.xml "$t"/audit/*.xml "$d"/
h=$(mktemp -d "${TMPDIR:-/tmp}/canvass-seeds.XXXXXX")
trap 'rm -rf "$h"' EXIT
sh "$t/hostile/make-hostile.sh" "$h" >/dev/null
for f in "$h"/*; do
    if [ -f "$f" ] && [ ! -h "$f" ] && [ "$(wc -c <"$f")" -lt 65536 ]; then
        cp "$f" "$d/hostile-$(basename "$f")"
    fi
done
python3 - "$t/audit/clean.xml" "$d" <<'PY'
import sys
src, d = sys.argv[1], sys.argv[2]
s = open(src, encoding="utf-8").read()
for enc, codec in [("GBK", "gbk"), ("GB18030", "gb18030"),
                   ("GB2312", "gb2312"), ("UTF-16", "utf-16"),
                   ("UTF-16LE", "utf-16-le"), ("UTF-16BE", "utf-16-be")]:
    t = s.replace('encoding="UTF-8"', 'encoding="%s"' % enc, 1)
    open("%s/clean-%s.xml" % (d, enc.lower()), "wb").write(t.encode(codec))
PY
sep='
<!--canvass-fuzz-next-register-->
'
{ cat "$t/audit/duplicate-household.xml"; printf '%s' "$sep"
  cat "$t/audit/duplicate-household-other.xml"; } >"$d/batch-duplicate-household.xml"
{ cat "$t/audit/clean.xml"; printf '%s' "$sep"
  cat "$t/../examples/hongxing-2011.xml"; printf '%s' "$sep"
  cat "$t/../examples/dongfeng-2011.xml"; } >"$d/batch-three.xml"
for f in "$t"/golden/fuzz-*/*.xml; do
    [ -f "$f" ] && cp "$f" "$d/golden-$(basename "$(dirname "$f")").xml"
done
exit 0
