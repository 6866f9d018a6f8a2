#!/bin/bash
# extra-shell.sh - the shell lab's own kit checks, run by `make test`:
#  1. the POSIX traces (marked "(POSIX" in their header) give the expected
#     transcript when the driver runs dash instead of tsh, stderr left out:
#     their expectations are the standard's, not the reference solution's;
#  2. skeletons/shell/tsh.c is what grader/mkskeleton.sh makes of
#     solutions/shell/tsh.c (the two never drift);
#  3. the example hidden tests pass on the reference solution.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/build/selftest-shell

if ! command -v dash >/dev/null; then
    echo "extra-shell: dash is not installed (apt-get install dash)" >&2
    exit 1
fi
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT
cp -r "$root/grader/harness" "$work/common"
cp -r "$root/labs/shell" "$work/shell"
rm -rf "$work/shell/hidden"
cp "$root/solutions/shell/tsh.c" "$work/shell/"
make -s -C "$work/shell" >/dev/null

# 1. POSIX traces against dash
failed=0
count=0
for trace in "$work"/shell/tests/traces/*.txt; do
    grep -q '(POSIX' "$trace" || continue
    name=$(basename "$trace" .txt)
    count=$((count + 1))
    scratch=$(mktemp -d "$work/scratch.XXXXXX")
    expected=$(grep -v '^\[stderr\] ' "$work/shell/tests/expected/$name.out")
    actual=$(cd "$scratch" && env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$scratch" \
        TMPDIR="$scratch" LC_ALL=C "$work/shell/sdriver" -e "$trace" dash |
        sed -E 's/\([0-9]+\)/(PID)/g')
    if [ "$expected" != "$actual" ]; then
        echo "extra-shell: $name: dash's transcript differs from labs/shell/tests/expected/$name.out" \
            "(- expected without [stderr] lines, + dash):" >&2
        diff <(printf '%s\n' "$expected") <(printf '%s\n' "$actual") >&2 || true
        failed=1
    fi
done
if [ "$count" -lt 20 ]; then
    echo "extra-shell: expected at least 20 POSIX traces, found $count" >&2
    exit 1
fi
[ "$failed" -eq 0 ] || exit 1
echo "extra-shell: $count POSIX traces: dash gives the expected transcripts"

# 2. the skeleton is generated from the solution
if ! "$root/grader/mkskeleton.sh" --check shell >&2; then
    echo "extra-shell: skeletons/shell is not what grader/mkskeleton.sh makes of solutions/shell" >&2
    exit 1
fi
echo "extra-shell: the skeleton matches the solution's markers"

# 3. the example hidden tests pass on the reference solution
grader=$root/build/grader
if [ -x "$grader" ]; then
    out=$("$grader" run shell --submission "$root/solutions/shell" --hidden "$root/labs/shell/hidden" \
        --only hidden-pipeline-signals --only hidden-cd-then-run 2>&1)
    if ! grep -q '^Score: 3/3 ' <<<"$out"; then
        printf '%s\n' "$out" >&2
        echo "extra-shell: the example hidden tests fail on the reference solution" >&2
        exit 1
    fi
    echo "extra-shell: the example hidden tests pass on the reference solution"
fi
