#!/usr/bin/env bash
# new-lab.sh NAME [TITLE] - writes a minimal lab that passes the kit's lab
# checks as generated (make new-lab NAME=x): one rule, one public test
# naming it, one hidden test, a solution with markers, the skeleton made of
# it, and one mutant that breaks the rule. grader/ADDING-A-LAB.md says what
# to change next.
#
#     labs/NAME/{README.md,lab.ini,Makefile,include/NAME.h,tests/test_NAME.c,hidden/lab.ini}
#     solutions/NAME/NAME.c   skeletons/NAME/NAME.c   tests/mutants/NAME/one.patch
set -euo pipefail
cd "$(dirname "$0")/.."

name=${1:-}
title=${2:-Adding two numbers}
if ! [[ $name =~ ^[a-z][a-z0-9_]*$ ]]; then
    echo "usage: grader/new-lab.sh NAME [TITLE]   (NAME: a C identifier in lower case)" >&2
    exit 2
fi
for d in "labs/$name" "solutions/$name" "skeletons/$name" "tests/mutants/$name"; do
    [ ! -e "$d" ] || { echo "new-lab: $d exists already" >&2; exit 1; }
done
mkdir -p "labs/$name/include" "labs/$name/tests" "labs/$name/hidden" "solutions/$name" \
    "skeletons/$name" "tests/mutants/$name"

cat >"labs/$name/lab.ini" <<EOF
; The $name lab: the student writes $name.c (include/$name.h is the contract).
[lab]
name    = $name
title   = $title
files   = $name.c
timeout = 10

[test add-small]
kind        = cmocka
points      = 1
rules       = R1
binary      = test_$name
case        = add_small
description = ${name}_add(2, 3) returns 5.
EOF

cat >"labs/$name/hidden/lab.ini" <<EOF
; Hidden tests of the $name lab: graded with --hidden labs/$name/hidden.
[test hidden-add-negative]
kind       = cmocka
points     = 1
rules      = R1
binary     = test_$name
case       = add_negative
visibility = hidden
EOF

cat >"labs/$name/Makefile" <<EOF
# The $name lab: the student's $name.c and its cmocka tests.
include ../common/lab.mk

PROGRAMS := test_$name

all: \$(PROGRAMS)

test_$name: test_$name.o $name.o \$(HARNESS)
	\$(CC) \$(CFLAGS) -o \$@ \$^ \$(CMOCKA) \$(LDLIBS)
EOF

cat >"labs/$name/include/$name.h" <<EOF
/*
 * $name.h - the contract of the $name lab (frozen: the tests and every
 * submission are written against it).
 */
#ifndef ${name^^}_H
#define ${name^^}_H

/* ${name}_add - returns a + b; a, b and the sum fit in an int (rule R1). */
int ${name}_add(int a, int b);

#endif
EOF

cat >"labs/$name/tests/test_$name.c" <<EOF
/*
 * test_$name.c - the cmocka cases of the $name lab, one per scenario; each
 * names in lab.ini the rules it checks.
 */
#include "oslabs_test.h"
#include "$name.h"

static void add_small(void **state)
{
    (void)state;
    assert_int_equal(${name}_add(2, 3), 5);
}

static void add_negative(void **state)
{
    (void)state;
    assert_int_equal(${name}_add(-7, 3), -4);
}

static const struct CMUnitTest tests[] = {
    cmocka_unit_test(add_small),
    cmocka_unit_test(add_negative),
};

OSLABS_TEST_MAIN(tests)
EOF

cat >"solutions/$name/$name.c" <<EOF
/*
 * $name.c - the $name lab: adding two numbers.
 */
#include "$name.h"

/* ---- Functions you implement ---- */

/* ${name}_add - returns a + b (rule R1). */
int ${name}_add(int a, int b)
{
    // BEGIN SOLUTION
    return a + b;
    // END SOLUTION
    // SKELETON: (void)a;
    // SKELETON: (void)b;
    // SKELETON: return 0; /* TODO */
}
EOF

cat >"labs/$name/README.md" <<EOF
# Lab $name: $title

In this lab you write one function, \`${name}_add\`. It is the smallest lab the kit can hold, made
by \`make new-lab NAME=$name\`: replace this text with the lab's story.

## Objectives

- Write a C function against a contract and see the grader check it.

## Background

\`include/$name.h\` is the contract; \`tests/test_$name.c\` holds the tests.

## Your task

Write \`${name}_add\` in \`$name.c\`.

## Rules

**R1.** \`${name}_add(a, b)\` returns \`a + b\`, for every \`a\` and \`b\` whose sum fits in an \`int\`.

## Getting started

\`\`\`sh run
make grade LAB=$name
\`\`\`

## How you are graded

Each test names the rules it checks. The table below is generated from \`lab.ini\`.

<!-- BEGIN GENERATED: grading table (grader/mkhandout.sh $name) -->
<!-- END GENERATED -->

## Hints

Read the rule again.

## Debugging

\`\`\`sh norun
make debug LAB=$name ONLY=add-small TOOL=gdb
\`\`\`

## In production

Real code checks for overflow (\`__builtin_add_overflow\`).
EOF

# the mutant: the solution with R1 broken
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/a" "$work/b"
cp "solutions/$name/$name.c" "$work/a/" && cp "solutions/$name/$name.c" "$work/b/"
sed -i 's/    return a + b;/    return a - b;/' "$work/b/$name.c"
{
    printf 'Mutant: one\nBug: %s_add returns a - b.\nRule: R1\nMust-fail: add-small\n\n' "$name"
    printf -- '--- a/%s\n+++ b/%s\n' "$name.c" "$name.c"
    (cd "$work" && diff -u "a/$name.c" "b/$name.c" | sed "1,2d") || [ $? -eq 1 ]
} >"tests/mutants/$name/one.patch"

grader/mkskeleton.sh "$name" >/dev/null
grader/mkhandout.sh "$name" >/dev/null
echo "new-lab: wrote labs/$name, solutions/$name, skeletons/$name, tests/mutants/$name/one.patch"
echo "new-lab: check it with tests/selftest/rules.sh $name and tests/selftest/labs.sh $name"
