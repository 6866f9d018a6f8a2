#!/bin/sh
# mkskeleton.sh - makes the student's skeleton from the reference solution,
# so the two never drift: in SOLUTION (solutions/shell/tsh.c) the lines
# between "// BEGIN SOLUTION" and "// END SOLUTION" are dropped, and each
# "// SKELETON: code" line becomes "code" (the stub's neutral body).
#
#     labs/shell/tests/mkskeleton.sh solutions/shell/tsh.c > skeletons/shell/tsh.c
set -eu
awk '
/^[ \t]*\/\/ BEGIN SOLUTION[ \t]*$/ { skip = 1; next }
/^[ \t]*\/\/ END SOLUTION[ \t]*$/   { skip = 0; next }
skip                                { next }
/^[ \t]*\/\/ SKELETON: /            { sub(/\/\/ SKELETON: /, ""); print; next }
                                    { print }
' "$1"
