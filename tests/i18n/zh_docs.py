#!/usr/bin/env python3
"""tests/i18n/zh_docs.py — a Chinese workbook and summary hold no English
sentences.

    python3 tests/i18n/zh_docs.py OUTDIR

Reads every text a reader sees in OUTDIR/returns.xlsx (shared and inline
strings of every sheet, chart titles), every summary-*.docx
(word/document.xml), .html and .md, and reports each run of three or more
English words: words of letters only, so ids (h036), codes
(620402003005), rule ids (cadre-few-visits), file names (jinshan-2011.xml)
and XML or CSS in the markup are not words. Exit 1 when any run was
found.
"""
import glob
import html
import os
import re
import sys
import zipfile

WORD = r"(?<![\w.\-/])[A-Za-z]{2,}(?![\w.\-/])"
RUN = re.compile(WORD + r"(?:[ ,;:]+" + WORD + r"){2,}")


def texts_of_xml(data):
    """The character data of an XML part (tags and attributes dropped)."""
    data = data.decode("utf-8")
    data = re.sub(r"<[^>]*>", "\n", data)
    return [html.unescape(t) for t in data.split("\n") if t.strip()]


def texts_of_html(data):
    data = re.sub(r"(?s)<(style|script)\b.*?</\1>", "", data)
    data = re.sub(r"<[^>]*>", "\n", data)
    return [html.unescape(t) for t in data.split("\n") if t.strip()]


def main(outdir):
    found = 0
    seen = 0
    for path in sorted(glob.glob(os.path.join(outdir, "*"))):
        name = os.path.basename(path)
        texts = []
        if name.endswith(".xlsx") or name.endswith(".docx"):
            with zipfile.ZipFile(path) as z:
                for part in z.namelist():
                    if re.match(r"(xl/(sharedStrings|worksheets/|charts/)|"
                                r"word/(document|header|footer))", part) \
                            and part.endswith(".xml"):
                        texts += texts_of_xml(z.read(part))
        elif name.endswith(".html"):
            texts = texts_of_html(open(path, encoding="utf-8").read())
        elif name.endswith(".md"):
            texts = open(path, encoding="utf-8").read().split("\n")
        else:
            continue
        seen += 1
        for t in texts:
            for m in RUN.finditer(t):
                print(f"{name}: English in a Chinese document: "
                      f"\"{m.group(0)}\" in \"{t.strip()[:120]}\"")
                found += 1
    if not seen:
        print(f"no workbook or summary in {outdir}")
        return 1
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
