#!/usr/bin/env python3
"""make-dict.py SCHEMA.xsd > FILE.dict — a libFuzzer dictionary for the
documents SCHEMA describes: every element and attribute name it declares
(as `<name`, `</name>` and ` name="`), every enumeration value, the target
namespace, and the XML syntax and encodings the reader must face.

Generated at `make fuzz` time from the schema itself, so it never drifts
from the format."""
import sys
import xml.etree.ElementTree as ET

XS = "{http://www.w3.org/2001/XMLSchema}"


def quote(s):
    out = []
    for b in s.encode("utf-8"):
        if b in (0x22, 0x5C) or b < 0x20 or b >= 0x7F:
            out.append("\\x%02X" % b)
        else:
            out.append(chr(b))
    return '"' + "".join(out) + '"'


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: make-dict.py SCHEMA.xsd")
    root = ET.parse(sys.argv[1]).getroot()
    tokens = []

    def add(t):
        if t and t not in tokens:
            tokens.append(t)

    add(root.get("targetNamespace"))
    add('xmlns="%s"' % root.get("targetNamespace"))
    for el in root.iter(XS + "element"):
        n = el.get("name")
        if n:
            add("<" + n)
            add("</" + n + ">")
    for at in root.iter(XS + "attribute"):
        n = at.get("name")
        if n:
            add(" " + n + '="')
    for en in root.iter(XS + "enumeration"):
        add(en.get("value"))
        for doc in en.iter(XS + "documentation"):
            add((doc.text or "").strip())
    # XML syntax and the encodings the reader sniffs
    for t in ['<?xml version="1.0"', ' encoding="UTF-8"?>',
              ' encoding="GBK"?>', ' encoding="GB18030"?>',
              ' encoding="GB2312"?>', ' encoding="UTF-16"?>',
              ' encoding="ISO-8859-1"?>', "<!DOCTYPE", "<!ENTITY",
              "<![CDATA[", "]]>", "<!--", "-->", "<?", "?>", "/>",
              "&amp;", "&#x", "&#", "\xef\xbb\xbf", "\xff\xfe", "\xfe\xff",
              "2011-09-01", "2011-10-31", "2011-02-29", "9999-12-31",
              "\n<!--canvass-fuzz-next-register-->\n"]:
        add(t)
    for t in tokens:
        if "\xef" in t or "\xff" in t or "\xfe" in t:
            # raw bytes, not text
            print('"' + "".join("\\x%02X" % ord(c) for c in t) + '"')
        else:
            print(quote(t))


if __name__ == "__main__":
    main()
