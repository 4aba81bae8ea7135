#!/usr/bin/env python3
"""Writes a large register for benchmarks: the households of the reference
register (examples/jinshan-2011.xml) repeated with fresh ids and addresses
until the file reaches the size, or the number of households, asked for.

    python3 tools/gen-big.py SIZE_MB OUT.xml [CODE NAME]
    python3 tools/gen-big.py --households N [--density D] [--seed S] \\
        [--visits K] OUT.xml [CODE NAME]

CODE and NAME give the register another community (12-digit code and
name), so that several big registers make a batch of distinct communities.

--density D (0 to 1, default 0: the reference's own proportions) is the
share of households made to trip audit warnings, as a register exported
mid-campaign does: such a household loses its responsible cadre
(no-responsible-cadre) and its opinions and suggestions are still pending
(overdue-item, about 2.7 a household). --seed makes the choice
reproducible (default 1). The register stays valid.

--visits K (default 1) writes every visit of a household, with its forms,
opinions and suggestions, K times (the copies under fresh ids, ".2" to
".K" added): the same households carrying K times the visits and
opinions, to show what grows with them and what does not.
"""
import argparse
import random
import re
import sys


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--households', type=int)
    ap.add_argument('--density', type=float, default=0.0)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--visits', type=int, default=1)
    ap.add_argument('args', nargs='+')
    a = ap.parse_args()
    args = a.args
    if a.households is None:
        size = int(float(args.pop(0)) * 1024 * 1024)
    else:
        size = None
    out = args[0]
    rng = random.Random(a.seed)
    src = open(__file__.rsplit('/', 2)[0] + '/examples/jinshan-2011.xml',
               encoding='utf-8').read()
    if len(args) > 2:
        src = src.replace('code="620402003005" name="金山社区"',
                          'code="%s" name="%s"' % (args[1], args[2]), 1)
    head, rest = src.split('<households>', 1)
    body, tail = rest.split('</households>', 1)
    households = re.findall(r'    <household [^\n]*/>\n'
                            r'|    <household [^\n]*[^/]>\n.*?</household>\n',
                            body, re.S)
    idre = re.compile(r'\b(id|member|address)="([^"]*)"')
    cadre = re.compile(r' cadre="[^"]*"')
    visit = re.compile(r'      <visit [^\n]*/>\n'
                       r'|      <visit [^\n]*[^/]>\n.*?</visit>\n', re.S)
    vid = re.compile(r'\bid="([^"]*)"')

    def more_visits(m):
        v = m.group(0)
        return v + ''.join(vid.sub(lambda i: 'id="%s.%d"' % (i.group(1), k), v)
                           for k in range(2, a.visits + 1))
    status = re.compile(r'status="(?:explained|resolved)" closed="[^"]*"')
    with open(out, 'w', encoding='utf-8') as f:
        f.write(head + '<households>\n')
        written = len(head)
        n = 0
        rep = 0
        while (size is not None and written < size) or \
              (size is None and n < a.households):
            for h in households:
                if size is None and n >= a.households:
                    break
                s = idre.sub(lambda m: '%s="%s-%d"' % (m.group(1),
                                                      m.group(2), rep), h)
                if a.visits > 1:
                    s = visit.sub(more_visits, s)
                if a.density > 0 and rng.random() < a.density:
                    first, nl, more = s.partition('\n')
                    s = cadre.sub('', first, 1) + nl + \
                        status.sub('status="pending"', more)
                f.write(s)
                written += len(s.encode('utf-8'))
                n += 1
            rep += 1
        f.write('  </households>' + tail)


if __name__ == '__main__':
    main()
