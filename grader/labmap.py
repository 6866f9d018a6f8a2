#!/usr/bin/env python3
"""labmap.py - a lab's map of rules, tests and mutants, read from the kit.

    labmap.py table LAB [--check]   the grading table of labs/LAB/README.md
                                    (grader/mkhandout.sh is the front end)
    labmap.py check LAB             the map and shape checks of tests/selftest/rules.sh

Where things are, relative to the kit root (the directory above grader/):
    labs/LAB/lab.ini            public tests (visibility = visible), `rules = R1 R4`
    labs/LAB/hidden/lab.ini     hidden tests (counted per rule, never named)
    labs/LAB/README.md          `## Rules`: paragraphs `**R1.** text`
    tests/mutants/LAB/*.patch   headers `Mutant:`, `Bug:`, `Rule: R4`, `Must-fail: t1 t2`
OSLABS_KIT=DIR takes them from DIR instead of this kit. A lab.ini is read as
the grader reads it (inih: `key = value`, `;` and `#` comments, `[lab]` and
`[test NAME]` sections); `grader check` validates it.
"""
import difflib
import os
import re
import sys

# OSLABS_KIT=DIR reads labs/ and tests/mutants/ from DIR (scratch copies, the fixture lab)
ROOT = os.environ.get("OSLABS_KIT") or os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))

HEADINGS = ["Objectives", "Background", "Your task", "Rules", "Getting started",
            "How you are graded", "Hints", "Debugging", "In production"]
BEGIN = "<!-- BEGIN GENERATED: grading table"
END = "<!-- END GENERATED -->"
SHORT = 90  # characters of a rule's short form
RULE_ID = re.compile(r"^R[1-9][0-9]*$")


def read_ini(path):
    """[lab] keys and the [test NAME] sections, in order: (lab, [(name, keys)])."""
    lab, tests, cur = {}, [], None
    with open(path, encoding="utf-8") as f:
        for line in f:
            s = line.strip()
            if not s or s[0] in ";#":
                continue
            if s.startswith("["):
                name = s[1:s.rindex("]")].strip() if "]" in s else ""
                if name == "lab":
                    cur = lab
                elif name.startswith("test "):
                    cur = {}
                    tests.append((name[5:].strip(), cur))
                else:
                    cur = None
                continue
            if "=" in s and cur is not None:
                k, v = s.split("=", 1)
                v = re.sub(r"\s;.*$", "", v)  # inih's inline comment
                cur[k.strip()] = v.strip()
    return lab, tests


class Test:
    def __init__(self, name, keys, hidden):
        self.name = name
        self.keys = keys
        self.hidden = hidden
        self.points = float(keys.get("points", "0") or 0)
        self.rules = keys.get("rules", "").split()
        self.public = not hidden and keys.get("visibility", "visible") == "visible"


def strip_fences(lines):
    """The lines with those inside ``` fences blanked (a `# x` there is no heading)."""
    out, fenced = [], False
    for line in lines:
        if line.lstrip().startswith("```"):
            fenced = not fenced
            out.append("")
        else:
            out.append("" if fenced else line)
    return out


def read_rules(readme):
    """[(id, text)] of the README's ## Rules section, in order."""
    lines = strip_fences(open(readme, encoding="utf-8").read().split("\n"))
    rules, inside, cur = [], False, None
    for line in lines:
        if line.startswith("## "):
            inside = line[3:].strip() == "Rules"
            cur = None
            continue
        if not inside:
            continue
        m = re.match(r"^\*\*(R[0-9]+)\.\*\*\s*(.*)$", line)
        if m:
            cur = [m.group(1), m.group(2)]
            rules.append(cur)
        elif cur is not None and line.strip() and not line.startswith("#"):
            cur[1] += " " + line.strip()
        else:
            cur = None
    return [(r[0], r[1].strip()) for r in rules]


def short_form(text):
    """The rule's first sentence, cut to SHORT characters, safe in a table cell."""
    m = re.search(r"(?<!e\.g)(?<!i\.e)(?<!etc)[.!?](\s|$)", text)
    s = text[:m.start() + 1] if m else text
    if len(s) > SHORT:
        s = s[:SHORT].rsplit(" ", 1)[0].rstrip(",;") + "..."
    if s.count("`") % 2:  # a code span cut in two
        s = s[:s.rindex("`")].rstrip() + "..."
    if s.count("**") % 2:
        s = s.replace("**", "")
    return s.replace("|", "\\|")


def load(lab):
    d = os.path.join(ROOT, "labs", lab)
    labkeys, tests = read_ini(os.path.join(d, "lab.ini"))
    out = [Test(n, k, False) for n, k in tests]
    hidden = os.path.join(d, "hidden", "lab.ini")
    if os.path.exists(hidden):
        out += [Test(n, k, True) for n, k in read_ini(hidden)[1]]
    return labkeys, out


def fmt(x):
    return "%g" % x


def count(n, what):
    return "%s %s%s" % (fmt(n), what, "" if n == 1 else "s")


def table(lab):
    """The generated block, markers included, as a list of lines."""
    _, tests = load(lab)
    rules = read_rules(os.path.join(ROOT, "labs", lab, "README.md"))
    pub = [t for t in tests if t.public]
    hid = [t for t in tests if not t.public]
    out = ["%s (grader/mkhandout.sh %s) -->" % (BEGIN, lab),
           "| Rule | What it says | Public tests | Points |",
           "|---|---|---|---|"]
    for rid, text in rules:
        names = ", ".join("`%s`" % t.name for t in pub if rid in t.rules) or "(none)"
        nh = sum(1 for t in hid if rid in t.rules)
        if nh:
            names += " (+ %d hidden)" % nh
        pts = sum(t.points for t in pub if rid in t.rules)
        out.append("| %s | %s | %s | %s |" % (rid, short_form(text), names, fmt(pts)))
    out.append("")
    note = ("A test that checks several rules is listed under each of them, but its points "
            "count once in the total: %s, %s." %
            (count(len(pub), "public test"), count(sum(t.points for t in pub), "point")))
    if hid:
        note += (" %s (%s) check%s the same rules with other inputs: counted above, "
                 "not named." % (count(len(hid), "hidden test"),
                                 count(sum(t.points for t in hid), "point"),
                                 "s" if len(hid) == 1 else ""))
    out.append(note)
    out.append(END)
    return out


def handout(lab, check):
    path = os.path.join(ROOT, "labs", lab, "README.md")
    lines = open(path, encoding="utf-8").read().split("\n")
    new = table(lab)
    b = next((i for i, l in enumerate(lines) if l.startswith(BEGIN)), None)
    if b is not None:
        e = next((i for i in range(b, len(lines)) if lines[i].strip() == END), None)
        if e is None:
            sys.exit("mkhandout: labs/%s/README.md: %s without %s" % (lab, BEGIN, END))
        result = lines[:b] + new + lines[e + 1:]
    else:  # first run: at the end of ## How you are graded, before its ### parts
        try:
            h = lines.index("## How you are graded")
        except ValueError:
            sys.exit("mkhandout: labs/%s/README.md has no '## How you are graded'" % lab)
        e = next((i for i in range(h + 1, len(lines)) if lines[i].startswith("## ")), len(lines))
        while e > h + 1 and not lines[e - 1].strip():
            e -= 1
        result = lines[:e] + [""] + new + lines[e:]
    if result == lines:
        return 0
    if check:
        print("mkhandout: the grading table in labs/%s/README.md differs from lab.ini "
              "(run grader/mkhandout.sh %s):" % (lab, lab))
        sys.stdout.writelines(l + "\n" for l in difflib.unified_diff(
            lines, result, "labs/%s/README.md" % lab, "generated", n=1, lineterm=""))
        return 1
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(result))
    print("wrote the grading table of labs/%s/README.md" % lab)
    return 0


# ---- the checks of tests/selftest/rules.sh --------------------------------

def mutant_header(path):
    """{key: value} of the lines before the diff."""
    h = {}
    for line in open(path, encoding="utf-8", errors="replace"):
        if line.startswith("--- ") or line.startswith("diff "):
            break
        m = re.match(r"^([A-Za-z-]+):\s*(.*)$", line)
        if m and m.group(1) not in h:
            h[m.group(1)] = m.group(2).strip()
    return h


def names(words, most=8):
    return " ".join(words[:most]) + (" ..." if len(words) > most else "")


def check_shape(lab, labkeys, tests, bad):
    """The layout (given/ and tests/expected/ only where the lab has such files), the title
    line and the ## headings."""
    d = os.path.join(ROOT, "labs", lab)
    out = [t.keys["expect"] for t in tests
           if not t.hidden and not t.keys.get("expect", "tests/expected/").startswith(
               "tests/expected/")]
    if out:
        bad("the layout: %s not under tests/expected/: %s" %
            (count(len(out), "expected output"), names(out, 4)))
    for p in ["README.md", "lab.ini", "Makefile", "include/", "tests/", "hidden/"]:
        full = os.path.join(d, p)
        if not (os.path.isdir(full) if p.endswith("/") else os.path.isfile(full)):
            bad("the layout: labs/%s/%s is missing" % (lab, p))
    lines = strip_fences(open(os.path.join(d, "README.md"), encoding="utf-8").read().split("\n"))
    title = "# Lab %s: %s" % (labkeys.get("name", lab), labkeys.get("title", ""))
    if lines[0] != title:
        bad("README.md: the first line is '%s', not '%s'" % (lines[0], title))
    if any(l.startswith("# ") for l in lines[1:]):
        bad("README.md: a second '# ' title")
    heads = [l[3:].strip() for l in lines if l.startswith("## ")]
    if heads != HEADINGS:
        bad("README.md: the ## headings are [%s], not [%s]" % (" / ".join(heads),
                                                               " / ".join(HEADINGS)))


def check_map(lab):
    problems = []
    bad = problems.append
    labkeys, tests = load(lab)
    if not os.path.isfile(os.path.join(ROOT, "labs", lab, "README.md")):
        print("%s: no README.md" % lab)
        print("PROBLEM the layout: labs/%s/README.md is missing" % lab)
        return 1
    check_shape(lab, labkeys, tests, bad)
    rules = read_rules(os.path.join(ROOT, "labs", lab, "README.md"))
    ids = [r for r, _ in rules]
    if not ids:
        bad("README.md: no rules (paragraphs '**R1.** ...' in ## Rules)")
    if ids != ["R%d" % i for i in range(1, len(ids) + 1)]:
        bad("README.md: the rules are numbered %s, not R1..R%d in order" % (" ".join(ids), len(ids)))
    pub = [t for t in tests if t.public]
    norule = [t.name for t in pub if not t.rules]
    if norule:
        bad("the public test %s names no rule (rules = ...)" % norule[0] if len(norule) == 1
            else "%d public tests name no rule (rules = ...): %s" % (len(norule), names(norule)))
    for t in tests:
        for r in t.rules:
            if r not in ids:
                bad("the test %s names %s, which the README does not state" % (t.name, r))
    for r in ids:
        if not any(r in t.rules for t in pub):
            bad("%s has no public test" % r)
    mdir = os.path.join(ROOT, "tests", "mutants", lab)
    patches = sorted(f for f in os.listdir(mdir) if f.endswith(".patch")) if os.path.isdir(mdir) else []
    norule = [p[:-len(".patch")] for p in patches
              if not mutant_header(os.path.join(mdir, p)).get("Rule")]
    if norule:
        bad("the mutant %s has no 'Rule:' line" % norule[0] if len(norule) == 1
            else "%d mutants have no 'Rule:' line: %s" % (len(norule), names(norule)))
    for p in patches:
        h = mutant_header(os.path.join(mdir, p))
        name = p[:-len(".patch")]
        rule = h.get("Rule", "")
        if not rule:
            continue
        if not RULE_ID.match(rule) or rule not in ids:
            bad("the mutant %s breaks '%s', which is not one rule of the README" % (name, rule))
            continue
        must = h.get("Must-fail", "").split()
        if not any(t.public and rule in t.rules and t.name in must for t in tests):
            bad("the mutant %s (%s): none of its Must-fail tests (%s) is a public test of %s" %
                (name, rule, " ".join(must) or "none", rule))
            continue
    for r in ids:
        if not any(mutant_header(os.path.join(mdir, p)).get("Rule") == r for p in patches):
            bad("%s has no mutant in tests/mutants/%s" % (r, lab))
    print("%s: %d rules / %d public tests / %d mutants" % (lab, len(ids), len(pub), len(patches)))
    for p in problems:
        print("PROBLEM " + p)
    return 1 if problems else 0


def main(argv):
    if len(argv) >= 2 and argv[0] == "table":
        return handout(argv[1], "--check" in argv[2:])
    if len(argv) == 2 and argv[0] == "check":
        return check_map(argv[1])
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
