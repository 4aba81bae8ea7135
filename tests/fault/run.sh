#!/bin/sh
# tests/fault/run.sh — what canvass promises about its output folder,
# under faults (SPEC §5, issue 13 items 3, 4, 5, 11):
#
#   - an input that an output could replace is refused, nothing written;
#   - OUTDIR holds exactly one complete set, old or new, after a failure,
#     a folder at an output name, two builds at once, kill -9 at random
#     instants; stale outputs of an earlier build go, the user's files stay;
#   - leftovers of a killed build are removed by the next build, never
#     those of a live one;
#   - permissions (run as nobody: as root a read-only folder is writable),
#     a full disk (a small tmpfs; root only), standard output on /dev/full;
#   - through an LD_PRELOAD shim (tests/fault/shim.c, built with cc): a file
#     system that cannot swap folders, and SIGKILL exactly before and after
#     the swap and while the old set is being removed.
#
#   sh tests/fault/run.sh CANVASS_BINARY       (from the repository root;
#                                              make check-fault, check-asan)
#
# FAULT_KILLS (default 30) sets the number of kill -9 rounds. Prints one
# line per test, "ok - ...", "not ok - ..." or "skip - ...", and ends with
# "fault: N passed, M failed[, K skipped]"; exit 1 if any test failed.
# Reference sets are built once with SOURCE_DATE_EPOCH, so a complete set
# is recognised byte for byte; each is also checked with unzip -t and
# xmllint --schema input-schema/return.xsd. Scratch: tests/out/fault/.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 CANVASS_BINARY" >&2
    exit 2
fi
here=$(cd "$(dirname "$0")/../.." && pwd)
cd "$here" || exit 2
case $1 in
/*) bin=$1 ;;
*) bin=$here/$1 ;;
esac
if [ ! -x "$bin" ]; then
    echo "fault: $1 is not an executable" >&2
    exit 2
fi
for tool in xmllint unzip cmp flock; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "fault: $tool not found (make deps)" >&2
        exit 2
    fi
done

work=tests/out/fault
kills=${FAULT_KILLS:-30}
started=$(date +%s)
pass=0
fail=0
skipped=0
mounted=
bgpids=

cleanup() {
    for p in $bgpids; do
        kill "$p" 2>/dev/null
    done
    for m in $mounted; do
        umount "$m" 2>/dev/null
    done
    [ -d "$work" ] && chmod -R u+w "$work" 2>/dev/null
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

if [ "$(id -u)" = 0 ]; then
    umount "$here/$work/full" "$here/$work/mnt" 2>/dev/null
fi
rm -rf "$work" 2>/dev/null || { chmod -R u+w "$work"; rm -rf "$work"; }
mkdir -p "$work"

ok() {
    pass=$((pass + 1))
    echo "ok - $*"
}
notok() {
    fail=$((fail + 1))
    echo "not ok - $*"
}
skip() {
    skipped=$((skipped + 1))
    echo "skip - $*"
}
show() { # show FILE: its last lines as # lines
    [ -f "$1" ] && tail -n "${2:-4}" "$1" | sed 's/^/#   /'
}

# cv NAME ARGS...: run canvass; exit status in $rc, output in
# $work/NAME.out and .err. A sanitizer report fails the test.
cv() {
    name=$1
    shift
    "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    sanitizer "$name"
}
sanitizer() {
    if grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
        -e 'runtime error:' "$work/$1.err" 2>/dev/null; then
        notok "$1: sanitizer report"
        grep -m 5 -e 'ERROR:' -e 'runtime error:' "$work/$1.err" | sed 's/^/#   /'
    fi
}
expect_rc() { # expect_rc NAME WANT DESCRIPTION
    if [ "$rc" = "$2" ]; then
        ok "$3 (exit $2)"
    else
        notok "$3: exit $rc, expected $2"
        show "$work/$1.err"
    fi
}
err_has() { # err_has NAME TEXT DESCRIPTION
    if grep -qF -- "$2" "$work/$1.err"; then
        ok "$3"
    else
        notok "$3: stderr lacks \"$2\""
        show "$work/$1.err"
    fi
}
err_lacks() { # err_lacks NAME TEXT DESCRIPTION
    if grep -qF -- "$2" "$work/$1.err"; then
        notok "$3: stderr has \"$2\""
        grep -F -m 3 -- "$2" "$work/$1.err" | sed 's/^/#   /'
    else
        ok "$3"
    fi
}
check() { # check DESCRIPTION COMMAND...
    d=$1
    shift
    if "$@"; then ok "$d"; else notok "$d"; fi
}

# wait_locked PATH: until another process holds the flock of PATH
wait_locked() {
    n=0
    while flock -n "$1" true 2>/dev/null && [ $n -lt 100 ]; do
        sleep 0.05
        n=$((n + 1))
    done
}

ex=examples
J=$ex/jinshan-2011.xml
H=$ex/hongxing-2011.xml
D=$ex/dongfeng-2011.xml
export SOURCE_DATE_EPOCH=1320883200
LC_ALL=C
export LC_ALL

# snapshot DIR: one line per entry (name, type, size, cksum); folders are
# listed by name; what a user would see changing
snapshot() {
    (cd "$1" 2>/dev/null && for f in $(ls -A); do
        if [ -d "$f" ] && [ ! -L "$f" ]; then
            echo "$f/ $(ls -A "$f" | tr '\n' ' ')"
        elif [ -L "$f" ]; then
            echo "$f -> $(readlink "$f")"
        else
            echo "$f $(cksum <"$f")"
        fi
    done)
}
# leftovers PARENT BASE: canvass's private folders of OUTDIR BASE
leftovers() {
    # shellcheck disable=SC2010
    ls -A "$1" | grep -c "^\.$2\.canvass-" || true
}

# is_set DIR REF: DIR's outputs are exactly those of the reference set REF
# (manifest, names, bytes), checked as a user would (unzip -t, xmllint)
is_set() {
    d=$1
    ref=$2
    [ -f "$d/.canvass-manifest" ] || { why="no manifest"; return 1; }
    cmp -s "$d/.canvass-manifest" "$ref/.canvass-manifest" || {
        why="manifest differs from $(basename "$ref")"
        return 1
    }
    for f in $(tail -n +2 "$d/.canvass-manifest"); do
        cmp -s "$d/$f" "$ref/$f" || { why="$f differs or is missing"; return 1; }
    done
    for f in $(ls -A "$d"); do
        case $f in
        .canvass-manifest | notes.txt | archive | other.txt) ;;
        *)
            grep -qx -- "$f" "$d/.canvass-manifest" || {
                why="$f is not of the set"
                return 1
            }
            ;;
        esac
    done
    return 0
}
whole() { # whole DIR: every file opens (zip containers, the return's schema)
    for z in "$1"/*.xlsx "$1"/*.docx; do
        [ -f "$z" ] || continue
        unzip -tqq "$z" >/dev/null 2>&1 || { why="unzip -t fails on $(basename "$z")"; return 1; }
    done
    if [ -f "$1/return.xml" ]; then
        xmllint --noout --nonet --schema input-schema/return.xsd "$1/return.xml" \
            >/dev/null 2>&1 || { why="return.xml does not validate"; return 1; }
    fi
    return 0
}

# =====================================================================
echo "# reference sets: A = three communities, B = one"
cv refA build -o "$work/refA" "$H" "$J" "$D"
expect_rc refA 0 "reference set A (three communities)"
cv refB build -o "$work/refB" "$J"
expect_rc refB 0 "reference set B (one community)"
for r in refA refB; do
    if whole "$work/$r"; then
        ok "$r: every workbook and document passes unzip -t, return.xml validates"
    else
        notok "$r: $why"
    fi
done
nA=$(($(wc -l <"$work/refA/.canvass-manifest") - 1))
nB=$(($(wc -l <"$work/refB/.canvass-manifest") - 1))
check "the manifest lists the $nA files of set A, each present" \
    sh -c "test $nA -gt 3 && for f in \$(tail -n +2 $work/refA/.canvass-manifest); do test -f $work/refA/\$f || exit 1; done"

# =====================================================================
echo "# item 3: an input an output could replace is refused"
mkdir -p "$work/clob"
cp "$J" "$work/clob/return.xml"
sum=$(cksum <"$work/clob/return.xml")
cv clob1 build -o "$work/clob" "$work/clob/return.xml"
expect_rc clob1 2 "a register at OUTDIR/return.xml is refused"
err_has clob1 "would replace" "the message says the build would replace it"
check "the register at OUTDIR/return.xml is untouched, nothing else written" \
    test "$(cksum <"$work/clob/return.xml")" = "$sum" -a "$(ls -A "$work/clob")" = return.xml
cv clob2 build -o "$work/clob" "./$work/clob/../clob/return.xml"
expect_rc clob2 2 "the same through ./OUTDIR/../OUTDIR/return.xml"
ln -s "$here/$work/clob/return.xml" "$work/link-to-return.xml"
cv clob3 build -o "$work/clob" "$work/link-to-return.xml"
expect_rc clob3 2 "the same through a symlink outside OUTDIR"
ln "$work/clob/return.xml" "$work/hardlink.xml"
cv clob4 build -o "$work/clob" "$work/hardlink.xml"
expect_rc clob4 2 "the same through a hard link outside OUTDIR"
mkdir -p "$work/clob2"
cp "$J" "$work/reg.xml"
ln -s ../reg.xml "$work/clob2/returns.xlsx"
cv clob5 build -o "$work/clob2" "$work/reg.xml"
expect_rc clob5 2 "a register that OUTDIR/returns.xlsx links to is refused"
check "the register and the link are untouched" \
    test "$(cksum <"$work/reg.xml")" = "$(cksum <"$J")" -a -L "$work/clob2/returns.xlsx"
cp "$J" "$work/clob2/summary-620402003005.md"
cv clob6 build -o "$work/clob2" "$work/clob2/summary-620402003005.md"
expect_rc clob6 2 "a register at a summary's name is refused"
check "inputs are never modified" test "$(cksum <"$work/clob2/summary-620402003005.md")" = "$(cksum <"$J")"
# a register in OUTDIR under a name of its own is the user's: kept as is
mkdir -p "$work/own"
cp "$J" "$work/own/jinshan.xml"
ino=$(ls -i "$work/own/jinshan.xml" | cut -d' ' -f1)
cv own build -o "$work/own" "$work/own/jinshan.xml"
expect_rc own 0 "a register in OUTDIR under its own name builds"
check "that register is the same file, unchanged (inode and bytes)" \
    test "$(ls -i "$work/own/jinshan.xml" | cut -d' ' -f1)" = "$ino" -a \
    "$(cksum <"$work/own/jinshan.xml")" = "$(cksum <"$J")"

# =====================================================================
echo "# item 4: one set, stale outputs removed, the user's files kept"
mkdir -p "$work/st"
cv st1 build -o "$work/st/out" "$H" "$J" "$D"
echo "my notes" >"$work/st/out/notes.txt"
mkdir -p "$work/st/out/archive"
echo "2010" >"$work/st/out/archive/old.txt"
cv st2 build -o "$work/st/out" "$J"
expect_rc st2 0 "building one community over three"
if is_set "$work/st/out" "$work/refB"; then
    ok "OUTDIR holds exactly set B: the $((nA - nB)) stale outputs of set A are gone"
else
    notok "OUTDIR holds exactly set B: $why"
fi
check "the user's file and folder are kept" \
    test "$(cat "$work/st/out/notes.txt")" = "my notes" -a \
    "$(cat "$work/st/out/archive/old.txt")" = 2010
check "no private folder left beside OUTDIR" test "$(leftovers "$work/st" out)" = 0

# a folder at an output name: never replaced, nothing changed
mkdir -p "$work/st/out/summary-street-620402003.md"
before=$(snapshot "$work/st/out")
cv st3 build -o "$work/st/out" "$H" "$J" "$D"
expect_rc st3 3 "a folder at an output name (summary-street-620402003.md)"
err_has st3 "summary-street-620402003.md is a folder" "the message names the folder"
check "OUTDIR is unchanged (still set B and the user's files)" \
    test "$(snapshot "$work/st/out")" = "$before"
check "no private folder left" test "$(leftovers "$work/st" out)" = 0
rmdir "$work/st/out/summary-street-620402003.md"

# an old private folder of canvass 0.1 inside OUTDIR goes with the old set
mkdir -p "$work/st/out/.canvass-Ab12Cd"
echo x >"$work/st/out/.canvass-Ab12Cd/return.xml"
cv st4 build -o "$work/st/out" "$H" "$J" "$D"
expect_rc st4 0 "building three communities over one"
if is_set "$work/st/out" "$work/refA"; then
    ok "OUTDIR holds exactly set A, and no .canvass-XXXXXX of an older canvass"
else
    notok "OUTDIR holds exactly set A: $why"
fi

# =====================================================================
echo "# item 4: two builds into one OUTDIR"
mkdir -p "$work/two"
cv two0 build -o "$work/two/out" "$J"
flock "$work/two/out" sleep 2 &
holder=$!
bgpids="$bgpids $holder"
wait_locked "$work/two/out"
cv two1 build -o "$work/two/out" "$H" "$J" "$D"
expect_rc two1 0 "a build while OUTDIR is locked waits, then writes"
err_has two1 "another canvass build is writing there; waiting" "it says it waits"
wait "$holder" 2>/dev/null
if is_set "$work/two/out" "$work/refA"; then ok "then OUTDIR is set A"; else notok "then OUTDIR is set A: $why"; fi
"$bin" build -o "$work/two/out" "$J" >"$work/two2.out" 2>"$work/two2.err" &
p1=$!
"$bin" build -o "$work/two/out" "$H" "$J" "$D" >"$work/two3.out" 2>"$work/two3.err" &
p2=$!
wait $p1
r1=$?
wait $p2
r2=$?
sanitizer two2
sanitizer two3
check "two builds at once both succeed (exit $r1, $r2)" test "$r1$r2" = 00
if is_set "$work/two/out" "$work/refA" || is_set "$work/two/out" "$work/refB"; then
    ok "after them OUTDIR is one whole set"
else
    notok "after them OUTDIR is one whole set: $why"
fi
check "no private folder left" test "$(leftovers "$work/two" out)" = 0

# interrupted while waiting: stops at once, writes nothing
flock -o "$work/two/out" sleep 10 &
holder=$!
bgpids="$bgpids $holder"
wait_locked "$work/two/out"
before=$(snapshot "$work/two/out")
"$bin" build -o "$work/two/out" "$J" >"$work/two4.out" 2>"$work/two4.err" &
pid=$!
n=0
while ! grep -q waiting "$work/two4.err" 2>/dev/null && [ $n -lt 100 ]; do
    sleep 0.1
    n=$((n + 1))
done
kill -INT $pid
wait $pid
rc=$?
sanitizer two4
expect_rc two4 3 "SIGINT while waiting for the other build"
err_has two4 "interrupted" "it says it was interrupted"
check "OUTDIR is unchanged, nothing left beside it" \
    test "$(snapshot "$work/two/out")" = "$before" -a "$(leftovers "$work/two" out)" = 0
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null

# output folders canvass cannot swap: said before anything is written
mkdir -p "$work/here/out"
(cd "$work/here/out" && "$bin" build -o . "$here/$J") >"$work/here.out" 2>"$work/here.err"
rc=$?
sanitizer here
expect_rc here 3 "-o . (OUTDIR holds the current folder)"
err_has here "holds the current folder" "the message says why"
check "nothing written" test -z "$(ls -A "$work/here/out")" -a "$(leftovers "$work/here" out)" = 0
if [ "$(id -u)" = 0 ] && mkdir -p "$work/mnt" &&
    mount -t tmpfs -o size=1m tmpfs "$work/mnt" 2>/dev/null; then
    mounted="$mounted $work/mnt"
    cv mnt build -o "$work/mnt" "$J"
    expect_rc mnt 3 "OUTDIR is the root of a mount"
    err_has mnt "use a folder inside it" "the message says what to do"
    check "nothing written" test -z "$(ls -A "$work/mnt")"
    umount "$work/mnt" && mounted=$(echo "$mounted" | sed "s#$work/mnt##")
else
    skip "OUTDIR at the root of a mount: needs root to mount a tmpfs"
fi

# =====================================================================
echo "# item 5: leftovers of a dead build go, those of a live one stay"
mkdir -p "$work/left"
cv left0 build -o "$work/left/out" "$J"
mkdir "$work/left/.out.canvass-dead01" "$work/left/.out.canvass-live01"
cp "$work/refA/return.xml" "$work/left/.out.canvass-dead01/return.xml"
printf 'canvass-manifest 1\n' >"$work/left/.out.canvass-dead01/.canvass-manifest.new"
cp "$work/refA/return.xml" "$work/left/.out.canvass-live01/return.xml"
flock -o "$work/left/.out.canvass-live01" sleep 5 &
holder=$!
bgpids="$bgpids $holder"
wait_locked "$work/left/.out.canvass-live01"
cv left1 build -o "$work/left/out" "$J"
expect_rc left1 0 "a build with leftovers beside OUTDIR"
check "the dead build's private folder is removed" test ! -e "$work/left/.out.canvass-dead01"
check "the live build's private folder (locked) is kept" test -f "$work/left/.out.canvass-live01/return.xml"
kill "$holder" 2>/dev/null
wait "$holder" 2>/dev/null
cv left2 build -o "$work/left/out" "$J"
check "once its build is gone, the next build removes it" test ! -e "$work/left/.out.canvass-live01"
# an old OUTDIR swapped out by a build killed before removing it: its
# stale outputs go, the user's folder comes back
mkdir -p "$work/left/.out.canvass-old001/archive"
cp "$work/refA/summary-street-620402003.md" "$work/left/.out.canvass-old001/summary-street-620402003.md"
cp "$work/refA/.canvass-manifest" "$work/left/.out.canvass-old001/"
echo kept >"$work/left/.out.canvass-old001/archive/a.txt"
cv left3 build -o "$work/left/out" "$J"
check "a dead old OUTDIR: its outputs go, the user's folder is put back" \
    test ! -e "$work/left/.out.canvass-old001" -a "$(cat "$work/left/out/archive/a.txt" 2>/dev/null)" = kept
if is_set "$work/left/out" "$work/refB"; then ok "and OUTDIR is set B"; else notok "and OUTDIR is set B: $why"; fi

# =====================================================================
echo "# item 4/5: kill -9 at random instants ($kills rounds)"
mkdir -p "$work/kill"
cv kill0 build -o "$work/kill/out" "$H" "$J" "$D"
echo "my notes" >"$work/kill/out/notes.txt"
mkdir -p "$work/kill/out/archive"
echo 2010 >"$work/kill/out/archive/old.txt"
# how long a build takes here (ms), to spread the kills over it
t0=$(date +%s%N)
"$bin" build -o "$work/kill/probe" "$H" "$J" "$D" >/dev/null 2>&1
t1=$(date +%s%N)
span=$(((t1 - t0) / 1000000 + 50))
bad=0
killed=0
i=0
while [ $i -lt "$kills" ]; do
    i=$((i + 1))
    if [ $((i % 2)) = 1 ]; then set -- "$J"; else set -- "$H" "$J" "$D"; fi
    "$bin" build -o "$work/kill/out" "$@" >/dev/null 2>"$work/kill.err" &
    pid=$!
    ms=$(awk -v s="$span" -v r="$(od -An -N2 -tu2 /dev/urandom)" 'BEGIN { printf "%d", r % s }')
    sleep "$(awk -v m="$ms" 'BEGIN { printf "%.3f", m / 1000 }')"
    kill -9 $pid 2>/dev/null && killed=$((killed + 1))
    wait $pid 2>/dev/null
    if ! is_set "$work/kill/out" "$work/refA" && ! is_set "$work/kill/out" "$work/refB"; then
        notok "round $i (kill after $ms ms): OUTDIR is not one whole set: $why"
        bad=1
        break
    fi
    if ! whole "$work/kill/out"; then
        notok "round $i (kill after $ms ms): $why"
        bad=1
        break
    fi
    if [ "$(cat "$work/kill/out/notes.txt" 2>/dev/null)" != "my notes" ]; then
        notok "round $i (kill after $ms ms): the user's notes.txt is gone from OUTDIR"
        bad=1
        break
    fi
    if [ "$(leftovers "$work/kill" out)" -gt 1 ]; then
        notok "round $i: $(leftovers "$work/kill" out) private folders beside OUTDIR: the builds do not clean up"
        bad=1
        break
    fi
done
[ $bad = 0 ] && ok "$kills rounds of kill -9 ($killed landed during a build, spread over $span ms): OUTDIR is always one whole set (bytes, manifest, unzip -t, xmllint), the user's file always there"
cv kill1 build -o "$work/kill/out" "$J"
expect_rc kill1 0 "the next build"
check "after it no private folder is left beside OUTDIR" test "$(leftovers "$work/kill" out)" = 0
check "after it the user's folder is in OUTDIR" test "$(cat "$work/kill/out/archive/old.txt" 2>/dev/null)" = 2010
if is_set "$work/kill/out" "$work/refB"; then ok "and OUTDIR is set B"; else notok "and OUTDIR is set B: $why"; fi

# =====================================================================
echo "# permissions, as nobody"
if [ "$(id -u)" = 0 ]; then
    if command -v setpriv >/dev/null 2>&1; then
        as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
        who=nobody
    else
        as_user() { runuser -u nobody -- "$@"; }
        who=nobody
    fi
    mkdir -p "$work/perm"
    chown nobody:nogroup "$work/perm"
else
    as_user() { "$@"; }
    who=$(id -un)
    mkdir -p "$work/perm"
fi
cvu() { # cvu NAME ARGS...: cv as the unprivileged user
    name=$1
    shift
    as_user "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    sanitizer "$name"
}
as_user mkdir -p "$work/perm/p1" "$work/perm/p2"
cvu perm0 build -o "$work/perm/p1/out" "$J"
expect_rc perm0 0 "as $who: a build in a folder of its own"
cvu perm0b build -o "$work/perm/p2/out" "$J"
# a file of another user in OUTDIR that we may not hard-link
# (fs.protected_hardlinks): moved back after the swap, the same file
if [ "$(id -u)" = 0 ]; then
    echo "root's" >"$work/perm/p2/out/other.txt"
    chmod 0600 "$work/perm/p2/out/other.txt"
    ino=$(ls -i "$work/perm/p2/out/other.txt" | cut -d' ' -f1)
    cvu perm0c build -o "$work/perm/p2/out" "$H" "$J" "$D"
    expect_rc perm0c 0 "as $who: OUTDIR holds another user's file"
    check "that file is still there, the same file" \
        test "$(ls -i "$work/perm/p2/out/other.txt" 2>/dev/null | cut -d' ' -f1)" = "$ino"
    if is_set "$work/perm/p2/out" "$work/refA"; then ok "and OUTDIR is set A"; else notok "and OUTDIR is set A: $why"; fi
    rm -f "$work/perm/p2/out/other.txt"
fi
as_user chmod 0555 "$work/perm/p1"
before=$(snapshot "$work/perm/p1/out")
cvu perm1 build -o "$work/perm/p1/out" "$H" "$J" "$D"
expect_rc perm1 3 "as $who: the folder holding OUTDIR is read-only"
err_has perm1 "the folder that holds the output folder" "the message says which folder and why"
check "OUTDIR is unchanged" test "$(snapshot "$work/perm/p1/out")" = "$before"
as_user chmod 0755 "$work/perm/p1"
as_user chmod 0555 "$work/perm/p2/out"
before=$(snapshot "$work/perm/p2/out")
cvu perm2 build -o "$work/perm/p2/out" "$H" "$J" "$D"
expect_rc perm2 3 "as $who: OUTDIR is read-only"
err_has perm2 "cannot write in the output folder" "the message says so"
check "OUTDIR is unchanged and nothing is left beside it" \
    test "$(snapshot "$work/perm/p2/out")" = "$before" -a "$(leftovers "$work/perm/p2" out)" = 0
as_user chmod 0755 "$work/perm/p2/out"

# =====================================================================
echo "# full disk, workbook errors of libxlsxwriter"
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$work/full"
    if mount -t tmpfs -o size=256k tmpfs "$work/full" 2>"$work/full.mount.err"; then
        mounted="$mounted $work/full"
        cv full0 build --formats md -o "$work/full/out" "$J"
        expect_rc full0 0 "a small set on a 256 KiB tmpfs"
        before=$(snapshot "$work/full/out")
        # leave about 16 KiB: enough to start the workbook, not to finish it
        free=$(df -k --output=avail "$work/full" | tail -n 1)
        dd if=/dev/zero of="$work/full/filler" bs=1k count=$((free - 16)) 2>/dev/null
        cv full1 build --formats xlsx -o "$work/full/out" "$J"
        expect_rc full1 3 "the workbook on a full disk"
        err_has full1 "no space left on device" "stderr says there is no space"
        err_lacks full1 "[ERROR]" "no [ERROR] line of libxlsxwriter reaches the user"
        err_lacks full1 ".canvass-" "no private folder is named"
        check "one canvass line about it" test "$(grep -c '^canvass: ' "$work/full1.err")" = 1
        check "OUTDIR still holds the old set" test "$(snapshot "$work/full/out")" = "$before"
        check "no private folder left" test "$(leftovers "$work/full" out)" = 0
        # findings.csv, written straight to the disk a MiB at a time while
        # the findings are printed (output_unnamed_stream): its first block
        # finds the disk full; so does the usual writing after it
        python3 tools/gen-big.py --households 5000 --density 1 --seed 7 \
            "$work/full-big.xml" >/dev/null
        cv full2 build --formats csv -o "$work/full/out" "$work/full-big.xml"
        expect_rc full2 3 "findings.csv of 2.5 MB on a full disk"
        err_has full2 "no space left on device" "stderr says there is no space"
        check "OUTDIR still holds the old set" test "$(snapshot "$work/full/out")" = "$before"
        check "no private folder left" test "$(leftovers "$work/full" out)" = 0
        # return.xml listing every finding, written to an unnamed file
        # beside OUTDIR as it is made (return_build_to): its writes find
        # the disk full
        cv full2r build --max-findings all --formats xml -o "$work/full/out" "$work/full-big.xml"
        expect_rc full2r 3 "return.xml of every finding (2.8 MB) on a full disk"
        err_has full2r "no space left on device for return.xml" "stderr says there is no space, for return.xml"
        check "one canvass line about it" test "$(grep -c '^canvass: ' "$work/full2r.err")" = 1
        check "OUTDIR still holds the old set" test "$(snapshot "$work/full/out")" = "$before"
        check "no private folder left" test "$(leftovers "$work/full" out)" = 0
        # verify rebuilds the return, every finding listed, in an unnamed
        # file in $TMPDIR: a full one
        TMPDIR=$work/full "$bin" verify "$work/refB/return.xml" "$J" \
            >"$work/fullv.out" 2>"$work/fullv.err"
        rc=$?
        sanitizer fullv
        expect_rc fullv 3 "verify with TMPDIR on a full disk"
        err_has fullv "the rebuilt return cannot be written there" "stderr says where and why"
        check "one canvass line about it" test "$(grep -c '^canvass: ' "$work/fullv.err")" = 1
        # merge copies the findings an input lists to a scratch file in
        # $TMPDIR as it reads it (retdoc_load): a full one, for a list of
        # 2,300 findings
        cv fullms0 build --formats xml -o "$work/fullms-ret" "$work/full-big.xml"
        TMPDIR=$work/full "$bin" merge --formats xml -o "$work/fullm-out" \
            "$work/fullms-ret/return.xml" >"$work/fullml.out" 2>"$work/fullml.err"
        rc=$?
        sanitizer fullml
        expect_rc fullml 3 "merge with TMPDIR on a full disk, the list of its input to copy there"
        err_has fullml "cannot copy the findings the return lists into $work/full: No space left on device; set TMPDIR" \
            "stderr says which input, where, why and what to do"
        check "one canvass line about it, and nothing written" \
            test "$(grep -c '^canvass: ' "$work/fullml.err")" = 1 -a ! -e "$work/fullm-out"
        # and sorts the findings it lists in runs in $TMPDIR past its
        # budget (1 KiB here): room for the copy of a list of 30 a rule
        # (its markup's size and two pages; the copy's records take 18 KiB
        # of it), not for the runs (20 KiB more)
        cv fullms1 build --formats xml --max-findings 30 -o "$work/fullms-30" "$work/full-big.xml"
        copy=$(grep '<finding ' "$work/fullms-30/return.xml" | sed 's/^ *//' | wc -c)
        rm -f "$work/full/filler"
        free=$(df -k --output=avail "$work/full" | tail -n 1)
        dd if=/dev/zero of="$work/full/filler" bs=1k \
            count=$((free - (copy / 4096 + 2) * 4)) 2>/dev/null
        TMPDIR=$work/full CANVASS_SORT_BUDGET=1024 "$bin" merge --formats xml \
            -o "$work/fullm-out" "$work/fullms-30/return.xml" \
            >"$work/fullms.out" 2>"$work/fullms.err"
        rc=$?
        sanitizer fullms
        expect_rc fullms 3 "merge with TMPDIR on a full disk, its findings past the sort's budget"
        err_has fullms "cannot write the findings to sort to a temporary file in" "stderr says which file"
        check "one canvass line about it, and nothing written" \
            test "$(grep -c '^canvass: ' "$work/fullms.err")" = 1 -a ! -e "$work/fullm-out"
        rm -f "$work/full/filler"
        free=$(df -k --output=avail "$work/full" | tail -n 1)
        dd if=/dev/zero of="$work/full/filler" bs=1k count=$((free - 16)) 2>/dev/null
        # merge writes its return to such a file always
        cv full2m merge --formats xml -o "$work/full/out" "$work/refB/return.xml"
        expect_rc full2m 3 "merge's return on a full disk"
        err_has full2m "no space left on device for return.xml" "stderr says there is no space, for return.xml"
        check "OUTDIR still holds the old set" test "$(snapshot "$work/full/out")" = "$before"
        check "no private folder left" test "$(leftovers "$work/full" out)" = 0
        rm -f "$work/full/filler"
        cv full3 build --formats csv -o "$work/full/out" "$J"
        expect_rc full3 0 "findings.csv written once there is room"
        check "it holds every finding" test "$(grep -c "^$J," "$work/full/out/findings.csv")" = \
            "$(grep -c ': warning: \|: error: ' "$work/full3.err")"
        cv full3m merge --formats xml -o "$work/full/out" "$work/refB/return.xml"
        expect_rc full3m 0 "merge's return written once there is room"
        check "it is the return merged" cmp -s "$work/full/out/return.xml" "$work/refB/return.xml"
        cv full3r build --max-findings all --formats xml -o "$work/full/out" "$J"
        expect_rc full3r 0 "return.xml of every finding written once there is room"
        check "it lists every finding" test "$(grep -c '<finding ' "$work/full/out/return.xml")" = \
            "$(grep -c ': warning: \|: error: ' "$work/full3.err")"
        umount "$work/full" && mounted=$(echo "$mounted" | sed "s#$work/full##")
    else
        skip "full disk: cannot mount a tmpfs ($(head -n 1 "$work/full.mount.err"))"
    fi
else
    skip "full disk: needs root to mount a tmpfs"
fi

# =====================================================================
echo "# item 11: standard output on a full device"
if [ -w /dev/full ]; then
    mkdir -p "$work/dfull"
    "$bin" build -o "$work/dfull/out" "$J" >/dev/full 2>"$work/dfull.err"
    rc=$?
    sanitizer dfull
    expect_rc dfull 3 "build with standard output on /dev/full"
    err_has dfull "cannot write to standard output" "stderr says it is standard output"
    err_has dfull "the outputs are complete" "stderr says the outputs were written"
    if is_set "$work/dfull/out" "$work/refB"; then ok "and they are"; else notok "and they are: $why"; fi
    "$bin" check "$ex/zz-untidy-2011.xml" >/dev/full 2>"$work/cfull.err"
    rc=$?
    sanitizer cfull
    expect_rc cfull 3 "check with standard output on /dev/full"
    err_has cfull "cannot write to standard output: No space left on device" "stderr says why"
else
    skip "standard output on /dev/full: no writable /dev/full"
fi

# =====================================================================
echo "# faults at exact instants (LD_PRELOAD shim, tests/fault/shim.c)"
if command -v cc >/dev/null 2>&1 &&
    cc -shared -fPIC -o "$work/shim.so" tests/fault/shim.c 2>"$work/shim.err"; then
    # an ASan build wants its runtime first; the shim only wraps syscalls
    export ASAN_OPTIONS="${ASAN_OPTIONS:-}${ASAN_OPTIONS:+:}verify_asan_link_order=0"
    shim() { # shim MODE NAME ARGS...
        mode=$1
        name=$2
        shift 2
        CANVASS_FAULT=$mode LD_PRELOAD=$here/$work/shim.so "$bin" "$@" \
            >"$work/$name.out" 2>"$work/$name.err"
        rc=$?
        sanitizer "$name"
    }
    mkdir -p "$work/nx"
    cv nx0 build -o "$work/nx/out" "$J"
    before=$(snapshot "$work/nx/out")
    shim noexchange nx1 build -o "$work/nx/out" "$H" "$J" "$D"
    expect_rc nx1 3 "no RENAME_EXCHANGE, OUTDIR holds a set"
    err_has nx1 "cannot swap two folders in one step" "the message says why"
    check "OUTDIR is unchanged, nothing left beside it" \
        test "$(snapshot "$work/nx/out")" = "$before" -a "$(leftovers "$work/nx" out)" = 0
    shim noexchange nx2 build -o "$work/nx/new" "$H" "$J" "$D"
    expect_rc nx2 0 "no RENAME_EXCHANGE, a new OUTDIR"
    if is_set "$work/nx/new" "$work/refA"; then ok "it holds set A"; else notok "it holds set A: $why"; fi
    check "nothing left beside it" test "$(leftovers "$work/nx" new)" = 0

    # a file system that makes no unnamed file (O_TMPFILE): findings.csv,
    # build's return of every finding and merge's return are made the
    # usual way instead, the same bytes
    mkdir -p "$work/nt"
    cv nt0 build --max-findings all -o "$work/nt/a" "$H" "$J" "$D"
    shim notmpfile nt1 build --max-findings all -o "$work/nt/a2" "$H" "$J" "$D"
    cv nt2 build --formats xml -o "$work/nt/h" "$H"
    cv nt3 build --formats xml -o "$work/nt/jd" "$J" "$D"
    cv nt4 merge -o "$work/nt/m" "$work/nt/h/return.xml" "$work/nt/jd/return.xml"
    shim notmpfile nt5 merge -o "$work/nt/m2" "$work/nt/h/return.xml" "$work/nt/jd/return.xml"
    if grep -q "shim: no O_TMPFILE" "$work/nt1.err" && grep -q "shim: no O_TMPFILE" "$work/nt5.err"; then
        expect_rc nt1 0 "no unnamed files: build --max-findings all"
        check "the same set as with them" diff -r "$work/nt/a" "$work/nt/a2"
        expect_rc nt5 0 "no unnamed files: merge"
        check "the same set as with them" diff -r "$work/nt/m" "$work/nt/m2"
    else
        skip "no unnamed files: the shim's open() does not reach canvass (a sanitizer's runtime has its own)"
    fi

    # merge's findings, sorted in runs in $TMPDIR (a 1 KiB budget), cannot
    # be read back as the return is written: said as the sort's, not as
    # "out of memory" nor as return.xml's
    mkdir -p "$work/sr"
    CANVASS_SORT_BUDGET=1024
    export CANVASS_SORT_BUDGET
    shim sortread sr1 merge --formats xml -o "$work/sr/out" "$work/refB/return.xml"
    unset CANVASS_SORT_BUDGET
    if grep -q "shim: sort read refused" "$work/sr1.err"; then
        expect_rc sr1 3 "merge whose sorted findings cannot be read back"
        err_has sr1 "cannot read back the findings sorted in a temporary file in" "stderr says so, and where"
        check "one canvass line about it, and nothing written" \
            test "$(grep -c '^canvass: ' "$work/sr1.err")" = 1 -a ! -e "$work/sr/out"
    else
        skip "sorted findings not read back: the shim's pread() does not reach canvass (a sanitizer's runtime has its own)"
    fi

    # ...nor can its last run be written, the one left in memory once
    # every input is read, written as the return is assembled: the same
    # message (the Nth write, N counted by a first run that only logs)
    CANVASS_SORT_BUDGET=1024
    export CANVASS_SORT_BUDGET
    shim sortwrite-log sw0 merge --formats xml -o "$work/sr/log" "$work/refB/return.xml"
    rc0=$rc
    nw=$(grep -c "shim: sort write$" "$work/sw0.err")
    if [ "$nw" -ge 2 ]; then
        shim "sortwrite-$nw" sw1 merge --formats xml -o "$work/sr/out" "$work/refB/return.xml"
    fi
    unset CANVASS_SORT_BUDGET
    if [ "$nw" -ge 2 ] && grep -q "shim: sort write refused" "$work/sw1.err"; then
        check "merge with its findings sorted in $nw runs (exit 0)" test "$rc0" = 0
        expect_rc sw1 3 "merge whose last run of sorted findings cannot be written"
        err_has sw1 "cannot write the findings to sort to a temporary file in" "stderr says so, and where"
        err_has sw1 "No space left on device" "and why"
        check "one canvass line about it, and nothing written" \
            test "$(grep -c '^canvass: ' "$work/sw1.err")" = 1 -a ! -e "$work/sr/out"
    else
        skip "last run of sorted findings not written: the shim's pwrite() does not reach canvass (a sanitizer's runtime has its own)"
    fi

    # SIGKILL at the instants that matter: OUTDIR holds set A, the user's
    # notes.txt and archive/; the killed build writes set B
    for mode in kill-before-swap kill-after-swap kill-at-unlinkat-1 \
        kill-at-unlinkat-8 kill-at-unlinkat-14 kill-after-manifest; do
        od=$work/at-$mode
        mkdir -p "$od"
        cv "at-$mode-0" build -o "$od/out" "$H" "$J" "$D"
        echo "my notes" >"$od/out/notes.txt"
        mkdir -p "$od/out/archive"
        echo 2010 >"$od/out/archive/old.txt"
        shim "$mode" "at-$mode" build -o "$od/out" "$J"
        case $mode in
        kill-before-swap) want=refA ;;
        *) want=refB ;;
        esac
        if [ "$rc" = 137 ] && is_set "$od/out" "$work/$want" && whole "$od/out" &&
            [ "$(cat "$od/out/notes.txt")" = "my notes" ]; then
            ok "$mode: OUTDIR is set ${want#ref}, whole, with the user's file"
        else
            notok "$mode: exit $rc (137 expected), OUTDIR: ${why:-user's file missing}"
        fi
        # the same set again: nothing of set A may come back as if the
        # user's (a dead folder must still say what it is)
        cv "at-$mode-2" build -o "$od/out" "$J"
        if [ "$rc" = 0 ] && is_set "$od/out" "$work/refB" &&
            [ "$(leftovers "$od" out)" = 0 ] &&
            [ "$(cat "$od/out/archive/old.txt" 2>/dev/null)" = 2010 ]; then
            ok "$mode: the next build leaves set B, no leftover, the user's folder back"
        else
            notok "$mode: after the next build: exit $rc, $(leftovers "$od" out) leftovers, archive: $(ls "$od/out/archive" 2>&1), ${why:-}"
        fi
    done
else
    skip "no C compiler for the shim ($(head -n 1 "$work/shim.err" 2>/dev/null))"
fi

# =====================================================================
cleanup
mounted=
bgpids=
echo "# took $(($(date +%s) - started)) s"
if [ $skipped -gt 0 ]; then
    echo "fault: $pass passed, $fail failed, $skipped skipped"
else
    echo "fault: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
