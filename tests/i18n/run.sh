#!/bin/sh
# tests/i18n/run.sh — the Chinese messages, the manual, the completion and
# the install, checked together:
#
#   sh tests/i18n/run.sh CANVASS_BINARY
#
#   catalogue  po/zh_CN.po has every message of the sources (a fresh
#              xgettext of src/*.c, compared with msgcmp), none untranslated
#              or fuzzy (msgfmt --statistics), and compiles with --check;
#   gettext    tests/i18n/scan.py: every user-visible string literal of
#              src/*.c goes through _() / P_();
#   locale     --help in English under LC_ALL=C, in Chinese under
#              LANGUAGE=zh_CN and under LANG=zh_CN.UTF-8 even where no zh
#              locale is generated;
#   manual     every option of --help is in man/canvass.1 and
#              man/zh_CN/canvass.1 and every option of the pages is in
#              --help; both pages render with no groff warning;
#   completion the bash completion offers the commands, the options and
#              the rule ids the program lists;
#   languages  documents follow --lang, the terminal the locale: the same
#              build under LC_ALL=C and LANG=zh_CN.UTF-8 writes the same
#              findings.csv and return.xml, and different stderr;
#   documents  a Chinese build of every example (workbook, summaries) holds
#              no run of three English words (tests/i18n/zh_docs.py);
#   install    make install DESTDIR=... installs binary, schemas,
#              templates, catalogue, man pages and completion; the
#              installed binary, moved elsewhere, still prints Chinese.
# Scratch files go under tests/out/i18n. Last line: "i18n: N passed, M
# failed"; exit 1 when a check failed.
set -u

if [ $# -ne 1 ]; then
    echo "usage: $0 CANVASS_BINARY" >&2
    exit 2
fi
bin=$1
case $bin in
/*) ;;
*) bin=$(pwd)/$bin ;;
esac
top=$(cd "$(dirname "$0")/../.." && pwd)
out=$top/tests/out/i18n
rm -rf "$out"
mkdir -p "$out"
cd "$top" || exit 2
unset LANGUAGE LC_MESSAGES LANG LC_ALL

pass=0
fail=0
ok() { pass=$((pass + 1)); }
bad() {
    echo "FAIL: $*"
    fail=$((fail + 1))
}

# ---- catalogue ----------------------------------------------------------
# shellcheck disable=SC2046 # the source files, one word each
xgettext --from-code=UTF-8 --language=C -k_ -kN_ -kP_:1,2 -kC_:1c,2 -kngettext:1,2 \
    -o "$out/fresh.pot" $(ls src/*.c src/*.h | sort) 2>"$out/xgettext.err" ||
    bad "xgettext failed: $(cat "$out/xgettext.err")"
if [ -f "$out/fresh.pot" ]; then
    if msgcmp po/zh_CN.po "$out/fresh.pot" >"$out/msgcmp" 2>&1; then ok; else
        bad "po/zh_CN.po lacks messages of the sources (run make pot, then translate):"
        sed -n '1,20p' "$out/msgcmp"
    fi
fi
stats=$(LC_ALL=C msgfmt --check --statistics -o /dev/null po/zh_CN.po 2>&1)
case $stats in
*untranslated* | *fuzzy*) bad "po/zh_CN.po: $stats" ;;
*" translated message"*) ok ;;
*) bad "po/zh_CN.po does not compile: $stats" ;;
esac

# ---- every user-visible string through gettext --------------------------
if python3 tests/i18n/scan.py src/*.c >"$out/scan" 2>&1; then ok; else
    bad "strings that reach the user without _():"
    sed -n '1,30p' "$out/scan"
fi

# ---- the locale chooses the language ------------------------------------
en=$(LC_ALL=C "$bin" --help | head -1)
zh1=$(LANG=C.UTF-8 LANGUAGE=zh_CN "$bin" --help | head -1)
zh2=$(LANG=zh_CN.UTF-8 "$bin" --help | head -1)
zh3=$(LC_ALL=C LANGUAGE=zh_CN "$bin" --help | head -1)
case $en in "usage: canvass check"*) ok ;; *) bad "LC_ALL=C --help: $en" ;; esac
for z in "$zh1" "$zh2" "$zh3"; do
    case $z in "用法：canvass check"*) ok ;; *) bad "Chinese --help: $z" ;; esac
done

# ---- manual and --help in step ------------------------------------------
opts_help() { # the options a --help text names, one a line
    grep -o -E '(^|[ ,])(--[a-z][a-z-]*|-[a-z])\b' | sed 's/^[ ,]*//' | sort -u
}
opts_man() { # the options a man page names (groff escapes undone)
    sed 's/\\-/-/g; s/\\f[BIRP]//g' "$1" | grep -v '^\.\\"' |
        grep -o -E '(^|[ ,"(])(--[a-z][a-z-]*|-[a-z])\b' | sed 's/^[ ,"(]*//' | sort -u
}
LC_ALL=C "$bin" --help | opts_help >"$out/help.en"
LANGUAGE=zh_CN LANG=C.UTF-8 "$bin" --help | opts_help >"$out/help.zh"
# --version and --help are on the usage line of --help too
if [ "$(wc -l <"$out/help.en")" -lt 10 ]; then
    bad "--help names too few options: $(tr '\n' ' ' <"$out/help.en")"
fi
if cmp -s "$out/help.en" "$out/help.zh"; then ok; else
    bad "the English and Chinese --help name different options:"
    diff "$out/help.en" "$out/help.zh"
fi
for page in man/canvass.1 man/zh_CN/canvass.1; do
    opts_man "$page" >"$out/man.opts"
    if cmp -s "$out/help.en" "$out/man.opts"; then ok; else
        bad "$page and --help name different options (< only in --help, > only in the page):"
        diff "$out/help.en" "$out/man.opts" | grep '^[<>]'
    fi
done
for page in man/canvass.1 man/zh_CN/canvass.1; do
    w=$(groff -k -Tutf8 -ww -z -man "$page" 2>&1)
    if [ -z "$w" ]; then ok; else bad "groff warns on $page: $w"; fi
    if command -v man >/dev/null 2>&1; then
        w=$(LC_ALL=C.UTF-8 MANWIDTH=80 man -l "$page" 2>&1 >/dev/null)
        if [ -z "$w" ]; then ok; else bad "man -l warns on $page: $w"; fi
    fi
done

# ---- bash completion ----------------------------------------------------
complete_words() { # LINE: what completing the last word of LINE offers
    # shellcheck disable=SC2016 # expanded by bash, not here
    bash -c '
        compopt() { :; }
        . completion/canvass.bash
        PATH=$(dirname "$1"):$PATH
        read -r -a COMP_WORDS <<<"$2"
        case $2 in *" ") COMP_WORDS+=("") ;; esac
        COMP_WORDS[0]=$1
        COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
        _canvass
        printf "%s\n" "${COMPREPLY[@]}"' sh "$bin" "$1"
}
got=$(complete_words "canvass " | tr '\n' ' ')
[ "$got" = "check build merge verify --help --version " ] && ok ||
    bad "completing a command: $got"
got=$(complete_words "canvass build --allow" | tr '\n' ' ')
[ "$got" = "--allow-partial " ] && ok || bad "completing --allow: $got"
got=$(complete_words "canvass merge --allow" | tr '\n' ' ')
[ "$got" = "--allow-partial " ] && ok || bad "completing merge --allow: $got"
got=$(complete_words "canvass verify --ou" | tr -d "\n ")
[ -z "$got" ] && ok || bad "verify offers an output option: $got"
got=$(complete_words "canvass verify --q" | tr '\n' ' ')
[ "$got" = "--quiet " ] && ok || bad "completing verify --q: $got"
got=$(complete_words "canvass check --rule " | tr '\n' ' ')
want=$("$bin" --list-rules | sed 's/$/=/' | tr '\n' ' ')
[ -n "$want" ] && [ "$got" = "$want" ] && ok ||
    bad "completing --rule: got '$got', want '$want'"
got=$(complete_words "canvass check --rule overdue-item=w" | tr '\n' ' ')
[ "$got" = "overdue-item=warning " ] && ok || bad "completing a severity: $got"
# every option of --help completes after build
got=$(complete_words "canvass build -" | sed 's/=$//' | sort -u)
missing=$(echo "$got" | comm -13 - "$out/help.en" | grep -v -x -e --version)
[ -z "$missing" ] && ok || bad "build completion lacks: $missing"
# the rule ids listed are those of the audit
n=$("$bin" --list-rules | wc -l)
[ "$n" -ge 13 ] && "$bin" --list-rules | grep -qx cadre-few-visits && ok ||
    bad "--list-rules lists $n rules"

# ---- the Chinese documents hold no English sentences ---------------------
rm -rf "$out/docs-zh"
if LANG=zh_CN.UTF-8 "$bin" build -o "$out/docs-zh" --allow-partial \
    examples/*.xml >/dev/null 2>"$out/docs-zh.err" || [ -f "$out/docs-zh/returns.xlsx" ]; then
    if python3 tests/i18n/zh_docs.py "$out/docs-zh" >"$out/docs-zh.found"; then ok; else
        bad "English sentences in the Chinese workbook or summaries:"
        sed -n '1,10p' "$out/docs-zh.found"
    fi
else
    bad "build --lang zh failed: $(tail -3 "$out/docs-zh.err")"
fi

# ---- documents follow --lang, the terminal the locale --------------------
# the same build under an English and a Chinese locale: findings.csv and
# return.xml identical (the language of --lang), stderr not
for lang in zh en; do
    for loc in C zh; do
        d=$out/lang-$lang-$loc
        rm -rf "$d"
        if [ $loc = C ]; then
            LC_ALL=C "$bin" build --lang $lang --allow-partial --formats xml,csv \
                -o "$d" examples/jinshan-2011.xml examples/zz-untidy-2011.xml \
                >/dev/null 2>"$d.err"
        else
            LANG=zh_CN.UTF-8 "$bin" build --lang $lang --allow-partial \
                --formats xml,csv -o "$d" examples/jinshan-2011.xml \
                examples/zz-untidy-2011.xml >/dev/null 2>"$d.err"
        fi
    done
    if cmp -s "$out/lang-$lang-C/findings.csv" "$out/lang-$lang-zh/findings.csv" &&
        cmp -s "$out/lang-$lang-C/return.xml" "$out/lang-$lang-zh/return.xml"; then
        ok
    else
        bad "--lang $lang: findings.csv or return.xml depend on the locale"
    fi
    if cmp -s "$out/lang-$lang-C.err" "$out/lang-$lang-zh.err"; then
        bad "--lang $lang: stderr does not follow the locale"
    else ok; fi
done
grep -q '待办' "$out/lang-zh-C/findings.csv" && ok ||
    bad "--lang zh under LC_ALL=C: findings.csv is not Chinese"
grep -q 'is still pending' "$out/lang-en-zh/findings.csv" && ok ||
    bad "--lang en under LANG=zh_CN.UTF-8: findings.csv is not English"
grep -q '：第' "$out/lang-en-zh.err" && ok ||
    bad "LANG=zh_CN.UTF-8 --lang en: stderr is not Chinese"

# ---- install, then move the installed tree --------------------------------
dest=$out/dest
if make --no-print-directory -s install DESTDIR="$dest" PREFIX=/opt/canvass \
    >"$out/install.log" 2>&1; then
    ok
    for f in bin/canvass share/canvass/input-schema/register.xsd \
        share/canvass/input-schema/return.xsd \
        share/canvass/output-templates/zh/summary.xsl \
        share/locale/zh_CN/LC_MESSAGES/canvass.mo share/man/man1/canvass.1 \
        share/man/zh_CN/man1/canvass.1 \
        share/bash-completion/completions/canvass; do
        [ -f "$dest/opt/canvass/$f" ] && ok || bad "make install did not install $f"
    done
    # moved: found beside the binary, not under the PREFIX it was built for
    mv "$dest/opt/canvass" "$out/moved"
    got=$(cd / && LANG=zh_CN.UTF-8 "$out/moved/bin/canvass" --help | head -1)
    case $got in "用法：canvass check"*) ok ;; *) bad "installed binary under LANG=zh_CN.UTF-8: $got" ;; esac
    got=$(cd / && LANG=C.UTF-8 LANGUAGE=zh_CN "$out/moved/bin/canvass" --help | head -1)
    case $got in "用法：canvass check"*) ok ;; *) bad "installed binary under LANGUAGE=zh_CN: $got" ;; esac
    got=$(cd / && LC_ALL=C "$out/moved/bin/canvass" --help | head -1)
    case $got in "usage: canvass check"*) ok ;; *) bad "installed binary under LC_ALL=C: $got" ;; esac
    # and it runs: the schemas are found too
    "$out/moved/bin/canvass" check tests/audit/clean.xml >/dev/null 2>&1 && ok ||
        bad "installed binary cannot check tests/audit/clean.xml"
    mkdir -p "$out/dest2"
    mv "$out/moved" "$dest/opt/canvass"
    if make --no-print-directory -s uninstall DESTDIR="$dest" PREFIX=/opt/canvass \
        >>"$out/install.log" 2>&1; then
        left=$(find "$dest" -type f | sed "s|^$dest||")
        [ -z "$left" ] && ok || bad "make uninstall left: $left"
    else
        bad "make uninstall failed: $(tail -5 "$out/install.log")"
    fi
else
    bad "make install DESTDIR=$dest failed: $(tail -5 "$out/install.log")"
fi

echo "i18n: $pass passed, $fail failed"
[ $fail = 0 ]
