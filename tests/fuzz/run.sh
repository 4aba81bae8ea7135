#!/bin/sh
# tests/fuzz/run.sh BUILDDIR SECONDS TARGET... — runs each libFuzzer target
# BUILDDIR/fuzz_TARGET for SECONDS, from the seeds of tests/fuzz/
# seeds-TARGET.sh, with a dictionary made from input-schema/TARGET.xsd.
#
# The working corpus, BUILDDIR/corpus-TARGET, is kept between runs (what the
# fuzzer learnt is not thrown away); the seeds are written afresh each time
# into BUILDDIR/seeds-TARGET and read, never written. A crasher lands in
# BUILDDIR/artifacts/; then the run fails, naming it and the command that
# replays it. The last line is "fuzz: N passed, M failed".
set -u
if [ $# -lt 3 ]; then
    echo "usage: $0 BUILDDIR SECONDS TARGET..." >&2
    exit 2
fi
b=$1
secs=$2
shift 2
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
mkdir -p "$b/artifacts"
pass=0
fail=0
for t in "$@"; do
    bin=$b/fuzz_$t
    if ! sh "$here/seeds-$t.sh" "$b/seeds-$t" ||
        ! python3 "$here/make-dict.py" "$root/input-schema/$t.xsd" >"$b/$t.dict"; then
        echo "FAIL: fuzz_$t: cannot make its seeds or dictionary"
        fail=$((fail + 1))
        continue
    fi
    mkdir -p "$b/corpus-$t"
    echo "== fuzz_$t for ${secs}s (log: $b/fuzz_$t.log)"
    # -max_len: registers of a few households reach every code path; longer
    # inputs only slow the mutations. -timeout: a register that takes 10 s
    # to refuse is a bug (quadratic input), not a slow machine.
    # -rss_limit_mb: one register must be read in bounded memory.
    CANVASS_SCHEMA_DIR=$root/input-schema \
    ASAN_OPTIONS=detect_leaks=1 \
    UBSAN_OPTIONS=print_stacktrace=1 \
        "$bin" -max_total_time="$secs" -max_len=32768 -timeout=10 \
        -rss_limit_mb=1024 -dict="$b/$t.dict" \
        -artifact_prefix="$b/artifacts/$t-" -print_final_stats=1 \
        "$b/corpus-$t" "$b/seeds-$t" >"$b/fuzz_$t.log" 2>&1
    rc=$?
    grep -E '^(stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb):' \
        "$b/fuzz_$t.log" | sed 's/^/  /'
    grep -E '^#[0-9]+ +DONE' "$b/fuzz_$t.log" | tail -1 | sed 's/^/  /'
    if [ $rc = 0 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
        echo "FAIL: fuzz_$t (exit $rc); the end of its log:"
        tail -40 "$b/fuzz_$t.log" | sed 's/^/    /'
        for a in "$b/artifacts/$t-"*; do
            [ -f "$a" ] && echo "  replay: CANVASS_SCHEMA_DIR=$root/input-schema $bin $a"
        done
    fi
done
echo "fuzz: $pass passed, $fail failed"
[ $fail = 0 ]
