#!/bin/sh
# bench-rounds.sh — README's figures, interleaved. On a shared machine a
# slow spell of a few minutes can fall on one command's runs and not on
# the next command's, which makes tests/bench.sh's ratios wrong by a
# third; here each of ROUNDS rounds (default 5) runs, for each SIZE, every
# command on the same files one after the other, so that a spell falls on
# a whole round:
#   100k, 1M  xmllint, then canvass check and build (and both with the two
#             dense rules off) on the dense register, check and build on
#             the sparse one: CPU seconds (user + system), each command's
#             ratio to xmllint's in its round;
#   batch     build and check of the 8 registers with --jobs 1, then
#             --jobs 2: wall seconds, --jobs 2's ratio to --jobs 1's.
# Prints every run (with its peak RSS), then per command the median of
# the rounds' seconds, of their ratios and of the peak RSS.
#
#   sh tests/bench-rounds.sh CANVASS_BINARY [ROUNDS] [SIZES]
#
# SIZES: words among 100k, 1M, batch (default 100k). Uses the files of
# bench-out/ that `sh tests/bench.sh CANVASS_BINARY SIZE` makes. Asserts
# nothing.
set -u
[ $# -ge 1 ] || {
    echo "usage: $0 CANVASS_BINARY [ROUNDS] [SIZES]" >&2
    exit 2
}
bin=$1
rounds=${2:-5}
sizes=${3:-100k}
top=$(cd "$(dirname "$0")/.." && pwd)
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
out=$top/bench-out
xsd=$top/input-schema/register.xsd
off="--rule no-responsible-cadre=off --rule overdue-item=off"

# need FILE SIZE: FILE must be there
need() {
    [ -f "$1" ] || {
        echo "bench-rounds: $1 missing: run sh tests/bench.sh $bin $2 first" >&2
        exit 2
    }
}
for s in $sizes; do
    case $s in
    100k | 1M)
        need "$out/reg-$s-dense.xml" "$s"
        need "$out/reg-$s-sparse.xml" "$s"
        ;;
    batch)
        for k in 1 2 3 4 5 6 7 8; do need "$out/batch-100k-$k.xml" batch; done
        ;;
    *)
        echo "bench-rounds: unknown size $s (100k, 1M or batch)" >&2
        exit 2
        ;;
    esac
done

# run KIND COMMAND...: "SECONDS RSS_MB", SECONDS the CPU (user + system)
# or, KIND wall, the elapsed time
run() {
    kind=$1
    shift
    rm -rf "$out/o"
    /usr/bin/time -f "%e %U %S %M" -o "$out/time.txt" "$@" >/dev/null 2>&1 ||
        true
    awk -v k="$kind" '{ printf "%.2f %.1f", k == "wall" ? $1 : $2 + $3,
        $4 / 1024 }' "$out/time.txt"
}

: >"$out/rounds.txt"
r=1
while [ $r -le "$rounds" ]; do
    for s in $sizes; do
        # shellcheck disable=SC2086 # $off is two options
        if [ "$s" = batch ]; then
            set -- "$out"/batch-100k-?.xml
            echo "batch-build jobs1 $(run wall "$bin" build --quiet --jobs 1 -o "$out/o" "$@")"
            echo "batch-build jobs2 $(run wall "$bin" build --quiet --jobs 2 -o "$out/o" "$@")"
            echo "batch-check jobs1 $(run wall "$bin" check --quiet --jobs 1 "$@")"
            echo "batch-check jobs2 $(run wall "$bin" check --quiet --jobs 2 "$@")"
        else
            for f in dense sparse; do
                reg=$out/reg-$s-$f.xml
                echo "$s-$f xmllint $(run cpu xmllint --stream --noout --schema "$xsd" "$reg")"
                echo "$s-$f check $(run cpu "$bin" check --quiet "$reg")"
                echo "$s-$f build $(run cpu "$bin" build --quiet -o "$out/o" "$reg")"
                if [ $f = dense ]; then
                    echo "$s-$f check,rules-off $(run cpu "$bin" check --quiet $off "$reg")"
                    echo "$s-$f build,rules-off $(run cpu "$bin" build --quiet $off -o "$out/o" "$reg")"
                fi
            done
        fi | sed "s/^/$r /" | tee -a "$out/rounds.txt"
    done
    r=$((r + 1))
done
rm -rf "$out/o"

# round group command seconds rss -> per command: medians of the seconds,
# of the ratio to the group's first command in the same round, of the RSS
awk '
function median(list,   n, a, i, j, t) {
    n = split(list, a, " ")
    for (i = 2; i <= n; i++)
        for (j = i; j > 1 && a[j - 1] + 0 > a[j] + 0; j--) {
            t = a[j]; a[j] = a[j - 1]; a[j - 1] = t
        }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
{
    key = $2 " " $3
    if (!(key in s)) order[++k] = key
    if (!($2 in first)) first[$2] = $3
    s[key] = s[key] " " $4
    m[key] = m[key] " " $5
    if ($3 == first[$2]) ref[$1, $2] = $4
    else if (ref[$1, $2] > 0) q[key] = q[key] " " $4 / ref[$1, $2]
}
END {
    printf "%-32s %9s %8s %10s\n", "medians of the rounds", "seconds",
        "ratio", "peak RSS"
    for (i = 1; i <= k; i++)
        printf "%-32s %8.2fs %8s %7.1f MB\n", order[i], median(s[order[i]]),
            q[order[i]] == "" ? "-" : sprintf("%.2f", median(q[order[i]])),
            median(m[order[i]])
}' "$out/rounds.txt"
