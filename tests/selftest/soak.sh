#!/usr/bin/env bash
# soak.sh LAB... - `make soak`: the flakiness gate of `make test`, made
# heavier: every solution graded SOAK_RUNS times (default 50) and every
# mutant SOAK_MUTANT_RUNS times (default 3, each run in full: no
# --fail-fast), with the other cores busy; then the verdict-stability table
# of every test, the distinct scores of the solution's runs, and per mutant
# its catch rate (the runs in which every one of its Must-fail tests failed,
# i.e. whose score over them is 0) and the distinct scores of its runs
# (extra_data.run_scores of the JSON files labs.sh writes). Not part of
# `make test`: it takes long, and it is how a flaky test is found before
# students do.
set -uo pipefail
cd "$(dirname "$0")/../.."

status=0
SOLUTION_RUNS=${SOAK_RUNS:-50} MUTANT_RUNS=${SOAK_MUTANT_RUNS:-3} MUTANT_FAIL_FAST=0 SOAK_HOG=1 \
    OUT=build/soak tests/selftest/labs.sh "$@" || status=1

# distinct SCORES: the distinct values of a results.json's run_scores
distinct() {
    jq -r '.extra_data.run_scores | unique | map(tostring) | join(" ")' "$1"
}

for lab in "$@"; do
    o=build/soak/labs/$lab
    echo "== $lab: runs passed, per test, of the solution"
    jq -r '.tests[] | "  \(.name)\t\(.extra_data.passed_runs)/\(.extra_data.runs)"' \
        "$o/solution.json" | column -t
    echo "== $lab: the solution's scores over its runs: $(distinct "$o/solution.json")"
    echo "== $lab: per mutant, the runs that caught it, and its scores (its Must-fail tests only)"
    for p in tests/mutants/"$lab"/*.patch; do
        m=$(basename "$p" .patch)
        [ -f "$o/$m.json" ] || { echo "  $m	not graded"; continue; }
        jq -r --arg m "$m" '.extra_data.run_scores as $s |
            "  \($m)\tcaught \([$s[] | select(. == 0)] | length)/\($s | length)\tscores: \($s | unique | map(tostring) | join(" "))"' \
            "$o/$m.json"
    done | column -t -s $'\t'
done
exit $status
