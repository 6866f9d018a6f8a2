#!/usr/bin/env bash
# extra-memlock.sh - checks of the memlock lab that the generic ones cannot
# express: the skeleton is exactly what grader/mkskeleton.sh
# makes of the solution (the two never drift), and the fixtures under
# labs/memlock (tests/fixtures, tests/proc, hidden/proc) are exactly what
# tests/fixtures/mkfixtures.py writes (nobody edited one by hand).
set -euo pipefail
cd "$(dirname "$0")/../.."

work=build/extra-memlock
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

grader/mkskeleton.sh --check memlock >&2 || exit 1

if ! command -v python3 >/dev/null; then
    echo "  skip  memlock: fixtures not regenerated (no python3)"
    exit 0
fi
mkdir -p "$work/lab/tests" "$work/lab/hidden"
cp -r labs/memlock/tests/fixtures "$work/lab/tests/fixtures"
cp -r labs/memlock/tests/proc "$work/lab/tests/proc"
cp -r labs/memlock/hidden/proc "$work/lab/hidden/proc"
python3 "$work/lab/tests/fixtures/mkfixtures.py"
for d in tests/fixtures tests/proc hidden/proc; do
    if ! diff -r "labs/memlock/$d" "$work/lab/$d" >"$work/fixtures.diff"; then
        echo "extra-memlock: labs/memlock/$d differs from what mkfixtures.py writes:" >&2
        head -40 "$work/fixtures.diff" >&2
        exit 1
    fi
done
