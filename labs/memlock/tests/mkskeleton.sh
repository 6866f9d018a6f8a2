#!/bin/sh
# mkskeleton.sh - makes the student's skeleton from the reference solution,
# so the two never drift: in a file of solutions/memlock the lines between
# "// BEGIN SOLUTION" and "// END SOLUTION" are dropped, and each
# "// SKELETON: code" line becomes "code" (a stub's neutral body).
#
#     labs/memlock/tests/mkskeleton.sh            # rewrites skeletons/memlock/*.c
#                                                 # (then clang-formats them)
#     labs/memlock/tests/mkskeleton.sh FILE.c     # prints one skeleton file
set -eu
strip() {
    awk '
    /^[ \t]*\/\/ BEGIN SOLUTION[ \t]*$/ { skip = 1; next }
    /^[ \t]*\/\/ END SOLUTION[ \t]*$/   { skip = 0; next }
    skip                                { next }
    /^[ \t]*\/\/ SKELETON: /            { sub(/\/\/ SKELETON: /, ""); print; next }
                                        { print }
    ' "$1"
}
if [ $# -gt 0 ]; then
    strip "$1"
    exit 0
fi
root=$(cd "$(dirname "$0")/../../.." && pwd)
for f in memguard.c swapwatch.c; do
    strip "$root/solutions/memlock/$f" >"$root/skeletons/memlock/$f"
    # Dropped blocks leave doubled blank lines: let clang-format tidy them.
    clang-format -i --style=file:"$root/.clang-format" "$root/skeletons/memlock/$f"
done
