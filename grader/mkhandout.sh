#!/usr/bin/env bash
# mkhandout.sh LAB [--check] - the grading table of labs/LAB/README.md,
# generated from lab.ini so it cannot drift.
#
#     grader/mkhandout.sh LAB           rewrites the block in place
#     grader/mkhandout.sh LAB --check   exit 1 with a diff if the committed block differs
#
# The block sits in "## How you are graded", between
#     <!-- BEGIN GENERATED: grading table (grader/mkhandout.sh LAB) -->
#     <!-- END GENERATED -->
# (the first run adds it at the end of that section; prose around it is
# free). One row per rule of "## Rules" (**R1.** ...): its first sentence,
# cut short; the public tests of labs/LAB/lab.ini whose `rules` name it;
# the number of hidden tests (labs/LAB/hidden/lab.ini) that name it; and
# its points, the sum of its public tests' points. A footnote gives the
# lab's total, where a test naming several rules counts once.
set -euo pipefail
case "${1:-}" in '' | -*) echo "usage: grader/mkhandout.sh LAB [--check]" >&2; exit 2 ;; esac
exec python3 "$(dirname "$0")/labmap.py" table "$@"
