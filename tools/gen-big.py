#!/usr/bin/env python3
"""Writes a large register for benchmarks: the households of the reference
register (examples/jinshan-2011.xml) repeated with fresh ids and addresses
until the file reaches the size asked for.

    python3 tools/gen-big.py SIZE_MB OUT.xml [CODE NAME]

CODE and NAME give the register another community (12-digit code and
name), so that several big registers make a batch of distinct communities.
"""
import re
import sys

def main():
    size = int(float(sys.argv[1]) * 1024 * 1024)
    out = sys.argv[2]
    src = open(__file__.rsplit('/', 2)[0] + '/examples/jinshan-2011.xml',
               encoding='utf-8').read()
    if len(sys.argv) > 4:
        src = src.replace('code="620402003005" name="金山社区"',
                          'code="%s" name="%s"' % (sys.argv[3], sys.argv[4]), 1)
    head, rest = src.split('<households>', 1)
    body, tail = rest.split('</households>', 1)
    households = re.findall(r'    <household [^\n]*/>\n'
                            r'|    <household [^\n]*[^/]>\n.*?</household>\n',
                            body, re.S)
    idre = re.compile(r'\b(id|member|address)="([^"]*)"')
    with open(out, 'w', encoding='utf-8') as f:
        f.write(head + '<households>\n')
        written = len(head)
        rep = 0
        while written < size:
            for h in households:
                s = idre.sub(lambda m: '%s="%s-%d"' % (m.group(1),
                                                      m.group(2), rep), h)
                f.write(s)
                written += len(s.encode('utf-8'))
            rep += 1
        f.write('  </households>' + tail)

if __name__ == '__main__':
    main()
