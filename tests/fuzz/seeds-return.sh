#!/bin/sh
# seeds-return.sh DIR — writes the seed corpus of fuzz_return into DIR: the
# return of each valid example community (canvass build), the street's
# merged return, two returns joined by the target's separator (a merge of
# two), the same return twice (a refusal), and the inputs of the golden
# merge cases that are return files. Needs ./canvass (make builds it).
set -eu
d=$1
t=$(cd "$(dirname "$0")/.." && pwd) # tests/
top=$(cd "$t/.." && pwd)
rm -rf "$d"
mkdir -p "$d"
h=$(mktemp -d "${TMPDIR:-/tmp}/canvass-seeds.XXXXXX")
trap 'rm -rf "$h"' EXIT
bin=$top/canvass
[ -x "$bin" ] || make -s -C "$top" canvass >/dev/null
for c in jinshan hongxing dongfeng; do
    SOURCE_DATE_EPOCH=0 "$bin" build --quiet --formats xml -o "$h/$c" \
        "$top/examples/$c-2011.xml" >/dev/null 2>&1 || true
    [ -f "$h/$c/return.xml" ] && cp "$h/$c/return.xml" "$d/return-$c.xml"
done
SOURCE_DATE_EPOCH=0 "$bin" build --quiet --formats xml -o "$h/street" \
    "$top"/examples/jinshan-2011.xml "$top"/examples/hongxing-2011.xml \
    "$top"/examples/dongfeng-2011.xml >/dev/null 2>&1 || true
[ -f "$h/street/return.xml" ] && cp "$h/street/return.xml" "$d/return-street.xml"
sep='
<!--canvass-fuzz-next-return-->
'
if [ -f "$d/return-jinshan.xml" ] && [ -f "$d/return-hongxing.xml" ]; then
    { cat "$d/return-jinshan.xml"; printf '%s' "$sep"
      cat "$d/return-hongxing.xml"; } >"$d/pair-two-communities.xml"
    { cat "$d/return-jinshan.xml"; printf '%s' "$sep"
      cat "$d/return-jinshan.xml"; } >"$d/pair-same-community.xml"
fi
for f in "$t"/golden/merge-*/*.xml; do
    [ -f "$f" ] && [ "$(wc -c <"$f")" -lt 65536 ] &&
        cp "$f" "$d/golden-$(basename "$(dirname "$f")")-$(basename "$f")"
done
ls "$d" | grep -q . || { echo "seeds-return: no seed made" >&2; exit 1; }
