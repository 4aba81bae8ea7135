#!/usr/bin/env python3
"""check.py — the content checks of tests/build/run.sh.

    python3 tests/build/check.py SUBCOMMAND ARGS...

Each subcommand prints one line per test, "ok - ..." or "not ok - ...",
with details of a failure on "# " lines under it; exit 1 if any failed.
Expected values come from examples/*.figures.txt (counted by the example
generator from the registers, not by canvass), from the reference report
(hard-coded below, as printed in reference/activity-summary-2011.txt) and
from the schemas' enumeration labels; never from canvass's own output.
Python 3 standard library only."""
import hashlib
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ooxml  # noqa: E402

RET = "{urn:canvass:return:1}"
XS = "{http://www.w3.org/2001/XMLSchema}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

failed = 0


def report(ok, desc, details=()):
    global failed
    print(("ok - " if ok else "not ok - ") + desc)
    if not ok:
        failed += 1
        for d in list(details)[:25]:
            print("# " + str(d))
        if len(details) > 25:
            print("# ... and %d more" % (len(details) - 25))
    return ok


def expect_equal(desc, pairs):
    """pairs: [(what, expected, actual)]; one test line."""
    bad = ["%s: expected %r, got %r" % (w, e, a) for w, e, a in pairs if e != a]
    return report(not bad, desc, bad)


# ------------------------------------------------------------ schemas

def enum_labels(xsd, type_name):
    """[(value, zh, en)] of simpleType TYPE_NAME in XSD, in order."""
    root = ET.parse(xsd).getroot()
    for st in root.iter(XS + "simpleType"):
        if st.get("name") == type_name:
            out = []
            for e in st.iter(XS + "enumeration"):
                docs = {d.get(XML_LANG): (d.text or "").strip()
                        for d in e.iter(XS + "documentation")}
                out.append((e.get("value"), docs.get("zh"), docs.get("en")))
            return out
    raise LookupError("%s: no simpleType %s" % (xsd, type_name))


REGISTER_XSD = os.path.join(ROOT, "input-schema", "register.xsd")
RETURN_XSD = os.path.join(ROOT, "input-schema", "return.xsd")


def labels(type_name, lang, xsd=REGISTER_XSD):
    i = 1 if lang == "zh" else 2
    return [(t[0], t[i]) for t in enum_labels(xsd, type_name)]


def label_of(type_name, value, lang, xsd=REGISTER_XSD):
    return dict(labels(type_name, lang, xsd))[value]


def group_labels(lang):
    return labels("group", lang) + labels("elderlyGroup", lang)


# ------------------------------------------------------------ figures

def read_figures(path):
    figs = {}
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\n")
        if not line or line.startswith("#"):
            continue
        k, v = line.split(" = ", 1)
        figs[k] = v
    return figs


def num(figs, key):
    v = figs[key]
    return float(v) if "." in v else int(v)


# ------------------------------------------------------------ return.xml

def load_return(path):
    return ET.parse(path).getroot()


def units(root, level=None):
    return [u for u in root.findall(RET + "unit")
            if level is None or u.get("level") == level]


def unit_by_code(root, code):
    for u in root.findall(RET + "unit"):
        if u.get("code") == code:
            return u
    return None


def step(el, spec):
    """spec: 'tag' or 'tag[key]' where key matches @value, @name or @id."""
    m = re.fullmatch(r"([a-z-]+)(?:\[(.+)\])?", spec)
    tag, key = m.group(1), m.group(2)
    for c in el.findall(RET + tag):
        if key is None or key in (c.get("value"), c.get("name"), c.get("id")):
            return c
    return None


def at(el, path, attr):
    """Attribute ATTR of the element at PATH ('a/b[x]/c') under EL, or a
    string saying what is missing."""
    cur = el
    for spec in [p for p in path.split("/") if p]:
        nxt = step(cur, spec)
        if nxt is None:
            return "<no %s>" % path
        cur = nxt
    v = cur.get(attr)
    if v is None:
        return "<no %s/@%s>" % (path, attr)
    return int(v) if re.fullmatch(r"[0-9]+", v) else v


def pct(n, d):
    return round(100.0 * n / d, 2) if d else 0.0


# Figures of a *.figures.txt that return.xml does not carry, each with the
# reason. Anything not matched here or by MAPPING fails the test, so a new
# figure in the generator is noticed.
NOT_IN_RETURN = [
    (r"visits\.with-two-cadres", "the return counts visits, not cadres per visit"),
    (r"visits\.team-and-role-counts-unambiguous", "a note of the generator, not a figure"),
    (r"(opinions|suggestions)\.with-(to|closed)", "item attributes are not aggregated"),
    (r"opinions\.important\.status\..+", "the return has no important x status table"),
    (r"members", "the return counts members of special groups only"),
    (r"members\.in-two-or-more-groups", "not a table of SPEC 3"),
    (r"members\.multi-group\..+", "personal detail, not an aggregate"),
    (r"community\.(city|district|street)-code", "checked against the roll-up units (batch build)"),
]


def rollup_code(root, unit, level):
    for u in units(root, level):
        if unit.get("code").startswith(u.get("code")):
            return u.get("code")
    return "<no %s unit over %s>" % (level, unit.get("code"))


def finding_for(root, unit, rule, ident):
    for f in root.iter(RET + "finding"):
        if (f.get("rule") == rule and f.get("community") == unit.get("code")
                and ident in (f.get("household"), f.get("cadre"), f.get("visit"),
                              f.get("item"))):
            return f
    return None


def mapping(root, unit):
    """[(regex, function(match) -> actual value)] — the explicit map from
    the keys of *.figures.txt to return.xml. Order matters: first match."""
    def a(path, attr):
        return lambda m: at(unit, path.format(*m.groups()), attr.format(*m.groups()))

    def derived_not_visited(m):
        p = "households/dwelling[%s]" % m.group(1) if m.group(1) else "households"
        r, v = at(unit, p, "registered"), at(unit, p, "visited")
        return r - v if isinstance(r, int) and isinstance(v, int) else "<missing>"

    def coverage(m):
        return pct(at(unit, "households", "visited"), at(unit, "households", "registered"))

    def rate(m):
        return pct(at(unit, "satisfaction", "satisfied"), at(unit, "satisfaction", "forms"))

    def to_elderly(m):
        return sum(at(t, "group[elderly]", "count")
                   for t in step(unit, "services").findall(RET + "type"))

    def campaign(m):
        return root.find(RET + "campaign").get(m.group(1))

    def audit_item(m):
        rule, ident = m.group(1), m.group(2)
        f = finding_for(root, unit, rule, ident)
        if f is None:
            return "<no %s finding for %s>" % (rule, ident)
        if rule == "cadre-few-visits":       # value: the cadre's visits
            return at(unit, "cadres/cadre[%s]" % ident, "visits")
        if rule in ("household-not-visited", "no-responsible-cadre"):
            return "found"                   # value: the dwelling, not in the return
        return "found"

    return [
        (r"community\.(code|name|street|district|city)", lambda m: unit.get(m.group(1))),
        (r"campaign\.(id|title|start|end|reported)", campaign),
        (r"households\.(registered|visited)", a("households", "{0}")),
        (r"households\.not-visited()", derived_not_visited),
        (r"households\.(registered|visited)\.([a-z-]+)", a("households/dwelling[{1}]", "{0}")),
        (r"households\.not-visited\.([a-z-]+)", derived_not_visited),
        (r"households\.coverage-percent", coverage),
        (r"households\.without-cadre", a("audit/rule[no-responsible-cadre]", "count")),
        (r"households\.with-group-member", a("groups", "households")),
        (r"households\.group\.([a-z-]+)", a("groups/group[{0}]", "households")),
        (r"visits", a("visits", "count")),
        (r"visits\.kind\.([a-z-]+)", a("visits/kind[{0}]", "count")),
        (r"visits\.cadre\.(.+)", a("cadres/cadre[{0}]", "visits")),
        (r"visits\.team\.(.+)", a("cadres/team[{0}]", "visits")),
        (r"cadres", a("cadres", "registered")),
        (r"cadres\.taking-part", a("cadres", "taking-part")),
        (r"cadres\.role\.([a-z-]+)", a("cadres/role[{0}]", "registered")),
        (r"cadres\.role\.([a-z-]+)\.(taking-part|visits)", lambda m: at(unit, "cadres/role[%s]" % m.group(1), m.group(2))),
        (r"cadres\.team\.([^.]+)", a("cadres/team[{0}]", "registered")),
        (r"cadres\.team\.([^.]+)\.(taking-part|visits)", lambda m: at(unit, "cadres/team[%s]" % m.group(1), m.group(2))),
        (r"forms", a("forms", "count")),
        (r"(opinions|suggestions)", a("{0}", "count")),
        (r"opinions-and-suggestions", lambda m: (at(unit, "opinions", "count") or 0) + (at(unit, "suggestions", "count") or 0)),
        (r"opinions\.important", a("opinions", "important")),
        (r"opinions\.important\.reported(?:-to-street-office)?", a("opinions", "important-reported")),
        (r"(opinions|suggestions)\.category\.([a-z-]+)", a("{0}/category[{1}]", "count")),
        (r"(opinions|suggestions)\.category\.([a-z-]+)\.status\.([a-z-]+)", a("{0}/category[{1}]/status[{2}]", "count")),
        (r"opinions\.category\.([a-z-]+)\.important", a("opinions/category[{0}]", "important")),
        (r"opinions\.category\.([a-z-]+)\.important\.reported", a("opinions/category[{0}]", "important-reported")),
        (r"(opinions|suggestions)\.status\.([a-z-]+)", a("{0}/status[{1}]", "count")),
        (r"members\.in-any-group", a("groups", "members")),
        (r"members\.group\.([a-z-]+)", a("groups/group[{0}]", "members")),
        (r"members\.group\.([a-z-]+)\.served", a("groups/group[{0}]", "served")),
        (r"elderly\.members", a("groups/group[elderly]", "members")),
        (r"elderly\.served", a("groups/group[elderly]", "served")),
        (r"services", a("services", "count")),
        (r"services\.members", a("services", "members")),
        (r"services\.to-elderly", to_elderly),
        (r"services\.type\.([a-z-]+)", a("services/type[{0}]", "count")),
        (r"services\.type\.([a-z-]+)\.members", a("services/type[{0}]", "members")),
        (r"services\.type\.([a-z-]+)\.group\.([a-z-]+)", a("services/type[{0}]/group[{1}]", "count")),
        (r"satisfaction", a("satisfaction", "forms")),
        (r"satisfaction\.satisfied", a("satisfaction", "satisfied")),
        (r"satisfaction\.rating\.([a-z-]+)", a("satisfaction/rating[{0}]", "count")),
        (r"satisfaction\.rate-percent", rate),
        (r"audit\.([a-z-]+)", a("audit/rule[{0}]", "count")),
        (r"audit\.([a-z-]+)\.([A-Za-z0-9_-]+)", audit_item),
    ]


def expected_value(key, v):
    if key.startswith(("community.", "campaign.")):
        return v
    if re.fullmatch(r"[0-9]+", v):
        return int(v)
    if re.fullmatch(r"[0-9]+\.[0-9]+", v):
        return float(v)
    if key.startswith("audit.") and key.count(".") == 2 and not key.startswith("audit.cadre-few-visits."):
        return "found"
    return v


def cmd_figures(ret_path, fig_path, tag=None):
    """Every figure of FIG_PATH that maps onto return.xml, compared."""
    root = load_return(ret_path)
    figs = read_figures(fig_path)
    tag = tag or os.path.basename(fig_path).split("-")[0]
    unit = unit_by_code(root, figs["community.code"])
    if not report(unit is not None and unit.get("level") == "community",
                  "%s: return.xml has the community unit %s"
                  % (tag, figs["community.code"])):
        return
    rules = [(re.compile(p), f) for p, f in mapping(root, unit)]
    skip = [(re.compile(p), why) for p, why in NOT_IN_RETURN]
    sections, unknown, skipped = {}, [], []
    for key, v in figs.items():
        fn = next((f for rx, f in rules if rx.fullmatch(key)), None)
        if fn is None:
            why = next((w for rx, w in skip if rx.fullmatch(key)), None)
            if why is None:
                unknown.append(key)
            else:
                skipped.append(key)
            continue
        m = next(rx.fullmatch(key) for rx, f in rules if rx.fullmatch(key))
        actual = fn(m)
        expected = expected_value(key, v)
        if isinstance(expected, float) and isinstance(actual, (int, float)):
            actual = round(float(actual), 2)
        sections.setdefault(key.split(".")[0], []).append((key, expected, actual))
    report(not unknown, "%s: every figure of %s is mapped onto return.xml or "
           "listed as not carried by it (%d mapped, %d not carried)"
           % (tag, os.path.basename(fig_path),
              sum(len(s) for s in sections.values()), len(skipped)),
           ["unmapped figure: " + k for k in unknown])
    for sec in sorted(sections):
        pairs = sections[sec]
        expect_equal("%s: return.xml matches figures.txt: %s (%d figures)"
                     % (tag, sec, len(pairs)), pairs)
    # the roll-up codes, when the return has roll-ups
    # (up to the filing unit: the levels the return has)
    present = [lv for lv in ("street", "district", "city") if units(root, lv)]
    if present:
        expect_equal("%s: roll-up units carry the %s codes of figures.txt"
                     % (tag, ", ".join(present)),
                     [("community.%s-code" % lv, figs["community.%s-code" % lv],
                       rollup_code(root, unit, lv))
                      for lv in present])


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for chunk in iter(lambda: f.read(1 << 16), b""):
            h.update(chunk)
    return h.hexdigest()


def cmd_reference(ret_path, register):
    """The figures of the reference report (activity-summary-2011.txt),
    from the return of the reference register."""
    root = load_return(ret_path)
    us = units(root, "community")
    if not report(len(us) == 1, "reference: return.xml has one community unit"):
        return
    u = us[0]
    g = lambda p, a: at(u, p, a)  # noqa: E731
    visited = g("households", "visited")
    report(isinstance(visited, int) and visited > 100 and visited == 108,
           "reference: households visited 108 (the report's 'more than 100')",
           ["visited = %r" % visited])
    expect_equal("reference: buildings and bungalows visited: building 80, bungalow 28",
                 [("building", 80, g("households/dwelling[building]", "visited")),
                  ("bungalow", 28, g("households/dwelling[bungalow]", "visited"))])
    expect_equal("reference: public-opinion registration forms 120",
                 [("forms", 120, g("forms", "count"))])
    # the report's 130 意见建议 are opinions and suggestions together
    expect_equal("reference: opinions and suggestions (意见建议) 130 in all",
                 [("opinions + suggestions", 130,
                   (g("opinions", "count") or 0) + (g("suggestions", "count") or 0))])
    expect_equal("reference: satisfaction evaluation forms 30, rated 12/14/3/1, satisfied 29",
                 [("forms", 30, g("satisfaction", "forms")),
                  ("very-satisfied", 12, g("satisfaction/rating[very-satisfied]", "count")),
                  ("satisfied", 14, g("satisfaction/rating[satisfied]", "count")),
                  ("basically-satisfied", 3, g("satisfaction/rating[basically-satisfied]", "count")),
                  ("dissatisfied", 1, g("satisfaction/rating[dissatisfied]", "count")),
                  ("satisfied (incl. basically)", 29, g("satisfaction", "satisfied"))])
    three = [g("groups/group[%s]" % x, "members")
             for x in ("elderly-three-noes", "elderly-living-alone", "elderly-empty-nest")]
    pairs = [("elderly members", 30, g("groups/group[elderly]", "members")),
             ("elderly served", 30, g("groups/group[elderly]", "served"))]
    bad = []
    if not all(isinstance(x, int) and x > 0 for x in three):
        bad.append("each of three-noes/living-alone/empty-nest > 0: %r" % three)
    for t in ("life-care", "housekeeping", "rehabilitation-care", "spiritual-comfort"):
        n = g("services/type[%s]/group[elderly]" % t, "count")
        if not (isinstance(n, int) and n > 0):
            bad.append("services to the elderly of type %s: %r" % (t, n))
    bad += ["%s: expected %r, got %r" % p for p in pairs if p[1] != p[2]]
    report(not bad, "reference: 30 elderly (three noes, living alone, empty nest) "
           "served, all four service types given to them", bad)
    named = ["party-building", "family-planning", "comprehensive-management",
             "labor-security", "civil-affairs", "urban-management", "health"]
    cats = {c.get("value"): int(c.get("count"))
            for c in step(u, "opinions").findall(RET + "category")}
    bad = ["%s has no opinions" % c for c in named if cats.get(c, 0) <= 0]
    bad += ["opinions outside the seven named categories: %s = %d" % (c, n)
            for c, n in cats.items() if c not in named and n]
    bad += ["category %s missing from the return" % c
            for c in [v for v, _ in labels("category", "en")] if c not in cats]
    report(not bad, "reference: opinions in exactly the seven named categories "
           "(party building ... health > 0, other = 0)", bad)
    expect_equal("reference: 16 important opinions, 16 reported to the street",
                 [("important", 16, g("opinions", "important")),
                  ("important-reported", 16, g("opinions", "important-reported"))])
    expect_equal("reference: a working group headed by the community secretary",
                 [("secretary-leads", "true", g("cadres", "secretary-leads"))])
    srcs = root.findall(RET + "sources/" + RET + "source")
    pairs = [("partial", "false", root.get("partial")), ("sources", 1, len(srcs))]
    if srcs:
        s = srcs[0]
        # a return names a register by file name: it travels, paths don't
        pairs += [("file", os.path.basename(register), s.get("file")),
                  ("size", str(os.path.getsize(register)), s.get("size")),
                  ("sha256", sha256(register), s.get("sha256")),
                  ("included", "true", s.get("included"))]
    expect_equal("reference: return.xml names its register with its size and SHA-256",
                 pairs)


# ------------------------------------------------------------ roll-ups

def flatten(unit):
    """{(path, attr): int} for every count attribute under UNIT."""
    out = {}

    def walk(el, path):
        for a, v in el.attrib.items():
            if a != "code" and re.fullmatch(r"[0-9]+", v):
                out[(path, a)] = int(v)
        for c in el:
            tag = c.tag.replace(RET, "")
            if tag == "narrative":
                continue
            key = c.get("value") or c.get("name") or c.get("id") or c.get("to")
            walk(c, path + "/" + tag + ("[%s]" % key if key else ""))
    walk(unit, "")
    return out


def cmd_rollup(ret_path, expect_levels):
    """EXPECT_LEVELS: the roll-up units in document order, the last one the
    filing unit (SPEC 3: the lowest level covering the whole batch)."""
    root = load_return(ret_path)
    comms = units(root, "community")
    flat = {u.get("code"): flatten(u) for u in comms}
    levels = expect_levels.split(",")
    roll = [u for u in units(root) if u.get("level") != "community"]
    report([u.get("level") for u in roll] == levels,
           "roll-up: return.xml has the units %s over %d communities"
           % ("/".join(levels), len(comms)),
           ["units: %s" % [(u.get("level"), u.get("code")) for u in units(root)]])
    filing = [u for u in units(root) if u.get("filing") == "true"]
    report(len(filing) == 1 and filing[0] is roll[-1] and
           int(filing[0].get("communities")) == len(comms),
           "roll-up: the last unit, %s %s, is the only one marked filing and covers all %d communities"
           % (roll[-1].get("level") if roll else "?", roll[-1].get("code") if roll else "?", len(comms)),
           ["filing: %s" % [(u.get("level"), u.get("code")) for u in filing]])
    for r in roll:
        under = [c for c in comms if r.get("level") == "all"
                 or c.get("code").startswith(r.get("code"))]
        rf = flatten(r)
        bad = []
        if len(under) < 2 or len(under) != int(r.get("communities")):
            bad.append("%d communities under it, the unit says %s"
                       % (len(under), r.get("communities")))
        for (path, attr), v in sorted(rf.items()):
            vals = [flat[c.get("code")].get((path, attr)) for c in under]
            if "/reported[" in path:  # a destination some communities never used
                vals = [x or 0 for x in vals]
            if None in vals:
                bad.append("%s/@%s: missing in %d communities" % (path, attr, vals.count(None)))
                continue
            if sum(vals) != v:
                bad.append("%s/@%s = %d, communities sum to %d (%s)"
                           % (path or ".", attr, v, sum(vals), "+".join(map(str, vals))))
        # every table row of the communities is rolled up (cadres and teams
        # are per community)
        common = set.intersection(*[set(flat[c.get("code")]) for c in under]) if under else set()
        for k in sorted(common):
            if k not in rf and not re.match(r"/cadres/(cadre|team)\[", k[0]):
                bad.append("%s/@%s: in every community, not in the roll-up" % k)
        if len(rf) < 200:
            bad.append("only %d count attributes walked" % len(rf))
        report(not bad, "roll-up: %s %s: all %d count attributes equal the sum "
               "of its %d communities" % (r.get("level"), r.get("code") or "(all)",
                                          len(rf), len(under)), bad)


# ------------------------------------------------------------ workbook

# Column headers of the workbook, as a user reads them (zh, en).
H = {
    "code": ("代码", "Code"),
    "name": ("单位名称", "Unit"),
    "registered": ("登记户数", "Households registered"),
    "visited": ("走访户数", "Households visited"),
    "coverage": ("走访覆盖率", "Coverage"),
    "visits": ("走访次数", "Visits"),
    "forms": ("民情登记表（份）", "Opinion forms"),
    "opinions": ("民情意见（条）", "Opinions"),
    "important": ("重要意见", "Important"),
    "important-reported": ("重要意见已上报", "Important, reported"),
    "suggestions": ("建议（条）", "Suggestions"),
    "elderly": ("老年人数", "Elderly members"),
    "elderly-served": ("已服务老年人数", "Elderly served"),
    "services": ("服务次数", "Services"),
    "sat-forms": ("满意度测评表（份）", "Satisfaction forms"),
    "satisfied": ("满意（含基本满意）", "Satisfied (incl. basically)"),
    "rate": ("满意率", "Satisfaction rate"),
    "total": ("合计", "Total"),
    "members": ("人数", "Members"),
    "households": ("户数", "Households"),
    "served": ("已服务人数", "Served"),
    "cad-registered": ("在册人数", "Registered"),
    "taking-part": ("参与人数", "Taking part"),
    # a cadre counts once per visit taken part in (181 for 金山, not 150)
    "cadre-visits": ("参与走访人次", "Visits taken part in"),
    "role-kind": ("职务", "Role"),
    "team-kind": ("工作组", "Team"),
    "cadre-kind": ("干部", "cadre"),
    "distinct-total": ("合计（不重复计）", "Total (each counted once)"),
    "household-id": ("户编号", "Household"),
    "cadre-id": ("干部编号", "Cadre id"),
    "file": ("文件", "File"),
    "subtotal": ("小计", " subtotal"),
}


def h(key, lang):
    return H[key][0 if lang == "zh" else 1]


def sheet_names(lang):
    """Sheet tab names: the table labels of return.xsd (Excel cuts a tab
    name at 31 characters), with the cadres' detail after the cadres table,
    then the audit list."""
    names = [l for _, l in labels("table", lang, RETURN_XSD)]
    names.append(names[-1] + ("（明细）" if lang == "zh" else " (list)"))
    # the cadres' detail (teams, cadres by id) after the cadres table
    k = [v for v, _ in labels("table", lang, RETURN_XSD)].index("cadres")
    names.insert(k + 1, names[k] + ("（明细）" if lang == "zh" else " (list)"))
    return [n[:31].rstrip() for n in names]


def workbook(path, lang):
    order, sheets = ooxml.read_workbook(path)
    want = sheet_names(lang)
    if order != want:
        raise LookupError("sheets %s, expected %s" % (order, want))
    return {key: sheets[name] for key, name in zip(
        ["summary", "visits", "opinions", "suggestions", "groups", "cadres",
         "cadres-list", "satisfaction", "audit", "audit-list"], want)}


def close(a, b):
    return isinstance(a, (int, float)) and abs(a - b) < 1e-9


def cell_pairs(tab, row, cols_expected):
    """[(what, expected, actual)] for cells of ROW; an expected float
    compares within 0.00005 (percent figures have 2 decimals)."""
    out = []
    for what, col, exp in cols_expected:
        act = tab.sheet.value(col, row)
        if isinstance(exp, float):
            ok = isinstance(act, (int, float)) and abs(act - exp) < 5e-5
            out.append((what, exp, exp if ok else act))
        else:
            out.append((what, exp, act))
    return out


def one_row(tab, desc, **match):
    rows = tab.find_rows(**match)
    if len(rows) != 1:
        raise LookupError("%s: %d rows match %s" % (desc, len(rows), match))
    return rows[0]


def cmd_xlsx_unit(xlsx, fig_path, lang, tag=None):
    """The figures of one community, cell by cell, in every sheet."""
    figs = read_figures(fig_path)
    tag = (tag or os.path.basename(fig_path).split("-")[0]) + " (%s)" % lang
    F = lambda k: num(figs, k)  # noqa: E731
    name, code = figs["community.name"], figs["community.code"]
    try:
        wb = workbook(xlsx, lang)
    except (LookupError, KeyError) as e:
        report(False, "%s: workbook sheets are the tables of return.xsd" % tag, [e])
        return

    def run(desc, fn):
        try:
            fn(desc)
        except (LookupError, KeyError, ValueError) as e:
            report(False, desc, [repr(e)])

    def summary(desc):
        # a cross-table: the community's row (A name, B code)
        t = ooxml.Table(wb["summary"], h("name", lang), name_col=1)
        r = one_row(t, desc, A=name, B=code)
        cols = [("registered", t.col(h("registered", lang)), F("households.registered")),
                ("visited", t.col(h("visited", lang)), F("households.visited")),
                ("coverage", t.col(h("coverage", lang)), F("households.coverage-percent") / 100),
                ("visits", t.col(h("visits", lang)), F("visits")),
                ("forms", t.col(h("forms", lang)), F("forms")),
                ("opinions", t.col(h("opinions", lang)), F("opinions")),
                ("important", t.col(h("important", lang)), F("opinions.important")),
                ("important reported", t.col(h("important-reported", lang)), F("opinions.important.reported")),
                ("suggestions", t.col(h("suggestions", lang)), F("suggestions")),
                ("elderly", t.col(h("elderly", lang)), F("elderly.members")),
                ("elderly served", t.col(h("elderly-served", lang)), F("elderly.served")),
                ("services", t.col(h("services", lang)), F("services")),
                ("satisfaction forms", t.col(h("sat-forms", lang)), F("satisfaction")),
                ("satisfied", t.col(h("satisfied", lang)), F("satisfaction.satisfied")),
                ("rate", t.col(h("rate", lang)), F("satisfaction.rate-percent") / 100)]
        expect_equal(desc, cell_pairs(t, r, cols))

    def visits(desc):
        # a cross-table: the unit's row (A name, B code)
        t = ooxml.Table(wb["visits"], h("name", lang), name_col=1)
        r = one_row(t, desc, A=name, B=code)
        cols = []
        for d, dl in labels("dwelling", lang):
            for k in ("registered", "visited"):
                cols.append(("%s %s" % (d, k), t.col(dl, h(k, lang)),
                             F("households.%s.%s" % (k, d))))
        cols += [("registered", t.col(h("total", lang), h("registered", lang)), F("households.registered")),
                 ("visited", t.col(h("total", lang), h("visited", lang)), F("households.visited")),
                 ("coverage", t.col(h("coverage", lang)), F("households.coverage-percent") / 100)]
        for k, kl in labels("visitKind", lang):
            cols.append(("visits " + k, t.col(kl), F("visits.kind." + k)))
        cols.append(("visits", t.col(h("visits", lang), h("total", lang)), F("visits")))
        expect_equal(desc, cell_pairs(t, r, cols))

    def items(kind, desc):
        # a cross-table: the unit's row (A name, B code), the 合计 block
        # (total, by status, important) and a block per category (its
        # total, by status) under a two-level heading
        t = ooxml.Table(wb[kind], h("name", lang), name_col=1)
        r = one_row(t, desc, A=name, B=code)
        tot = h("total", lang)
        pairs = []
        for c, cl in [(c, cl) for c, cl in labels("category", lang)] + [(None, tot)]:
            pre = "%s.category.%s" % (kind, c) if c else kind
            for s, sl in labels("status", lang):
                pairs.append(("%s %s" % (c or "total", s), F(pre + ".status." + s),
                              t.sheet.value(t.col(cl, sl), r)))
            pairs.append(("%s total" % (c or "total"), F(pre),
                          t.sheet.value(t.col(cl, tot) if c else t.col(tot), r)))
        if kind == "opinions":
            pairs.append(("important", F(kind + ".important"),
                          t.sheet.value(t.col(tot, h("important", lang)), r)))
            pairs.append(("important reported", F(kind + ".important.reported"),
                          t.sheet.value(t.col(tot, h("important-reported", lang)), r)))
        expect_equal(desc, pairs)

    def groups(desc):
        # a cross-table: the 合计（不重复计） block (members in any group,
        # their households, members served, services by type and in all),
        # then per group its members, households, served and services
        t = ooxml.Table(wb["groups"], h("name", lang), name_col=1)
        r = one_row(t, desc, A=name, B=code)
        types = labels("serviceType", lang)
        dt = h("distinct-total", lang)
        val = lambda *l: t.sheet.value(t.col(*l), r)  # noqa: E731
        pairs = []
        for g, gl in group_labels(lang):
            tot = sum(F("services.type.%s.group.%s" % (s, g)) for s, _ in types)
            pairs += [(g + " members", F("members.group.%s" % g), val(gl, h("members", lang))),
                      (g + " households", F("households.group.%s" % g), val(gl, h("households", lang))),
                      (g + " served", F("members.group.%s.served" % g), val(gl, h("served", lang))),
                      (g + " services", tot, val(gl, h("services", lang)))]
        pairs += [("any group members", F("members.in-any-group"), val(dt, h("members", lang))),
                  ("any group households", F("households.with-group-member"), val(dt, h("households", lang)))]
        for s, sl in types:
            pairs.append(("services " + s, F("services.type." + s), val(dt, sl)))
        pairs.append(("services", F("services"), val(dt, h("services", lang))))
        expect_equal(desc, pairs)
    def cadres(desc):
        # a cross-table: the unit's row (A name, B code), the 合计 block and
        # a block per role (registered, taking part, visits taken part in)
        t = ooxml.Table(wb["cadres"], h("name", lang), name_col=1)
        r = one_row(t, desc, A=name, B=code)
        reg, tp, cv = h("cad-registered", lang), h("taking-part", lang), h("cadre-visits", lang)
        val = lambda *l: t.sheet.value(t.col(*l), r)  # noqa: E731
        pairs = []
        for ro, rl in labels("role", lang):
            pairs += [(ro + " registered", F("cadres.role." + ro), val(rl, reg)),
                      (ro + " taking part", F("cadres.role.%s.taking-part" % ro), val(rl, tp)),
                      (ro + " visits", F("cadres.role.%s.visits" % ro), val(rl, cv))]
        tot = h("total", lang)
        pairs += [("cadres", F("cadres"), val(tot, reg)),
                  ("taking part", F("cadres.taking-part"), val(tot, tp))]
        # under it the detail: teams, and cadres by id with role and team
        d = ooxml.Table(wb["cadres-list"], h("name", lang), name_col=1)
        dreg, dtp, dcv = d.col(reg), d.col(tp), d.col(cv)
        for k in figs:
            m = re.fullmatch(r"cadres\.team\.([^.]+)", k)
            if m:
                r = one_row(d, desc, A=name, B=code, C=h("team-kind", lang), D=m.group(1))
                pairs += [(k, F(k), d.sheet.value(dreg, r)),
                          (k + ".taking-part", F(k + ".taking-part"), d.sheet.value(dtp, r)),
                          (k + ".visits", F(k + ".visits"), d.sheet.value(dcv, r))]
            m = re.fullmatch(r"visits\.cadre\.(.+)", k)
            if m:
                r = one_row(d, desc, A=name, B=code, C=h("cadre-kind", lang), D=m.group(1))
                pairs.append((k, F(k), d.sheet.value(dcv, r)))
        expect_equal(desc, pairs)

    def satisfaction(desc):
        t = ooxml.Table(wb["satisfaction"], h("name", lang), name_col=1)
        r = one_row(t, desc, A=name, B=code)
        cols = [("rating " + v, t.col(l), F("satisfaction.rating." + v))
                for v, l in labels("rating", lang)]
        cols += [("forms", t.col(h("sat-forms", lang)), F("satisfaction")),
                 ("satisfied", t.col(h("satisfied", lang)), F("satisfaction.satisfied")),
                 ("rate", t.col(h("rate", lang)), F("satisfaction.rate-percent") / 100)]
        expect_equal(desc, cell_pairs(t, r, cols))

    def audit(desc):
        t = ooxml.Table(wb["audit"], h("name", lang), name_col=1)
        r = one_row(t, desc, A=name, B=code)
        pairs = []
        for v, l in labels("rule", lang, RETURN_XSD):
            if "audit." + v in figs:
                pairs.append((v, F("audit." + v), t.sheet.value(t.col(l), r)))
        lt = ooxml.Table(wb["audit-list"], h("file", lang))
        hc, cc = lt.col(h("household-id", lang)), lt.col(h("cadre-id", lang))
        rules = dict(labels("rule", lang, RETURN_XSD))
        for k in figs:
            m = re.fullmatch(r"audit\.([a-z-]+)\.([A-Za-z0-9_-]+)", k)
            if m:
                n = sum(1 for rr in lt.data_rows
                        if lt.sheet.value(3, rr) == rules[m.group(1)]
                        and m.group(2) in (lt.sheet.value(hc, rr), lt.sheet.value(cc, rr)))
                pairs.append(("finding " + k, 1, n))
        expect_equal(desc, pairs)

    run("%s: workbook %s row of %s: all 15 figures" % (tag, wb["summary"].name, name), summary)
    run("%s: workbook %s: households by dwelling, coverage, visits by kind" % (tag, wb["visits"].name), visits)
    run("%s: workbook %s: every category x status, important, reported" % (tag, wb["opinions"].name),
        lambda d: items("opinions", d))
    run("%s: workbook %s: every category x status" % (tag, wb["suggestions"].name),
        lambda d: items("suggestions", d))
    run("%s: workbook %s: members, households, served, services by group; services by type" % (tag, wb["groups"].name), groups)
    run("%s: workbook %s: roles, teams, each cadre's visits" % (tag, wb["cadres"].name), cadres)
    run("%s: workbook %s: ratings, forms, satisfied, rate" % (tag, wb["satisfaction"].name), satisfaction)
    run("%s: workbook %s: findings by rule and the listed findings" % (tag, wb["audit"].name), audit)


def cmd_xlsx_filer(xlsx, name):
    """Every sheet's 填报单位 is the filing unit NAME (SPEC 3)."""
    order, sheets = ooxml.read_workbook(xlsx)
    bad = []
    for n in order:
        got = [v for v in sheets[n].strings() if isinstance(v, str) and v.startswith("填报单位：")]
        if got != ["填报单位：" + name]:
            bad.append("%s: %r" % (n, got))
    report(not bad, "workbook: 填报单位 is %s on all %d sheets" % (name, len(order)), bad)


def cmd_xlsx_form(xlsx, lang):
    """The statistical-return form of every sheet: the 表号 block (民访N表,
    N the sheet's number; 制定机关) at the right of the title rows, the
    print footer 第 &P 页 共 &N 页, A4 landscape, fitted one page across or
    printed over several at a legible scale; the cross-tables' row of
    column numbers (甲 乙 1 2 3…) under their headings, and their row
    totals adding up (the column totals: xlsx-rollup)."""
    order, sheets = ooxml.read_workbook(xlsx)
    words = dict(labels("word", lang, RETURN_XSD))
    letters = words["column-letters"].split()
    for i, name in enumerate(order, 1):
        sh = sheets[name]
        bad = []
        number = "%s%d%s" % (words["table-number"], i, words["table-number-after"])
        row1 = [c for c in sorted(sh.row(1)) if sh.value(c, 1) not in (None, "")]
        row2 = [c for c in sorted(sh.row(2)) if sh.value(c, 2) not in (None, "")]
        # the title and period from A, or, on a sheet printed over several
        # pages across, after the unit columns A:B, which repeat on every
        # page; the reporting unit then merged over A3:B3 (it prints whole
        # on every page)
        lead = 3 if sh.col_breaks else 1
        if [sh.value(c, 1) for c in row1[1:]] != [number] or row1[0] != lead:
            bad.append("row 1: %r, expected the title (column %d) then %r"
                       % ([sh.value(c, 1) for c in row1], lead, number))
        if [sh.value(c, 2) for c in row2[1:]] != [words["issuer"]] or row2[0] != lead:
            bad.append("row 2: %r, expected the period (column %d) then %r"
                       % ([sh.value(c, 2) for c in row2], lead, words["issuer"]))
        if sh.col_breaks and (1, 3, 2, 3) not in sh.merges:
            bad.append("the reporting unit is not merged over A3:B3: %r" % (sh.merges,))
        if sh.footer != words["page-footer"]:
            bad.append("print footer %r, expected %r" % (sh.footer, words["page-footer"]))
        ps = sh.page_setup
        if ps.get("paperSize") != "9" or ps.get("orientation") != "landscape":
            bad.append("page set-up %r: not A4 landscape" % ps)
        if sh.col_breaks:
            if int(ps.get("scale", "100")) < 75 or sh.fit.get("fitToPage") == "1":
                bad.append("printed over %d pages across at %r, fit %r"
                           % (len(sh.col_breaks) + 1, ps.get("scale"), sh.fit))
        elif sh.fit.get("fitToPage") != "1" or ps.get("fitToWidth", "1") != "1":
            bad.append("not fitted to one page across: %r %r" % (sh.fit, ps))
        report(not bad, "%s: sheet %d %s: 表号 block, print footer, A4 landscape, legible print"
               % (lang, i, name), bad)
    wb = workbook(xlsx, lang)
    for key in ("summary", "visits", "cadres", "satisfaction", "audit"):
        # the other per-unit sheets: the same row of column numbers, then
        # the 合计 row (the reporting unit) first
        t = ooxml.Table(wb[key], h("name", lang), name_col=1)
        sh = t.sheet
        nr = t.data_rows[0]
        ncols = max(c for c in t.labels)
        want = letters[:2] + [str(c - 2) for c in range(3, ncols + 1)]
        got = [sh.value(c, nr) for c in range(1, ncols + 2)]
        bad = []
        if got != want + [None]:
            bad.append("row %d under the headings: %r, expected %r" % (nr, got, want))
        if [sh.value(c, t.header_rows[0]) for c in (1, 2)] != [h("name", lang), h("code", lang)]:
            bad.append("headings %r, expected the name then the code"
                       % [sh.value(c, t.header_rows[0]) for c in (1, 2)])
        if len(t.data_rows) < 2 or sh.value(1, t.data_rows[1]) != h("total", lang):
            bad.append("the row after the numbers is %r, expected %r"
                       % (len(t.data_rows) > 1 and sh.value(1, t.data_rows[1]), h("total", lang)))
        if key == "cadres":
            # the 合计 block of each row: the sums of the roles' blocks
            tot = h("total", lang)
            roles = [rl for _, rl in labels("role", lang)]
            for r in t.data_rows[1:]:
                for k in ("cad-registered", "taking-part", "cadre-visits"):
                    v = lambda *l: sh.value(t.col(*l), r)  # noqa: E731
                    if v(tot, h(k, lang)) != sum(v(rl, h(k, lang)) for rl in roles):
                        bad.append("row %d %s: %r, the roles sum to %r"
                                   % (r, h(k, lang), v(tot, h(k, lang)),
                                      sum(v(rl, h(k, lang)) for rl in roles)))
        report(not bad, "%s: sheet %s: %s name, %s code, columns numbered 1 2 3…, the 合计 row first"
               % (lang, sh.name, letters[0], letters[1]), bad)
    for key in ("opinions", "suggestions", "groups"):
        t = ooxml.Table(wb[key], h("name", lang), name_col=1)
        sh = t.sheet
        bad = []
        nr = t.data_rows[0]
        ncols = max(c for c in t.labels)
        want = letters[:2] + [str(c - 2) for c in range(3, ncols + 1)]
        got = [sh.value(c, nr) for c in range(1, ncols + 2)]
        if got != want + [None]:
            bad.append("row %d under the headings: %r, expected %r" % (nr, got, want))
        if key == "groups":
            dt, types = h("distinct-total", lang), [sl for _, sl in labels("serviceType", lang)]
            for r in t.data_rows[1:]:
                v = lambda *l: sh.value(t.col(*l), r)  # noqa: E731
                if v(dt, h("services", lang)) != sum(v(dt, sl) for sl in types):
                    bad.append("row %d: services %r, by type %r"
                               % (r, v(dt, h("services", lang)), [v(dt, sl) for sl in types]))
            report(not bad and len(t.data_rows) > 1,
                   "%s: sheet %s: columns numbered %s, %s 1 2 3…; services by type add up (%d rows)"
                   % (lang, sh.name, letters[0], letters[1], len(t.data_rows) - 1), bad)
            continue
        tot = h("total", lang)
        sts = [sl for _, sl in labels("status", lang)]
        cats = [cl for _, cl in labels("category", lang)]
        for r in t.data_rows[1:]:
            v = lambda *l: sh.value(t.col(*l), r)  # noqa: E731
            for cl in cats:
                if v(cl, tot) != sum(v(cl, sl) for sl in sts):
                    bad.append("row %d %s: total %r, statuses sum to %r"
                               % (r, cl, v(cl, tot), sum(v(cl, sl) for sl in sts)))
            for sl in sts:
                if v(tot, sl) != sum(v(cl, sl) for cl in cats):
                    bad.append("row %d %s: total %r, categories sum to %r"
                               % (r, sl, v(tot, sl), sum(v(cl, sl) for cl in cats)))
            if v(tot) != sum(v(cl, tot) for cl in cats) or v(tot) != sum(v(tot, sl) for sl in sts):
                bad.append("row %d: total %r" % (r, v(tot)))
        report(not bad and len(t.data_rows) > 1,
               "%s: sheet %s: columns numbered %s, %s 1 2 3…; every row's totals add up (%d rows)"
               % (lang, sh.name, letters[0], letters[1], len(t.data_rows) - 1), bad)


def cmd_xlsx_labels(xlsx, lang):
    """Sheet names and row/column labels of LANG, from the schemas."""
    order, sheets = ooxml.read_workbook(xlsx)
    want = sheet_names(lang)
    report(order == want, "%s: workbook sheets are the tables of return.xsd in %s"
           % (lang, lang), ["sheets %s" % order, "expected %s" % want])
    full = [l for _, l in labels("table", lang, RETURN_XSD)]
    cut = [n for n in full if len(n) > 31]
    if cut:
        print("# note: tab names cut at Excel's 31 characters: %s" % cut)
    bad = []
    if order == want:
        wb = dict(zip(["summary", "visits", "opinions", "suggestions", "groups",
                       "cadres", "cadres-list", "satisfaction", "audit", "audit-list"], order))
        for key in ("opinions", "suggestions"):
            # a cross-table: the categories head the blocks of its first
            # heading row
            sh = sheets[wb[key]]
            t = ooxml.Table(sh, h("name", lang), name_col=1)
            found = [sh.value(c, t.header_rows[0]) for c in t.labels]
            for v, l in labels("category", lang):
                if l not in found:
                    bad.append("%s: no column block headed %r (%s)" % (wb[key], l, v))
        for key, types in (("opinions", ["status"]), ("suggestions", ["status"]),
                           ("satisfaction", ["rating"]), ("groups", ["serviceType"]),
                           ("visits", ["dwelling", "visitKind"])):
            strings = sheets[wb[key]].strings()
            for ty in types:
                for v, l in labels(ty, lang):
                    if l not in strings:
                        bad.append("%s: no header %r (%s)" % (wb[key], l, v))
        strings = sheets[wb["groups"]].strings()
        for v, l in group_labels(lang):
            if l not in strings:
                bad.append("%s: no column block %r (%s)" % (wb["groups"], l, v))
        strings = sheets[wb["audit"]].strings()
        for v, l in labels("rule", lang, RETURN_XSD):
            if l not in strings:
                bad.append("%s: no column %r (%s)" % (wb["audit"], l, v))
        other = "en" if lang == "zh" else "zh"
        for v, l in labels("category", other):
            if l in sheets[wb["opinions"]].strings() and l not in [x for _, x in labels("category", lang)]:
                bad.append("%s: %s label %r shows in a %s workbook" % (wb["opinions"], other, l, lang))
    report(not bad, "%s: category, status, rating, group, service, dwelling, "
           "visit-kind and rule labels are the %s labels of the schemas" % (lang, lang), bad)
    bad = []
    for name in order:
        for c in sheets[name].cells.values():
            if c.formula is not None and c.value is None:
                bad.append("%s!%s {=%s} has no cached value" % (name, c.ref, c.formula))
    report(not bad, "%s: every formula cell has a cached value" % lang, bad)


def cmd_xlsx_cadre_roles(xlsx, lang):
    """The cadres' detail sheet: every cadre's role is a label of LANG, in
    every community, not only the first one of the return (whose rows the
    workbook takes its labels from)."""
    order, sheets = ooxml.read_workbook(xlsx)
    sh = sheets[sheet_names(lang)[6]]
    roles = [l for _, l in labels("role", lang)]
    bad, seen, codes = [], 0, set()
    for r in sh.rows():
        role, code = sh.value(5, r), sh.value(2, r)
        if r <= 6 or role is None or not str(code or "").isdigit():
            continue
        seen += 1
        codes.add(code)
        if role not in roles:
            bad.append("row %d (%s): role %r is not one of %s" % (r, code, role, roles))
    report(not bad and seen > 0 and len(codes) >= 2,
           "%s: the cadres' roles are %s labels in every community's rows "
           "(%d cadres of %d communities)" % (lang, lang, seen, len(codes)), bad)


def cmd_xlsx_rollup(xlsx, lang, *fig_paths):
    """Summary sheet: community rows are the communities' figures; the
    street/district subtotal and grand-total rows equal the sums of the
    community rows, cached value and SUM formula; a street or district
    covering every community has no subtotal row (the 合计 is it). Every other table
    sheet: roll-up rows equal the sums of their communities' rows."""
    wb = workbook(xlsx, lang)
    # a cross-table: A name, B code; the 合计 row first, under the numbers
    t = ooxml.Table(wb["summary"], h("name", lang), name_col=1)
    sh = t.sheet
    figs = [read_figures(p) for p in fig_paths]
    comm = [r for r in t.data_rows if len(str(sh.value(2, r) or "")) == 12]
    report(sorted(str(sh.value(2, r)) for r in comm) == sorted(f["community.code"] for f in figs)
           and all(sh.value(1, r) == {f["community.code"]: f["community.name"] for f in figs}[str(sh.value(2, r))]
                   for r in comm),
           "%s: summary sheet has one row per community, each with its name "
           "(东风社区 read from GB18030)" % lang,
           ["rows: %s" % [(sh.value(1, r), sh.value(2, r)) for r in t.data_rows]])
    ratio = {t.col(h("coverage", lang)): (t.col(h("visited", lang)), t.col(h("registered", lang))),
             t.col(h("rate", lang)): (t.col(h("satisfied", lang)), t.col(h("sat-forms", lang)))}
    counts = [c for c in t.labels if c >= 3 and c not in ratio]
    figmap = {"registered": "households.registered", "visited": "households.visited",
              "visits": "visits", "forms": "forms", "opinions": "opinions",
              "important": "opinions.important", "important-reported": "opinions.important.reported",
              "suggestions": "suggestions", "elderly": "elderly.members",
              "elderly-served": "elderly.served", "services": "services",
              "sat-forms": "satisfaction", "satisfied": "satisfaction.satisfied"}
    pairs = []
    for f in figs:
        rows = [r for r in comm if str(sh.value(2, r)) == f["community.code"]]
        for r in rows:
            for key, fk in figmap.items():
                pairs.append(("%s %s" % (f["community.name"], key), num(f, fk),
                              sh.value(t.col(h(key, lang)), r)))
    expect_equal("%s: summary sheet community rows carry their figures.txt values" % lang, pairs)

    def check_total(desc, r, members):
        bad = []
        if r is None:
            report(False, desc, ["no such row"])
            return
        for c in counts:
            cell = sh.get(c, r)
            want = sum(sh.value(c, m) or 0 for m in members)
            if cell is None or cell.value != want:
                bad.append("%s: cached %r, community rows sum to %r"
                           % (ooxml.col_letters(c) + str(r), cell and cell.value, want))
            if cell is None or not (cell.formula or "").upper().startswith("SUM("):
                bad.append("%s: no SUM formula (%r)" % (ooxml.col_letters(c) + str(r),
                                                        cell and cell.formula))
        for c, (n, d) in ratio.items():
            cell = sh.get(c, r)
            den = sh.value(d, r)
            want = sh.value(n, r) / den if den else 0
            if cell is None or not close(cell.value, want) or not cell.formula:
                bad.append("%s: %r {=%r}, expected %r as a formula"
                           % (ooxml.col_letters(c) + str(r), cell and cell.value,
                              cell and cell.formula, want))
        report(not bad, desc, bad)

    sub = [r for r in t.data_rows if str(sh.value(1, r) or "").endswith(h("subtotal", lang))]
    streets = sorted({f["community.street-code"] for f in figs})
    districts = sorted({f["community.district-code"] for f in figs})
    for code in streets + districts:
        r = next((x for x in sub if str(sh.value(2, x)) == code), None)
        members = [m for m in comm if str(sh.value(2, m)).startswith(code)]
        if len(members) == len(comm):
            # it covers the whole return: the filing unit or above it, which
            # is the 合计 row, never a subtotal repeating it
            report(r is None, "%s: summary sheet has no subtotal row %s repeating the 合计"
                   % (lang, code), ["row %s" % r])
            continue
        check_total("%s: summary sheet subtotal row %s (%s) = sum of its %d community rows, "
                    "SUM formulas" % (lang, code, r and sh.value(1, r), len(members)), r, members)
        # a parent above its children: the subtotal right above its first
        # community or sub-unit
        first = min(members + [x for x in sub if str(sh.value(2, x)).startswith(code) and x != r])
        report(r is not None and r == first - 1,
               "%s: summary sheet subtotal row %s is above its communities" % (lang, code),
               ["row %s, its first community or sub-unit at %s" % (r, first)])
    tot = [r for r in t.data_rows if sh.value(1, r) == h("total", lang)]
    report(len(tot) == 1 and tot[0] == t.data_rows[1],
           "%s: summary sheet: the 合计 row first, under the column numbers" % lang,
           ["合计 rows %s, data rows %s" % (tot, t.data_rows)])
    check_total("%s: summary sheet grand total row = sum of the %d community rows, SUM formulas"
                % (lang, len(comm)), tot[0] if len(tot) == 1 else None, comm)

    # the other table sheets: a row per unit (and per category/group/role)
    for key in ("opinions", "suggestions", "groups", "visits", "cadres", "satisfaction", "audit"):
        # cross-tables: one row per unit (A name, B code) under the row of
        # column numbers; the 合计 row (the reporting unit, first) and every
        # roll-up row equal the sums of their communities' rows
        tb = ooxml.Table(wb[key], h("name", lang), name_col=1)
        s2 = tb.sheet
        rows = [r for r in tb.data_rows if not isinstance(s2.value(3, r), str)]
        crow = [r for r in rows if len(str(s2.value(2, r) or "")) == 12]
        rolls = [r for r in rows if r not in crow]
        bad, checked = [], 0
        if not rolls or s2.value(1, rolls[0]) != h("total", lang) or rolls[0] != rows[0]:
            bad.append("the 合计 row is not first: %r" % [s2.value(1, r) for r in rows])
        for r in rolls:
            code = str(s2.value(2, r) or "")
            under = [m for m in crow if str(s2.value(2, m)).startswith(code)]
            want_n = sum(1 for f in figs if f["community.code"].startswith(code))
            if len(under) != want_n or not under:
                bad.append("row %d %s: %d community rows under it, expected %d"
                           % (r, code, len(under), want_n))
                continue
            for c in sorted(tb.labels):
                if c < 3:
                    continue
                cell = s2.get(c, r)
                if cell is not None and (cell.formula or "").upper().startswith("IF("):
                    continue  # a ratio
                want = sum(s2.value(c, m) or 0 for m in under)
                checked += 1
                if s2.value(c, r) != want:
                    bad.append("%s %s: %r, communities sum to %r"
                               % (ooxml.col_letters(c) + str(r), code, s2.value(c, r), want))
        report(not bad, "%s: sheet %s: the 合计 row first, it and every roll-up row equal "
               "the sums of their communities' rows (%d rows, %d cells)"
               % (lang, s2.name, len(rolls), checked), bad)


# ------------------------------------------------------------ summaries

def summary_checks(text, lang, figs, what):
    name = figs["community.name"]
    F = lambda k: num(figs, k)  # noqa: E731
    if lang == "zh":
        heads = ["一、", "二、", "三、", "四、", "五、"]
        date = "2011年11月10日"
        # 意见建议 is opinions and suggestions together, with the split
        phrases = ["走访辖区住户%d户" % F("households.visited"),
                   "填写民情登记表%d份" % F("forms"),
                   "意见建议%d条，其中意见%d条、建议%d条" % (
                       F("opinions-and-suggestions"), F("opinions"), F("suggestions")),
                   "满意度测评表%d份" % F("satisfaction"),
                   "为%d名" % F("elderly.served"),
                   "重要意见%d条" % F("opinions.important")]
    else:
        heads = ["I. ", "II. ", "III. ", "IV. ", "V. "]
        date = "10 November 2011"
        phrases = ["%d households" % F("households.visited"),
                   "%d public-opinion registration forms" % F("forms"),
                   "%d opinions and suggestions (%d opinions, %d suggestions)" % (
                       F("opinions-and-suggestions"), F("opinions"), F("suggestions")),
                   "%d satisfaction evaluation forms" % F("satisfaction"),
                   "%d elderly" % F("elderly.served"),
                   "%d important opinions" % F("opinions.important")]
    return heads, date, phrases, name


def cmd_summary_md(md, lang, fig_path):
    figs = read_figures(fig_path)
    text = open(md, encoding="utf-8").read()
    lines = text.splitlines()
    heads, date, phrases, name = summary_checks(text, lang, figs, md)
    title = [l for l in lines if l.startswith("# ")]
    report(len(title) == 1 and name in title[0],
           "%s: %s title names %s" % (lang, os.path.basename(md), name), ["titles: %r" % title])
    h2 = [l[3:] for l in lines if l.startswith("## ")]
    missing = [x for x in heads if not any(l.startswith(x) for l in h2)]
    order = [next((i for i, l in enumerate(h2) if l.startswith(x)), -1) for x in heads]
    report(not missing and order == sorted(order),
           "%s: %s has the five part headings %s in order" % (lang, os.path.basename(md), " ".join(x.strip() for x in heads)),
           ["headings: %r" % h2])
    miss = [p for p in phrases if p not in text]
    report(not miss, "%s: %s states the key figures %s"
           % (lang, os.path.basename(md), ", ".join(phrases)), ["missing: %r" % miss])
    last = [l for l in lines if l.strip()][-1:]
    report(bool(last) and date in last[0],
           "%s: %s ends with the date %s" % (lang, os.path.basename(md), date), ["last line: %r" % last])


def cmd_summary_docx(docx, lang, fig_path):
    figs = read_figures(fig_path)
    paras = ooxml.docx_paragraphs(docx)
    text = "\n".join(t for _, t in paras)
    heads, date, phrases, name = summary_checks(text, lang, figs, docx)
    base = os.path.basename(docx)
    titles = [t for s, t in paras if s == "Title"]
    report(len(titles) == 1 and name in titles[0], "%s: %s word/document.xml title (style Title) names %s"
           % (lang, base, name), ["titles: %r" % titles])
    h1 = [t for s, t in paras if s == "Heading1"]
    missing = [x for x in heads if not any(l.startswith(x) for l in h1)]
    report(not missing, "%s: %s has the five Heading1 headings %s" % (lang, base, " ".join(x.strip() for x in heads)),
           ["Heading1: %r" % h1])
    miss = [p for p in phrases if p not in text]
    report(not miss, "%s: %s states the key figures" % (lang, base), ["missing: %r" % miss])
    report(date in text, "%s: %s is dated %s" % (lang, base, date))


# ------------------------------------------------------------ partial

def cmd_partial(outdir, excluded):
    root = load_return(os.path.join(outdir, "return.xml"))
    srcs = {s.get("file"): s for s in root.iter(RET + "source")}
    s = srcs.get(os.path.basename(excluded))
    expect_equal("partial: return.xml is marked partial and names %s as not included"
                 % os.path.basename(excluded),
                 [("partial", "true", root.get("partial")),
                  ("source listed", True, s is not None),
                  ("included", "false", s.get("included") if s is not None else None)]
                 + [("other source %s included" % f, "true", x.get("included"))
                    for f, x in srcs.items() if f != os.path.basename(excluded)])
    codes = [u.get("code") for u in units(root, "community")]
    report(len(codes) == len(srcs) - 1,
           "partial: return.xml counts only the %d valid registers" % (len(srcs) - 1),
           ["community units: %s" % codes])
    base = os.path.basename(excluded)
    order, sheets = ooxml.read_workbook(os.path.join(outdir, "returns.xlsx"))
    where = [n for n in order if any(base in x for x in sheets[n].strings())]
    report(bool(where), "partial: returns.xlsx names %s (in %s)" % (base, where or "no sheet"))
    names = sorted(os.listdir(outdir))
    for ext in ("md", "html", "docx"):
        files = [n for n in names if n.startswith("summary") and n.endswith("." + ext)]
        bad = []
        for n in files:
            p = os.path.join(outdir, n)
            if ext == "docx":
                text = "\n".join(t for _, t in ooxml.docx_paragraphs(p))
            else:
                text = open(p, encoding="utf-8").read()
            if base not in text:
                bad.append("%s does not name %s" % (n, base))
        report(files and not bad, "partial: every summary .%s (%d) names the excluded %s"
               % (ext, len(files), base), bad or ["no summary .%s" % ext])


# ------------------------------------------------------------ misc

def cmd_whole(outdir):
    """Every file in OUTDIR is whole: XML parses, zips test clean."""
    import zipfile
    bad = []
    names = sorted(os.listdir(outdir))
    for n in names:
        p = os.path.join(outdir, n)
        try:
            if n.endswith(".xml"):
                ET.parse(p)
            elif n.endswith((".xlsx", ".docx")):
                z = zipfile.ZipFile(p)
                if z.testzip() is not None:
                    bad.append(n + ": corrupt member")
            elif n.endswith((".md", ".html")):
                if os.path.getsize(p) == 0:
                    bad.append(n + ": empty")
            elif n.endswith(".csv"):
                raw = open(p, "rb").read()
                if not raw.startswith(b"\xef\xbb\xbf") or \
                        not raw.endswith(b"\r\n"):
                    bad.append(n + ": not a whole CSV file")
            elif n == ".canvass-manifest":
                lines = open(p, encoding="utf-8").read().splitlines()
                if not lines or lines[0] != "canvass-manifest 1":
                    bad.append(n + ": not a manifest")
                listed = set(lines[1:])
                others = set(names) - {n}
                if listed != others:
                    bad.append(n + ": lists %s, the folder holds %s"
                               % (sorted(listed), sorted(others)))
            else:
                bad.append(n + ": unexpected file")
        except Exception as e:  # noqa: BLE001
            bad.append("%s: %s" % (n, e))
    report(names and not bad, "interrupt: the build finished first; its %d outputs are whole"
           % len(names), bad or ["no outputs"])


def cmd_created(path, stamp):
    member = "docProps/core.xml"
    text = ooxml.zip_member(path, member).decode("utf-8")
    got = re.findall(r"<dcterms:(created|modified)[^>]*>([^<]*)<", text)
    report(got and all(v == stamp for _, v in got),
           "determinism: %s %s created/modified = %s (SOURCE_DATE_EPOCH)"
           % (os.path.basename(path), member, stamp), ["%r" % got])


def cmd_listing(outdir, limit):
    """A build with --max-findings LIMIT of a register with many findings:
    return.xml lists at most LIMIT per rule and community and counts the
    rest in <notListed>; listed + not listed = the unit's count of each
    rule; findings.csv has every finding; the workbook and the summary say
    how many are not listed."""
    limit = int(limit)
    root = load_return(os.path.join(outdir, "return.xml"))
    fs = root.find(RET + "findings")
    report(fs.get("limit") == str(limit),
           "listing: <findings limit=\"%d\">" % limit, [fs.get("limit")])
    listed, notlisted, total = {}, {}, 0
    for f in fs.findall(RET + "finding"):
        k = (f.get("rule"), f.get("community"))
        listed[k] = listed.get(k, 0) + 1
    for n in fs.findall(RET + "notListed"):
        notlisted[(n.get("rule"), n.get("community"))] = int(n.get("count"))
    report(listed and max(listed.values()) == limit,
           "listing: at most %d listed per rule and community (%d pairs)"
           % (limit, len(listed)), [repr(listed)])
    report(sum(notlisted.values()) == int(fs.get("omitted")) > 0,
           "listing: omitted=%s is the sum of the notListed counts"
           % fs.get("omitted"))
    bad = []
    for u in units(root, "community"):
        for r in u.find(RET + "audit").findall(RET + "rule"):
            k = (r.get("value"), u.get("code"))
            n = int(r.get("count"))
            total += n
            if listed.get(k, 0) + notlisted.get(k, 0) != n:
                bad.append("%s: %d listed + %d not listed != %d" % (
                    k, listed.get(k, 0), notlisted.get(k, 0), n))
    report(not bad, "listing: listed + not listed = the count of each rule "
           "(%d findings)" % total, bad)
    raw = open(os.path.join(outdir, "findings.csv"), "rb").read()
    report(raw.startswith(b"\xef\xbb\xbf"), "findings.csv: UTF-8 with a BOM")
    import csv
    import io
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    report(rows[0][:3] == ["文件", "行", "规则"] and len(rows[0]) == 10,
           "findings.csv: the detail sheet's ten columns", [repr(rows[0])])
    report(len(rows) - 1 == total,
           "findings.csv: every finding, %d rows" % total,
           ["%d rows" % (len(rows) - 1)])
    keys = [(r[0], int(r[1])) for r in rows[1:]]
    report(keys == sorted(keys), "findings.csv: in file and line order")
    want = "另有 %s 条未列出，全部发现见 findings.csv" % fs.get("omitted")
    wb = workbook(os.path.join(outdir, "returns.xlsx"), "zh")
    found = any(want in v for v in wb["audit-list"].strings())
    report(found, "returns.xlsx: the list says " + want)
    n_rows = sum(1 for v in wb["audit-list"].strings()
                 if v.endswith("dense.xml"))
    report(n_rows == sum(listed.values()),
           "returns.xlsx: lists what return.xml lists (%d)" % n_rows)
    md = [f for f in os.listdir(outdir) if f.startswith("summary-")
          and f.endswith(".md")]
    text = open(os.path.join(outdir, md[0]), encoding="utf-8").read()
    want = "至多列出%d条，另有%s条未列出" % (limit, fs.get("omitted"))
    report(want in text, "summary: says " + want)


def cmd_listing_all(outdir):
    """A build with --max-findings all of a register with many findings:
    return.xml lists every finding and leaves none out; the workbook's
    list has every one, in the order of findings.csv (file, line, rule),
    its strings inline (the sheet written row by row, none kept); nothing
    says that some are not listed."""
    root = load_return(os.path.join(outdir, "return.xml"))
    fs = root.find(RET + "findings")
    listed = fs.findall(RET + "finding")
    total = sum(int(r.get("count")) for u in units(root, "community")
                for r in u.find(RET + "audit").findall(RET + "rule"))
    report(fs.get("limit") is None and fs.get("omitted") == "0" and
           not fs.findall(RET + "notListed") and len(listed) == total > 0,
           "listing all: return.xml lists every finding (%d), none left out"
           % total, ["%d listed, omitted=%s" % (len(listed),
                                                  fs.get("omitted"))])
    import csv
    import io
    raw = open(os.path.join(outdir, "findings.csv"), "rb").read()
    rows = list(csv.reader(io.StringIO(raw[3:].decode("utf-8"), newline="")))
    wb = workbook(os.path.join(outdir, "returns.xlsx"), "zh")
    sheet = wb["audit-list"]
    got = []
    for r in sheet.rows():
        file, line, rule = (sheet.value(c, r) for c in (1, 2, 3))
        if isinstance(file, str) and file.endswith(".xml") and \
                isinstance(line, int):
            got.append((file, str(line), rule))
    want = [(os.path.basename(r[0]), r[1], r[2]) for r in rows[1:]]
    report(got == want, "listing all: the workbook lists every finding of "
           "findings.csv, in its order (%d)" % len(want),
           ["%d rows, first %r against %r" % (len(got), got[:1], want[:1])])
    inline = sum(1 for c in sheet.cells.values() if c.type == "inlineStr")
    report(inline >= 4 * len(want),
           "listing all: the list's strings are inline (%d): written as "
           "they come, not kept" % inline)
    report(not any("未列出" in v for v in sheet.strings()),
           "listing all: the workbook says nothing is left out")


def cmd_all_flat(binary, register, work, measure):
    """--max-findings all on a register whose return lists 28 MB of
    findings: the return is written as it is made and read back from its
    file, so the build's peak memory is that of the same build with the
    list capped, give or take a few MB (it held the whole return before:
    36 MB more); and return.xml is byte for byte the return a cap above
    every count gives (made in memory), but for that cap's limit
    attribute. verify of the capped return, which rebuilds it with every
    finding listed, holds that rebuilt return no more (it held 28 MB
    more). The return that lists every finding, read back: verify of it,
    and merge of it alone, capped (the capped build's return.xml, byte for
    byte) and not (its own bytes), peak within the same margin, or for
    merge, whose sort of findings keeps 16 MiB, within the return's size
    (its tree took eight times its size: 225 MB). MEASURE "no": a sanitizer's memory
    says nothing."""
    env = dict(os.environ, SOURCE_DATE_EPOCH="1320883200")

    def command(args):
        p = subprocess.Popen([binary] + args, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL, env=env)
        _, status, ru = os.wait4(p.pid, 0)
        return os.waitstatus_to_exitcode(status), ru.ru_maxrss  # KiB

    def run(out, *opts):
        return command(["build", "--quiet"] + list(opts) +
                       ["-o", os.path.join(work, out), register])

    rc_cap, cap = run("flat-cap")
    rc_all, full = run("flat-all", "--max-findings", "all")
    rc_big, _ = run("flat-big", "--max-findings", "999999999",
                    "--formats", "xml")
    # verify rebuilds the return with every finding listed, whatever the
    # cap of the one it verifies: written to a file too
    rc_ver, ver = command(["verify", os.path.join(work, "flat-cap",
                                                  "return.xml"), register])
    report(rc_cap == rc_all == rc_big == 0,
           "listing all, flat: the three builds succeed",
           ["exit %d, %d, %d" % (rc_cap, rc_all, rc_big)])
    path = os.path.join(work, "flat-all", "return.xml")
    rc_vall, vall = command(["verify", path, register])
    rc_mcap, mcap = command(["merge", "--quiet", "-o",
                             os.path.join(work, "flat-mcap"), path])
    rc_mall, mall = command(["merge", "--quiet", "--max-findings", "all",
                             "--formats", "xml", "-o",
                             os.path.join(work, "flat-mall"), path])
    report(rc_vall == rc_mcap == rc_mall == 0,
           "listing all, flat: verify and merge of the return listing every "
           "finding succeed", ["exit %d, %d, %d" % (rc_vall, rc_mcap,
                                                    rc_mall)])
    size = os.path.getsize(path)
    try:  # where no unnamed file can be made, the return is in memory
        os.close(os.open(work, os.O_TMPFILE | os.O_RDWR, 0o600))
    except OSError as e:
        measure = "no (%s: %s)" % (work, e.strerror)
    report(rc_ver == 0, "listing all, flat: verify of the capped return "
           "finds it matches (exit %d)" % rc_ver)
    if measure == "yes":
        report((full - cap) * 1024 < size // 2,
               "listing all, flat: peak memory %.1f MB against %.1f MB "
               "with the list capped, for a return.xml of %.1f MB"
               % (full / 1024, cap / 1024, size / 1048576))
        report((ver - cap) * 1024 < size // 2,
               "listing all, flat: verify's peak memory %.1f MB, its return "
               "rebuilt with every finding (%.1f MB) not held"
               % (ver / 1024, size / 1048576))
        report((vall - cap) * 1024 < size // 2,
               "listing all, flat: verify of the return listing every "
               "finding peaks at %.1f MB, its list not held"
               % (vall / 1024))
        # merge sorts the findings it takes in 16 MiB before a run goes
        # to disk (findsort.c): within the return's size, not eight times
        report((max(mcap, mall) - cap) * 1024 < size,
               "listing all, flat: merge of it peaks at %.1f MB capped, "
               "%.1f MB listing all: its list not held (its sort's 16 MiB)"
               % (mcap / 1024, mall / 1024))
    else:
        print("skip - listing all, flat: peak memory not measured: " +
              ("a sanitizer's" if measure == "no" else measure))
    whole = open(path, "rb").read()
    big = open(os.path.join(work, "flat-big", "return.xml"), "rb").read()
    report(big.replace(b' limit="999999999"', b"", 1) == whole and
           whole.count(b"<finding ") > 50000,
           "listing all, flat: return.xml is the one made in memory "
           "(%d findings)" % whole.count(b"<finding "))

    def read(*names):
        with open(os.path.join(work, *names), "rb") as f:
            return f.read()
    report(read("flat-mall", "return.xml") == whole,
           "listing all, flat: merge --max-findings all of it alone gives "
           "its bytes back")
    report(read("flat-mcap", "return.xml") == read("flat-cap", "return.xml"),
           "listing all, flat: merge of it with the default cap gives the "
           "capped build's return.xml")


COMMANDS = {
    "figures": cmd_figures, "reference": cmd_reference, "rollup": cmd_rollup,
    "xlsx-unit": cmd_xlsx_unit, "xlsx-labels": cmd_xlsx_labels,
    "xlsx-rollup": cmd_xlsx_rollup, "xlsx-filer": cmd_xlsx_filer,
    "xlsx-form": cmd_xlsx_form, "xlsx-cadre-roles": cmd_xlsx_cadre_roles,
    "summary-md": cmd_summary_md,
    "summary-docx": cmd_summary_docx, "partial": cmd_partial,
    "whole": cmd_whole, "created": cmd_created, "listing": cmd_listing,
    "listing-all": cmd_listing_all,
    "all-flat": cmd_all_flat,
}


def main():
    cmd, args = sys.argv[1], sys.argv[2:]
    try:
        COMMANDS[cmd](*args)
    except Exception as e:  # noqa: BLE001 — a crash is a failed test
        import traceback
        report(False, "check.py %s %s: could not read the outputs: %r"
               % (cmd, " ".join(os.path.basename(a) for a in args), e),
               traceback.format_exc().splitlines()[-6:])
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
