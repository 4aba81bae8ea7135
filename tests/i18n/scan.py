#!/usr/bin/env python3
"""tests/i18n/scan.py — every user-visible string of the sources goes
through gettext.

    python3 tests/i18n/scan.py src/*.c
    python3 tests/i18n/scan.py --fix src/*.c   wraps what it finds in _()

A user-visible string is the format or text given to the functions that
put words before the user: fprintf, printf, fputs, puts, usage_error,
error_set, error_format (whose result is a message). Given as a bare
string literal with an English word in it (two letters or more, other than
the program's name and printf conversions), it is reported: wrap it in _()
(or P_() for a plural; N_() or NP_() for a finding's message, formatted
when it is read), or, when it is not prose (an XML name, a file name),
end the line with the comment  /* i18n: not prose */. A piece of JSON
(",\"key\":") is not prose.
Prints file:line: the string; exit 1 when any was found.
"""
import re
import sys

CALLS = {  # function -> index of its message argument
    "fprintf": 1, "printf": 0, "fputs": 0, "puts": 0,
    "usage_error": 0, "error_set": 2, "error_format": 0, "snprintf": 2,
    "buf_printf": 1, "vfprintf": 1,
    # the modules' own message helpers
    "refuse": 1, "refuse_at": 3, "report": 3, "io_diag": 3, "set_msg": 1,
    "S_fail": 2, "S_refuse": 2, "S_cap_text": 1, "add_finding": 11,
    "FIND": 8,
}
ALLOWED = {"canvass"}
CALL_RE = re.compile(r"\b(" + "|".join(CALLS) + r")\s*\(")
CONV_RE = re.compile(r"%[-+ #0]*[0-9*]*(?:\.[0-9*]+)?(?:hh|h|ll|l|z|j|t|L)?[diouxXeEfgGcsp%]")


def strip_comments(src):
    """Blanks comments (keeping newlines and the marker) and leaves strings."""
    out, i, n = [], 0, len(src)
    while i < n:
        c = src[i]
        if src.startswith("/*", i):
            j = src.find("*/", i + 2)
            j = n if j < 0 else j + 2
            body = src[i:j]
            out.append(body if "i18n: not prose" in body else
                       re.sub(r"[^\n]", " ", body))
            i = j
        elif src.startswith("//", i):
            j = src.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            out.append(src[i:j + 1])
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def split_args(src, start):
    """The arguments of the call whose '(' is at START, as (text, offset)."""
    depth, i, args, begin = 0, start, [], start + 1
    while i < len(src):
        c = src[i]
        if c in "\"'":
            j = i + 1
            while j < len(src) and src[j] != c:
                j += 2 if src[j] == "\\" else 1
            i = j
        elif c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                args.append((src[begin:i], begin))
                return args
        elif c == "," and depth == 1:
            args.append((src[begin:i], begin))
            begin = i + 1
        i += 1
    return args


def literal_text(arg):
    """The text of ARG when it is only string literals, else None."""
    arg = arg.strip()
    if not arg.startswith('"'):
        return None
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', arg)
    rest = re.sub(r'"((?:[^"\\]|\\.)*)"', "", arg).strip()
    return "".join(parts) if not rest else None


JSON_RE = re.compile(r'^[{,]\\"[a-z_0-9]+\\":')


def prose(text):
    if JSON_RE.match(text):
        return []
    # escapes are not words ("\xEF\xBB\xBF" is a byte order mark)
    text = re.sub(r"\\(x[0-9A-Fa-f]+|[0-7]{1,3}|.)", " ", text)
    text = CONV_RE.sub(" ", text)
    words = [w for w in re.findall(r"[A-Za-z]{2,}", text) if not w.isupper()]
    return [w for w in words if w not in ALLOWED]


PROSE_RE = re.compile(r"[A-Za-z]{2,}[,;:]? +[A-Za-z]{2,}[,;:]? +[A-Za-z]{2,}")
LIT_RE = re.compile(r'"(?:[^"\\\n]|\\.)*"')


def enclosing_call(src, off):
    """The name of the call whose parentheses hold offset OFF, or ''."""
    depth, i = 0, off - 1
    while i >= 0:
        c = src[i]
        if c == '"':  # skip back over a string literal
            i -= 1
            while i >= 0 and not (src[i] == '"' and src[i - 1] != "\\"):
                i -= 1
        elif c == ")":
            depth += 1
        elif c == "(":
            if depth == 0:
                m = re.search(r"([A-Za-z_][A-Za-z0-9_]*)\s*$", src[:i])
                return m.group(1) if m else ""
            depth -= 1
        elif c in ";{}" and depth == 0:
            return ""
        i -= 1
    return ""


def prose_literals(src):
    """Offsets of string literals that read as English prose (three words
    in a row) and are not inside _(), N_(), C_() or P_(): a message built
    outside the calls above (return "...", x = "...")."""
    for m in LIT_RE.finditer(src):
        text = m.group(0)[1:-1]
        if not PROSE_RE.search(CONV_RE.sub(" ", text)):
            continue
        if enclosing_call(src, m.start()) in ("_", "N_", "C_", "P_", "NP_"):
            continue
        yield m.start(), text


def main(paths):
    found = 0
    fix = paths and paths[0] == "--fix"
    if fix:
        paths = paths[1:]
    for path in paths:
        raw = open(path, encoding="utf-8").read()
        src = strip_comments(raw)
        edits = []
        for m in CALL_RE.finditer(src):
            args = split_args(src, m.end() - 1)
            k = CALLS[m.group(1)]
            if len(args) <= k:
                continue
            arg, off = args[k]
            text = literal_text(arg)
            if text is None or not prose(text):
                continue
            line = src.count("\n", 0, off) + 1
            eol = src.find("\n", off + len(arg))
            if "i18n: not prose" in src[off:eol if eol >= 0 else None]:
                continue
            print(f"{path}:{line}: {m.group(1)}: \"{text[:70]}\"")
            found += 1
            lead = len(arg) - len(arg.lstrip())
            edits.append((off + lead, off + len(arg.rstrip())))
        seen = {a for a, _ in edits}
        for off, text in prose_literals(src):
            if any(a <= off < b for a, b in edits):
                continue
            line = src.count("\n", 0, off) + 1
            eol = src.find("\n", off)
            if "i18n: not prose" in src[off:eol if eol >= 0 else None]:
                continue
            print(f"{path}:{line}: literal: \"{text[:70]}\"")
            found += 1
            # the whole run of adjacent literals ("a" "b") is one string
            a = off
            while True:
                b = src[:a].rstrip()
                if b.endswith('"') and not b.endswith('\\"'):
                    j = b.rfind('"', 0, len(b) - 1)
                    while j > 0 and src[j - 1] == "\\":
                        j = b.rfind('"', 0, j - 1)
                    a = j
                else:
                    break
            e = LIT_RE.match(src, off).end()
            while True:
                m2 = re.compile(r'\s*("(?:[^"\\\n]|\\.)*")').match(src, e)
                if not m2:
                    break
                e = m2.end()
            if not any(x <= a < y for x, y in edits):
                edits.append((a, e))
        if fix and edits:
            for a, b in sorted(edits, reverse=True):
                raw = raw[:a] + "_(" + raw[a:b] + ")" + raw[b:]
            open(path, "w", encoding="utf-8").write(raw)
    if found:
        print(f"{found} strings not through _()", file=sys.stderr)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
