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
# (--lang en), and the two-street, two-district batch of
# tests/two-districts.py in zh, and checks all three.
#
# Each summary must show its title, the five part headings, the date
# written in full and the key figures of its unit, read from return.xml;
# and, from the PDF text (check_text.py): numbered headings 一、二、三…
# without gaps, one scheme of sub-items per part, every labelled figure
# (意见建议, 民情登记表, 重要意见…) one number, the return's, 意见建议 =
# opinions + suggestions, no figure twice in one sentence. Summaries exist
# for every unit of return.xml and no other: roll-ups only up to the filing
# unit. Headings and body must come out in different fonts (pdffonts: a
# serif CJK face for the 仿宋 body, a sans one for the 黑体 headings, a Kai
# one for 楷体 sub-headings), with output-templates/fonts/fontconfig.conf
# telling fontconfig which free face stands for which GB/T 9704 face.
# returns.xlsx must show the campaign and every community, the 表号 block
# of each of its ten sheets, the column numbers of its cross-tables (on
# the pages of 汇总表 and 干部参与情况表, with 合计 before the units), on
# every printed page its footer 第 k 页 共 N 页, and the 填报单位 line
# whole wherever it prints (the unit columns repeat on continuation
# pages). Every page of each
# summary and of the workbook is also rendered to PNG (pdftoppm) in
# OUTDIR/render/ for a person to look at.
#
# Needs: soffice (libreoffice-writer-nogui, libreoffice-calc-nogui),
# pdftotext/pdffonts/pdftoppm (poppler-utils), xmllint, python3 and the
# free CJK faces fonts-noto-cjk (serif and sans), fonts-arphic-ukai (Kai),
# fonts-arphic-uming, fonts-wqy-zenhei (make deps-render).
# Exit 0 when everything is there, 1 otherwise, 2 on bad usage.
set -eu

if [ $# -lt 1 ]; then
    echo "usage: $0 CANVASS_BINARY [OUTDIR...]" >&2
    exit 2
fi
canvass=$1
shift
here=$(cd "$(dirname "$0")/../.." && pwd)

for tool in soffice pdftotext pdffonts pdfinfo pdftoppm xmllint python3 fc-list; do
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

# Which free face stands for which GB/T 9704 face: the template set's
# fontconfig file, on top of the system's configuration.
cat >"$scratch/fonts.conf" <<FONTS
<?xml version="1.0"?>
<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">
<fontconfig>
  <include>$here/output-templates/fonts/fontconfig.conf</include>
  <include>/etc/fonts/fonts.conf</include>
</fontconfig>
FONTS
FONTCONFIG_FILE="$scratch/fonts.conf"
export FONTCONFIG_FILE
for face in "Noto Serif CJK SC" "Noto Sans CJK SC" "AR PL UKai CN"; do
    fc-list "$face" family | grep -q . ||
        { echo "render: font $face not installed (make deps-render)" >&2; exit 1; }
done

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
    python3 "$here/tests/two-districts.py" "$scratch/td-in"
    "$canvass" build -o "$scratch/two-districts" "$scratch/td-in"/*.xml >"$scratch/td.log" 2>&1 ||
        { cat "$scratch/td.log" >&2; echo "render: canvass build of two districts failed" >&2; exit 1; }
    set -- "$scratch/zh" "$scratch/en" "$scratch/two-districts"
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
# Hyphens dropped: pdftotext joins a word broken at its hyphen without it
# (public-/opinion → publicopinion), so the needles go without them too.
text_en() { pdftotext -enc UTF-8 "$1" - | tr -s '[:space:]' ' ' | tr -d '-'; }

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

# as the templates write it: 96.4, 100 (not 100.0)
pct() { awk -v a="$1" -v b="$2" 'BEGIN { if (b > 0) { s = sprintf("%.1f", a * 100 / b); sub(/\.0$/, "", s); printf "%s", s } }'; }

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
        for h in 一、走访范围 二、主要做法 三、主要成效 四、存在的问题和不足 五、下一步打算; do
            has "$t" "$h" "$what (heading)"
        done
        has "$t" "${y}年${m}月${d}日" "$what (date)"
        [ "$visited" -gt 0 ] && has "$t" "共走访辖区住户${visited}户" "$what"
        if [ "$visited" -gt 0 ] && [ "$visited" = "$registered" ]; then
            has "$t" "登记在册的住户全部走访到位" "$what (coverage)"
        elif [ "$visited" -gt 0 ] && [ "$registered" -gt 0 ]; then
            has "$t" "占登记住户${registered}户的${cover}%" "$what (coverage)"
        fi
        [ "$forms" -gt 0 ] && has "$t" "填写民情登记表${forms}份" "$what"
        [ "$opinions" -gt 0 ] && has "$t" "意见${opinions}条" "$what"
        [ "$satf" -gt 0 ] && has "$t" "满意度测评表${satf}份" "$what"
    else
        t=$(text_en "$pdf")
        # shellcheck disable=SC1111 # the quotes are the title's own
        has "$t" "Summary of the “$ctitle” Campaign" "$what (title)"
        for h in "I. Scope of the visits" "II. Main practices" "III. Main results" \
            "IV. Problems and deficiencies" "V. Next steps"; do
            has "$t" "$h" "$what (heading)"
        done
        has "$t" "$d $(month_en "$m") $y" "$what (date)"
        [ "$visited" -gt 1 ] && has "$t" "visited $visited households" "$what"
        if [ "$visited" -gt 0 ] && [ "$visited" = "$registered" ]; then
            has "$t" "every household on the register" "$what (coverage)"
        elif [ "$visited" -gt 0 ] && [ "$registered" -gt 0 ]; then
            has "$t" "$cover% of the" "$what (coverage)"
        fi
        [ "$forms" -gt 1 ] && has "$t" "filled in $forms publicopinion registration forms" "$what"
        [ "$opinions" -gt 1 ] && has "$t" "$opinions opinions" "$what"
        [ "$satf" -gt 1 ] && has "$t" "$satf satisfaction evaluation forms" "$what"
    fi
    [ "${imprep:-0}" -ge 0 ] || fail "$what: no important-reported count"
    # what the reader sees: headings, sub-items, figures that agree
    pdftotext -layout -enc UTF-8 "$pdf" "$pdf.txt"
    python3 "$here/tests/render/check_text.py" "$pdf.txt" "$ret" "$level" "$code" >"$pdf.check" 2>&1 ||
        while read -r line; do fail "$what: $line"; done <"$pdf.check"
    cjk_embedded "$pdf" || fail "$what: no CJK font embedded (pdffonts)"
    # the signing block (GB/T 9704 7.3.5.2), measured on the page: signed
    # by a community or a street; a district's or a city's summary is
    # dated only (a place, and the return names no body for it)
    signer=
    case $level in community | street) signer=$name ;; esac
    if [ "$lang" = zh ] && [ -n "$signer" ]; then
        pdftotext -bbox "$pdf" "$pdf.bbox"
        python3 "$here/tests/render/check_text.py" --signature "$pdf.bbox" "$signer" >"$pdf.sig" 2>&1 ||
            while read -r line; do fail "$what: $line"; done <"$pdf.sig"
    elif [ "$lang" = zh ] && [ -n "$name" ]; then
        case $t in
        *"$name${y}年${m}月${d}日"*) fail "$what: signed with the place name $name" ;;
        *"。${y}年${m}月${d}日"*) ;;
        *) fail "$what: the date ${y}年${m}月${d}日 does not follow the text" ;;
        esac
    fi
    # headings and body in different faces: 仿宋 body → serif, 黑体 headings
    # → sans, 楷体 sub-headings → Kai (zh only: en sets CJK only in names)
    if [ "$lang" = zh ]; then
        fonts=$(pdffonts "$pdf" 2>/dev/null | awk 'NR > 2 { print $1 }' | tr '\n' ' ')
        case $fonts in
        *SerifCJK*|*UMing*) ;;
        *) fail "$what: no serif CJK face for the 仿宋 body (pdffonts: $fonts)" ;;
        esac
        case $fonts in
        *SansCJK*|*ZenHei*) ;;
        *) fail "$what: no sans CJK face for the 黑体 headings (pdffonts: $fonts)" ;;
        esac
        case $t in
        *（一）*)
            case $fonts in
            *UKai*) ;;
            *) fail "$what: no Kai face for the 楷体 sub-headings (pdffonts: $fonts)" ;;
            esac ;;
        esac
    fi
    return 0
}

# Summaries for the units of return.xml and no other: the roll-ups go up to
# the filing unit (filing="true") and no higher.
check_units() { # OUTDIR RETURN.XML
    want=$(python3 - "$2" <<'PY'
import sys
import xml.etree.ElementTree as ET
for u in ET.parse(sys.argv[1]).getroot().iter("{urn:canvass:return:1}unit"):
    lv, code = u.get("level"), u.get("code")
    print("summary-all.docx" if lv == "all" else
          "summary-%s.docx" % code if lv == "community" else
          "summary-%s-%s.docx" % (lv, code))
PY
)
    want=$(echo "$want" | sort)
    got=$(cd "$1" && ls summary*.docx 2>/dev/null | sort)
    [ "$want" = "$got" ] ||
        fail "$1: summaries $(echo $got) for the units $(echo $want)"
    filing=$(xmllint --nonet --xpath "count(/*/*[local-name()='unit'][@filing='true'])" "$2" 2>/dev/null)
    [ "$filing" = 1 ] || fail "$1: return.xml has $filing filing units, not 1"
    top=$(xmllint --nonet --xpath "string(/*/*[local-name()='unit'][last()]/@filing)" "$2" 2>/dev/null)
    [ "$top" = true ] || fail "$1: a unit above the filing unit in return.xml"
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
    # the 表号 block of a statistical return, top right of each sheet, and
    # the cross-tables' columns numbered 甲 乙 1 2 3… under their headings
    case $t in
    *表号*)
        k=1
        while [ "$k" -le 10 ]; do
            has "$t" "表号：民访${k}表" "$what (表号 of sheet $k)"
            k=$((k + 1))
        done
        has "$t" "制定机关：" "$what (制定机关)"
        has "$(pdftotext -layout -enc UTF-8 "$pdf" - | tr -d ' \t\r\n\f')" \
            "甲乙123456" "$what (column numbers)"
        ;;
    *) has "$t" "Form:CA-1" "$what (form number)" ;;
    esac
    # every printed page says which of how many (the sheets' print footer)
    pages=$(pdfinfo "$pdf" 2>/dev/null | awk '/^Pages:/ { print $2 }')
    [ "${pages:-0}" -gt 0 ] || fail "$what: no pages (pdfinfo)"
    filer=$(xq "$ret" "/*/*[local-name()='unit'][@filing='true']/@name")
    first=$(xmllint --nonet --xpath "string(/*/*[local-name()='unit'][@level='community'][1]/@name)" "$ret" 2>/dev/null)
    k=1
    while [ "$k" -le "${pages:-0}" ]; do
        pt=$(pdftotext -enc UTF-8 -f "$k" -l "$k" "$pdf" - | tr -d ' \t\r\n\f')
        case $t in
        *表号*)
            has "$pt" "第${k}页共${pages}页" "$what (page $k footer)"
            # the reporting unit prints whole on every page that shows
            # it, continuation pages too (their repeated unit columns)
            case $pt in
            *填报单位：*) has "$pt" "填报单位：$filer" "$what (page $k 填报单位 whole)" ;;
            esac
            # 汇总表 and 干部参与情况表 are cross-tables: 甲 name, 乙
            # code, columns numbered, the 合计 row before the units
            pl=$(pdftotext -layout -enc UTF-8 -f "$k" -l "$k" "$pdf" - | tr -d ' \t\r\n\f')
            case $pl in
            汇总表表号*|干部参与情况表表号*)
                has "$pl" "甲乙123" "$what (page $k column numbers)"
                case $pl in
                *合计*"$first"*) ;;
                *) fail "$what: page $k: 合计 does not come before $first" ;;
                esac
                ;;
            esac
            ;;
        *) has "$pt" "Page${k}of${pages}" "$what (page $k footer)" ;;
        esac
        k=$((k + 1))
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
    check_units "$out" "$ret"
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
            pdftoppm -png -r 60 "$pdf" "$out/render/${base%.docx}" ||
                fail "$base: pdftoppm failed"
            ;;
        returns.xlsx) # every page: a person looks at each sheet
            pdftoppm -png -r 60 "$pdf" "$out/render/returns" ||
                fail "$base: pdftoppm failed"
            ;;
        esac
    done
    echo "render: $out: $(echo "$files" | wc -w) files converted; pages in $out/render/"
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
    echo "render: pages kept in $keep/"
fi

if [ "$failures" -gt 0 ]; then
    echo "render: $failures failure(s)" >&2
    exit 1
fi
echo "render: all outputs show their titles, headings, figures and CJK fonts; headings and body in different faces"
