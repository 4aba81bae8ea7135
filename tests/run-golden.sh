#!/bin/sh
# tests/run-golden.sh — golden tests of the canvass command line (jq style).
#
#   sh tests/run-golden.sh CANVASS_BINARY          run every case
#   UPDATE=1 sh tests/run-golden.sh CANVASS_BINARY rewrite the expected files
#   sh tests/run-golden.sh CANVASS_BINARY CASE...  run only the named cases
#
# Each case is a folder tests/golden/<case>/ holding
#   cmd       a short shell snippet, run by sh with the current folder tests/
#             and $CANVASS naming the binary (an absolute path)
#   stdout    what it must print on standard output
#   stderr    what it must print on standard error
#   rc        its exit code, as one line
#   stdout.zh, stderr.zh
#             the same in Chinese: every case runs twice, in English
#             (LC_ALL=C) and in Chinese (LANG=zh_CN.UTF-8, which canvass
#             honours even where that locale is not generated); the exit
#             code must be the same in both
#   requires  (optional) commands the case needs, separated by blanks; when
#             one is missing the case is skipped, not failed
# Outputs are compared with cmp; a failure shows a diff. Expected files hold
# no absolute path and nothing that varies between runs or machines.
#
# Before the cases run, the hostile inputs are generated into out/hostile
# (hostile/make-hostile.sh). Scratch files go under tests/out/ (ignored by
# git). The last line is "golden: N passed, M failed[, K skipped]"; the exit
# status is 1 when a case failed, 2 on bad usage.
set -u

if [ $# -lt 1 ]; then
    echo "usage: $0 CANVASS_BINARY [CASE...]" >&2
    exit 2
fi
bin=$1
shift
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
if [ ! -x "$bin" ] || [ -d "$bin" ]; then
    echo "run-golden: $bin is not an executable program" >&2
    exit 2
fi
cd "$(dirname "$0")" || exit 2

CANVASS=$bin
export CANVASS
# the language is chosen per run below; nothing of the caller's leaks in
unset LANGUAGE LC_ALL LC_MESSAGES LANG

# fresh hostile inputs (a FIFO and a directory among them)
rm -rf out/hostile
if ! sh hostile/make-hostile.sh out/hostile; then
    echo "run-golden: hostile/make-hostile.sh failed" >&2
    exit 2
fi

# a hung case (a FIFO opened for reading...) must not hang the suite
if command -v timeout >/dev/null 2>&1; then
    limit="timeout 300"
else
    limit=
fi

# the cases named on the command line, else every folder of golden/
if [ $# -eq 0 ]; then
    set -- golden/*/
fi

pass=0
fail=0
skip=0
for dir in "$@"; do
    dir=golden/${dir#golden/}
    dir=${dir%/}
    name=${dir#golden/}
    if [ ! -f "$dir/cmd" ]; then
        echo "FAIL: $name: no cmd file"
        fail=$((fail + 1))
        continue
    fi
    if [ -f "$dir/requires" ]; then
        missing=
        # shellcheck disable=SC2013 # words, not lines
        for tool in $(cat "$dir/requires"); do
            command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
            # strace present but not allowed to trace (a container without
            # ptrace) is as good as missing
            if [ "$tool" = strace ] && command -v strace >/dev/null 2>&1 &&
                ! strace -o /dev/null true >/dev/null 2>&1; then
                missing="$missing strace(ptrace)"
            fi
        done
        if [ -n "$missing" ]; then
            echo "SKIP: $name (needs$missing)"
            skip=$((skip + 1))
            continue
        fi
    fi
    got=out/golden/$name
    rm -rf "$got"
    mkdir -p "$got"
    # English: messages of canvass and of the C library (strerror) alike
    LC_ALL=C $limit sh "$dir/cmd" >"$got/stdout" 2>"$got/stderr" </dev/null
    echo $? >"$got/rc"
    # Chinese, as a user in China has it
    LANG=zh_CN.UTF-8 $limit sh "$dir/cmd" >"$got/stdout.zh" \
        2>"$got/stderr.zh" </dev/null
    echo $? >"$got/rc.zh"

    if [ -n "${UPDATE:-}" ]; then
        for f in stdout stderr rc stdout.zh stderr.zh; do
            cp "$got/$f" "$dir/$f"
        done
        echo "updated: $name"
        pass=$((pass + 1))
        continue
    fi
    ok=1
    for f in stdout stderr rc stdout.zh stderr.zh; do
        if [ ! -f "$dir/$f" ]; then
            [ $ok = 1 ] && echo "FAIL: $name"
            echo "  no expected $f (make it with UPDATE=1, then read it)"
            ok=0
        elif ! cmp -s "$dir/$f" "$got/$f"; then
            [ $ok = 1 ] && echo "FAIL: $name"
            echo "  $f differs (expected, then got):"
            diff -u "$dir/$f" "$got/$f" | sed -n '3,$p' | head -40 | sed 's/^/    /'
            ok=0
        fi
    done
    if ! cmp -s "$got/rc" "$got/rc.zh"; then
        [ $ok = 1 ] && echo "FAIL: $name"
        echo "  exit code $(cat "$got/rc") in English, $(cat "$got/rc.zh") in Chinese"
        ok=0
    fi
    if [ $ok = 1 ]; then
        pass=$((pass + 1))
    else
        fail=$((fail + 1))
    fi
done

if [ -n "${UPDATE:-}" ]; then
    echo "golden: $pass updated, $skip skipped (now read every changed file: git diff tests/golden)"
    exit 0
fi
if [ $skip -gt 0 ]; then
    echo "golden: $pass passed, $fail failed, $skip skipped"
else
    echo "golden: $pass passed, $fail failed"
fi
[ $fail = 0 ]
