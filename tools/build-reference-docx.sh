#!/bin/sh
# build-reference-docx.sh — rebuild output-templates/<lang>/reference.docx
# from the readable XML parts in output-templates/<lang>/reference/.
#
#   tools/build-reference-docx.sh [TEMPLATE-SET-DIR...]
#
# With no argument, every output-templates/*/ that has a reference/ folder.
# Deterministic: the parts are copied to a scratch folder, every file gets
# the same timestamp (1980-01-01 00:00 UTC) and mode 0644, and zip -X
# stores them in a fixed order ([Content_Types].xml first, the rest in
# C-locale order) without extra fields, so the same parts give the same
# bytes. Each part is checked to be well-formed XML first (xmllint).
set -eu

here=$(cd "$(dirname "$0")/.." && pwd)
if [ $# -eq 0 ]; then
    set --
    for d in "$here"/output-templates/*/; do
        [ -d "$d/reference" ] && set -- "$@" "${d%/}"
    done
fi

for set_dir in "$@"; do
    src="$set_dir/reference"
    out="$set_dir/reference.docx"
    [ -f "$src/[Content_Types].xml" ] || { echo "$src: no [Content_Types].xml" >&2; exit 1; }
    tmp=$(mktemp -d)
    trap 'rm -rf "$tmp"' EXIT INT TERM
    (cd "$src" && find . -type f \( -name '*.xml' -o -name '*.rels' \) -print) |
        LC_ALL=C sort > "$tmp/list"
    while IFS= read -r f; do
        xmllint --noout --nonet "$src/$f"
        mkdir -p "$tmp/parts/$(dirname "$f")"
        cp "$src/$f" "$tmp/parts/$f"
    done < "$tmp/list"
    find "$tmp/parts" -type f -exec chmod 0644 {} +
    find "$tmp/parts" -exec env TZ=UTC touch -h -t 198001010000 {} +
    {
        echo '[Content_Types].xml'
        sed 's|^\./||' "$tmp/list" | grep -v -x -F '[Content_Types].xml'
    } > "$tmp/order"
    rm -f "$tmp/out.docx"
    # -X: no extra attributes; -D: no directory entries; -nw: no wildcards
    # (the name [Content_Types].xml has brackets).
    (cd "$tmp/parts" && TZ=UTC zip -q -X -D -9 -nw "$tmp/out.docx" -@ < "$tmp/order")
    mv "$tmp/out.docx" "$out"
    rm -rf "$tmp"
    trap - EXIT INT TERM
    echo "wrote $out"
done
