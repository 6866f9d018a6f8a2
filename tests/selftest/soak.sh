#!/usr/bin/env bash
# soak.sh LAB... - `make soak`: the flakiness gate of `make test`, made
# heavier: every solution graded SOAK_RUNS times (default 50) and every
# mutant SOAK_MUTANT_RUNS times (default 3), with the other cores busy;
# then the verdict-stability table of every test. Not part of `make test`:
# it takes long, and it is how a flaky test is found before students do.
set -uo pipefail
cd "$(dirname "$0")/../.."

status=0
SOLUTION_RUNS=${SOAK_RUNS:-50} MUTANT_RUNS=${SOAK_MUTANT_RUNS:-3} SOAK_HOG=1 \
    OUT=build/soak tests/selftest/labs.sh "$@" || status=1
for lab in "$@"; do
    echo "== $lab: runs passed, per test, of the solution"
    jq -r '.tests[] | "  \(.name)\t\(.extra_data.passed_runs)/\(.extra_data.runs)"' \
        "build/soak/labs/$lab/solution.json" | column -t
done
exit $status
