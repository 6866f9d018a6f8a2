#!/usr/bin/env bash
# mkskeleton.sh [--check] LAB - the student's skeleton, generated from the
# reference solution so the two never drift.
#
#     grader/mkskeleton.sh LAB           rewrites skeletons/LAB/FILE
#     grader/mkskeleton.sh --check LAB   exit 1 naming each FILE that differs, with a diff
#
# For every FILE of lab.ini's `files`, solutions/LAB/FILE becomes
# skeletons/LAB/FILE: the lines from "// BEGIN SOLUTION" to "// END SOLUTION"
# (both included) are dropped, a line "// SKELETON: code" becomes "code"
# (keeping its indentation; a bare "// SKELETON:" an empty line), every
# other line is kept; then the result is
# formatted with the kit's .clang-format. A marker without its partner is an
# error (exit 2), so a typo cannot drop the rest of a file.
#
# OSLABS_KIT=DIR takes labs/, solutions/ and skeletons/ from DIR instead of
# this kit (the self-test points it at scratch copies and at the fixture lab).
set -euo pipefail
kit=$(cd "$(dirname "$0")/.." && pwd)
root=${OSLABS_KIT:-$kit}

usage() {
    echo "usage: grader/mkskeleton.sh [--check] LAB" >&2
    exit 2
}
check=0
[ "${1:-}" = --check ] && { check=1; shift; }
[ $# -eq 1 ] || usage
lab=$1
ini=$root/labs/$lab/lab.ini
[ -f "$ini" ] || { echo "mkskeleton: no $ini" >&2; exit 2; }

# lab.ini's [lab] files, one per line.
lab_files() {
    awk '/^[ \t]*\[/ { in_lab = ($0 ~ /^[ \t]*\[lab\]/) }
         in_lab && /^[ \t]*files[ \t]*=/ { sub(/^[^=]*=/, ""); n = split($0, w); for (i = 1; i <= n; i++) print w[i] }' "$1"
}

# generate SOLUTION-FILE: the skeleton on stdout.
generate() {
    awk -v file="$1" '
    /^[ \t]*\/\/ BEGIN SOLUTION[ \t]*$/ {
        if (skip) { printf "%s:%d: BEGIN SOLUTION inside the block opened at line %d\n", file, NR, from > "/dev/stderr"; bad = 1 }
        skip = 1; from = NR; next }
    /^[ \t]*\/\/ END SOLUTION[ \t]*$/ {
        if (!skip) { printf "%s:%d: END SOLUTION without BEGIN SOLUTION\n", file, NR > "/dev/stderr"; bad = 1 }
        skip = 0; next }
    skip { next }
    /^[ \t]*\/\/ SKELETON:( |$)/ { sub(/\/\/ SKELETON: ?/, ""); print; next }
    { print }
    END {
        if (skip) { printf "%s:%d: BEGIN SOLUTION never ended\n", file, from > "/dev/stderr"; bad = 1 }
        exit bad }' "$1" |
        clang-format --style="file:$kit/.clang-format" --assume-filename="$(basename "$1")"
}

files=$(lab_files "$ini")
[ -n "$files" ] || { echo "mkskeleton: $ini has no files" >&2; exit 2; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
differ=0
for f in $files; do
    src=$root/solutions/$lab/$f
    [ -f "$src" ] || { echo "mkskeleton: no solutions/$lab/$f" >&2; exit 2; }
    generate "$src" >"$work/$f" || { echo "mkskeleton: solutions/$lab/$f: bad markers" >&2; exit 2; }
    dst=$root/skeletons/$lab/$f
    if [ $check = 1 ]; then
        if ! diff -u --label "skeletons/$lab/$f" --label "generated from solutions/$lab/$f" \
            "$dst" "$work/$f" 2>/dev/null >"$work/$f.diff"; then
            [ -f "$dst" ] || echo "(skeletons/$lab/$f is missing)" >"$work/$f.diff"
            echo "mkskeleton: skeletons/$lab/$f differs from what solutions/$lab/$f generates" \
                "(run grader/mkskeleton.sh $lab):"
            head -60 "$work/$f.diff"
            differ=1
        fi
    else
        mkdir -p "$root/skeletons/$lab"
        cmp -s "$work/$f" "$dst" 2>/dev/null || { cp "$work/$f" "$dst" && echo "wrote skeletons/$lab/$f"; }
    fi
done
exit $differ
