#!/bin/sh
# tests/build/run.sh — `canvass build` end to end, checked the way a user
# checks it: the figures of the reference report in return.xml and cell by
# cell in returns.xlsx, roll-ups, the summaries, byte-for-byte
# determinism, and that a failure (invalid register, unwritable folder,
# full disk, missing register, interrupt) leaves no output behind.
#
#   sh tests/build/run.sh CANVASS_BINARY        (from the repository root;
#                                               make check-build, check-asan)
#
# Prints one line per test, "ok - ...", "not ok - ..." or "skip - ...",
# details of a failure on "# " lines, and ends with
# "build: N passed, M failed[, K skipped]"; exit 1 if any test failed.
# Expected figures come from examples/*.figures.txt (computed by the example
# generator), the reference report and the schemas, never from canvass.
# Content checks are in tests/build/check.py (python3 standard library);
# needs xmllint. Scratch files go to tests/out/build/ (not committed).
# The full-disk test mounts a 64 KiB tmpfs (OUTDIR inside it) and the
# read-only test a read-only one: as root only (skipped, or done with mode
# bits, otherwise). The output folder under faults: tests/fault/run.sh.
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
    echo "build: $1 is not an executable" >&2
    exit 2
fi
for tool in python3 xmllint cmp; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "build: $tool not found (make deps)" >&2
        exit 2
    fi
done

tb=tests/build
work=tests/out/build
started=$(date +%s)
pass=0
fail=0
skipped=0
mounted=

cleanup() {
    for m in $mounted; do
        umount "$m" 2>/dev/null
    done
    # read-only folders of a non-root run
    [ -d "$work" ] && chmod -R u+w "$work" 2>/dev/null
}
trap cleanup EXIT
trap 'cleanup; exit 130' INT TERM

if [ "$(id -u)" = 0 ]; then # mounts left by an earlier run that was killed
    umount "$here/$work/ro" "$here/$work/full" 2>/dev/null
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
check() { # check DESCRIPTION COMMAND...
    d=$1
    shift
    if "$@"; then ok "$d"; else notok "$d"; fi
}
diag() { # diag FILE: show a file's head as # lines
    [ -f "$1" ] && head -n "${2:-8}" "$1" | sed 's/^/#   /'
}

# py SUBCOMMAND ARGS...: run a check.py subcommand, count its lines
py() {
    python3 "$tb/check.py" "$@" >"$work/py.out" 2>&1
    prc=$?
    while IFS= read -r line; do
        case $line in
        "ok - "*) pass=$((pass + 1)) ;;
        "not ok - "*) fail=$((fail + 1)) ;;
        "skip - "*) skipped=$((skipped + 1)) ;;
        esac
        printf '%s\n' "$line"
    done <"$work/py.out"
    if [ $prc -ne 0 ] && ! grep -q '^not ok - ' "$work/py.out"; then
        notok "check.py $1 exited $prc"
    fi
}

# cv NAME ARGS...: run canvass; exit status in $rc, output in
# $work/NAME.out and $work/NAME.err. A sanitizer report fails the test.
cv() {
    name=$1
    shift
    "$bin" "$@" >"$work/$name.out" 2>"$work/$name.err"
    rc=$?
    if grep -q -e 'ERROR: AddressSanitizer' -e 'ERROR: LeakSanitizer' \
        -e 'runtime error:' "$work/$name.err"; then
        notok "$name: sanitizer report"
        grep -m 5 -e 'ERROR:' -e 'runtime error:' "$work/$name.err" | sed 's/^/#   /'
    fi
}

# expect_rc NAME WANT DESCRIPTION
expect_rc() {
    if [ "$rc" = "$2" ]; then
        ok "$3 (exit $2)"
    else
        notok "$3: exit $rc, expected $2"
        diag "$work/$1.err"
    fi
}

# err_has NAME TEXT DESCRIPTION: stderr of NAME contains TEXT
err_has() {
    if grep -qF -- "$2" "$work/$1.err"; then
        ok "$3"
    else
        notok "$3: stderr lacks \"$2\""
        tail -n 4 "$work/$1.err" | sed 's/^/#   /'
    fi
}

# nothing_in DIR DESCRIPTION [ALLOWED...]: DIR is missing, or holds only
# ALLOWED names (no output, no .canvass-* temporary folder)
nothing_in() {
    d=$1
    desc=$2
    shift 2
    if [ ! -d "$d" ]; then
        ok "$desc (no folder created)"
        return
    fi
    extra=
    # shellcheck disable=SC2045 # names written by canvass: no blanks
    for f in $(ls -A "$d"); do
        keep=no
        for a in "$@"; do
            [ "$f" = "$a" ] && keep=yes
        done
        [ $keep = no ] && extra="$extra $f"
    done
    if [ -z "$extra" ]; then
        ok "$desc"
    else
        notok "$desc: left$extra"
    fi
}

ex=examples
J=$ex/jinshan-2011.xml
H=$ex/hongxing-2011.xml
D=$ex/dongfeng-2011.xml
JF=$ex/jinshan-2011.figures.txt
FIGS="$ex/hongxing-2011.figures.txt $JF $ex/dongfeng-2011.figures.txt"
JCODE=620402003005
export SOURCE_DATE_EPOCH=1320883200 # 2011-11-10, the reference report's date
export PYTHONDONTWRITEBYTECODE=1 # no __pycache__ in tests/build
STAMP=2011-11-10T00:00:00Z

inputs_sum() { cat "$J" "$H" "$D" "$ex/zz-broken-2011.xml" "$ex/zz-untidy-2011.xml" | cksum; }
inputs_before=$(inputs_sum)

# =====================================================================
echo "# 1. the reference register: figures of the reference report"
cv ref build -o "$work/ref" "$J"
expect_rc ref 0 "build of the reference register $J"
if xmllint --noout --nonet --schema input-schema/return.xsd "$work/ref/return.xml" \
    >"$work/ref.xsd.log" 2>&1; then
    ok "reference: return.xml validates against input-schema/return.xsd (xmllint)"
else
    notok "reference: return.xml validates against input-schema/return.xsd (xmllint)"
    diag "$work/ref.xsd.log"
fi
py reference "$work/ref/return.xml" "$J"
py figures "$work/ref/return.xml" "$JF"
py xlsx-unit "$work/ref/returns.xlsx" "$JF" zh
py xlsx-labels "$work/ref/returns.xlsx" zh

cv ref-en build --lang en -o "$work/ref-en" "$J"
expect_rc ref-en 0 "build --lang en of $J"
py xlsx-labels "$work/ref-en/returns.xlsx" en
py xlsx-unit "$work/ref-en/returns.xlsx" "$JF" en
# return.xml is a document of --lang's language in one place only: the
# messages of the findings it lists (the workbook's findings list is read
# from them, and merge has nothing else to read); every figure, id and
# attribute is the same
no_messages() { sed 's|\(<finding [^>]*>\)[^<]*</finding>|\1</finding>|g' "$1"; }
no_messages "$work/ref/return.xml" >"$work/ref.nomsg.xml"
no_messages "$work/ref-en/return.xml" >"$work/ref-en.nomsg.xml"
check "en: return.xml does not depend on --lang but for its finding messages (byte-identical to the zh build without them)" \
    cmp -s "$work/ref.nomsg.xml" "$work/ref-en.nomsg.xml"
check "en: return.xml's finding messages are English, the zh build's Chinese" \
    sh -c 'grep -q "has no responsible cadre" "$1" && grep -q "没有包户干部" "$2"' sh \
    "$work/ref-en/return.xml" "$work/ref/return.xml"

# =====================================================================
echo "# 2. batch roll-ups: hongxing + jinshan + dongfeng (GB18030)"
cv batch build -o "$work/batch" "$H" "$J" "$D"
expect_rc batch 0 "build of three communities"
if xmllint --noout --nonet --schema input-schema/return.xsd "$work/batch/return.xml" \
    >"$work/batch.xsd.log" 2>&1; then
    ok "batch: return.xml validates against input-schema/return.xsd (xmllint)"
else
    notok "batch: return.xml validates against input-schema/return.xsd (xmllint)"
    diag "$work/batch.xsd.log"
fi
# three communities of one street: the street files, nothing above it
py rollup "$work/batch/return.xml" street
for f in $FIGS; do
    py figures "$work/batch/return.xml" "$f"
done
# shellcheck disable=SC2086
py xlsx-rollup "$work/batch/returns.xlsx" zh $FIGS
py xlsx-form "$work/batch/returns.xlsx" zh
py xlsx-cadre-roles "$work/batch/returns.xlsx" zh
cv batch-en build --lang en --formats xlsx -o "$work/batch-en" "$H" "$J" "$D"
expect_rc batch-en 0 "build --lang en of three communities"
# shellcheck disable=SC2086
py xlsx-rollup "$work/batch-en/returns.xlsx" en $FIGS
py xlsx-form "$work/batch-en/returns.xlsx" en
py xlsx-cadre-roles "$work/batch-en/returns.xlsx" en
check "batch: 东风社区 (GB18030 register) is named in return.xml, in UTF-8" \
    grep -q 'name="东风社区"' "$work/batch/return.xml"
check "batch: the 东风社区 summary is titled 东风社区" \
    grep -q '^# 东风社区' "$work/batch/summary-620402003002.md"
check "batch: summaries only up to the filing unit (the street; no district, city or all)" \
    test "$(cd "$work/batch" && ls summary-*.md | tr '\n' ' ')" = \
    "summary-620402003001.md summary-620402003002.md summary-$JCODE.md summary-street-620402003.md "

py xlsx-filer "$work/batch/returns.xlsx" 城关街道

echo "# 2b. two streets of two districts (tests/two-districts.py): the city files"
python3 tests/two-districts.py "$work/td-in"
cv td build -o "$work/td" "$work/td-in"/*.xml
expect_rc td 0 "build of four communities in two streets of two districts"
check "two districts: return.xml validates against input-schema/return.xsd" \
    sh -c 'xmllint --noout --nonet --schema input-schema/return.xsd "$1" 2>/dev/null' - "$work/td/return.xml"
py xlsx-filer "$work/td/returns.xlsx" 白银市
py rollup "$work/td/return.xml" street,street,district,district,city
# the figures of the two communities moved to 长征街道, 平川区
sed -e 's/^community.code = .*/community.code = 620403001002/' \
    -e 's/^community.street = .*/community.street = 长征街道/' \
    -e 's/^community.district = .*/community.district = 平川区/' \
    -e 's/^community.district-code = .*/community.district-code = 620403/' \
    -e 's/^community.street-code = .*/community.street-code = 620403001/' \
    "$ex/dongfeng-2011.figures.txt" >"$work/td-dongfeng.figures.txt"
sed -e 's/^community.code = .*/community.code = 620403001003/' \
    -e 's/^community.name = .*/community.name = 红旗社区/' \
    -e 's/^community.street = .*/community.street = 长征街道/' \
    -e 's/^community.district = .*/community.district = 平川区/' \
    -e 's/^community.district-code = .*/community.district-code = 620403/' \
    -e 's/^community.street-code = .*/community.street-code = 620403001/' \
    "$ex/hongxing-2011.figures.txt" >"$work/td-hongqi.figures.txt"
# the 汇总表 with subtotal rows: each above its communities, the 合计 first
py xlsx-rollup "$work/td/returns.xlsx" zh "$ex/hongxing-2011.figures.txt" "$JF" \
    "$work/td-dongfeng.figures.txt" "$work/td-hongqi.figures.txt"
py xlsx-form "$work/td/returns.xlsx" zh
check "two districts: summaries of the 4 communities, 2 streets, 2 districts and the city, nothing else" \
    test "$(cd "$work/td" && ls summary-*.md | tr '\n' ' ')" = \
    "summary-620402003001.md summary-620402003005.md summary-620403001002.md summary-620403001003.md summary-city-6204.md summary-district-620402.md summary-district-620403.md summary-street-620402003.md summary-street-620403001.md "

# =====================================================================
echo "# 3. determinism (SOURCE_DATE_EPOCH=$SOURCE_DATE_EPOCH)"
cv det1 build -o "$work/det1" "$H" "$J" "$D"
cv det2 build -o "$work/det2" "$H" "$J" "$D"
cv det3 build -o "$work/det3" "$D" "$J" "$H"
same_files() { # same_files DIR1 DIR2 GLOB: every GLOB file of DIR1 identical in DIR2
    n=0
    for f in "$1"/$3; do
        [ -f "$f" ] || return 1
        n=$((n + 1))
        cmp -s "$f" "$2/$(basename "$f")" || { echo "#   differs: $(basename "$f")"; return 1; }
    done
    [ $n -gt 0 ]
}
check "determinism: the two builds write the same files" \
    test "$(ls -A "$work/det1")" = "$(ls -A "$work/det2")"
for pat in return.xml returns.xlsx '*.md' '*.html' '*.docx'; do
    # shellcheck disable=SC2010
    n=$(ls "$work/det1" | grep -c "$(echo "$pat" | sed 's/\*//; s/\./\\./g')\$")
    check "determinism: $pat byte-identical in two builds ($n files)" \
        same_files "$work/det1" "$work/det2" "$pat"
done
check "determinism: registers named in another order write the same files" \
    test "$(ls -A "$work/det1")" = "$(ls -A "$work/det3")"
bad=
for f in "$work"/det1/*; do
    cmp -s "$f" "$work/det3/$(basename "$f")" || bad="$bad $(basename "$f")"
done
if [ -z "$bad" ]; then
    ok "determinism: registers in another order give byte-identical outputs (all $(ls "$work/det1" | wc -l) files)"
else
    notok "determinism: registers in another order give byte-identical outputs: differ:$bad"
fi
py created "$work/det1/returns.xlsx" "$STAMP"
py created "$work/det1/summary-$JCODE.docx" "$STAMP"

# =====================================================================
echo "# 4. never partial: failures leave nothing behind"
# an invalid register in the batch; OUTDIR holds last week's return
mkdir -p "$work/inv"
echo "previous return" >"$work/inv/return.xml"
cv inv build -o "$work/inv" "$H" "$J" "$ex/zz-broken-2011.xml"
expect_rc inv 1 "invalid register in the batch"
err_has inv "examples/zz-broken-2011.xml:3:" "invalid register: stderr names file:line of the schema error"
err_has inv "no return written" "invalid register: stderr says no return was written"
nothing_in "$work/inv" "invalid register: no output and no temporary folder in OUTDIR" return.xml
check "invalid register: the previous return.xml in OUTDIR is untouched" \
    test "$(cat "$work/inv/return.xml")" = "previous return"

cv untidy build -o "$work/untidy" "$ex/zz-untidy-2011.xml"
expect_rc untidy 1 "valid register with error findings (zz-untidy)"
err_has untidy "zz-untidy-2011.xml:42:" "untidy: stderr names the duplicate-id error at file:line"
err_has untidy "[duplicate-id]" "untidy: stderr names the rule"
err_has untidy "no return written" "untidy: stderr says no return was written"
nothing_in "$work/untidy" "untidy: no output and no temporary folder in OUTDIR"

cv partial build --allow-partial -o "$work/partial" "$H" "$J" "$ex/zz-broken-2011.xml"
expect_rc partial 1 "--allow-partial with an invalid register (outputs written, exit for invalid registers)"
err_has partial "excluded from the return: examples/zz-broken-2011.xml" \
    "--allow-partial: stderr names the excluded register"
if [ -f "$work/partial/return.xml" ]; then
    py partial "$work/partial" examples/zz-broken-2011.xml
else
    notok "--allow-partial: no return.xml written"
fi
# shellcheck disable=SC2046 # the outputs are allowed; anything else is not
nothing_in "$work/partial" "--allow-partial: no temporary folder left" \
    .canvass-manifest $(ls "$work/partial" 2>/dev/null)

# unwritable OUTDIR, 1: a path under a regular file (meaningful as root too)
echo "not a folder" >"$work/plainfile"
cv nodir build -o "$work/plainfile/sub" "$J"
expect_rc nodir 3 "OUTDIR under a regular file"
err_has nodir "$work/plainfile/sub" "OUTDIR under a regular file: stderr names the folder"
check "OUTDIR under a regular file: the file is untouched" \
    test "$(cat "$work/plainfile")" = "not a folder"

# OUTDIR a symbolic link to a folder that is not there: said as such (it
# used to be "the output folder keeps changing"), nothing created
ln -s "$work/no-such-folder" "$work/dangling"
cv dangling build -o "$work/dangling" "$J"
expect_rc dangling 3 "OUTDIR a symbolic link to a missing folder"
err_has dangling "symbolic link to a folder that does not exist" \
    "OUTDIR a symbolic link to a missing folder: stderr says so"
check "OUTDIR a symbolic link to a missing folder: nothing created" \
    test ! -e "$work/no-such-folder" -a -L "$work/dangling"
rm -f "$work/dangling"

# unwritable OUTDIR, 2: a read-only folder (root: a read-only tmpfs mount,
# since mode bits do not stop root; otherwise mode 0555)
mkdir -p "$work/ro"
ro_ready=no
if [ "$(id -u)" = 0 ]; then
    if mount -t tmpfs -o ro,size=64k tmpfs "$work/ro" 2>"$work/ro.mount.err"; then
        mounted="$mounted $work/ro"
        ro_ready=yes
        ro_how="read-only tmpfs mount"
    fi
else
    chmod 0555 "$work/ro" && ro_ready=yes && ro_how="mode 0555"
fi
if [ $ro_ready = yes ]; then
    cv ro build -o "$work/ro" "$J"
    expect_rc ro 3 "read-only OUTDIR ($ro_how)"
    err_has ro "$work/ro" "read-only OUTDIR: stderr names the folder"
    nothing_in "$work/ro" "read-only OUTDIR: nothing written"
else
    skip "read-only OUTDIR: cannot mount a read-only tmpfs ($(head -n 1 "$work/ro.mount.err"))"
fi

# a full disk: a 64 KiB tmpfs, less than the reference outputs need; OUTDIR
# is a folder inside it (canvass swaps OUTDIR with a folder beside it, so
# OUTDIR may not be the root of a mount)
if [ "$(id -u)" = 0 ]; then
    need=$(cat "$work"/ref/* | wc -c)
    mkdir -p "$work/full"
    if mount -t tmpfs -o size=64k tmpfs "$work/full" 2>"$work/full.mount.err"; then
        mounted="$mounted $work/full"
        cv full build -o "$work/full/out" "$J"
        expect_rc full 3 "full disk (64 KiB tmpfs, outputs need $need bytes)"
        if grep -qi 'no space' "$work/full.err"; then
            ok "full disk: stderr says there is no space"
        else
            notok "full disk: stderr says there is no space"
            tail -n 3 "$work/full.err" | sed 's/^/#   /'
        fi
        nothing_in "$work/full/out" "full disk: no output left in OUTDIR"
        nothing_in "$work/full" "full disk: no private folder left beside OUTDIR" out
        umount "$work/full" && mounted=$(echo "$mounted" | sed "s#$work/full##")
    else
        skip "full disk: cannot mount a tmpfs ($(head -n 1 "$work/full.mount.err"))"
    fi
else
    skip "full disk: needs root to mount a 64 KiB tmpfs"
fi

# a missing register, and one that cannot be read
cv missing build -o "$work/missing" "$J" "$ex/no-such-register.xml"
expect_rc missing 3 "missing register"
err_has missing "no-such-register.xml" "missing register: stderr names it"
nothing_in "$work/missing" "missing register: nothing written"
mkdir -p "$work/a-folder.xml"
cv unreadable build -o "$work/unreadable" "$J" "$work/a-folder.xml"
expect_rc unreadable 3 "unreadable register (a folder)"
err_has unreadable "a-folder.xml" "unreadable register: stderr names it"
nothing_in "$work/unreadable" "unreadable register: nothing written"
if [ "$(id -u)" != 0 ]; then
    cp "$J" "$work/noperm.xml" && chmod 000 "$work/noperm.xml"
    cv noperm build -o "$work/noperm" "$work/noperm.xml"
    expect_rc noperm 3 "register without read permission"
    nothing_in "$work/noperm" "register without read permission: nothing written"
fi

now_ms() { # milliseconds since the epoch, or nothing without GNU date
    t=$(date +%s%N 2>/dev/null)
    case $t in
    *[!0-9]* | '') echo ;;
    *) echo $((t / 1000000)) ;;
    esac
}
# interrupt: SIGINT 0.2 s into the build of a ~30 MB register
big=tests/out/build-big-register.xml
if [ ! -f "$big" ] || [ "$(wc -c <"$big")" -lt 30000000 ] ||
    [ -n "$(find "$J" "$tb/gen_big.py" -newer "$big")" ]; then
    python3 "$tb/gen_big.py" "$J" "$big"
fi
mkdir -p "$work/intr"
"$bin" build -o "$work/intr" "$big" >"$work/intr.out" 2>"$work/intr.err" &
pid=$!
sleep 0.2
kill -INT $pid 2>/dev/null
t0=$(now_ms)
wait $pid
rc=$?
t1=$(now_ms)
case $rc in
3)
    ok "interrupt: SIGINT after 0.2 s of a $(($(wc -c <"$big") / 1000000)) MB register (exit 3)"
    err_has intr "interrupt" "interrupt: stderr says the build was interrupted"
    nothing_in "$work/intr" "interrupt: no output, no partial file, no temporary folder"
    # no timing asserted (tests never time anything): stopping promptly
    # shows as the register not being read to its end, so none of its
    # findings and no summary line were printed
    if grep -q ': warning: \|register.*valid' "$work/intr.err"; then
        notok "interrupt: canvass stopped reading at once" \
            "it read on to the end of the register ($(grep -c ': warning: ' "$work/intr.err") findings printed; $((t1 - t0)) ms)"
    else
        ok "interrupt: canvass stopped reading at once (no findings, no summary line printed)"
    fi
    ;;
0)
    ok "interrupt: the build finished before SIGINT (exit 0)"
    py whole "$work/intr"
    # shellcheck disable=SC2046
    nothing_in "$work/intr" "interrupt: no temporary folder left" \
        .canvass-manifest $(ls "$work/intr")
    ;;
*)
    notok "interrupt: exit $rc, expected 3 (or 0 if it finished first)"
    diag "$work/intr.err"
    ;;
esac

# usage
cv usage build "$J"
expect_rc usage 2 "build without -o is a usage error"
cv usage2 build -o "$work/usage2" --formats xml,pdf "$J"
expect_rc usage2 2 "--formats with an unknown format is a usage error"
nothing_in "$work/usage2" "usage error: nothing written"

check "the registers are never modified" test "$(inputs_sum)" = "$inputs_before"

# =====================================================================
echo "# 5. --formats and --templates"
cv fmt build --formats xml,md -o "$work/fmt" "$H" "$J" "$D"
expect_rc fmt 0 "build --formats xml,md"
want=$(printf '%s\n' .canvass-manifest return.xml summary-620402003001.md summary-620402003002.md \
    summary-$JCODE.md summary-street-620402003.md | sort)
got=$(ls -A "$work/fmt" | sort)
if [ "$got" = "$want" ]; then
    ok "--formats xml,md writes exactly return.xml, the 4 summary .md files and the manifest"
else
    notok "--formats xml,md writes exactly return.xml, the 4 summary .md files and the manifest"
    echo "$got" | sed 's/^/#   got: /'
fi
check "--formats xml,md: return.xml is the same as in a full build" \
    cmp -s "$work/fmt/return.xml" "$work/det1/return.xml"

cp -R output-templates/zh "$work/tpl"
old_sentence='从收集情况看'
new_sentence='从收集的情况看（模板已改）'
if grep -q "$old_sentence" "$work/tpl/summary.xsl"; then
    sed "s/$old_sentence/$new_sentence/" "$work/tpl/summary.xsl" >"$work/tpl/summary.xsl.new" &&
        mv "$work/tpl/summary.xsl.new" "$work/tpl/summary.xsl"
    cv tpl build --templates "$work/tpl" --formats md -o "$work/tpl-out" "$J"
    expect_rc tpl 0 "build --templates with an edited copy of output-templates/zh"
    if grep -qF "$new_sentence" "$work/tpl-out/summary-$JCODE.md" &&
        ! grep -qF "$old_sentence" "$work/tpl-out/summary-$JCODE.md" &&
        grep -qF "$old_sentence" "$work/ref/summary-$JCODE.md"; then
        ok "--templates: the changed sentence of summary.xsl is in the .md (no rebuild)"
    else
        notok "--templates: the changed sentence of summary.xsl is in the .md (no rebuild)"
    fi
    check "--templates: only the sentence changed (the figures are the same)" \
        test "$(sed "s/$new_sentence/$old_sentence/" "$work/tpl-out/summary-$JCODE.md")" = \
        "$(cat "$work/ref/summary-$JCODE.md")"
else
    notok "--templates: output-templates/zh/summary.xsl no longer says \"$old_sentence\"; update this test"
fi

# =====================================================================
echo "# 6. the activity summary of the reference register"
py summary-md "$work/ref/summary-$JCODE.md" zh "$JF"
py summary-md "$work/ref-en/summary-$JCODE.md" en "$JF"
py summary-docx "$work/ref/summary-$JCODE.docx" zh "$JF"
py summary-docx "$work/ref-en/summary-$JCODE.docx" en "$JF"
check "zh: summary .html has the title 金山社区 and the date 2011年11月10日" \
    sh -c "grep -q '金山社区' '$work/ref/summary-$JCODE.html' && grep -q '2011年11月10日' '$work/ref/summary-$JCODE.html'"

# =====================================================================
echo "# 7. many findings: listed up to the cap, counted beyond it, all in findings.csv"
python3 tools/gen-big.py --households 300 --density 1 --seed 7 "$work/dense.xml"
cv listing build --max-findings 5 -o "$work/listing" "$work/dense.xml"
expect_rc listing 0 "a register with 900 warnings builds"
py listing "$work/listing" 5
cv listing-all build --max-findings all -o "$work/listing-all" "$work/dense.xml"
expect_rc listing-all 0 "--max-findings all: the same register builds"
py listing-all "$work/listing-all"
# every finding listed, of 50,000 households (28 MB of return.xml): peak
# memory as with the list capped, and the bytes as made in memory
python3 tools/gen-big.py --households 50000 --density 1 --seed 11 "$work/flat.xml" >/dev/null
if grep -aq __asan_init "$bin"; then measure=no; else measure=yes; fi
py all-flat "$bin" "$work/flat.xml" "$work" "$measure"
python3 tools/gen-big.py --households 200 --density 0.5 --seed 8 "$work/dense2.xml" 620402003011 乙社区
# any --jobs gives the same bytes: every output (workbook and documents
# too, their timestamps from SOURCE_DATE_EPOCH) and the diagnostics, for
# four registers of four communities read by 1, 2, 3 and 8 threads
python3 tools/gen-big.py --households 150 --density 1 --visits 2 --seed 9 "$work/dense3.xml" 620402003012 丙社区
jregs="$work/dense.xml $work/dense2.xml $work/dense3.xml examples/hongxing-2011.xml"
for j in 1 2 3 8; do
    # shellcheck disable=SC2086 # the registers
    SOURCE_DATE_EPOCH=1320883200 cv listing-j$j build --max-findings 5 --jobs $j -o "$work/listing-j$j" $jregs
done
same=yes
for j in 2 3 8; do
    n=0
    for f in "$work/listing-j1"/*; do
        n=$((n + 1))
        cmp -s "$f" "$work/listing-j$j/$(basename "$f")" || same="no: $(basename "$f") with --jobs $j"
    done
    [ "$(ls "$work/listing-j$j" | wc -l)" = "$n" ] || same="no: other files with --jobs $j"
    cmp -s "$work/listing-j1.err" "$work/listing-j$j.err" || same="no: the diagnostics with --jobs $j"
done
[ "$(ls "$work/listing-j1" | wc -l)" -ge 9 ] || same="no: too few outputs"
check "many findings, four registers: --jobs 1, 2, 3 and 8 give byte-identical outputs (every file) and diagnostics ($same)" \
    test "$same" = yes
# unnamed NAME: NAME's stdout and stderr with $work/NAME put as OUT
unnamed() {
    sed "s#$work/$1#OUT#g" "$work/$1.out" >"$work/$1.out.n"
    sed "s#$work/$1#OUT#g" "$work/$1.err" >"$work/$1.err.n"
}
same=yes
unnamed listing-j1
for j in 2 3 8; do
    cmp -s "$work/listing-j1/.canvass-manifest" "$work/listing-j$j/.canvass-manifest" ||
        same="no: the manifest with --jobs $j"
    unnamed listing-j$j
    cmp -s "$work/listing-j1.out.n" "$work/listing-j$j.out.n" ||
        same="no: the outputs listed with --jobs $j"
done
check "--jobs 1, 2, 3 and 8: the same outputs listed, in the same order, and the same manifest ($same)" \
    test "$same" = yes

# the summaries are rendered beside the workbook with --jobs 2: a summary
# that fails is said as with --jobs 1, and only when the outputs made
# before it (the workbook, findings.csv) did not fail first
cp -R output-templates/zh "$work/tpl-stop"
sed 's#<xsl:template match="/s:summary">#&<xsl:message terminate="yes">测试：模板在此停止</xsl:message>#' \
    output-templates/zh/md.xsl >"$work/tpl-stop/md.xsl"
for j in 1 2; do
    cv stop-j$j build --templates "$work/tpl-stop" --jobs $j -o "$work/stop-j$j" "$H" "$J"
    expect_rc stop-j$j 3 "--jobs $j: a summary template that stops fails the build"
    err_has stop-j$j "测试：模板在此停止" "--jobs $j: stderr gives the template's words"
    check "--jobs $j: nothing was put in place" test -z "$(ls -A "$work/stop-j$j" 2>/dev/null)"
    mkdir -p "$work/stop-csv-j$j/findings.csv"
    cv stop-csv-j$j build --templates "$work/tpl-stop" --jobs $j -o "$work/stop-csv-j$j" "$H" "$J"
    expect_rc stop-csv-j$j 3 "--jobs $j: a folder at findings.csv and a template that stops"
    err_has stop-csv-j$j "findings.csv is a folder" "--jobs $j: stderr names findings.csv, made before the summaries"
    check "--jobs $j: only that failure is said" test "$(grep -c '^canvass: ' "$work/stop-csv-j$j.err")" = 1
done
unnamed stop-j1
unnamed stop-j2
unnamed stop-csv-j1
unnamed stop-csv-j2
check "a failing summary: the same stderr with --jobs 1 and 2" \
    cmp -s "$work/stop-j1.err.n" "$work/stop-j2.err.n"
check "a folder at findings.csv: the same stderr with --jobs 1 and 2" \
    cmp -s "$work/stop-csv-j1.err.n" "$work/stop-csv-j2.err.n"

# the return is checked against return.xsd (a failure is a bug of
# canvass) while it is parsed for the renderers with --jobs 2: a copy of
# canvass whose return.xsd no return can match fails the build as an
# internal error, with nothing put in place and the same stderr as with
# --jobs 1
mkdir -p "$work/strict/input-schema"
cp "$bin" "$work/strict/canvass"
cp input-schema/register.xsd "$work/strict/input-schema/"
sed 's#<xs:attribute name="generator" type="xs:string" use="required"/>#<xs:attribute name="generator" use="required"><xs:simpleType><xs:restriction base="xs:string"><xs:maxLength value="1"/></xs:restriction></xs:simpleType></xs:attribute>#' \
    input-schema/return.xsd >"$work/strict/input-schema/return.xsd"
if cmp -s input-schema/return.xsd "$work/strict/input-schema/return.xsd"; then
    notok "strict return.xsd: the generator attribute was not found to restrict"
else
    for j in 1 2; do
        mkdir -p "$work/strict-j$j"
        echo old >"$work/strict-j$j/return.xml"
        "$work/strict/canvass" build --lang en --jobs $j -o "$work/strict-j$j" "$H" \
            >"$work/strict-j$j.out" 2>"$work/strict-j$j.err"
        rc=$?
        check "--jobs $j: a return not matching return.xsd fails the build (exit 3, got $rc)" \
            test $rc = 3
        check "--jobs $j: stderr says it is an internal error and names return.xsd" \
            sh -c "grep -q 'return.xsd' '$work/strict-j$j.err' && grep -q 'generator' '$work/strict-j$j.err'"
        check "--jobs $j: the old set is kept" \
            sh -c "[ \"\$(ls -A '$work/strict-j$j')\" = return.xml ] && grep -qx old '$work/strict-j$j/return.xml'"
    done
    unnamed strict-j1
    unnamed strict-j2
    check "a return not matching return.xsd: the same stderr with --jobs 1 and 2" \
        cmp -s "$work/strict-j1.err.n" "$work/strict-j2.err.n"
fi

# build reads the findings once for the terminal and findings.csv: the
# terminal in the locale's language (capped by --max-findings), the file
# in --lang's (every finding), and the file the same bytes as the one
# written on its own (OUTDIR a link to another file system: the unnamed
# file made beside the link cannot be linked into the set there, so
# findings.csv is written again from the findings)
for l in en zh; do
    LANG=zh_CN.UTF-8 SOURCE_DATE_EPOCH=1320883200 cv one-$l build --lang $l --max-findings 5 -o "$work/one-$l" "$work/dense.xml"
    LANG=C SOURCE_DATE_EPOCH=1320883200 cv one-c-$l build --lang $l --max-findings 5 -o "$work/one-c-$l" "$work/dense.xml"
done
nf=$(sed -n 's/.*警告 \([0-9]*\) 个$/\1/p' "$work/one-en.err")
rows=$(($(wc -l <"$work/one-en/findings.csv") - 1))
check "one reading: findings.csv holds every finding ($rows rows, $nf warnings) while the terminal lists 5 per rule" \
    sh -c "[ '$rows' = '$nf' ] && grep -q '另有' '$work/one-en.err' && [ -z \"\$(grep -o '\[[a-z-]*\]\$' '$work/one-en.err' | sort | uniq -c | awk '\$1 != 5')\" ]"
check "one reading: the terminal speaks the locale's language, findings.csv --lang's" \
    sh -c "grep -q '没有包户干部' '$work/one-en.err' && grep -q 'has no responsible cadre' '$work/one-en/findings.csv' && ! grep -q '没有包户干部' '$work/one-en/findings.csv' && grep -q 'has no responsible cadre' '$work/one-c-zh.err' && grep -q '没有包户干部' '$work/one-c-zh/findings.csv'"
check "one reading: findings.csv the same whatever the terminal's language" \
    sh -c "cmp -s '$work/one-en/findings.csv' '$work/one-c-en/findings.csv' && cmp -s '$work/one-zh/findings.csv' '$work/one-c-zh/findings.csv'"
if [ "$(id -u)" = 0 ]; then
    mkdir -p "$work/other"
    if mount -t tmpfs -o size=64m tmpfs "$work/other" 2>"$work/other.mount.err"; then
        mounted="$mounted $work/other"
        rm -rf "$work/one-link"
        mkdir "$work/other/o" # the root of a mount is no OUTDIR
        ln -s "$here/$work/other/o" "$work/one-link"
        LANG=zh_CN.UTF-8 SOURCE_DATE_EPOCH=1320883200 cv one-link build --lang en --max-findings 5 -o "$work/one-link" "$work/dense.xml"
        check "one reading: findings.csv written on its own (OUTDIR on another file system than the folder of its link) is the same bytes" \
            sh -c "[ $rc = 0 ] && cmp '$work/one-en/findings.csv' '$work/other/o/findings.csv' && cmp '$work/one-en.err' '$work/one-link.err'"
        umount "$work/other" && mounted=$(echo "$mounted" | sed "s| $work/other||")
        rm -f "$work/one-link"
    else
        skip "findings.csv written on its own: cannot mount a tmpfs ($(head -n 1 "$work/other.mount.err"))"
    fi
else
    skip "findings.csv written on its own: needs root to mount a tmpfs"
fi

# =====================================================================
echo "# 8. the progress line: on a terminal only, erased at the end"
# drawn FILE REGEX...: what a terminal was sent (FILE, script(1)'s copy),
# its carriage returns taken as line ends, has a line matching each REGEX
drawn() {
    f=$1
    shift
    for re in "$@"; do
        tr '\r' '\n' <"$f" | grep -q "$re" || return 1
    done
}
regs="examples/dongfeng-2011.xml examples/hongxing-2011.xml examples/jinshan-2011.xml"
cv noprog check $regs
check "progress: nothing when stderr is not a terminal" \
    sh -c "! grep -q 'MB/s' '$work/noprog.err' && ! grep -q \"\$(printf '\\r')\" '$work/noprog.err' && grep -q '3 registers, 3 valid' '$work/noprog.err'"
if command -v script >/dev/null 2>&1 && script -qec true /dev/null >/dev/null 2>&1; then
    script -qec "'$bin' check $regs >/dev/null" /dev/null >"$work/tty.err" 2>&1
    check "progress: on a terminal, registers done/total, MB read, MB/s" \
        grep -q 'canvass: 3/3 registers, [0-9.]* MB, [0-9.]* MB/s' "$work/tty.err"
    check "progress: erased before the summary line" \
        drawn "$work/tty.err" '^.\[K3 registers, 3 valid'
    script -qec "'$bin' check --quiet $regs >/dev/null" /dev/null >"$work/quiet.err" 2>&1
    check "progress: none with --quiet" \
        sh -c "! grep -q 'MB/s' '$work/quiet.err' && grep -q '3 registers, 3 valid' '$work/quiet.err'"
    # build and merge: then the units whose summaries are written (the
    # longest part of a merge with every output), from the thread that
    # renders them beside the workbook (--jobs 2) or from this one
    for j in 1 2; do
        rm -rf "$work/prog-b$j"
        script -qec "'$bin' build --jobs $j -o '$work/prog-b$j' $regs" /dev/null >"$work/prog-b$j.tty" 2>&1
        check "progress: build --jobs $j on a terminal: the units whose summaries are written, of all (3 communities, the street)" \
            drawn "$work/prog-b$j.tty" '^.\[Kcanvass: summaries of 4/4 units written$'
        check "progress: build --jobs $j: the line erased before the outputs are named" \
            drawn "$work/prog-b$j.tty" "^.\[K$work/prog-b$j/return.xml"
    done
    rm -rf "$work/prog-r1" "$work/prog-r2" "$work/prog-m"
    cv prog-r1 build --formats xml -o "$work/prog-r1" examples/dongfeng-2011.xml
    cv prog-r2 build --formats xml -o "$work/prog-r2" examples/hongxing-2011.xml
    script -qec "'$bin' merge -o '$work/prog-m' '$work/prog-r1/return.xml' '$work/prog-r2/return.xml'" /dev/null >"$work/prog-m.tty" 2>&1
    check "progress: merge on a terminal, returns read of all, MB read, MB/s" \
        grep -q 'canvass: 2/2 returns, [0-9.]* MB, [0-9.]* MB/s' "$work/prog-m.tty"
    check "progress: merge, then the units whose summaries are written, erased before the outputs are named" \
        drawn "$work/prog-m.tty" '^.\[Kcanvass: summaries of 3/3 units written$' \
            "^.\[K$work/prog-m/return.xml"
    script -qec "'$bin' merge --quiet -o '$work/prog-m' '$work/prog-r1/return.xml' '$work/prog-r2/return.xml'" /dev/null >"$work/prog-mq.tty" 2>&1
    check "progress: merge --quiet draws none" \
        sh -c "! grep -q -e 'returns, ' -e 'units written' '$work/prog-mq.tty' && grep -q '$work/prog-m/return.xml' '$work/prog-mq.tty'"
    cv prog-mn merge -o "$work/prog-m" "$work/prog-r1/return.xml" "$work/prog-r2/return.xml"
    check "progress: merge draws none when stderr is not a terminal" \
        sh -c "[ $rc = 0 ] && ! grep -q -e 'returns, ' -e 'units written' -e \"\$(printf '\\r')\" '$work/prog-mn.err'"
else
    skip "progress on a terminal: script(1) cannot make one here"
fi

# =====================================================================
cleanup
mounted=
ended=$(date +%s)
echo "# took $((ended - started)) s"
if [ $skipped -gt 0 ]; then
    echo "build: $pass passed, $fail failed, $skipped skipped"
else
    echo "build: $pass passed, $fail failed"
fi
[ $fail -eq 0 ]
