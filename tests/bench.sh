#!/bin/sh
# tests/bench.sh — what `make bench` measures: speed and peak memory of
# canvass on large generated registers, and on each hostile input.
# Measurements, not assertions (tests never time anything).
#
#   sh tests/bench.sh CANVASS_BINARY [SIZE_MB...]     (default 10 100)
#
# Each register is the reference community's households repeated with
# fresh ids (tools/gen-big.py), written to bench-out/ (not committed).
# For each size: `check` (validation + audit, one pass) and `build` of the
# xml return, under /usr/bin/time: elapsed and user CPU seconds, peak
# resident memory. CPU seconds are the steadier figure on a shared machine.
set -eu
[ $# -ge 1 ] || { echo "usage: $0 CANVASS_BINARY [SIZE_MB...]" >&2; exit 2; }
bin=$1
shift
[ $# -ge 1 ] || set -- 10 100
top=$(cd "$(dirname "$0")/.." && pwd)
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
out=$top/bench-out
mkdir -p "$out"

printf '%-28s %10s %9s %9s %10s %8s\n' "run" "MB" "elapsed" "cpu" "peak RSS" "MB/s cpu"
for mb in "$@"; do
    reg=$out/big-$mb.xml
    [ -f "$reg" ] || python3 "$top/tools/gen-big.py" "$mb" "$reg"
    size=$(wc -c < "$reg")
    for what in check build; do
        if [ $what = check ]; then
            set -- "$bin" check --max-findings 1 "$reg"
        else
            rm -rf "$out/build-$mb"
            set -- "$bin" build --formats xml,xlsx,md -o "$out/build-$mb" "$reg"
        fi
        /usr/bin/time -f "%e %U %M" -o "$out/time.txt" "$@" >/dev/null 2>&1 || true
        read -r el cpu kb < "$out/time.txt"
        awk -v w="$what $mb MB register" -v s="$size" -v e="$el" -v c="$cpu" -v k="$kb" 'BEGIN {
            printf "%-28s %10.1f %8.2fs %8.2fs %7.1f MB %8.1f\n", w, s/1048576, e, c, k/1024, (c > 0 ? s/1048576/c : 0) }'
    done
done
echo
sh "$top/tests/hostile/measure.sh" "$bin"

# Parallel reading: a batch of two registers of different communities,
# read with one thread and with one per core.
a=$out/par-a.xml
b=$out/par-b.xml
[ -f "$a" ] || python3 "$top/tools/gen-big.py" 30 "$a" 620402003011 甲社区
[ -f "$b" ] || python3 "$top/tools/gen-big.py" 30 "$b" 620402003012 乙社区
echo
printf '%-34s %9s %9s %10s\n' "batch of two 30 MB registers" "elapsed" "cpu" "peak RSS"
for jobs in 1 2; do
    /usr/bin/time -f "%e %U %M" -o "$out/time.txt" \
        "$bin" check --jobs $jobs --max-findings 1 "$a" "$b" >/dev/null 2>&1 || true
    read -r el cpu kb < "$out/time.txt"
    awk -v w="check --jobs $jobs" -v e="$el" -v c="$cpu" -v k="$kb" 'BEGIN {
        printf "%-34s %8.2fs %8.2fs %7.1f MB\n", w, e, c, k/1024 }'
done

# Merging returns: N community returns (one built return copied under
# fresh codes and digests, tools/gen-returns.py) merged into one, at two
# sizes, to show the time and the memory per unit.
one=$out/one-return
rm -rf "$one"
"$bin" build --formats xml -o "$one" "$top/examples/hongxing-2011.xml" >/dev/null 2>&1
rm -rf "$out/returns"
python3 "$top/tools/gen-returns.py" "$one/return.xml" 500 "$out/returns"
echo
printf '%-34s %9s %9s %9s %10s\n' "merge of community returns" "elapsed" "cpu" "sys" "peak RSS"
for n in 100 500; do
    rm -rf "$out/merged-$n"
    # shellcheck disable=SC2046 # the first N files
    /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" \
        "$bin" merge --formats xml -o "$out/merged-$n" \
        $(ls "$out/returns"/*.xml | head -n $n) >/dev/null 2>&1 || true
    read -r el cpu sys kb < "$out/time.txt"
    awk -v w="merge $n returns (xml)" -v e="$el" -v c="$cpu" -v s="$sys" -v k="$kb" 'BEGIN {
        printf "%-34s %8.2fs %8.2fs %8.2fs %7.1f MB\n", w, e, c, s, k/1024 }'
done
