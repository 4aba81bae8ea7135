#!/bin/sh
# tools/lint.sh — make lint: the tree's habits, checked (STYLE.md, issue 12).
#
#   sh tools/lint.sh [format|rules|includes|cppcheck|tidy]...   (default: all)
#
# format    clang-format --dry-run over src/ and tests/unit/ (.clang-format)
# rules     grep rules: one growth helper (realloc only in buf.c), no
#           sprintf/vsprintf, no hand-sized message (malloc(strlen...)),
#           static names without the S_ prefix, only main.c prints or
#           exits, files over 900 lines say why in their design note
#           (files listed in tools/lint-pending.txt: reported, not failed)
# includes  no include loop in src/ (tools/includes.py)
# cppcheck  cppcheck --enable=warning,portability,performance
# tidy      clang-tidy with .clang-tidy (the slow one: two files at a time)
#
# Prints what fails and exits 1; needs clang-format, cppcheck, clang-tidy
# (make deps), python3 and pkg-config.
set -u
cd "$(dirname "$0")/.." || exit 2
fail=0
PKGS="libxml-2.0 libxslt libexslt xlsxwriter libzip nettle"

bad() {
    echo "lint: $*" >&2
    fail=1
}

# Files with known hits owned by work in flight (tools/lint-pending.txt).
pending=$(sed -n 's/^\(src\/[^ ]*\).*/\1/p' tools/lint-pending.txt 2>/dev/null)

is_pending() {
    for p in $pending; do
        [ "$p" = "$1" ] && return 0
    done
    return 1
}

# rule NAME PATTERN FILES...: no line of FILES matches the extended regex
# PATTERN (comments included: say it another way there). Hits in pending
# files are counted, not failed.
rule() {
    name=$1
    pat=$2
    shift 2
    for f in "$@"; do
        hits=$(grep -nE "$pat" "$f" 2>/dev/null) || continue
        if is_pending "$f"; then
            echo "lint: pending: $f: $(echo "$hits" | wc -l) x $name" >&2
            continue
        fi
        bad "$name:"
        echo "$hits" | sed "s|^|    $f:|" >&2
    done
}

do_format() {
    for f in src/*.c src/*.h tests/unit/*.c tests/unit/*.h; do
        if ! clang-format --dry-run --Werror "$f" >/dev/null 2>&1; then
            bad "format: $f differs from clang-format (make format)"
        fi
    done
}

do_rules() {
    rule "realloc outside buf.c (use GROW or buf_t)" '\brealloc\(' \
        $(ls src/*.c | grep -v '^src/buf\.c$')
    rule "sprintf (use snprintf, buf_printf or error_format)" \
        '(^|[^n])v?sprintf\(' src/*.c src/*.h
    rule "hand-sized allocation (use error_format or buf_t)" \
        'malloc\(strlen\(' src/*.c
    rule "S_ prefix on a static (name it plainly)" \
        '^static [^=(]*\bS_[a-z0-9_]+\(' src/*.c
    rule "printing or exiting outside main.c (return an error_code)" \
        '\b(printf|puts|perror|exit|abort)\(|\bf(printf|puts)\((stdout|stderr)' \
        $(ls src/*.c | grep -v '^src/main\.c$')
    for f in src/*.c; do
        n=$(wc -l <"$f")
        if [ "$n" -gt 900 ] && ! head -80 "$f" | grep -q 'Why one file'; then
            if is_pending "$f"; then
                echo "lint: pending: $f has $n lines" >&2
                continue
            fi
            bad "$f has $n lines: split it, or say why in its design note" \
                "(a paragraph beginning 'Why one file')"
        fi
    done
}

do_includes() {
    python3 tools/includes.py || bad "includes: see above"
}

do_cppcheck() {
    # shellcheck disable=SC2086
    if ! cppcheck --std=c11 --enable=warning,portability,performance \
        --inline-suppr -q --error-exitcode=1 -D_POSIX_C_SOURCE=200809L \
        -DCANVASS_VERSION=\"lint\" -DCANVASS_DATADIR=\"lint\" \
        -DCANVASS_LOCALEDIR=\"lint\" src/; then
        bad "cppcheck: see above"
    fi
}

# tidy_one FILE OUT: clang-tidy on FILE, its report in OUT/FILE.txt and
# FILE appended to OUT/failed when it finds something.
tidy_one() {
    # shellcheck disable=SC2046
    clang-tidy -quiet "$1" -- -std=c11 -D_POSIX_C_SOURCE=200809L \
        -DCANVASS_VERSION='"lint"' -DCANVASS_DATADIR='"lint"' \
        -DCANVASS_LOCALEDIR='"lint"' \
        $(pkg-config --cflags $PKGS) >"$2/$(basename "$1").txt" 2>&1 ||
        echo "$1" >>"$2/failed"
}

do_tidy() {
    out=$(mktemp -d) || return
    ls src/*.c | xargs -P 2 -n 1 sh "$0" tidy-one "$out"
    if [ -s "$out/failed" ]; then
        for f in $(cat "$out/failed"); do
            grep -E 'warning:|error:' -A3 "$out/$(basename "$f").txt" >&2
        done
        bad "clang-tidy: $(tr '\n' ' ' <"$out/failed")"
    fi
    rm -rf "$out"
}

if [ "${1:-}" = tidy-one ]; then # one file, from do_tidy's xargs
    tidy_one "$3" "$2"
    exit 0
fi
[ $# -eq 0 ] && set -- format rules includes cppcheck tidy
for step in "$@"; do
    case $step in
    format | rules | includes | cppcheck | tidy) "do_$step" ;;
    *)
        echo "usage: $0 [format|rules|includes|cppcheck|tidy]..." >&2
        exit 2
        ;;
    esac
done
[ $fail = 0 ] && echo "lint: clean ($*)"
exit $fail
