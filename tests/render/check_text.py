#!/usr/bin/env python3
"""check_text.py TEXT RETURN.XML LEVEL CODE — what a reader of one summary
PDF sees, against the return it was written from (tests/render/run.sh).

TEXT is the PDF's text (pdftotext -layout -enc UTF-8). Prints one line per
problem and exits 1 if there is any:

  - the numbered headings run 一、二、三… (I. II. III. in English) with no
    gap and no repeat, and the five parts are there;
  - within each part the run-in items run （一）（二）… without a gap (A. B.
    in English), and no part mixes （一） items with 一是… items;
  - every labelled figure says one thing: a label (意见建议, 民情登记表,
    重要意见 …) carries the same number wherever it appears, and that number
    is the return's; in particular 意见建议 = opinions + suggestions;
  - no sentence states the same figure twice (e.g. 16 … 16条 in one sentence);
  - 首先 only with 其次.

check_text.py --signature BBOX.HTML UNIT — the signing block as laid out
(pdftotext -bbox of the PDF): GB/T 9704-2012 7.3.5.2, the date on the line
below the unit UNIT, starting two characters right of the unit's first
character and ending two characters from the right margin (of the 28-character
line that starts 28 mm from the left edge), within a third of a character.
"""
import re
import sys
import xml.etree.ElementTree as ET

NS = "{urn:canvass:return:1}"
ZH_NUM = "一二三四五六七八九十"


def zh_n(s):
    """一 → 1 … 十九 → 19 (headings stay below twenty)."""
    if s == "十":
        return 10
    if s.startswith("十"):
        return 10 + ZH_NUM.index(s[1]) + 1
    return ZH_NUM.index(s) + 1


def signature(bbox_path, unit):
    pages = open(bbox_path, encoding="utf-8").read().split("<page ")
    page = next((p for p in reversed(pages) if ">%s</word>" % unit in p), pages[-1])
    words = [(float(m.group(1)), float(m.group(2)), float(m.group(3)), m.group(4))
             for m in re.finditer(r'<word xMin="([0-9.]+)" yMin="([0-9.]+)" xMax="([0-9.]+)"'
                                  r' yMax="[0-9.]+">([^<]*)</word>', page)]
    if not words:
        print("no words on the page")
        return 1
    # the GB/T 9704 text block of reference.docx: 28 mm from the left edge,
    # 28 characters of 15.75 pt (16 pt tightened by 0.25 pt)
    left = 28 / 25.4 * 72
    char = 15.75
    right = left + 28 * char
    us = [w for w in words if w[3] == unit]
    if not us:
        print("signing unit %s not found" % unit)
        return 1
    u = us[-1]
    date = [w for w in words if abs(w[1] - u[1] - char * 1.84) < char and w[0] > left + char]
    if not date:
        print("no date on the line below %s" % unit)
        return 1
    start, end = min(w[0] for w in date), max(w[2] for w in date)
    bad = []
    if abs((start - u[0]) / char - 2) > 0.34:
        bad.append("the date starts %.2f characters right of the unit, not 2" % ((start - u[0]) / char))
    if abs((right - end) / char - 2) > 0.34:
        bad.append("the date ends %.2f characters from the margin, not 2" % ((right - end) / char))
    for b in bad:
        print(b)
    return 1 if bad else 0


def main():
    if sys.argv[1] == "--signature":
        return signature(sys.argv[2], sys.argv[3])
    text_path, ret_path, level, code = sys.argv[1:5]
    raw = open(text_path, encoding="utf-8").read()
    root = ET.parse(ret_path).getroot()
    unit = next((u for u in root.iter(NS + "unit")
                 if u.get("level") == level and u.get("code") == code), None)
    bad = []
    if unit is None:
        print("no unit %s %s in the return" % (level, code))
        return 1

    def a(path, attr):
        el = unit.find(path)
        return int(el.get(attr)) if el is not None and el.get(attr) else 0

    lines = [l.strip() for l in raw.splitlines() if l.strip()]
    zh = any(l.startswith("一、") for l in lines)
    # (en: hyphens dropped, as pdftotext drops them at a line break)
    flat = re.sub(r"\s+", "", raw) if zh else re.sub(r"\s+", " ", raw).replace("-", "")

    # -- headings ------------------------------------------------------------
    if zh:
        heads = [zh_n(m.group(1)) for l in lines
                 for m in [re.match(r"^([一二三四五六七八九十]{1,2})、", l)] if m]
    else:
        roman = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X"]
        heads = [roman.index(m.group(1)) + 1 for l in lines
                 for m in [re.match(r"^(I|II|III|IV|V|VI|VII|VIII|IX|X)\. [A-Z]", l)] if m]
    if heads != list(range(1, len(heads) + 1)) or len(heads) < 5:
        bad.append("numbered headings run %s, not 1, 2, 3 … (five parts)" % heads)

    # -- sub-items, one scheme per part ---------------------------------------
    if zh:
        parts = re.split(r"(?:^|(?<=[。：；\n]))[一二三四五六七八九十]{1,2}、", "\n".join(lines))
        for i, part in enumerate(parts[1:], 1):
            p = re.sub(r"\s+", "", part)
            items = [zh_n(x) for x in re.findall(r"（([一二三四五六七八九十]{1,2})）", p)]
            if items != list(range(1, len(items) + 1)):
                bad.append("part %d: items run %s" % (i, items))
            if items and re.search(r"[一二三四五六七八九十]是", p):
                bad.append("part %d mixes （一） items with 一是 items" % i)
    # -- labelled figures -----------------------------------------------------
    op, sg = a(NS + "opinions", "count"), a(NS + "suggestions", "count")
    want = {
        "意见建议": op + sg,
        "民情登记表": a(NS + "forms", "count"),
        "满意度测评表": a(NS + "satisfaction", "forms"),
        "重要意见": a(NS + "opinions", "important"),
        "走访辖区住户": a(NS + "households", "visited"),
        "入户走访": a(NS + "visits", "count"),
    }
    if zh:
        pats = {
            "意见建议": r"(?:收集)?意见建议(\d+)条",
            "意见": r"其中意见(\d+)条",
            "建议": r"、建议(\d+)条",
            "民情登记表": r"民情登记表(\d+)份",
            "满意度测评表": r"满意度测评表(\d+)份",
            "重要意见": r"重要意见(\d+)条",
            "走访辖区住户": r"走访辖区住户(\d+)户",
            "入户走访": r"入户走访(\d+)次",
        }
        want["意见"] = op
        want["建议"] = sg
        sentences = re.split(r"[。；！？]", flat)
    else:
        pats = {
            "意见建议": r"(\d[\d,]*) opinions and suggestions",
            "民情登记表": r"(\d[\d,]*) publicopinion registration forms?",
            "满意度测评表": r"(\d[\d,]*) satisfaction evaluation forms?",
            "重要意见": r"(\d[\d,]*) important opinions?",
            "走访辖区住户": r"visited (\d[\d,]*) households?",
            "入户走访": r"made (\d[\d,]*) visits?",
        }
        sentences = re.split(r"(?<=[.;])\s", flat)
    for label, pat in pats.items():
        got = {int(x.replace(",", "")) for x in re.findall(pat, flat)}
        if len(got) > 1:
            bad.append("%s is given as %s: one label, several figures" % (label, sorted(got)))
        if got and want.get(label) is not None and got != {want[label]}:
            bad.append("%s is %s in the text, %d in return.xml" % (label, sorted(got), want[label]))
    if zh and op and sg and ("意见建议%d条" % (op + sg)) not in flat:
        bad.append("意见建议 total %d (= %d opinions + %d suggestions) is not stated" % (op + sg, op, sg))
    # -- a figure twice in one sentence ----------------------------------------
    for s in sentences:
        figs = re.findall(r"(\d+(?:\.\d+)?)(?=[户次份条名人%])", s) if zh else []
        dup = {f for f in figs if figs.count(f) > 1 and f not in ("0", "1")}
        if dup:
            bad.append("one sentence states %s twice: %s" % (sorted(dup), s[:60]))
    if zh and "首先" in flat and "其次" not in flat:
        bad.append("首先 without 其次")
    for b in bad:
        print(b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
