#!/bin/sh
# tests/merge/run.sh — `canvass merge` is exact: merging the returns of
# disjoint batches gives the return build gives over all their registers.
#
#   sh tests/merge/run.sh CANVASS_BINARY     (from anywhere; make check-merge)
#
# Registers: the three valid examples (one street) and four generated ones
# (tools/gen-big.py, small) in another street, another district and
# another city, so that every roll-up level is exercised. Each subset of
# registers that a split needs is built once (--formats xml,xlsx,md,
# SOURCE_DATE_EPOCH set); then, for every split, the groups' returns are
# merged and compared with the build of the union (tests/merge/same.py:
# return.xml and the .md summaries byte for byte, returns.xlsx cell by
# cell). Splits: every split of the three examples into two or three
# groups; every split of all seven registers into two groups; a fixed
# sample of splits into three; the inputs named in reverse order; and the
# reporting chain community -> street -> district -> city merged of
# merged. The workbook and summaries are compared everywhere but in the
# exhaustive two-group splits of all seven (return.xml only, for time).
# The expectations come from build, never from hard-coded units:
# whatever units build makes, merge must make.
#
# Prints "ok - ..." / "not ok - ..." per test and ends with
# "merge: N passed, M failed"; exit 1 if any failed.
set -u
[ $# -eq 1 ] || { echo "usage: $0 CANVASS_BINARY" >&2; exit 2; }
here=$(cd "$(dirname "$0")/../.." && pwd)
case $1 in /*) bin=$1 ;; *) bin=$(pwd)/$1 ;; esac
cd "$here" || exit 2
work=tests/out/merge
rm -rf "$work"
mkdir -p "$work/reg" "$work/sub"
SOURCE_DATE_EPOCH=1320883200
export SOURCE_DATE_EPOCH
LC_ALL=C
export LC_ALL
pass=0
fail=0

ok() { echo "ok - $1"; pass=$((pass + 1)); }
notok() { echo "not ok - $1"; fail=$((fail + 1)); }

# registers a..g (one letter each, so a subset is a word of letters)
cp examples/hongxing-2011.xml "$work/reg/a.xml"
cp examples/jinshan-2011.xml "$work/reg/b.xml"
cp examples/dongfeng-2011.xml "$work/reg/c.xml"
python3 tools/gen-big.py 0.15 "$work/reg/d.xml" 620402004001 东关社区
python3 tools/gen-big.py 0.15 "$work/reg/e.xml" 620402004002 西关社区
python3 tools/gen-big.py 0.15 "$work/reg/f.xml" 620403001001 南湖社区
python3 tools/gen-big.py 0.15 "$work/reg/g.xml" 620501001001 北山社区

# build SUBSET (letters): the return of those registers, once; with
# FORMATS=xml only return.xml (the cheap form of the exhaustive splits)
FORMATS=xml,xlsx,md
built() {
    dir=$work/sub/$1.$FORMATS
    if [ ! -f "$dir/return.xml" ]; then
        files=
        for l in $(echo "$1" | sed 's/./& /g'); do
            files="$files $work/reg/$l.xml"
        done
        # shellcheck disable=SC2086 # a list of files
        "$bin" build --formats "$FORMATS" -o "$dir" $files \
            >/dev/null 2>"$dir.err" || echo "# build $1 failed: $(cat "$dir.err")"
    fi
    echo "$dir/return.xml"
}

# merge GROUP... and compare with the build of their union
tag=
split() {
    name="split $*$tag"
    all=$(echo "$*" | tr -d ' ' | sed 's/./&\n/g' | sort | tr -d '\n')
    want=$(dirname "$(built "$all")")
    args=
    for g in "$@"; do
        args="$args $(built "$g")"
    done
    out=$work/m-$(echo "$*" | tr ' ' '-').$FORMATS
    rm -rf "$out"
    # shellcheck disable=SC2086
    if ! "$bin" merge --formats "$FORMATS" -o "$out" $args >/dev/null \
        2>"$out.err"; then
        notok "$name: merge failed"
        sed 's/^/# /' "$out.err" | head -5
        return
    fi
    if [ "$FORMATS" = xml ]; then
        if cmp "$want/return.xml" "$out/return.xml" >"$out.diff" 2>&1; then
            ok "$name: merged return.xml equals build of $all"
        else
            notok "$name: merged return.xml differs from build of $all"
            cat "$out.diff"
        fi
        return
    fi
    if python3 tests/merge/same.py "$want" "$out" >"$out.diff"; then
        ok "$name: merge equals build of $all"
    else
        notok "$name: merge differs from build of $all"
        cat "$out.diff"
    fi
}

# every split of the three examples into two or three groups
split a bc
split b ac
split c ab
split a b c

# every split of the seven into two groups (the group holding 'a', and
# the rest): 63 splits, return.xml only (the workbook and summaries are
# compared on the splits above and below)
FORMATS=xml
python3 - <<'PY' >"$work/splits2"
import itertools
rest = "bcdefg"
for k in range(0, 6):
    for c in itertools.combinations(rest, k):
        g1 = "a" + "".join(c)
        g2 = "".join(x for x in rest if x not in c)
        print(g1, g2)
PY
while read -r g1 g2; do
    split "$g1" "$g2"
done <"$work/splits2"

FORMATS=xml,xlsx,md

# a fixed sample of splits into three
split ab cd efg

# merge's sort of the findings through its runs on disk (findsort.c): a
# budget of 1 KiB makes a run of every few findings; still the build of
# the union, byte for byte
CANVASS_SORT_BUDGET=1024
export CANVASS_SORT_BUDGET
tag=" (the findings sorted in runs on disk)"
FORMATS=xml
split a b c
split ad bcefg
split ab cd efg
FORMATS=xml,xlsx,md
split ab cd efg
unset CANVASS_SORT_BUDGET
tag=""
split ag bf ce d
split adg be cf
split a b cdefg

# the order the returns are named in does not matter
rm -rf "$work/rev"
if "$bin" merge --formats xml,xlsx,md -o "$work/rev" "$(built efg)" \
    "$(built d)" "$(built abc)" >/dev/null 2>&1 &&
    python3 tests/merge/same.py "$(dirname "$(built abcdefg)")" "$work/rev"; then
    ok "returns named in another order: the same return"
else
    notok "returns named in another order: the same return"
fi

# the reporting chain: communities -> streets -> district -> city -> all
chain=$work/chain
mkdir -p "$chain"
m() {
    o=$1
    shift
    "$bin" merge --formats xml,xlsx,md -o "$chain/$o" "$@" >/dev/null \
        2>"$chain/$o.err" || echo "# merge $o failed: $(cat "$chain/$o.err")"
}
m street-620402003 "$(built a)" "$(built b)" "$(built c)"
m street-620402004 "$(built d)" "$(built e)"
m district-620402 "$chain/street-620402003/return.xml" "$chain/street-620402004/return.xml"
m district-620403 "$(built f)"
m city-6204 "$chain/district-620402/return.xml" "$chain/district-620403/return.xml"
m city-6205 "$(built g)"
m province "$chain/city-6204/return.xml" "$chain/city-6205/return.xml"
for lvl in street-620402003:abc district-620402:abcde city-6204:abcdef province:abcdefg; do
    d=${lvl%%:*}
    s=${lvl#*:}
    if python3 tests/merge/same.py "$(dirname "$(built "$s")")" "$chain/$d" >"$chain/$d.diff"; then
        ok "chain: $d (merged of merged) equals build of $s"
    else
        notok "chain: $d (merged of merged) equals build of $s"
        cat "$chain/$d.diff"
    fi
done

# the filing unit (SPEC 3) in a merge: a street merging its communities
# files as the street, a district merging its streets as the district;
# nothing above the filing unit, no summary above it either
filing() { # DIR LEVEL CODE
    python3 - "$1/return.xml" "$2" "$3" <<'PY'
import sys, xml.etree.ElementTree as ET
ns = "{urn:canvass:return:1}"
units = ET.parse(sys.argv[1]).getroot().findall(ns + "unit")
f = [(u.get("level"), u.get("code")) for u in units if u.get("filing") == "true"]
last = (units[-1].get("level"), units[-1].get("code"))
want = (sys.argv[2], sys.argv[3])
if f != [want] or last != want:
    sys.exit("filing %s, last unit %s, want %s" % (f, last, want))
PY
}
for lvl in street-620402003:street:620402003 district-620402:district:620402 \
    city-6204:city:6204 province:all:; do
    d=${lvl%%:*}
    rest=${lvl#*:}
    level=${rest%%:*}
    code=${rest#*:}
    case $level in all) top=summary-all.md ;; *) top=summary-$level-$code.md ;; esac
    case $level in
    street) above=$(cd "$chain/$d" && ls summary-district-* summary-city-* summary-all.md 2>/dev/null | tr '\n' ' ') ;;
    district) above=$(cd "$chain/$d" && ls summary-city-* summary-all.md 2>/dev/null | tr '\n' ' ') ;;
    city) above=$(cd "$chain/$d" && ls summary-all.md 2>/dev/null | tr '\n' ' ') ;;
    all) above= ;;
    esac
    if msg=$(filing "$chain/$d" "$level" "$code" 2>&1) && [ -f "$chain/$d/$top" ] &&
        [ -z "$above" ]; then
        ok "chain: $d files as $level $code (filing=\"true\", the last unit, $top, no summary above)"
    else
        notok "chain: $d files as $level $code"
        echo "# $msg; summaries above the filing unit: $above"
    fi
done

# capped lists (--max-findings N): each community is in one return, so the
# first N findings of a rule in a community come whole from that return and
# its <notListed> counts carry over: merging returns made with the same cap
# gives build's return over the union, byte for byte, and says nothing.
# With a higher cap than the inputs', the findings they left out cannot be
# listed again: merge says so, and the counts are still build's.
cap=$work/cap
mkdir -p "$cap"
capped() { # OUT N REGISTER-LETTERS
    o=$1 n=$2 files=
    for l in $(echo "$3" | sed 's/./& /g'); do files="$files $work/reg/$l.xml"; done
    # shellcheck disable=SC2086 # a list of files
    "$bin" build --formats xml --max-findings "$n" -o "$cap/$o" $files \
        >/dev/null 2>"$cap/$o.err" || echo "# build $o failed: $(cat "$cap/$o.err")"
}
capped all2 2 abcdefg
capped ad2 2 ad
capped rest2 2 bcefg
"$bin" merge --formats xml --max-findings 2 -o "$cap/m2" "$cap/ad2/return.xml" \
    "$cap/rest2/return.xml" >/dev/null 2>"$cap/m2.err"
if cmp -s "$cap/all2/return.xml" "$cap/m2/return.xml" && [ ! -s "$cap/m2.err" ] &&
    grep -q '<notListed ' "$cap/all2/return.xml"; then
    ok "capped: merge --max-findings 2 of capped returns equals build --max-findings 2"
else
    notok "capped: merge --max-findings 2 of capped returns equals build --max-findings 2"
    diff "$cap/all2/return.xml" "$cap/m2/return.xml" | head -20
    cat "$cap/m2.err"
fi
# the cap applied by merge to lists that had none, its sort of the findings
# in runs on disk (a 1 KiB budget): build's capped return still
FORMATS=xml
CANVASS_SORT_BUDGET=1024 "$bin" merge --formats xml --max-findings 2 -o "$cap/m2r" \
    "$(built ad)" "$(built bcefg)" >/dev/null 2>"$cap/m2r.err"
FORMATS=xml,xlsx,md
if cmp -s "$cap/all2/return.xml" "$cap/m2r/return.xml" && [ ! -s "$cap/m2r.err" ]; then
    ok "capped: merge --max-findings 2 of uncapped returns, sorted in runs on disk, equals build --max-findings 2"
else
    notok "capped: merge --max-findings 2 of uncapped returns, sorted in runs on disk, equals build --max-findings 2"
    diff "$cap/all2/return.xml" "$cap/m2r/return.xml" | head -20
    cat "$cap/m2r.err"
fi
"$bin" merge --formats xml -o "$cap/m1000" "$cap/ad2/return.xml" \
    "$cap/rest2/return.xml" >/dev/null 2>"$cap/m1000.err"
omit() { sed -n 's/.*<findings[^>]* omitted="\([0-9]*\)".*/\1/p' "$1"; }
if grep -q 'left out of the inputs.* lists under a lower --max-findings' "$cap/m1000.err" &&
    [ "$(omit "$cap/m1000/return.xml")" = "$(omit "$cap/all2/return.xml")" ] &&
    [ "$(grep -c '<finding ' "$cap/m1000/return.xml")" = "$(grep -c '<finding ' "$cap/all2/return.xml")" ]; then
    ok "capped: a higher cap than the inputs' says the list is short; counts kept"
else
    notok "capped: a higher cap than the inputs' says the list is short; counts kept"
    cat "$cap/m1000.err"
fi

# the same returns laid out by another tool (tests/merge/relay.py: a
# namespace prefix, comments, a processing instruction, CDATA and
# character references in the findings' text): their lists, copied to a
# scratch file as they are read, give build's return all the same
FORMATS=xml
python3 tests/merge/relay.py "$(built ad)" "$cap/ad-relaid.xml"
python3 tests/merge/relay.py "$(built bcefg)" "$cap/bcefg-relaid.xml"
FORMATS=xml,xlsx,md
"$bin" merge --formats xml --max-findings 2 -o "$cap/m2x" "$cap/ad-relaid.xml" \
    "$cap/bcefg-relaid.xml" >/dev/null 2>"$cap/m2x.err"
"$bin" merge --formats xml,csv -o "$cap/mx" "$cap/ad-relaid.xml" \
    "$cap/bcefg-relaid.xml" >/dev/null 2>"$cap/mx.err"
if grep -q '<r:finding  [^>]*><!\[CDATA\[' "$cap/ad-relaid.xml" &&
    cmp -s "$cap/all2/return.xml" "$cap/m2x/return.xml" && [ ! -s "$cap/m2x.err" ] &&
    cmp -s "$(built abcdefg)" "$cap/mx/return.xml" && [ ! -s "$cap/mx.err" ]; then
    ok "laid out by another tool: merge of the returns equals build, capped and not"
else
    notok "laid out by another tool: merge of the returns equals build, capped and not"
    cat "$cap/m2x.err" "$cap/mx.err"
    diff "$(built abcdefg)" "$cap/mx/return.xml" | head -20
fi

# the findings an input lists are copied to $TMPDIR, made at the first:
# returns that list none merge with no temporary folder at all; one that
# lists some says where the copy failed and what to do
capped none0 0 abcdefg
capped ad0 0 ad
capped rest0 0 bcefg
TMPDIR=$cap/no-such-folder "$bin" merge --formats xml --max-findings 0 -o "$cap/m0" \
    "$cap/ad0/return.xml" "$cap/rest0/return.xml" >/dev/null 2>"$cap/m0.err"
rc0=$?
TMPDIR=$cap/no-such-folder "$bin" merge --formats xml -o "$cap/m0x" \
    "$cap/ad2/return.xml" >/dev/null 2>"$cap/m0x.err"
rc1=$?
# and with no finding listed, the counts of those left out (<notListed>)
# come in build's order: by community, then rule (merge had them in the
# inputs' order)
if [ $rc0 = 0 ] && cmp -s "$cap/none0/return.xml" "$cap/m0/return.xml" &&
    [ "$(grep -c '<notListed ' "$cap/m0/return.xml")" -gt 4 ]; then
    ok "capped at 0: merge of returns listing no finding equals build, their not-listed counts in one order"
else
    notok "capped at 0: merge of returns listing no finding equals build, their not-listed counts in one order"
    diff "$cap/none0/return.xml" "$cap/m0/return.xml" | head -10
fi
if [ $rc0 = 0 ] && [ $rc1 = 3 ] && [ ! -e "$cap/m0x" ] &&
    grep -q "ad2/return.xml: error: cannot copy the findings the return lists into $cap/no-such-folder: No such file or directory; set TMPDIR to a folder with room \[io\]" "$cap/m0x.err"; then
    ok "no temporary folder: returns listing no finding merge; one listing some is refused, saying where and why"
else
    notok "no temporary folder: returns listing no finding merge; one listing some is refused, saying where and why"
    echo "# exit $rc0, $rc1"
    cat "$cap/m0.err" "$cap/m0x.err"
fi

echo "merge: $pass passed, $fail failed"
[ "$fail" = 0 ]
