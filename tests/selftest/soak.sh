#!/usr/bin/env bash
# soak.sh LAB... - `make soak`: the flakiness gate of `make test`, made
# heavier: every solution graded SOAK_RUNS times (default 50) and every
# mutant SOAK_MUTANT_RUNS times (default 3, each run in full: no
# --fail-fast), with the other cores busy; then the verdict-stability table
# of every test, the distinct scores of the solution's runs, and per mutant
# its catch rate (the runs in which every one of its Must-fail tests failed,
# i.e. whose score over them is 0) and the distinct scores of its runs
# (extra_data.run_scores of the JSON files labs.sh writes). Then every
# mutant graded in full (every test, as a student's `make grade`)
# SOAK_FULL_RUNS times (default 3) with the other cores busy: a mutant's
# whole score must be the same in every run (partial credit too), and the
# tests that gave it different verdicts are named. Not part of `make test`:
# it takes long, and it is how a flaky test is found before students do.
set -uo pipefail
cd "$(dirname "$0")/../.."

status=0
SOLUTION_RUNS=${SOAK_RUNS:-50} MUTANT_RUNS=${SOAK_MUTANT_RUNS:-3} MUTANT_FAIL_FAST=0 SOAK_HOG=1 \
    OUT=build/soak tests/selftest/labs.sh "$@" || status=1

# distinct SCORES: the distinct values of a results.json's run_scores
distinct() {
    jq -r '.extra_data.run_scores | unique | map(tostring) | join(" ")' "$1"
}

FULL_RUNS=${SOAK_FULL_RUNS:-3}
hogs=()
trap '[ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null' EXIT

# full_scores LAB: each mutant (the copy labs.sh patched) graded in full
# FULL_RUNS times; its distinct whole scores, and the tests that varied.
full_scores() {
    local lab=$1 o=build/soak/labs/$1 p m dir
    echo "== $lab: per mutant, its whole score in each of $FULL_RUNS full runs"
    for p in tests/mutants/"$lab"/*.patch; do
        m=$(basename "$p" .patch)
        dir=$o/mutants/$m
        [ -d "$dir" ] || { echo "  $m	not graded"; continue; }
        build/grader run "$lab" --submission "$dir" --repeat "$FULL_RUNS" \
            --json "$o/$m.full.json" >"$o/$m.full.txt" 2>&1
        jq -r --arg m "$m" '.extra_data.run_scores as $s | ($s | unique) as $u |
            "  \($m)\t\(if ($u | length) == 1 then "one score" else "VARIES" end)\tscores: \($s | map(tostring) | join(" "))\t\([.tests[] | select(.extra_data.passed_runs > 0 and .extra_data.passed_runs < .extra_data.runs) | "\(.name) passed \(.extra_data.passed_runs)/\(.extra_data.runs)"] | join(", "))"' \
            "$o/$m.full.json" || echo "  $m	not graded (see $o/$m.full.txt)"
    done | column -t -s $'\t'
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

for _ in $(seq 2 "$(nproc)"); do
    (while :; do :; done) &
    hogs+=($!)
done
for lab in "$@"; do
    full_scores "$lab" | tee "build/soak/labs/$lab/full-scores.txt"
    ! grep -q ' VARIES ' "build/soak/labs/$lab/full-scores.txt" || status=1
done
exit $status
