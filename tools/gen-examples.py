#!/usr/bin/env python3
"""Generate the example registers of canvass (format version 1).

    python3 tools/gen-examples.py [--out DIR]

Writes, into examples/ (or DIR):

    jinshan-2011.xml            the reference community (金山社区); every figure
    jinshan-2011.figures.txt    of reference/activity-summary-2011.txt follows
                                from it, and it carries the problems the
                                report names (a cadre with few visits,
                                households with no responsible cadre,
                                households not visited)
    hongxing-2011.xml  (+ .figures.txt)   small clean register, UTF-8
    dongfeng-2011.xml  (+ .figures.txt)   small clean register, GB18030
    zz-broken-2011.xml                    register with deliberate schema errors
    zz-broken-2011.expected.txt           the line of each error

Everything is invented: names, birth years, addresses, texts.  Output is
deterministic: every community has a fixed random seed, nothing iterates
over a set or depends on the clock, and files are written with "\\n" line
ends.  The script needs only the Python 3 standard library.

The .figures.txt files are NOT computed from the generator's own
bookkeeping: each register is written, read back with xml.etree and
counted afresh (count_register below), so the figures are those of the
bytes on disk.  Enumerations and their order are read from
input-schema/register.xsd, so every enumerated row is listed, zero or not.
"""

import argparse
import datetime as dt
import os
import random
import re
import sys
import xml.etree.ElementTree as ET
from xml.sax.saxutils import escape, quoteattr

NS = "urn:canvass:register:1"
XS = "{http://www.w3.org/2001/XMLSchema}"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
XSD = os.path.join(ROOT, "input-schema", "register.xsd")

D = dt.date.fromisoformat

# Campaign shared by every register of the street.
CAMPAIGN = dict(id="zqjfwh-2011", title="走千家访万户",
                start="2011-09-01", end="2011-10-31", reported="2011-11-10")
START, END, REPORTED = D(CAMPAIGN["start"]), D(CAMPAIGN["end"]), D(CAMPAIGN["reported"])
# Items still open (pending / assigned / reported) are only placed on visits
# on or after this date, so that none is more than 30 days old on
# 2011-11-10 (the audit rule overdue-item); a few days' margin is kept.
OPEN_FROM = D("2011-10-15")
STREET_OFFICE = "城关街道办事处"
AREA = dict(street="城关街道", district="白银区", city="白银市")

ELDERLY = ("elderly-three-noes", "elderly-living-alone", "elderly-empty-nest")
ROLES = ("secretary", "director", "deputy", "member", "staff", "grid-worker", "volunteer")
CATEGORIES = ("party-building", "family-planning", "comprehensive-management",
              "labor-security", "civil-affairs", "urban-management", "health", "other")
STATUSES = ("pending", "assigned", "reported", "resolved", "explained")
KINDS = ("first", "follow-up", "regular")
RATINGS = ("very-satisfied", "satisfied", "basically-satisfied", "dissatisfied")
SERVICES = ("life-care", "housekeeping", "rehabilitation-care", "spiritual-comfort")
GROUPS = ELDERLY + ("disabled", "entitled", "released-prisoner", "difficult-family")
DWELLINGS = ("building", "bungalow")

# Where a non-important item is reported (never the street office, so that
# "important opinions reported to the street" stays unambiguous).
DEPARTMENT = {
    "party-building": "白银区委组织部",
    "family-planning": "白银区人口和计划生育局",
    "comprehensive-management": "白银区社会治安综合治理办公室",
    "labor-security": "白银区人力资源和社会保障局",
    "civil-affairs": "白银区民政局",
    "urban-management": "白银区城市管理局",
    "health": "白银区卫生局",
    "other": "白银区人民政府办公室",
}

# ---------------------------------------------------------------------------
# Invented texts
# ---------------------------------------------------------------------------

OPINION_TEXT = {
    "party-building": [
        "希望社区党组织多组织退休党员过组织生活",
        "流动党员组织关系接转手续不清楚，希望讲解",
        "建议党务公开栏及时更新内容",
        "希望社区党员中心户多发挥带头作用",
        "老党员行动不便，希望送学上门",
    ],
    "family-planning": [
        "流动人口婚育证明办理流程不清楚",
        "独生子女父母奖励费发放时间不明确",
        "希望提供孕前优生健康检查信息",
        "计生特殊家庭扶助政策宣传不够",
        "办理生育服务证需要的材料太多",
    ],
    "comprehensive-management": [
        "楼道夜间无人巡逻，存在安全隐患",
        "小区出入口无门禁，外来人员随意进出",
        "邻里之间因漏水问题发生纠纷，希望调解",
        "平房区夜间照明不足，行人不安全",
        "楼下有人长期占用消防通道停车",
        "电动车在楼道内充电，存在火灾隐患",
    ],
    "labor-security": [
        "下岗职工再就业岗位信息太少",
        "希望组织面向中年人的技能培训",
        "灵活就业人员养老保险如何续缴不清楚",
        "退休人员养老金资格认证希望在社区办理",
        "企业拖欠工资，希望帮助协调",
        "公益性岗位招聘信息希望提前公示",
    ],
    "civil-affairs": [
        "低保申请审核时间较长",
        "高龄老人补贴申请手续希望简化",
        "希望为行动不便的老人提供上门服务",
        "临时救助的条件和标准不清楚",
        "残疾人两项补贴政策希望详细解释",
        "希望社区多组织老年人文体活动",
        "优抚对象定期生活补助希望按时发放",
    ],
    "urban-management": [
        "楼前垃圾箱清运不及时，气味很大",
        "平房区排水沟堵塞，雨天积水严重",
        "小区内私搭乱建现象较多",
        "路边占道经营影响通行",
        "楼道内堆放杂物无人清理",
        "冬季供暖前希望检修暖气管道",
        "平房区巷道路面破损，出行不便",
    ],
    "health": [
        "希望社区卫生服务站延长开放时间",
        "老年人免费体检希望每年组织",
        "慢性病用药报销手续复杂",
        "希望开展健康知识讲座",
        "公共厕所卫生条件差",
    ],
    "other": [
        "希望社区公布办事电话和办公时间",
        "建议增设便民服务信息栏",
    ],
}

SUGGESTION_TEXT = {
    "party-building": ["建议开展党员志愿服务进楼院活动", "建议建立党员联系困难户制度"],
    "family-planning": ["建议定期举办计生政策咨询日", "建议把计生服务纳入网格管理"],
    "comprehensive-management": ["建议成立楼院治安巡逻队", "建议在主要路口安装监控",
                                 "建议设立楼栋长协助调解纠纷"],
    "labor-security": ["建议社区设立就业信息公告栏", "建议与周边企业建立用工对接",
                       "建议组织家政服务技能培训"],
    "civil-affairs": ["建议建立老年人日间照料中心", "建议为独居老人安装呼叫设备",
                      "建议组织志愿者结对帮扶困难家庭"],
    "urban-management": ["建议增设垃圾分类收集点", "建议平房区统一硬化巷道",
                         "建议在小区内增加绿化和休闲座椅", "建议规划非机动车停放点"],
    "health": ["建议开展家庭医生签约服务", "建议定期入户为老人测量血压"],
    "other": ["建议多组织邻里节等社区活动", "建议办好社区图书室", "建议开设老年书画班"],
}

NARRATIVE_JINSHAN = {
    "practices": [
        "接到市民政局关于在城市街道社区开展“走千家访万户”活动的通知后，社区按照街道的统一部署，"
        "于九月初召开全体社区干部动员会，传达文件精神，组织学习走访工作要求，并成立了由社区书记任组长、"
        "社区主任任副组长的工作组，下设三个走访小组，按楼院和平房区划分网格、分片包户。",
        "社区制定了走访实施方案，明确每名干部的包户责任和走访任务，统一印制民情登记表和满意度测评表。"
        "走访中坚持一户一登记，对群众反映的热点难点问题分类建档：能当场答复的当场解释，需要协调的安排专人负责"
        "或上报有关部门，限期办结，并及时回访。",
        "针对辖区老年人较多的实际，社区对三无、独居、空巢老人和残疾人、优抚对象、刑释解教人员、"
        "重点困难家庭等特殊群体逐户建立专门的民情档案，明确专人联系，实行回访和定期走访，"
        "把关爱服务送到老人家中。",
    ],
    "results": [
        "活动期间，社区干部走进楼房和平房居民家中，面对面听取群众呼声，对群众反映的问题逐条登记、"
        "分类梳理，能马上办的马上办，一时办不了的向居民说明情况、讲清原因。",
        "通过走访，干部转变了工作作风，放下架子、沉下身子，拉近了与居民的距离；居民对社区服务的满意度明显提高，"
        "社区干部做群众工作的能力也得到了锻炼。",
    ],
    "problems": [
        "一是工作进展不平衡，个别干部对活动重视不够、投入精力不足，走访次数偏少，效果不明显。"
        "二是责任落实不到位，新入住楼栋的包户责任尚未明确，个别住户长期不在家，未能按期走访。",
    ],
    "plans": [
        "下一步，社区将认真总结经验，对存在的问题及时整改：明确每一户的包户责任人，对未走访到的住户逐户补访；"
        "把走访与网格化管理结合起来，对特殊群体坚持定期走访，跟踪群众反映问题的办理情况，推动为民服务常态化。",
    ],
}

NARRATIVE_HONGXING = {
    "practices": [
        "社区召开干部会议部署走访工作，由书记牵头、干部分片包户，逐户填写民情登记表。",
    ],
    "results": [
        "走访覆盖辖区全部住户，群众反映的问题大多已解决或作出解释答复。",
    ],
    "plans": [
        "继续坚持定期走访制度，重点关注独居和空巢老人。",
    ],
}

# ---------------------------------------------------------------------------
# Invented people
# ---------------------------------------------------------------------------

SURNAMES = ("王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋"
            "蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万"
            "段雷钱汤尹黎常武乔贺龚文牛岳")
GIVEN = {
    # (sex, born before 1950?) -> two-character given names
    ("male", True): ["德明", "长林", "占奎", "福元", "志远", "振华", "国栋", "登科", "世昌", "文才",
                     "万年", "守仁", "玉山", "庆余", "天禄"],
    ("female", True): ["秀英", "桂英", "玉兰", "秀兰", "凤英", "淑珍", "桂兰", "玉珍", "兰英", "翠花",
                       "素琴", "金凤", "月娥", "秀珍", "淑芬"],
    ("male", False): ["建国", "卫东", "志刚", "建军", "海涛", "永强", "晓东", "小军", "伟", "磊", "勇",
                      "涛", "浩", "鹏", "宇航", "子豪", "俊杰", "博文"],
    ("female", False): ["红梅", "秀梅", "丽华", "晓燕", "静", "丽", "敏", "燕", "娟", "芳", "婷", "雪",
                        "欣怡", "梦瑶", "佳琪", "雅婷"],
}


def person_name(rng, sex, born, surname=None):
    surname = surname or rng.choice(SURNAMES)
    return surname + rng.choice(GIVEN[(sex, born < 1950)])


# ---------------------------------------------------------------------------
# A tiny document model with a line-exact pretty printer
# ---------------------------------------------------------------------------

class Node:
    """One element.  attrs is a list of (name, value) kept in schema order;
    a value of None leaves the attribute out.  mark names the node so that
    its line can be looked up after writing (used for zz-broken)."""

    def __init__(self, tag, attrs=(), children=None, text=None, mark=None):
        self.tag = tag
        self.attrs = list(attrs)
        self.children = children if children is not None else []
        self.text = text
        self.mark = mark

    def set(self, name, value):
        for i, (k, _) in enumerate(self.attrs):
            if k == name:
                self.attrs[i] = (name, value)
                return
        self.attrs.append((name, value))

    def get(self, name):
        return dict(self.attrs).get(name)


def serialize(root, encoding):
    """Return (text, marks): 2-space indent, one element per line; an element
    with text content stays on one line.  marks maps mark -> line number."""
    lines = ['<?xml version="1.0" encoding="%s"?>' % encoding]
    marks = {}

    def start(n, extra=""):
        a = "".join(" %s=%s" % (k, quoteattr(v)) for k, v in n.attrs if v is not None)
        return "<%s%s%s" % (n.tag, extra, a)

    def walk(n, depth, extra=""):
        pad = "  " * depth
        if n.mark:
            marks[n.mark] = len(lines) + 1
        if n.text is not None:
            lines.append("%s%s>%s</%s>" % (pad, start(n, extra), escape(n.text), n.tag))
        elif n.children:
            lines.append("%s%s>" % (pad, start(n, extra)))
            for c in n.children:
                walk(c, depth + 1)
            lines.append("%s</%s>" % (pad, n.tag))
        else:
            lines.append("%s%s/>" % (pad, start(n, extra)))

    walk(root, 0, ' xmlns="%s"' % NS)
    return "\n".join(lines) + "\n", marks


# ---------------------------------------------------------------------------
# Building one register from a plan
# ---------------------------------------------------------------------------

class Household:
    def __init__(self, address, dwelling, grid, sort_key):
        self.address, self.dwelling, self.grid, self.sort_key = address, dwelling, grid, sort_key
        self.id = None
        self.cadre = None          # responsible cadre id, None = not assigned
        self.visited = True
        self.special = None        # special-household spec, if any
        self.members = []          # dicts: id name born sex groups
        self.visits = []           # dicts: date kind by forms satisfaction services


def add_days(d, n):
    return d + dt.timedelta(days=n)


def random_date(rng, lo, hi):
    return add_days(lo, rng.randint(0, (hi - lo).days))


def take(rng, pool, n, what):
    """Remove and return n random elements of list pool (in pool order)."""
    if len(pool) < n:
        raise SystemExit("plan error: need %d %s, have %d" % (n, what, len(pool)))
    picked = rng.sample(range(len(pool)), n)
    chosen = [pool[i] for i in sorted(picked)]
    for i in sorted(picked, reverse=True):
        del pool[i]
    return chosen


def without(items, chosen):
    """items minus chosen, by identity (the dicts used here compare by value)."""
    ids = {id(x) for x in chosen}
    return [x for x in items if id(x) not in ids]


def exact_list(counts, order):
    """counts {value: n} -> list with each value repeated n times, in order."""
    out = []
    for v in order:
        out += [v] * counts.get(v, 0)
    unknown = [k for k in counts if k not in order]
    assert not unknown, unknown
    return out


def make_addresses(rng, community, grid):
    """Distinct addresses of one grid, sorted as they would be on a list."""
    if grid["dwelling"] == "building":
        pool = [(b, u, f, d) for b in grid["buildings"] for u in range(1, grid["units"] + 1)
                for f in range(1, grid["floors"] + 1) for d in (1, 2)]
        chosen = sorted(rng.sample(pool, grid["households"]))
        return [("%s%d号楼%d单元%d%02d" % ((community,) + k), k) for k in chosen]
    pool = [(r, n) for r in grid["rows"] for n in range(1, grid["per_row"] + 1)]
    chosen = sorted(rng.sample(pool, grid["households"]))
    return [("%s平房区%d排%d号" % (community, r, n), (r, n)) for (r, n) in chosen]


def make_members(rng, h, next_member):
    """Members of a household: the special ones of its spec, then family."""
    def member(sex, born, groups=(), surname=None):
        m = dict(id=next_member(), sex=sex, born=born, groups=list(groups),
                 name=person_name(rng, sex, born, surname))
        h.members.append(m)
        return m

    def family(head, size):
        """Spouse and children of head, children named after the father."""
        if size < 2:
            return
        spouse = member("female" if head["sex"] == "male" else "male",
                        head["born"] + rng.randint(-3, 3))
        father = head if head["sex"] == "male" else spouse
        for _ in range(size - 2):
            born = min(head["born"] + rng.randint(22, 32), 2010)
            member(rng.choice(["male", "female"]), born, surname=father["name"][0])

    spec = h.special
    if spec is None:                                   # an ordinary family
        head = member(rng.choice(["male", "female"]), rng.randint(1938, 1980))
        family(head, rng.choice([1, 2, 2, 2, 3, 3, 3, 4, 4, 5]))
        return

    kind = spec["kind"]
    extra = list(spec.get("also", ()))
    if kind in ("elderly-three-noes", "elderly-living-alone"):
        lo, hi = (1922, 1940) if kind == "elderly-three-noes" else (1925, 1945)
        member(rng.choice(["male", "female", "female"]), rng.randint(lo, hi), [kind] + extra)
    elif kind == "elderly-empty-nest":
        born = rng.randint(1932, 1948)
        member("male", born, [kind] + extra)
        member("female", born + rng.randint(-1, 4), [kind])
    else:                                              # disabled, entitled, ...
        born = {"disabled": (1955, 1992), "entitled": (1938, 1956),
                "released-prisoner": (1968, 1986), "difficult-family": (1950, 1975)}[kind]
        sex = "male" if kind in ("released-prisoner", "entitled") else rng.choice(["male", "female"])
        head = member(sex, rng.randint(*born), [kind] + extra)
        family(head, rng.randint(2, 4))


def build(plan):
    """Return (root Node, households) of the register described by plan."""
    rng = random.Random(plan["seed"])
    cadres = plan["cadres"]
    team_of = {c[0]: c[3] for c in cadres}

    # -- households, addresses and responsible cadres ------------------------
    households = []
    for grid in plan["grids"]:
        hs = [Household(a, grid["dwelling"], grid["name"], (grid["order"],) + k)
              for a, k in make_addresses(rng, plan["name"], grid)]
        pool = list(hs)
        # a cadre who neglects the campaign: n households, only some visited
        if "neglect" in grid:
            cid, n, n_visited = grid["neglect"]
            mine = take(rng, pool, n, "households")
            for i, h in enumerate(mine):
                h.cadre, h.visited = cid, i < n_visited
        # households whose responsible cadre was never fixed
        for h in take(rng, [h for h in pool if h.address.find(grid.get("no_cadre_in", "")) >= 0],
                      grid.get("no_cadre", 0), "households without a cadre"):
            pool.remove(h)
            h.cadre = None
        # the others, round robin over the grid's cadres
        rng.shuffle(pool)
        for i, h in enumerate(pool):
            h.cadre = grid["cadres"][i % len(grid["cadres"])]
        # households never visited although they have a cadre
        for h in take(rng, list(pool), grid.get("unvisited", 0), "unvisited households"):
            h.visited = False
        households += hs
    households.sort(key=lambda h: h.sort_key)
    for i, h in enumerate(households, 1):
        h.id = "h%03d" % i

    # -- special groups -------------------------------------------------------
    eligible = [h for h in households
                if h.visited and h.cadre is not None and h.cadre not in plan.get("no_follow_up", ())]
    specs = [s for s in plan["special"] for _ in range(s.get("n", 1))]
    for spec, h in zip(specs, take(rng, eligible, len(specs), "special households")):
        h.special = spec
    counter = iter(range(1, 10000))
    for h in households:
        make_members(rng, h, lambda: "m%03d" % next(counter))

    # -- visits ---------------------------------------------------------------
    acc = plan["accompany"]

    def by(h):
        lead = h.cadre or plan["no_cadre_visitor"]
        if lead in plan.get("alone", ()) or rng.random() >= acc["p"]:
            return [lead]
        if team_of[lead] == "工作组":
            return [lead, rng.choice(acc["partners"])]
        return [lead, rng.choice(acc["leaders"])]

    for h in households:
        if not h.visited:
            continue
        if h.special:
            first = random_date(rng, START, D("2011-10-05"))
        elif h.cadre in plan.get("alone", ()):
            first = random_date(rng, START, D("2011-09-20"))
        else:
            first = random_date(rng, START, END)
        h.visits.append(dict(date=first, kind="first", by=by(h), forms=[], sat=None, services=[]))
        last = first
        for kind in (h.special or {}).get("extras", ()):
            if kind == "follow-up":
                d = min(add_days(last, rng.randint(7, 21)), add_days(END, -5))
            else:
                d = min(add_days(last, rng.randint(8, 25)), END)
            assert d > last, (h.id, d, last)
            h.visits.append(dict(date=d, kind=kind, by=by(h), forms=[], sat=None, services=[]))
            last = d

    firsts = [v for h in households for v in h.visits if v["kind"] == "first"]
    extras = [v for h in households for v in h.visits if v["kind"] != "first"]

    # -- forms ----------------------------------------------------------------
    fp = plan["forms"]
    pool = list(firsts)
    take(rng, pool, fp["first_without"], "first visits")            # no form filled
    two = {id(v) for v in take(rng, list(pool), fp["first_with_two"], "first visits")}
    with_form = {id(v) for v in pool}
    forms = []
    for v in firsts:
        if id(v) in with_form:
            for _ in range(2 if id(v) in two else 1):
                f = dict(opinions=[], suggestions=[], visit=v)
                v["forms"].append(f)
                forms.append(f)
    for v in take(rng, list(extras), fp["on_extras"], "extra visits"):
        f = dict(opinions=[], suggestions=[], visit=v)
        v["forms"].append(f)
        forms.append(f)

    # -- opinions and suggestions: numbers per form, categories --------------
    def spread(total, minimum, cap):
        counts = [minimum] * len(forms)
        left = total - minimum * len(forms)
        assert left >= 0
        while left:
            i = rng.randrange(len(forms))
            if counts[i] < cap:
                counts[i] += 1
                left -= 1
        return counts

    ocats = exact_list(plan["opinions"], CATEGORIES)
    scats = exact_list(plan["suggestions"], CATEGORIES)
    rng.shuffle(ocats)
    rng.shuffle(scats)
    if len(ocats) >= len(forms):
        for f, n in zip(forms, spread(len(ocats), 1, 3)):
            f["opinions"] = [dict(category=ocats.pop(), visit=f["visit"]) for _ in range(n)]
        for f, n in zip(forms, spread(len(scats), 0, 3)):
            f["suggestions"] = [dict(category=scats.pop(), visit=f["visit"]) for _ in range(n)]
    else:
        # fewer opinions than forms (the reference community: 120 forms,
        # 130 opinions and suggestions in all): every form holds at least
        # one item, opinion or suggestion
        kinds = ["opinions"] * len(ocats) + ["suggestions"] * len(scats)
        rng.shuffle(kinds)
        for f, n in zip(forms, spread(len(kinds), 1, 3)):
            for _ in range(n):
                k = kinds.pop()
                cat = (ocats if k == "opinions" else scats).pop()
                f[k].append(dict(category=cat, visit=f["visit"]))

    # -- statuses, `to`, `closed` --------------------------------------------
    def close(item, status):
        item["status"] = status
        if status in ("resolved", "explained"):
            lo, hi = (0, 10) if status == "explained" else (2, 25)
            item["closed"] = min(add_days(item["visit"]["date"], rng.randint(lo, hi)), REPORTED)
        elif status == "reported":
            item.setdefault("to", DEPARTMENT[item["category"]])

    def assign_statuses(items, open_counts, important=None):
        late = [i for i in items if i["visit"]["date"] >= OPEN_FROM]
        if important:
            reported = take(rng, late, important.get("reported", 0), "late opinions")
            rest = without(items, reported)
            closed = take(rng, rest, important["resolved"] + important["explained"], "opinions")
            rng.shuffle(closed)
            for i in reported + closed:
                i["important"] = True
                i["to"] = STREET_OFFICE
            for i in reported:
                close(i, "reported")
            for n, i in enumerate(closed):
                close(i, "resolved" if n < important["resolved"] else "explained")
            late = [i for i in late if "status" not in i]
        for status in ("reported", "pending", "assigned"):
            for i in take(rng, late, open_counts.get(status, 0), "late items"):
                close(i, status)
        for i in items:
            if "status" not in i:
                close(i, "resolved" if rng.random() < plan["resolved_share"] else "explained")

    opinions = [o for f in forms for o in f["opinions"]]
    suggestions = [s for f in forms for s in f["suggestions"]]
    assign_statuses(opinions, plan["open_opinions"], plan["important"])
    assign_statuses(suggestions, plan["open_suggestions"])

    # -- satisfaction forms ---------------------------------------------------
    ratings = exact_list(plan["satisfaction"], RATINGS)
    rng.shuffle(ratings)
    # on follow-up and regular visits: the evaluation comes at the end
    for v, r in zip(take(rng, list(extras), len(ratings), "visits for satisfaction"), ratings):
        v["sat"] = r

    # -- services -------------------------------------------------------------
    plan_services(rng, plan, households)

    # -- ids in document order, then the tree --------------------------------
    return to_tree(plan, households), households


def plan_services(rng, plan, households):
    """Services to the elderly (every one served at least once, type counts
    exact) and the listed services to other special members."""
    elderly = [(h, m) for h in households for m in h.members
               if any(g in ELDERLY for g in m["groups"])]
    types = exact_list(plan["elderly_services"], SERVICES)
    assert len(types) >= len(elderly)
    for _ in range(1000):                      # find an arrangement with
        rng.shuffle(types)                     # no type twice per member
        per = {m["id"]: [t] for (h, m), t in zip(elderly, types)}
        seconds = types[len(elderly):]
        twice = rng.sample(range(len(elderly)), len(seconds))
        ok = True
        for i, t in zip(twice, seconds):
            mid = elderly[i][1]["id"]
            if t in per[mid]:
                ok = False
                break
            per[mid].append(t)
        if ok:
            break
    else:
        raise SystemExit("plan error: cannot arrange elderly services")
    wanted = [(h, m, t) for h, m in elderly for t in per[m["id"]]]

    used = set()
    for group, t in plan.get("other_services", ()):
        for h in households:
            m = next((m for m in h.members if group in m["groups"]
                      and not any(g in ELDERLY for g in m["groups"])
                      and m["id"] not in used), None)
            if m:
                used.add(m["id"])
                wanted.append((h, m, t))
                break
        else:
            raise SystemExit("plan error: nobody in %s to serve" % group)

    for h, m, t in wanted:
        later = [v for v in h.visits if v["kind"] != "first"] or h.visits
        rng.choice(later)["services"].append((t, m["id"]))
    for h in households:
        for v in h.visits:
            v["services"].sort(key=lambda s: (s[1], SERVICES.index(s[0])))


def to_tree(plan, households):
    seq = {k: iter(range(1, 100000)) for k in "vfos"}

    def nid(k):
        return "%s%03d" % (k, next(seq[k]))

    root = Node("register", [("version", "1")])
    root.children.append(Node("community", [("code", plan["code"]), ("name", plan["name"]),
                                            ("street", AREA["street"]),
                                            ("district", AREA["district"]),
                                            ("city", AREA["city"])], mark="community"))
    root.children.append(Node("campaign", [(k, CAMPAIGN[k]) for k in
                                           ("id", "title", "start", "end", "reported")]))
    cadres = Node("cadres")
    for cid, name, role, team in plan["cadres"]:
        cadres.children.append(Node("cadre", [("id", cid), ("name", name), ("role", role),
                                              ("team", team)]))
    root.children.append(cadres)
    hs = Node("households")
    for h in households:
        hn = Node("household", [("id", h.id), ("dwelling", h.dwelling), ("address", h.address),
                                ("grid", h.grid), ("cadre", h.cadre)], mark=h.id)
        for m in h.members:
            hn.children.append(Node("member", [("id", m["id"]), ("name", m["name"]),
                                               ("born", str(m["born"])), ("sex", m["sex"]),
                                               ("groups", " ".join(m["groups"]) or None)]))
        h.visits.sort(key=lambda v: v["date"])
        for v in h.visits:
            v["id"] = nid("v")
            vn = Node("visit", [("id", v["id"]), ("date", v["date"].isoformat()),
                                ("kind", v["kind"]), ("by", " ".join(v["by"]))], mark=v["id"])
            for f in v["forms"]:
                fn = Node("form", [("id", nid("f"))])
                for o in f["opinions"]:
                    o["id"] = nid("o")
                    fn.children.append(Node("opinion", [
                        ("id", o["id"]), ("category", o["category"]),
                        ("important", "true" if o.get("important") else None),
                        ("status", o["status"]), ("to", o.get("to")),
                        ("closed", o["closed"].isoformat() if "closed" in o else None)],
                        text=text_for(OPINION_TEXT, o, h.dwelling), mark=o["id"]))
                for s in f["suggestions"]:
                    s["id"] = nid("s")
                    fn.children.append(Node("suggestion", [
                        ("id", s["id"]), ("category", s["category"]),
                        ("status", s["status"]), ("to", s.get("to")),
                        ("closed", s["closed"].isoformat() if "closed" in s else None)],
                        text=text_for(SUGGESTION_TEXT, s, h.dwelling), mark=s["id"]))
                vn.children.append(fn)
            if v["sat"]:
                vn.children.append(Node("satisfaction", [("rating", v["sat"])]))
            for t, mid in v["services"]:
                vn.children.append(Node("service", [("type", t), ("member", mid)]))
            hn.children.append(vn)
        hs.children.append(hn)
    root.children.append(hs)
    if plan.get("narrative"):
        nn = Node("narrative")
        for name in ("practices", "results", "problems", "plans"):
            if name in plan["narrative"]:
                nn.children.append(Node("section", [("name", name)],
                                        [Node("p", text=p) for p in plan["narrative"][name]]))
        root.children.append(nn)
    return root


def text_for(table, item, dwelling):
    """A text for an item, chosen from its id so it is stable, and fitting
    the dwelling (no bungalow lanes in a building, no stairwells in a
    bungalow)."""
    wrong = ("平房",) if dwelling == "building" else ("楼道", "楼前", "楼下", "楼栋", "门禁")
    texts = [t for t in table[item["category"]] if not any(w in t for w in wrong)]
    texts = texts or table[item["category"]]
    return texts[int(item["id"][1:]) * 7 % len(texts)]


# ---------------------------------------------------------------------------
# The plans
# ---------------------------------------------------------------------------

JINSHAN = dict(
    key="jinshan-2011", seed=20111110, code="620402003005", name="金山社区", encoding="UTF-8",
    cadres=[
        ("c01", "马建华", "secretary", "工作组"),
        ("c02", "王秀珍", "director", "工作组"),
        ("c03", "李国强", "deputy", "第一组"),
        ("c04", "张丽萍", "member", "第一组"),
        ("c05", "赵志勇", "member", "第二组"),
        ("c06", "陈红梅", "member", "第三组"),
        ("c07", "刘晓燕", "staff", "第一组"),
        ("c08", "杨卫东", "staff", "第二组"),
        ("c09", "周静", "staff", "第三组"),
        ("c10", "孙海涛", "grid-worker", "第二组"),
        ("c11", "何小军", "grid-worker", "第三组"),
    ],
    grids=[
        dict(name="第一网格", order=1, dwelling="building", buildings=range(1, 5), units=3, floors=6,
             households=44, cadres=["c01", "c03", "c04", "c07"], unvisited=1),
        # 7号楼 is newly occupied: three households there have no cadre yet.
        dict(name="第二网格", order=2, dwelling="building", buildings=range(5, 8), units=3, floors=6,
             households=38, cadres=["c02", "c05", "c08", "c10"], unvisited=1,
             no_cadre=3, no_cadre_in="7号楼"),
        # c11 is responsible for five bungalows, visits three of them once.
        dict(name="第三网格", order=3, dwelling="bungalow", rows=range(1, 11), per_row=8,
             households=30, cadres=["c06", "c09"], neglect=("c11", 5, 3)),
    ],
    no_cadre_visitor="c10",
    alone=["c11"],                 # visits alone, and nobody takes c11 along
    no_follow_up=["c11"],          # c11's households hold no special group
    accompany=dict(p=0.2, leaders=["c01", "c02"], partners=["c10"]),
    special=[
        # elderly: 4 three-noes, 12 living alone, 7 empty-nest couples = 30 members
        dict(kind="elderly-three-noes", also=["disabled"], extras=["follow-up", "regular"]),
        dict(kind="elderly-three-noes", n=3, extras=["follow-up", "regular"]),
        dict(kind="elderly-living-alone", also=["disabled"], extras=["follow-up", "regular"]),
        dict(kind="elderly-living-alone", extras=["follow-up", "regular"]),
        dict(kind="elderly-living-alone", n=6, extras=["regular"]),
        dict(kind="elderly-living-alone", n=4, extras=["follow-up"]),
        dict(kind="elderly-empty-nest", also=["entitled"], extras=["follow-up"]),
        dict(kind="elderly-empty-nest", n=6, extras=["follow-up"]),
        # other groups: disabled 4 (+2 elderly), entitled 3 (+1 elderly),
        # released prisoners 2, difficult families 4 (+1 disabled)
        dict(kind="disabled", also=["difficult-family"], extras=["follow-up"]),
        dict(kind="disabled", n=3, extras=["follow-up"]),
        dict(kind="entitled", n=3, extras=["follow-up"]),
        dict(kind="released-prisoner", n=2, extras=["follow-up"]),
        dict(kind="difficult-family", n=4, extras=["follow-up"]),
    ],
    forms=dict(first_without=6, first_with_two=6, on_extras=12),      # 102+6+12 = 120
    # 意见建议 130 in all (the real report): 100 opinions and 30 suggestions
    opinions={"party-building": 7, "family-planning": 11, "comprehensive-management": 18,
              "labor-security": 15, "civil-affairs": 20, "urban-management": 19, "health": 10},
    suggestions={"party-building": 2, "family-planning": 2, "comprehensive-management": 5,
                 "labor-security": 4, "civil-affairs": 6, "urban-management": 6,
                 "health": 3, "other": 2},
    important=dict(reported=6, resolved=6, explained=4),
    open_opinions=dict(reported=3, pending=2, assigned=1),
    open_suggestions=dict(reported=1, pending=1),
    resolved_share=0.6,
    satisfaction={"very-satisfied": 12, "satisfied": 14, "basically-satisfied": 3,
                  "dissatisfied": 1},
    elderly_services={"life-care": 14, "housekeeping": 10, "rehabilitation-care": 8,
                      "spiritual-comfort": 13},
    other_services=[("disabled", "rehabilitation-care"), ("disabled", "rehabilitation-care"),
                    ("disabled", "rehabilitation-care"), ("difficult-family", "life-care")],
    narrative=NARRATIVE_JINSHAN,
)

HONGXING = dict(
    key="hongxing-2011", seed=20111101, code="620402003001", name="红星社区", encoding="UTF-8",
    cadres=[
        ("c01", "吴振华", "secretary", "工作组"),
        ("c02", "郭丽华", "director", "第一组"),
        ("c03", "高𠮷祥", "grid-worker", "第一组"),   # a name outside the BMP (U+20BB7)
    ],
    grids=[
        dict(name="第一网格", order=1, dwelling="building", buildings=range(1, 3), units=2, floors=5,
             households=9, cadres=["c01", "c02", "c03"]),
        dict(name="第二网格", order=2, dwelling="bungalow", rows=range(1, 4), per_row=6,
             households=6, cadres=["c02", "c03", "c01"]),
    ],
    no_cadre_visitor="c01",
    accompany=dict(p=0.25, leaders=["c01"], partners=["c03"]),
    special=[
        dict(kind="elderly-living-alone", extras=["follow-up", "regular"]),
        dict(kind="elderly-empty-nest", extras=["follow-up"]),
        dict(kind="disabled", extras=["follow-up"]),
        dict(kind="entitled", extras=["regular"]),
    ],
    forms=dict(first_without=1, first_with_two=1, on_extras=1),
    opinions={"party-building": 1, "comprehensive-management": 4, "labor-security": 3,
              "civil-affairs": 4, "urban-management": 5, "health": 2},
    suggestions={"comprehensive-management": 2, "civil-affairs": 3, "urban-management": 3,
                 "other": 2},
    important=dict(reported=1, resolved=1, explained=0),
    open_opinions={},
    open_suggestions={},
    resolved_share=0.6,
    satisfaction={"very-satisfied": 2, "satisfied": 3},
    elderly_services={"life-care": 2, "housekeeping": 1, "spiritual-comfort": 2},
    other_services=[("disabled", "rehabilitation-care")],
    narrative=NARRATIVE_HONGXING,
)

DONGFENG = dict(
    key="dongfeng-2011", seed=20111102, code="620402003002", name="东风社区", encoding="GB18030",
    cadres=[
        ("c01", "罗淑芬", "secretary", "工作组"),
        ("c02", "邵永强", "member", "第一组"),
        ("c03", "刘䶮", "staff", "第一组"),          # CJK Ext. A: 4 bytes in GB18030
    ],
    grids=[
        dict(name="东风一区", order=1, dwelling="bungalow", rows=range(1, 5), per_row=5,
             households=12, cadres=["c02", "c03", "c01"]),
    ],
    no_cadre_visitor="c01",
    accompany=dict(p=0.3, leaders=["c01"], partners=["c02"]),
    special=[
        dict(kind="elderly-three-noes", extras=["follow-up", "regular"]),
        dict(kind="elderly-empty-nest", extras=["follow-up"]),
        dict(kind="difficult-family", extras=["follow-up"]),
    ],
    forms=dict(first_without=0, first_with_two=0, on_extras=0),
    opinions={"family-planning": 1, "comprehensive-management": 2, "labor-security": 3,
              "civil-affairs": 3, "urban-management": 4, "health": 1},
    suggestions={"labor-security": 1, "civil-affairs": 2, "urban-management": 2, "health": 1},
    important=dict(reported=0, resolved=1, explained=1),
    open_opinions={},
    open_suggestions={},
    resolved_share=0.5,
    satisfaction={"very-satisfied": 1, "satisfied": 2, "basically-satisfied": 1},
    elderly_services={"life-care": 2, "rehabilitation-care": 1, "spiritual-comfort": 1},
    other_services=[("difficult-family", "housekeeping")],
    narrative=None,
)

BROKEN = dict(
    key="zz-broken-2011", seed=20111103, code="620402003003", name="银光社区", encoding="UTF-8",
    cadres=[
        ("c01", "康德明", "secretary", "工作组"),
        ("c02", "乔晓东", "staff", "第一组"),
        ("c03", "毛雅婷", "grid-worker", "第一组"),
    ],
    grids=[
        dict(name="第一网格", order=1, dwelling="building", buildings=range(1, 3), units=2, floors=4,
             households=5, cadres=["c01", "c02", "c03"]),
        dict(name="第二网格", order=2, dwelling="bungalow", rows=range(1, 3), per_row=5,
             households=3, cadres=["c02", "c03"]),
    ],
    no_cadre_visitor="c01",
    accompany=dict(p=0.3, leaders=["c01"], partners=["c03"]),
    special=[
        dict(kind="elderly-living-alone", extras=["follow-up"]),
        dict(kind="disabled", extras=["follow-up"]),
    ],
    forms=dict(first_without=0, first_with_two=0, on_extras=0),
    opinions={"comprehensive-management": 2, "labor-security": 2, "civil-affairs": 2,
              "urban-management": 3},
    suggestions={"civil-affairs": 1, "urban-management": 2},
    important=dict(reported=0, resolved=1, explained=0),
    open_opinions={},
    open_suggestions={},
    resolved_share=0.5,
    satisfaction={"satisfied": 1, "very-satisfied": 1},
    elderly_services={"life-care": 1, "spiritual-comfort": 1},
    other_services=[],
    narrative=None,
)


def break_register(root):
    """Plant the deliberate schema errors; return [(mark, description)]."""
    def find(tag, pred=lambda n: True):
        def walk(n):
            if n.tag == tag and pred(n):
                return n
            for c in n.children:
                r = walk(c)
                if r:
                    return r
        return walk(root)

    errors = []
    community = find("community")
    community.set("code", "6204020030")
    errors.append(("community", "community/@code '6204020030' has 10 digits; the pattern "
                   "[0-9]{12} requires 12 (the intended code is 620402003003)"))

    h = find("household", lambda n: n.get("dwelling") == "bungalow")
    h.set("dwelling", "平房")
    errors.append((h.mark, "household %s: dwelling '平房' is the Chinese label, not a value "
                   "of the enumeration (building | bungalow)" % h.get("id")))

    visits = []
    def collect(n):
        if n.tag == "visit":
            visits.append(n)
        for c in n.children:
            collect(c)
    collect(root)
    v = visits[1]
    bad = "2011-9-%s" % v.get("date")[-2:]
    v.set("date", bad)
    errors.append((v.mark, "visit %s: date '%s' is not an xs:date (YYYY-MM-DD, "
                   "zero-padded month)" % (v.get("id"), bad)))

    v = visits[3]
    v.attrs = [(k, x) for k, x in v.attrs if k != "by"]
    errors.append((v.mark, "visit %s: required attribute 'by' is missing" % v.get("id")))

    v = visits[5]
    v.children.append(Node("remark", text="住户白天上班，晚上再访", mark="remark"))
    errors.append(("remark", "visit %s: unknown element 'remark' (a visit holds only "
                   "form, satisfaction, service)" % v.get("id")))

    o = find("opinion", lambda n: int(n.get("id")[1:]) >= 6)
    o.set("category", "traffic")
    errors.append((o.mark, "opinion %s: category 'traffic' is not in the enumeration "
                   "(party-building ... other)" % o.get("id")))
    return errors


# ---------------------------------------------------------------------------
# Counting a written register (independent of the generation code above)
# ---------------------------------------------------------------------------

def read_enums():
    """{simpleType name: [values in schema order]} from register.xsd."""
    tree = ET.parse(XSD)
    out = {}
    for st in tree.getroot().iter(XS + "simpleType"):
        if st.get("name"):
            out[st.get("name")] = [e.get("value") for e in st.iter(XS + "enumeration")]
    return out


def parse_written(data, encoding):
    """Parse register bytes of any encoding used here with ElementTree."""
    text = data.decode(encoding)
    text = re.sub(r'^<\?xml[^>]*\?>', '<?xml version="1.0"?>', text)
    return ET.fromstring(text)


def q(tag):
    return "{%s}%s" % (NS, tag)


def count_register(root, enums):
    """Every aggregate of the register as an ordered list of (key, value)."""
    out = []

    def put(key, value):
        out.append((key, value))

    def pct(num, den):
        if den == 0:
            return "n/a"
        # exact half-up rounding to 2 decimals
        v = (num * 20000 + den) // (2 * den)
        return "%d.%02d" % (v // 100, v % 100)

    comm = root.find(q("community"))
    camp = root.find(q("campaign"))
    reported = D(camp.get("reported"))
    for k in ("code", "name", "street", "district", "city"):
        put("community.%s" % k, comm.get(k))
    code = comm.get("code")
    put("community.city-code", code[:4])
    put("community.district-code", code[:6])
    put("community.street-code", code[:9])
    for k in ("id", "title", "start", "end", "reported"):
        put("campaign.%s" % k, camp.get(k))

    cadres = root.find(q("cadres")).findall(q("cadre"))
    cadre_ids = [c.get("id") for c in cadres]
    role_of = {c.get("id"): c.get("role") for c in cadres}
    team_of = {c.get("id"): c.get("team") or "" for c in cadres}
    teams = []
    for c in cadres:
        if team_of[c.get("id")] not in teams:
            teams.append(team_of[c.get("id")])

    households = root.find(q("households")).findall(q("household"))
    visits = [(h, v) for h in households for v in h.findall(q("visit"))]
    forms = [(h, v, f) for h, v in visits for f in v.findall(q("form"))]
    opinions = [(v, o) for h, v, f in forms for o in f.findall(q("opinion"))]
    suggestions = [(v, s) for h, v, f in forms for s in f.findall(q("suggestion"))]
    members = [(h, m) for h in households for m in h.findall(q("member"))]

    # households
    put("households.registered", len(households))
    visited = [h for h in households if h.find(q("visit")) is not None]
    put("households.visited", len(visited))
    put("households.not-visited", len(households) - len(visited))
    for d in enums["dwelling"]:
        reg = sum(1 for h in households if h.get("dwelling") == d)
        vis = sum(1 for h in visited if h.get("dwelling") == d)
        put("households.registered.%s" % d, reg)
        put("households.visited.%s" % d, vis)
        put("households.not-visited.%s" % d, reg - vis)
    put("households.coverage-percent", pct(len(visited), len(households)))
    put("households.without-cadre", sum(1 for h in households if h.get("cadre") is None))

    # visits
    put("visits", len(visits))
    for k in enums["visitKind"]:
        put("visits.kind.%s" % k, sum(1 for h, v in visits if v.get("kind") == k))
    put("visits.with-two-cadres", sum(1 for h, v in visits if len(v.get("by").split()) == 2))

    # cadres: a visit counts once for each cadre in `by`; for a role or a
    # team, a visit counts once if any of its cadres has that role / team.
    per_cadre = {c: 0 for c in cadre_ids}
    per_role = {r: 0 for r in enums["role"]}
    per_team = {t: 0 for t in teams}
    role_sum = {r: 0 for r in enums["role"]}
    team_sum = {t: 0 for t in teams}
    for h, v in visits:
        ids = v.get("by").split()
        for c in ids:
            per_cadre[c] += 1
            role_sum[role_of[c]] += 1
            team_sum[team_of[c]] += 1
        for r in dict.fromkeys(role_of[c] for c in ids):
            per_role[r] += 1
        for t in dict.fromkeys(team_of[c] for c in ids):
            per_team[t] += 1
    put("cadres", len(cadres))
    put("cadres.taking-part", sum(1 for c in cadre_ids if per_cadre[c] > 0))
    for r in enums["role"]:
        ids = [c for c in cadre_ids if role_of[c] == r]
        put("cadres.role.%s" % r, len(ids))
        put("cadres.role.%s.taking-part" % r, sum(1 for c in ids if per_cadre[c] > 0))
        put("cadres.role.%s.visits" % r, per_role[r])
    for t in teams:
        ids = [c for c in cadre_ids if team_of[c] == t]
        put("cadres.team.%s" % t, len(ids))
        put("cadres.team.%s.taking-part" % t, sum(1 for c in ids if per_cadre[c] > 0))
        put("cadres.team.%s.visits" % t, per_team[t])
    for c in cadre_ids:
        put("visits.cadre.%s" % c, per_cadre[c])
    for t in teams:
        put("visits.team.%s" % t, per_team[t])
    # with no visit by two cadres of one team or role the two ways of
    # counting agree; say so, so that a reader need not wonder
    put("visits.team-and-role-counts-unambiguous",
        "yes" if per_team == team_sum and per_role == role_sum else "no")

    # forms, opinions, suggestions
    put("forms", len(forms))

    def items(prefix, pairs, with_important):
        put(prefix, len(pairs))
        if with_important:
            imp = [(v, o) for v, o in pairs if o.get("important") in ("true", "1")]
            put("%s.important" % prefix, len(imp))
            put("%s.important.reported" % prefix, sum(1 for v, o in imp if o.get("to")))
            put("%s.important.reported-to-street-office" % prefix,
                sum(1 for v, o in imp if o.get("to") == STREET_OFFICE))
            for s in enums["status"]:
                put("%s.important.status.%s" % (prefix, s),
                    sum(1 for v, o in imp if o.get("status") == s))
        status = lambda o: o.get("status") or "pending"      # schema default
        for c in enums["category"]:
            put("%s.category.%s" % (prefix, c), sum(1 for v, o in pairs if o.get("category") == c))
        for s in enums["status"]:
            put("%s.status.%s" % (prefix, s), sum(1 for v, o in pairs if status(o) == s))
        for c in enums["category"]:
            in_c = [(v, o) for v, o in pairs if o.get("category") == c]
            for s in enums["status"]:
                put("%s.category.%s.status.%s" % (prefix, c, s),
                    sum(1 for v, o in in_c if status(o) == s))
            if with_important:
                imp = [o for v, o in in_c if o.get("important") in ("true", "1")]
                put("%s.category.%s.important" % (prefix, c), len(imp))
                put("%s.category.%s.important.reported" % (prefix, c),
                    sum(1 for o in imp if o.get("to")))
        put("%s.with-to" % prefix, sum(1 for v, o in pairs if o.get("to")))
        put("%s.with-closed" % prefix, sum(1 for v, o in pairs if o.get("closed")))

    items("opinions", opinions, True)
    items("suggestions", suggestions, False)
    # 意见建议 in the summary: opinions and suggestions together
    put("opinions-and-suggestions", len(opinions) + len(suggestions))

    # groups
    def groups(m):
        return (m.get("groups") or "").split()

    def in_group(m, g):
        gs = groups(m)
        return any(x in ELDERLY for x in gs) if g == "elderly" else g in gs

    services = [(h, v, s) for h, v in visits for s in v.findall(q("service"))]
    member_by_id = {(h.get("id"), m.get("id")): m for h, m in members}
    served = {}
    for h, v, s in services:
        served.setdefault((h.get("id"), s.get("member")), []).append(s.get("type"))
    group_rows = enums["group"] + enums["elderlyGroup"]
    put("members", len(members))
    put("members.in-any-group", sum(1 for h, m in members if groups(m)))
    put("households.with-group-member",
        sum(1 for h in households if any(groups(m) for m in h.findall(q("member")))))
    put("members.in-two-or-more-groups", sum(1 for h, m in members if len(groups(m)) > 1))
    for h, m in members:
        if len(groups(m)) > 1:
            put("members.multi-group.%s" % m.get("id"), " ".join(groups(m)))
    for g in group_rows:
        ms = [(h, m) for h, m in members if in_group(m, g)]
        put("members.group.%s" % g, len(ms))
        put("households.group.%s" % g, len(dict.fromkeys(h.get("id") for h, m in ms)))
        put("members.group.%s.served" % g,
            sum(1 for h, m in ms if (h.get("id"), m.get("id")) in served))
    put("elderly.members", sum(1 for h, m in members if in_group(m, "elderly")))
    put("elderly.served", sum(1 for h, m in members
                              if in_group(m, "elderly") and (h.get("id"), m.get("id")) in served))

    # services: a service counts under every group of the member served
    put("services", len(services))
    put("services.members", len(served))
    put("services.to-elderly", sum(1 for h, v, s in services
                                   if in_group(member_by_id[(h.get("id"), s.get("member"))],
                                               "elderly")))
    for t in enums["serviceType"]:
        st = [(h, s) for h, v, s in services if s.get("type") == t]
        put("services.type.%s" % t, len(st))
        put("services.type.%s.members" % t,
            len(dict.fromkeys((h.get("id"), s.get("member")) for h, s in st)))
        for g in group_rows:
            put("services.type.%s.group.%s" % (t, g),
                sum(1 for h, s in st if in_group(member_by_id[(h.get("id"), s.get("member"))], g)))

    # satisfaction
    sats = [v.find(q("satisfaction")) for h, v in visits if v.find(q("satisfaction")) is not None]
    put("satisfaction", len(sats))
    for r in enums["rating"]:
        put("satisfaction.rating.%s" % r, sum(1 for s in sats if s.get("rating") == r))
    ok = sum(1 for s in sats if s.get("rating") != "dissatisfied")
    put("satisfaction.satisfied", ok)
    put("satisfaction.rate-percent", pct(ok, len(sats)))

    # audit findings (SPEC 2, default thresholds N=30 days, K=5 visits)
    start, end = D(camp.get("start")), D(camp.get("end"))
    audit = {r: 0 for r in ("duplicate-id", "unknown-cadre", "unknown-member",
                            "visit-outside-campaign", "follow-up-without-first",
                            "closed-before-visit", "reported-without-target",
                            "household-not-visited", "special-group-not-followed-up",
                            "overdue-item", "no-responsible-cadre", "cadre-few-visits")}
    seen = {}
    for el in root.iter():
        if el.tag in (q("household"), q("member"), q("visit"), q("form"), q("opinion"),
                      q("suggestion"), q("cadre")):
            seen[el.get("id")] = seen.get(el.get("id"), 0) + 1
    audit["duplicate-id"] = sum(n - 1 for n in seen.values())
    for h in households:
        vs = h.findall(q("visit"))
        mids = [m.get("id") for m in h.findall(q("member"))]
        if h.get("cadre") is None:
            audit["no-responsible-cadre"] += 1
        elif h.get("cadre") not in role_of:
            audit["unknown-cadre"] += 1
        if not vs:
            audit["household-not-visited"] += 1
        if any(groups(m) for m in h.findall(q("member"))) and \
                not any(v.get("kind") != "first" for v in vs):
            audit["special-group-not-followed-up"] += 1
        firsts = [D(v.get("date")) for v in vs if v.get("kind") == "first"]
        for v in vs:
            d = D(v.get("date"))
            audit["unknown-cadre"] += sum(1 for c in v.get("by").split() if c not in role_of)
            if not start <= d <= end:
                audit["visit-outside-campaign"] += 1
            if v.get("kind") != "first" and not any(f < d for f in firsts):
                audit["follow-up-without-first"] += 1
            for s in v.findall(q("service")):
                if s.get("member") not in mids:
                    audit["unknown-member"] += 1
            for f in v.findall(q("form")):
                for it in list(f):
                    st = it.get("status") or "pending"
                    if it.get("closed") and D(it.get("closed")) < d:
                        audit["closed-before-visit"] += 1
                    if st == "reported" and not it.get("to"):
                        audit["reported-without-target"] += 1
                    if st in ("pending", "assigned", "reported") and (reported - d).days > 30:
                        audit["overdue-item"] += 1
    audit["cadre-few-visits"] = sum(1 for c in cadre_ids if per_cadre[c] < 5)
    for r, n in audit.items():
        put("audit.%s" % r, n)
    for c in cadre_ids:
        if per_cadre[c] < 5:
            put("audit.cadre-few-visits.%s" % c, per_cadre[c])
    for h in households:
        if h.get("cadre") is None:
            put("audit.no-responsible-cadre.%s" % h.get("id"), h.get("dwelling"))
    for h in households:
        if h.find(q("visit")) is None:
            put("audit.household-not-visited.%s" % h.get("id"), h.get("dwelling"))
    return out


# ---------------------------------------------------------------------------
# Self-checks of what the task demands of each register
# ---------------------------------------------------------------------------

def expect(fig, want, what):
    bad = {k: (fig.get(k), v) for k, v in want.items() if fig.get(k) != v}
    if bad:
        raise SystemExit("%s: figures differ from the plan: %r" % (what, bad))


JINSHAN_WANT = {
    "households.registered": 112, "households.visited": 108,
    "households.visited.building": 80, "households.visited.bungalow": 28,
    "households.not-visited.building": 2, "households.not-visited.bungalow": 2,
    "cadres": 11, "cadres.taking-part": 11,
    "visits": 150, "visits.kind.first": 108, "visits.kind.follow-up": 30, "visits.kind.regular": 12,
    "forms": 120, "opinions": 100, "suggestions": 30, "opinions-and-suggestions": 130,
    "opinions.important": 16, "opinions.important.reported-to-street-office": 16,
    "opinions.category.other": 0,
    "satisfaction": 30, "satisfaction.rating.very-satisfied": 12,
    "satisfaction.rating.satisfied": 14, "satisfaction.rating.basically-satisfied": 3,
    "satisfaction.rating.dissatisfied": 1,
    "elderly.members": 30, "elderly.served": 30, "services.to-elderly": 45,
    "members.group.elderly-three-noes": 4, "members.group.elderly-living-alone": 12,
    "members.group.elderly-empty-nest": 14, "members.group.disabled": 6,
    "members.group.entitled": 4, "members.group.released-prisoner": 2,
    "members.group.difficult-family": 5,
    "households.without-cadre": 3, "audit.cadre-few-visits": 1, "audit.cadre-few-visits.c11": 3,
    "audit.household-not-visited": 4, "audit.no-responsible-cadre": 3,
    "visits.team-and-role-counts-unambiguous": "yes",
}
CLEAN_AUDIT = {"audit.%s" % r: 0 for r in (
    "duplicate-id", "unknown-cadre", "unknown-member", "visit-outside-campaign",
    "follow-up-without-first", "closed-before-visit", "reported-without-target",
    "household-not-visited", "special-group-not-followed-up", "overdue-item",
    "no-responsible-cadre", "cadre-few-visits")}
JINSHAN_WANT.update({k: 0 for k in CLEAN_AUDIT if k not in JINSHAN_WANT})


def check_jinshan_extra(root):
    """Rules of the brief that are not plain counts."""
    for h in root.iter(q("household")):
        vs = h.findall(q("visit"))
        dates = [v.get("date") for v in vs]
        assert dates == sorted(dates), h.get("id")
        if vs:
            assert vs[0].get("kind") == "first" and \
                all(v.get("kind") != "first" and v.get("date") > dates[0] for v in vs[1:]), h.get("id")
        for v in vs:
            assert 1 <= len(v.get("by").split()) <= 2
            assert len(v.findall(q("satisfaction"))) <= 1
            for it in v.iter():
                if it.tag not in (q("opinion"), q("suggestion")):
                    continue
                st = it.get("status")
                assert st is not None, it.get("id")
                assert (it.get("closed") is not None) == (st in ("resolved", "explained")), it.get("id")
                if it.get("closed"):
                    assert v.get("date") <= it.get("closed") <= CAMPAIGN["reported"]
                if st in ("pending", "assigned", "reported"):
                    assert v.get("date") >= OPEN_FROM.isoformat(), it.get("id")
                if it.get("important") == "true":
                    assert it.get("to") == STREET_OFFICE and \
                        st in ("reported", "resolved", "explained")
    addresses = [h.get("address") for h in root.iter(q("household"))]
    assert len(addresses) == len(set(addresses))


# ---------------------------------------------------------------------------

def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


def figures_text(key, fig_list):
    head = ["# %s.xml: every aggregate of the register, counted by tools/gen-examples.py" % key,
            "# from the file as written (read back with xml.etree), not from its plan.",
            "# A visit counts once for each cadre in `by` (visits.cadre.*); once per role",
            "# or team represented in `by` (cadres.role.*.visits, visits.team.*).",
            "# A service or member counts under every group of the member; 'elderly' is",
            "# the union of the three elderly-* groups. audit.* = expected findings of",
            "# the SPEC 2 rules with default thresholds (N=30 days, K=5 visits).",
            "# Generated file; do not edit (python3 tools/gen-examples.py)."]
    return "\n".join(head + ["%s = %s" % kv for kv in fig_list]) + "\n"


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--out", default=os.path.join(ROOT, "examples"))
    args = ap.parse_args()
    os.makedirs(args.out, exist_ok=True)
    enums = read_enums()
    for name, ours in (("dwelling", DWELLINGS), ("role", ROLES), ("group", GROUPS),
                       ("visitKind", KINDS), ("category", CATEGORIES), ("status", STATUSES),
                       ("rating", RATINGS), ("serviceType", SERVICES)):
        if list(ours) != enums[name]:
            raise SystemExit("register.xsd enumeration %s changed: %r; update this script"
                             % (name, enums[name]))

    for plan, want in ((JINSHAN, JINSHAN_WANT), (HONGXING, CLEAN_AUDIT), (DONGFENG, CLEAN_AUDIT)):
        root, _ = build(plan)
        text, _ = serialize(root, plan["encoding"])
        data = text.encode(plan["encoding"].lower())
        write(os.path.join(args.out, plan["key"] + ".xml"), data)
        written = parse_written(data, plan["encoding"].lower())
        fig_list = count_register(written, enums)
        expect(dict(fig_list), want, plan["key"])
        check_jinshan_extra(written)
        write(os.path.join(args.out, plan["key"] + ".figures.txt"),
              figures_text(plan["key"], fig_list).encode("utf-8"))

    root, _ = build(BROKEN)
    errors = break_register(root)
    text, marks = serialize(root, BROKEN["encoding"])
    write(os.path.join(args.out, BROKEN["key"] + ".xml"), text.encode("utf-8"))
    lines = ["# %s.xml: the deliberate schema errors, one per line of the register." % BROKEN["key"],
             "# Format: LINE<TAB>DESCRIPTION. xmllint (libxml2 2.9.14) prints exactly one",
             "# schema-validity message for each, at the line given, and no other.",
             "# Generated file; do not edit (python3 tools/gen-examples.py)."]
    for mark, what in sorted(errors, key=lambda e: marks[e[0]]):
        lines.append("%d\t%s" % (marks[mark], what))
    write(os.path.join(args.out, BROKEN["key"] + ".expected.txt"),
          ("\n".join(lines) + "\n").encode("utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
