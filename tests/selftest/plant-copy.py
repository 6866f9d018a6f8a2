#!/usr/bin/python3
"""plant-copy.py SRC DST SKELETON INCLUDE - a disguised copy of SRC, as a
student hiding a copy would make it: comments gone, the copier's own names
(every identifier that neither the skeleton nor the lab's headers use) renamed,
and the top-level functions in reverse order. It need not compile: only the
similarity check reads it."""
import re
import sys
from pathlib import Path

KEYWORDS = set("""auto break case char const continue default do double else enum extern
float for goto if inline int long register restrict return short signed sizeof static
struct switch typedef union unsigned void volatile while _Bool bool true false NULL""".split())
WORD = re.compile(r"\b[A-Za-z_][A-Za-z0-9_]*\b")


def strip_comments(text):
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"//[^\n]*", "", text)


def known_names(skeleton, include):
    names = set(KEYWORDS)
    for path in [Path(skeleton)] + sorted(Path(include).glob("*.h")):
        names |= set(WORD.findall(path.read_text()))
    return names


def rename(text, keep):
    out = []
    for line in text.split("\n"):
        if line.startswith("#"):  # includes and macros stay as they are
            out.append(line)
            continue
        out.append(WORD.sub(lambda m: m.group(0) if m.group(0) in keep else "cp_" + m.group(0)[::-1], line))
    return "\n".join(out)


def reorder(text):
    """Top-level chunks: a function runs from its first line to the "}" at
    column 0 that ends it; the functions change places, the rest stays."""
    lines = text.split("\n")
    chunks, cur, in_fn = [], [], False
    for line in lines:
        cur.append(line)
        if not in_fn and line.startswith("{"):
            in_fn = True
        elif in_fn and line.startswith("}"):
            # its head: the non-blank lines above "{" back to a declaration's end
            start = max(i for i, l in enumerate(cur) if l.startswith("{"))
            while start > 0 and cur[start - 1].strip() and not cur[start - 1].rstrip().endswith((";", "}")):
                start -= 1
            if cur[:start]:
                chunks.append(("other", cur[:start]))
            chunks.append(("fn", cur[start:]))
            cur, in_fn = [], False
    if cur:
        chunks.append(("other", cur))
    fns = [c for kind, c in chunks if kind == "fn"][::-1]
    out = []
    for kind, c in chunks:
        out.extend(fns.pop(0) if kind == "fn" else c)
    return "\n".join(out)


def main():
    src, dst, skeleton, include = sys.argv[1:5]
    text = strip_comments(Path(src).read_text())
    text = reorder(rename(text, known_names(skeleton, include)))
    Path(dst).write_text(re.sub(r"\n{3,}", "\n\n", text))


main()
