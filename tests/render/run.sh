#!/bin/sh
# tests/render/run.sh — what a reader of the outputs sees, checked through
# LibreOffice: every summary*.docx and returns.xlsx of an output folder is
# converted to PDF (soffice --headless --convert-to pdf), its text read
# back with pdftotext and its fonts with pdffonts.
#
#   sh tests/render/run.sh CANVASS_BINARY [OUTDIR...]
#
# With OUTDIRs, checks those folders (each as written by `canvass build`:
# summary*.docx, returns.xlsx and, for the figures, return.xml). Without,
# builds the valid examples/ into a scratch folder twice, in zh and in en
# (--lang en), and checks both.
#
# Each summary must show its title, the four part headings, the date
# written in full and the key figures of its unit, read from return.xml
# (households visited and on the register, coverage, forms, opinions,
# important opinions reported, satisfaction forms); returns.xlsx must show
# the campaign and every community. Each PDF must embed a CJK font. The
# first page of each summary is also rendered to PNG (pdftoppm -r 70) in
# OUTDIR/render/ for a person to look at.
#
# Needs: soffice (libreoffice-writer-nogui, libreoffice-calc-nogui),
# pdftotext/pdffonts/pdftoppm (poppler-utils), xmllint, fonts-noto-cjk.
# Exit 0 when everything is there, 1 otherwise, 2 on bad usage.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 CANVASS_BINARY [OUTDIR...]" >&2
    exit 2
fi
canvass=$1
shift
here=$(cd "$(dirname "$0")/../.." && pwd)

for tool in soffice pdftotext pdffonts pdftoppm xmllint; do
    if ! command -v "$tool" >/dev/null 2>&1; then
        echo "render: $tool not found (make deps-render)" >&2
        exit 1
    fi
done

scratch=$(mktemp -d "${TMPDIR:-/tmp}/canvass-render.XXXXXX")
trap 'rm -rf "$scratch"' EXIT INT TERM
# A LibreOffice profile of our own: another soffice running on the machine
# (or a user's) must not share or lock it.
profile="file://$scratch/profile"

failures=0
fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

if [ $# -eq 0 ]; then
    examples=
    for f in "$here"/examples/*.xml; do
        case $f in */zz-*) ;; *) examples="$examples $f" ;; esac
    done
    # shellcheck disable=SC2086
    "$canvass" build -o "$scratch/zh" $examples >"$scratch/zh.log" 2>&1 ||
        { cat "$scratch/zh.log" >&2; echo "render: canvass build failed" >&2; exit 1; }
    # shellcheck disable=SC2086
    "$canvass" build -o "$scratch/en" --lang en $examples >"$scratch/en.log" 2>&1 ||
        { cat "$scratch/en.log" >&2; echo "render: canvass build --lang en failed" >&2; exit 1; }
    set -- "$scratch/zh" "$scratch/en"
fi

# ---------------------------------------------------------------- helpers

# XPath 1.0 string value in return.xml, namespace-blind.
xq() {
    xmllint --nonet --xpath "string($2)" "$1" 2>/dev/null || true
}

# The unit's /return/unit step for (level, code).
unit_path() {
    echo "/*[local-name()='return']/*[local-name()='unit'][@level='$1' and @code='$2']"
}

# PDF text with all white space removed (zh: lines break anywhere).
text_zh() { pdftotext -enc UTF-8 "$1" - | tr -d ' \t\r\n\f'; }
# PDF text with white space runs as one space (en).
text_en() { pdftotext -enc UTF-8 "$1" - | tr -s '[:space:]' ' '; }

has() { # TEXT NEEDLE WHAT
    case $1 in
    *"$2"*) : ;;
    *) fail "$3: missing \"$2\"" ;;
    esac
}

# An embedded font whose name says CJK.
cjk_embedded() {
    pdffonts "$1" 2>/dev/null | awk 'NR > 2 && /(CJK|Han|Song|Hei|Kai|Fang|Ming|WenQuanYi|Fallback)/ && / yes +(yes|no) +(yes|no) +[0-9]+ +[0-9]+ *$/ { ok = 1 } END { exit !ok }'
}

month_en() {
    case $1 in
    1) echo January ;; 2) echo February ;; 3) echo March ;; 4) echo April ;;
    5) echo May ;; 6) echo June ;; 7) echo July ;; 8) echo August ;;
    9) echo September ;; 10) echo October ;; 11) echo November ;;
    *) echo December ;;
    esac
}

pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) printf "%.1f", a * 100 / b }'; }

# ------------------------------------------------------------------ checks

check_summary() { # PDF RETURN.XML LEVEL CODE
    pdf=$1 ret=$2 level=$3 code=$4 what=$(basename "$1")
    u=$(unit_path "$level" "$code")
    zh=$(text_zh "$pdf")
    case $zh in
    *一、*) lang=zh ;;
    *) lang=en ;;
    esac
    ctitle=$(xq "$ret" "/*/*[local-name()='campaign']/@title")
    reported=$(xq "$ret" "/*/*[local-name()='campaign']/@reported")
    name=$(xq "$ret" "$u/@name")
    visited=$(xq "$ret" "$u/*[local-name()='households']/@visited")
    registered=$(xq "$ret" "$u/*[local-name()='households']/@registered")
    forms=$(xq "$ret" "$u/*[local-name()='forms']/@count")
    opinions=$(xq "$ret" "$u/*[local-name()='opinions']/@count")
    imprep=$(xq "$ret" "$u/*[local-name()='opinions']/@important-reported")
    satf=$(xq "$ret" "$u/*[local-name()='satisfaction']/@forms")
    if [ -z "$visited" ]; then
        fail "$what: no unit level=$level code=$code in $ret"
        return
    fi
    y=${reported%%-*}
    m=$(echo "$reported" | cut -d- -f2 | sed 's/^0//')
    d=$(echo "$reported" | cut -d- -f3 | sed 's/^0//')
    cover=$(pct "$visited" "$registered")

    if [ "$lang" = zh ]; then
        t=$zh
        [ "$level" = all ] && name=
        # shellcheck disable=SC1111 # the quotes are the title's own
        has "$t" "$name“$ctitle”活动总结" "$what (title)"
        for h in 一、走访范围 二、主要做法 三、主要成效 四、存在的问题和不足; do
            has "$t" "$h" "$what (heading)"
        done
        has "$t" "${y}年${m}月${d}日" "$what (date)"
        [ "$visited" -gt 0 ] && has "$t" "共走访辖区住户${visited}户" "$what"
        [ "$visited" -gt 0 ] && [ "$registered" -gt 0 ] &&
            has "$t" "占登记住户${registered}户的${cover}%" "$what (coverage)"
        [ "$forms" -gt 0 ] && has "$t" "填写民情登记表${forms}份" "$what"
        [ "$opinions" -gt 0 ] && has "$t" "意见${opinions}条" "$what"
        [ "${imprep:-0}" -gt 0 ] && has "$t" "已将${imprep}条重要合理意见上报" "$what"
        [ "$satf" -gt 0 ] && has "$t" "满意度测评表${satf}份" "$what"
    else
        t=$(text_en "$pdf")
        # shellcheck disable=SC1111 # the quotes are the title's own
        has "$t" "Summary of the “$ctitle” Campaign" "$what (title)"
        for h in "I. Scope of the visits" "II. Main practices" "III. Main results" \
            "IV. Problems and deficiencies"; do
            has "$t" "$h" "$what (heading)"
        done
        has "$t" "$d $(month_en "$m") $y" "$what (date)"
        [ "$visited" -gt 1 ] && has "$t" "visited $visited households" "$what"
        [ "$visited" -gt 0 ] && [ "$registered" -gt 0 ] &&
            has "$t" "$cover% of the" "$what (coverage)"
        [ "$forms" -gt 1 ] && has "$t" "filled in $forms public-opinion registration forms" "$what"
        [ "$opinions" -gt 1 ] && has "$t" "raised $opinions opinions" "$what"
        [ "$satf" -gt 1 ] && has "$t" "$satf satisfaction evaluation forms" "$what"
    fi
    cjk_embedded "$pdf" || fail "$what: no CJK font embedded (pdffonts)"
    return 0
}

check_workbook() { # PDF RETURN.XML
    pdf=$1 ret=$2 what=$(basename "$1")
    t=$(text_zh "$pdf")
    has "$t" "$(xq "$ret" "/*/*[local-name()='campaign']/@title")" "$what (campaign)"
    for code in $(xmllint --nonet --xpath "/*/*[local-name()='unit'][@level='community']/@code" "$ret" 2>/dev/null |
        sed 's/[^0-9 ]//g'); do
        n=$(xq "$ret" "$(unit_path community "$code")/@name")
        has "$t" "$n" "$what (community $code)"
    done
    cjk_embedded "$pdf" || fail "$what: no CJK font embedded (pdffonts)"
    return 0
}

# ------------------------------------------------------------------- main

for out in "$@"; do
    ret="$out/return.xml"
    [ -f "$ret" ] || { fail "$out: no return.xml (needed for the figures)"; continue; }
    pdfdir="$scratch/pdf$(echo "$out" | cksum | cut -d' ' -f1)"
    mkdir -p "$pdfdir" "$out/render"
    files=$(ls "$out"/summary*.docx "$out"/returns.xlsx 2>/dev/null || true)
    [ -n "$files" ] || { fail "$out: no summary*.docx or returns.xlsx"; continue; }
    # shellcheck disable=SC2086
    soffice -env:UserInstallation="$profile" --headless --convert-to pdf \
        --outdir "$pdfdir" $files >"$pdfdir/soffice.log" 2>&1 ||
        { cat "$pdfdir/soffice.log" >&2; fail "$out: soffice failed"; continue; }
    for f in $files; do
        base=$(basename "$f")
        pdf="$pdfdir/${base%.*}.pdf"
        if [ ! -s "$pdf" ]; then
            fail "$base: not converted to PDF"
            continue
        fi
        case $base in
        returns.xlsx) check_workbook "$pdf" "$ret" ;;
        summary-all.docx) check_summary "$pdf" "$ret" all "" ;;
        summary-*-*.docx)
            lc=${base#summary-}
            lc=${lc%.docx}
            check_summary "$pdf" "$ret" "${lc%%-*}" "${lc#*-}"
            ;;
        summary-*.docx)
            lc=${base#summary-}
            check_summary "$pdf" "$ret" community "${lc%.docx}"
            ;;
        esac
        case $base in
        summary*.docx)
            pdftoppm -png -r 70 -f 1 -l 1 "$pdf" "$out/render/${base%.docx}" ||
                fail "$base: pdftoppm failed"
            ;;
        esac
    done
    echo "render: $out: $(echo "$files" | wc -w) files converted; first pages in $out/render/"
done

if [ $# -gt 0 ] && [ "$1" = "$scratch/zh" ]; then
    # our own scratch build: keep the pictures where a person can find them
    keep="${TMPDIR:-/tmp}/canvass-render-pages"
    rm -rf "$keep"
    mkdir -p "$keep"
    for out in "$@"; do
        for p in "$out"/render/*.png; do
            [ -f "$p" ] && cp "$p" "$keep/$(basename "$out")-$(basename "$p")"
        done
    done
    echo "render: first pages kept in $keep/"
fi

if [ "$failures" -gt 0 ]; then
    echo "render: $failures failure(s)" >&2
    exit 1
fi
echo "render: all outputs show their titles, headings, figures and CJK fonts"
