#!/bin/sh
# bench-rounds.sh — README's 100k figures, interleaved. On a shared machine
# a slow spell of a few minutes can fall on one command's runs and not on
# the next command's, which makes tests/bench.sh's ratios wrong by a third;
# here each of ROUNDS rounds (default 5) runs xmllint and then every
# canvass command on the same register, one after the other, so that a
# spell falls on a whole round. Prints each round's CPU seconds (user +
# system), then the median of each command and the median of the rounds'
# ratios to xmllint.
#
#   sh tests/bench-rounds.sh CANVASS_BINARY [ROUNDS]
#
# Uses bench-out/reg-100k-dense.xml and reg-100k-sparse.xml (made by
# `sh tests/bench.sh CANVASS_BINARY 100k`). Asserts nothing.
set -u
[ $# -ge 1 ] || { echo "usage: $0 CANVASS_BINARY [ROUNDS]" >&2; exit 2; }
bin=$1
rounds=${2:-5}
top=$(cd "$(dirname "$0")/.." && pwd)
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
out=$top/bench-out
xsd=$top/input-schema/register.xsd
off="--rule no-responsible-cadre=off --rule overdue-item=off"
for f in dense sparse; do
    [ -f "$out/reg-100k-$f.xml" ] || {
        echo "bench-rounds: $out/reg-100k-$f.xml missing: run sh tests/bench.sh $1 100k first" >&2
        exit 2
    }
done

# cpu COMMAND...: its user + system seconds
cpu() {
    rm -rf "$out/o"
    /usr/bin/time -f "%U %S" -o "$out/time.txt" "$@" >/dev/null 2>&1 || true
    awk '{ printf "%.2f", $1 + $2 }' "$out/time.txt"
}

: >"$out/rounds.txt"
r=1
while [ $r -le "$rounds" ]; do
    for f in dense sparse; do
        reg=$out/reg-100k-$f.xml
        # shellcheck disable=SC2086 # $off is two options
        {
            echo "$f xmllint $(cpu xmllint --stream --noout --schema "$xsd" "$reg")"
            echo "$f check $(cpu "$bin" check --quiet "$reg")"
            echo "$f build $(cpu "$bin" build --quiet -o "$out/o" "$reg")"
            if [ $f = dense ]; then
                echo "$f check,rules-off $(cpu "$bin" check --quiet $off "$reg")"
                echo "$f build,rules-off $(cpu "$bin" build --quiet $off -o "$out/o" "$reg")"
            fi
        } | sed "s/^/$r /" | tee -a "$out/rounds.txt"
    done
    r=$((r + 1))
done
rm -rf "$out/o"

# round register command seconds -> per command: median, median ratio
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
    s[key] = s[key] " " $4
    if ($3 == "xmllint") ref[$1, $2] = $4
    else if (ref[$1, $2] > 0) q[key] = q[key] " " $4 / ref[$1, $2]
}
END {
    printf "%-30s %8s %12s\n", "100k, medians of the rounds", "cpu", "/xmllint"
    for (i = 1; i <= k; i++)
        printf "%-30s %7.2fs %12s\n", order[i], median(s[order[i]]),
            q[order[i]] == "" ? "-" : sprintf("%.2f", median(q[order[i]]))
}' "$out/rounds.txt"
