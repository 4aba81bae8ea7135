"""ooxml.py — reads what a user sees in returns.xlsx and summary-*.docx,
independently of canvass: python3 standard library only (zipfile,
xml.etree). Used by tests/build/check.py.

A workbook is read the way a spreadsheet program reads it: the sheets by
name from xl/workbook.xml and its relationships, the strings from
xl/sharedStrings.xml, each cell's cached value (<v>) and formula (<f>),
the merged ranges of the header block."""
import re
import zipfile
import xml.etree.ElementTree as ET

M = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
R = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
PR = "{http://schemas.openxmlformats.org/package/2006/relationships}"
W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def col_index(letters):
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def col_letters(n):
    s = ""
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def split_ref(ref):
    m = re.fullmatch(r"([A-Z]+)([0-9]+)", ref)
    return col_index(m.group(1)), int(m.group(2))


class Cell:
    __slots__ = ("ref", "value", "formula", "type")

    def __init__(self, ref, value, formula, typ):
        self.ref, self.value, self.formula, self.type = ref, value, formula, typ

    def __repr__(self):
        return "%s=%r%s" % (self.ref, self.value,
                            " {=%s}" % self.formula if self.formula else "")


class Sheet:
    def __init__(self, name, path):
        self.name, self.path = name, path
        self.cells = {}       # (col, row) -> Cell
        self.merges = []      # (c1, r1, c2, r2)
        self.footer = None    # headerFooter/oddFooter text
        self.page_setup = {}  # pageSetup attributes
        self.fit = {}         # sheetPr/pageSetUpPr and the like: fitToPage
        self.col_breaks = []  # colBreaks/brk/@id: the columns pages end after

    def get(self, col, row):
        return self.cells.get((col, row))

    def value(self, col, row):
        c = self.cells.get((col, row))
        return c.value if c else None

    def rows(self):
        return sorted({r for (_, r) in self.cells})

    def row(self, r):
        return {c: cell for (c, rr), cell in self.cells.items() if rr == r}

    def strings(self):
        return [c.value for c in self.cells.values() if isinstance(c.value, str)]

    def merged_origin(self, col, row):
        for c1, r1, c2, r2 in self.merges:
            if c1 <= col <= c2 and r1 <= row <= r2:
                return c1, r1
        return col, row


def _number(text):
    f = float(text)
    return int(f) if f.is_integer() and "e" not in text.lower() else f


def read_workbook(path):
    """Returns (list of sheet names in order, {name: Sheet})."""
    z = zipfile.ZipFile(path)
    names = z.namelist()
    shared = []
    if "xl/sharedStrings.xml" in names:
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall(M + "si"):
            # rich text runs: r/t; plain: t; phonetic runs (rPh) are not text
            text = ""
            for part in si:
                if part.tag == M + "t":
                    text += part.text or ""
                elif part.tag == M + "r":
                    text += "".join(t.text or "" for t in part.iter(M + "t"))
            shared.append(text)
    rels = {}
    for rel in ET.fromstring(z.read("xl/_rels/workbook.xml.rels")):
        target = rel.get("Target")
        if target.startswith("/"):
            target = target[1:]
        elif not target.startswith("xl/"):
            target = "xl/" + target
        rels[rel.get("Id")] = target
    wb = ET.fromstring(z.read("xl/workbook.xml"))
    order, sheets = [], {}
    for s in wb.find(M + "sheets"):
        name = s.get("name")
        sh = Sheet(name, rels[s.get(R + "id")])
        root = ET.fromstring(z.read(sh.path))
        for c in root.iter(M + "c"):
            ref, typ = c.get("r"), c.get("t")
            v, f = c.find(M + "v"), c.find(M + "f")
            text = v.text if v is not None else None
            if typ == "s" and text is not None:
                val = shared[int(text)]
            elif typ == "inlineStr":
                val = "".join(t.text or "" for t in c.iter(M + "t"))
            elif typ in ("str", "e"):
                val = text
            elif typ == "b":
                val = bool(int(text)) if text is not None else None
            else:
                val = _number(text) if text is not None else None
            sh.cells[split_ref(ref)] = Cell(ref, val,
                                            f.text if f is not None else None,
                                            typ)
        of = root.find(M + "headerFooter/" + M + "oddFooter")
        sh.footer = of.text if of is not None else None
        ps = root.find(M + "pageSetup")
        sh.page_setup = dict(ps.attrib) if ps is not None else {}
        fp = root.find(M + "sheetPr/" + M + "pageSetUpPr")
        sh.fit = dict(fp.attrib) if fp is not None else {}
        cb = root.find(M + "colBreaks")
        sh.col_breaks = [int(b.get("id")) for b in cb] if cb is not None else []
        mc = root.find(M + "mergeCells")
        if mc is not None:
            for m in mc:
                a, b = m.get("ref").split(":")
                c1, r1 = split_ref(a)
                c2, r2 = split_ref(b)
                sh.merges.append((c1, r1, c2, r2))
        order.append(name)
        sheets[name] = sh
    return order, sheets


class Table:
    """The data block of a sheet: the header row whose column A reads
    CODE_LABEL (and the row under it when the header takes two rows),
    then the data rows until the first row without a unit name (in
    column NAME_COL, 1 = A; a cross-table's first data row is its row of
    column numbers 甲 乙 1 2 3…)."""

    def __init__(self, sheet, code_label, name_col=2):
        self.sheet = sheet
        hr = None
        for r in sheet.rows():
            if sheet.value(1, r) == code_label:
                hr = r
                break
        if hr is None:
            raise LookupError("sheet %s: no header row starting %r"
                              % (sheet.name, code_label))
        # a two-row header: A is merged down over the next row
        two = any(c1 == 1 and r1 == hr and r2 == hr + 1
                  for c1, r1, c2, r2 in sheet.merges)
        self.header_rows = [hr, hr + 1] if two else [hr]
        cols = sorted({c for (c, r) in sheet.cells if r in self.header_rows})
        self.labels = {}
        for c in cols:
            parts = []
            for r in self.header_rows:
                oc, orow = sheet.merged_origin(c, r)
                v = sheet.value(oc, orow)
                if v not in (None, "") and (not parts or parts[-1] != v):
                    parts.append(v)
            self.labels[c] = tuple(parts)
        self.data_rows = []
        r = self.header_rows[-1] + 1
        while True:
            name = sheet.value(name_col, r)
            if name in (None, ""):
                break
            self.data_rows.append(r)
            r += 1

    def col(self, *labels):
        """The column whose header reads LABELS (all header rows, top
        down, or just the lowest)."""
        want = tuple(labels)
        hits = [c for c, l in self.labels.items() if l == want]
        if not hits:
            hits = [c for c, l in self.labels.items() if l and l[-1:] == want]
        if len(hits) != 1:
            raise LookupError("sheet %s: %d columns headed %s (headers: %s)"
                              % (self.sheet.name, len(hits), " / ".join(want),
                                 sorted(self.labels.values())))
        return hits[0]

    def find_rows(self, **match):
        """Data rows whose cells equal the given values; keys are column
        letters (A=..., C=...)."""
        out = []
        for r in self.data_rows:
            if all(self.sheet.value(col_index(k), r) == v
                   for k, v in match.items()):
                out.append(r)
        return out


def docx_paragraphs(path):
    """[(style, text)] of word/document.xml."""
    z = zipfile.ZipFile(path)
    root = ET.fromstring(z.read("word/document.xml"))
    out = []
    for p in root.iter(W + "p"):
        st = p.find(W + "pPr/" + W + "pStyle")
        text = "".join(t.text or "" for t in p.iter(W + "t"))
        out.append((st.get(W + "val") if st is not None else None, text))
    return out


def zip_member(path, name):
    return zipfile.ZipFile(path).read(name)
