#!/bin/sh
# tests/fault/oom.sh CANVASS_BINARY FAILMALLOC_SO [SCENARIO...] — out-of-
# memory faults: each run makes one allocation of canvass's own code fail
# (failmalloc.c, LD_PRELOAD) and asserts what the standards ask of any
# fault, since no allocation of canvass has a fallback:
#   - it is noticed: exit 3 (input/output failure), with a canvass: message
#     on stderr (exit 0 would be a result computed without that memory:
#     silently partial; exit 1 or 2 blames the input or the command line);
#   - no crash;
#   - a build that fails leaves no output in its folder.
# Scenarios (default: all three): check, build — of one register; merge —
# of two community returns (built first, without a fault). Every
# OOM_STEP-th allocation is tried (default: about 120 runs per scenario;
# OOM_STEP=1 tries all).
# Not under ASan: its runtime must come first, before any LD_PRELOAD.
# Prints "ok"/"not ok" lines and ends with "oom: N passed, M failed".
set -u
if [ $# -lt 2 ]; then
    echo "usage: $0 CANVASS_BINARY FAILMALLOC_SO [SCENARIO...]" >&2
    exit 2
fi
root=$(cd "$(dirname "$0")/../.." && pwd)
case $1 in /*) bin=$1 ;; *) bin=$(pwd)/$1 ;; esac
case $2 in /*) so=$2 ;; *) so=$(pwd)/$2 ;; esac
cd "$root" || exit 2
w=tests/out/oom
rm -rf "$w"
mkdir -p "$w"
LC_ALL=C
SOURCE_DATE_EPOCH=1320883200
export LC_ALL SOURCE_DATE_EPOCH
reg=examples/hongxing-2011.xml
pass=0
fail=0

# scenario NAME ARGS... (OUT stands for the output folder)
scenario() {
    name=$1
    shift
    args=$(echo "$*" | sed "s|OUT|$w/$name-out|g")
    rm -rf "$w/$name-out"
    # shellcheck disable=SC2086 # ARGS are words
    FAILMALLOC_REPORT=$w/$name.count LD_PRELOAD=$so "$bin" $args \
        >"$w/$name.ref.out" 2>"$w/$name.ref.err"
    rc=$?
    total=$(cat "$w/$name.count" 2>/dev/null || echo 0)
    if [ $rc != 0 ] || [ "$total" -lt 10 ]; then
        echo "not ok - $name: the run without a fault failed (exit $rc) or counted $total allocations"
        fail=$((fail + 1))
        return
    fi
    step=${OOM_STEP:-$(((total + 119) / 120))}
    bad=0
    runs=0
    other=0
    n=1
    while [ $n -le "$total" ]; do
        rm -rf "$w/$name-out"
        # shellcheck disable=SC2086
        FAILMALLOC_NTH=$n LD_PRELOAD=$so "$bin" $args \
            >"$w/$name.out" 2>"$w/$name.err"
        rc=$?
        runs=$((runs + 1))
        why=
        case $rc in
        3)
            if ! grep -q '^canvass: ' "$w/$name.err"; then
                why="exit 3 without a canvass: message"
            fi
            grep -q 'out of memory' "$w/$name.err" || other=$((other + 1))
            if [ -d "$w/$name-out" ] && [ -n "$(ls -A "$w/$name-out")" ]; then
                why="a failed build left files: $(ls -A "$w/$name-out" | head -3 | tr '\n' ' ')"
            fi ;;
        0) why="exit 0: the failure went unnoticed" ;;
        *) why="exit $rc" ;;
        esac
        if [ -n "$why" ]; then
            [ $bad = 0 ] && echo "not ok - $name: allocation $n of $total: $why"
            [ $bad = 0 ] && sed 's/^/# /' "$w/$name.err" | head -5
            bad=$((bad + 1))
        fi
        n=$((n + step))
    done
    if [ $bad = 0 ]; then
        echo "ok - $name: $runs of $total allocations failed in turn, each handled ($other said something other than 'out of memory')"
        pass=$((pass + 1))
    else
        echo "# $name: $bad of $runs runs went wrong (replay: FAILMALLOC_NTH=N FAILMALLOC_WHERE=1 LD_PRELOAD=$so $bin $args)"
        fail=$((fail + 1))
    fi
}

[ $# -gt 2 ] && shift 2 || set -- check build merge
for s in "$@"; do
    case $s in
    check) scenario check check --jobs 1 $reg ;;
    build) scenario build build --jobs 1 -o OUT --formats xml,md $reg ;;
    merge)
        for r in hongxing jinshan; do
            rm -rf "$w/ret-$r"
            "$bin" build --formats xml -o "$w/ret-$r" "examples/$r-2011.xml" \
                >/dev/null 2>&1 || echo "# oom: building the $r return failed"
        done
        scenario merge merge -o OUT --formats xml,md \
            "$w/ret-hongxing/return.xml" "$w/ret-jinshan/return.xml" ;;
    *) echo "oom: no scenario $s" >&2; exit 2 ;;
    esac
done
echo "oom: $pass passed, $fail failed"
[ $fail = 0 ]
