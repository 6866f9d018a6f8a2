#!/usr/bin/env bash
# labs.sh LAB... - for each lab: its manifest is valid, its solution scores
# 100% in every one of SOLUTION_RUNS runs, its skeleton builds and scores
# at most 10%, and every mutant in tests/mutants/LAB fails the tests its
# header names in every one of MUTANT_RUNS runs, and each independent
# correct submission in tests/independent/LAB scores full marks. (The unfinished
# submissions of tests/unfinished are graded by make bench.) Every graded
# test must be named by some mutant: a test no bug can fail proves nothing. The
# solution's runs happen with the other cores busy (a CPU hog), where races
# and timing assumptions show: a verdict that changes from run to run
# fails. Mutants are graded two at a time (SOAK_HOG=1 keeps the hog on for
# them too, as make soak does).
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

SOLUTION_RUNS=${SOLUTION_RUNS:-10}
MUTANT_RUNS=${MUTANT_RUNS:-1}
INDEPENDENT_RUNS=${INDEPENDENT_RUNS:-3}
MUTANT_FAIL_FAST=${MUTANT_FAIL_FAST:-1}

hogs=()
hog_on() {
    for _ in $(seq 2 "$(nproc)"); do
        (while :; do :; done) &
        hogs+=($!)
    done
}
hog_off() {
    [ ${#hogs[@]} -eq 0 ] || kill "${hogs[@]}" 2>/dev/null
    hogs=()
}
trap hog_off EXIT

# The tests a mutant must fail, from its "Must-fail:" header line.
must_fail() {
    sed -n '/^--- /q; s/^Must-fail:[[:space:]]*//p' "$1" | tr -s ' \t' '\n\n' | sed '/^$/d'
}

check_solution() {
    local lab=$1 o=$OUT/labs/$lab start ms
    start=$(date +%s%N)
    $GRADER run "$lab" --submission "solutions/$lab" --repeat "$SOLUTION_RUNS" \
        --json "$o/solution.json" >"$o/solution.txt" 2>&1
    ms=$((($(date +%s%N) - start) / 1000000))
    local score max failed skipped
    score=$(json "$o/solution.json" .score)
    max=$(json "$o/solution.json" .extra_data.max_score)
    failed=$(json "$o/solution.json" '[.tests[] | select(.extra_data.outcome != "passed" and .extra_data.outcome != "skipped") | .name] | join(" ")')
    skipped=$(json "$o/solution.json" '[.tests[] | select(.extra_data.outcome == "skipped") | .name] | join(" ")')
    if [ "$score" = "$max" ] && [ -z "$failed" ]; then
        ok "$lab: the solution scores $score/$max in each of $SOLUTION_RUNS runs (${ms} ms)"
    else
        bad "$lab: the solution scores $score/$max; failed: $failed (see $o/solution.txt)"
    fi
    local t why
    for t in $skipped; do
        why=$(json "$o/solution.json" ".tests[] | select(.name == \"$t\") | .output" | grep -m1 -i 'skipped\|not permitted\|not available' || echo "skipped here")
        skip_for "$why" "$lab: the solution's test $t"
    done
    check "$lab: results.json matches Gradescope's schema" validate_results_json "$o/solution.json"
}

# Each independent correct submission (tests/independent/LAB/NAME, written
# from the handout alone) scores full marks in every run.
check_independent() {
    local lab=$1 o=$OUT/labs/$lab dir name score max
    for dir in tests/independent/"$lab"/*/; do
        [ -d "$dir" ] || continue
        name=$(basename "$dir")
        $GRADER run "$lab" --submission "$dir" --repeat "$INDEPENDENT_RUNS" \
            --json "$o/independent-$name.json" >"$o/independent-$name.txt" 2>&1
        score=$(json "$o/independent-$name.json" .score)
        max=$(json "$o/independent-$name.json" .extra_data.max_score)
        expect_eq "$lab: the independent submission $name scores full marks in each of $INDEPENDENT_RUNS runs (see $o/independent-$name.txt)" "$max" "$score"
    done
}

check_skeleton() {
    local lab=$1 o=$OUT/labs/$lab
    $GRADER run "$lab" --json "$o/skeleton.json" >"$o/skeleton.txt" 2>&1
    expect_eq "$lab: the skeleton builds" ok "$(json "$o/skeleton.json" .extra_data.build)"
    local score max
    score=$(json "$o/skeleton.json" .score)
    max=$(json "$o/skeleton.json" .extra_data.max_score)
    check "$lab: the skeleton scores at most 10% ($score/$max)" \
        awk -v s="$score" -v m="$max" 'BEGIN { exit !(s <= 0.1 * m) }'
}

# Grades one mutant (patched copy of the solution, --only its Must-fail tests).
grade_mutant() {
    local lab=$1 patch=$2 o=$OUT/labs/$1 name dir tests
    name=$(basename "$patch" .patch)
    tests=$(must_fail "$patch" | tr '\n' ' ')
    [ -n "$tests" ] || return 0
    dir=$o/mutants/$name
    rm -rf "$dir" && mkdir -p "$dir" && cp -r "solutions/$lab/." "$dir/"
    if ! patch -s -p1 -N -d "$dir" <"$patch" >"$o/$name.patch.log" 2>&1; then
        echo "patch-failed" >"$o/$name.status"
        return 0
    fi
    # --fail-fast: a race test's repetitions stop at the first failure; the
    # verdict (failed) is the same, without waiting out every hang (make soak
    # sets MUTANT_FAIL_FAST=0: it counts the runs that catch the mutant)
    local ff=--fail-fast
    [ "${MUTANT_FAIL_FAST:-1}" = 1 ] || ff=
    $GRADER run "$lab" --submission "$dir" --only "$tests" --repeat "$MUTANT_RUNS" $ff \
        --json "$o/$name.json" >"$o/$name.txt" 2>&1
    echo "$?" >"$o/$name.status"
}

# Judges a graded mutant: every test its header names must have failed.
check_mutant() {
    local lab=$1 patch=$2 o=$OUT/labs/$1 name tests t out status
    name=$(basename "$patch" .patch)
    tests=$(must_fail "$patch" | tr '\n' ' ')
    if [ -z "$tests" ]; then
        bad "$lab/$name: no Must-fail line in its header"
        return
    fi
    status=$(cat "$o/$name.status" 2>/dev/null || echo missing)
    if [ "$status" = patch-failed ]; then
        bad "$lab/$name: the patch no longer applies to solutions/$lab"
        return
    fi
    if [ "$status" != 0 ]; then
        bad "$lab/$name: the grader could not run it (see $o/$name.txt)"
        return
    fi
    if [ "$(json "$o/$name.json" .extra_data.build)" != ok ]; then
        bad "$lab/$name: the mutant does not build, so it proves nothing (see $o/$name.txt)"
        return
    fi
    for t in $tests; do
        out=$(jq -r --arg n "$t" --argjson runs "$MUTANT_RUNS" '.tests[] | select(.name == $n) |
            if .extra_data.outcome == "failed" and .extra_data.passed_runs > 0
               and .extra_data.runs > 1 and $runs > 1
            then "flaky (passed \(.extra_data.passed_runs)/\(.extra_data.runs))"
            else .extra_data.outcome end' "$o/$name.json")
        case "$out" in
            failed | not_run) ok "$lab/$name: $t fails" ;;
            skipped) echo "  skip  $lab/$name: $t is skipped on this machine" ;;
            *) bad "$lab/$name: $t should fail, but $out (see $o/$name.txt)" ;;
        esac
    done
    echo "$tests" >>"$o/covered"
}

check_coverage() {
    local lab=$1 o=$OUT/labs/$lab t
    for t in $($GRADER list "$lab" | awk 'NR > 4 && NF >= 4 && $1 != "" {print $1}' | sed '$d'); do
        if ! tr ' ' '\n' <"$o/covered" | grep -qx -- "$t"; then
            bad "$lab: no mutant shows that the test $t can fail"
        fi
    done
}

for lab in "$@"; do
    echo "lab $lab"
    o=$OUT/labs/$lab
    rm -rf "$o" && mkdir -p "$o" && : >"$o/covered"
    check "$lab: the manifest is valid" $GRADER check "$lab"
    hog_on
    check_solution "$lab"
    check_independent "$lab"
    [ "${SOAK_HOG:-0}" = 1 ] || hog_off
    check_skeleton "$lab"
    export -f grade_mutant must_fail
    export GRADER OUT MUTANT_RUNS MUTANT_FAIL_FAST
    find tests/mutants/"$lab" -name '*.patch' | sort |
        xargs -P 2 -I{} bash -c "grade_mutant $lab {}"
    hog_off
    nm=0
    for p in tests/mutants/"$lab"/*.patch; do
        [ -e "$p" ] || continue
        check_mutant "$lab" "$p"
        nm=$((nm + 1))
    done
    [ "$nm" -gt 0 ] || bad "$lab: no mutants in tests/mutants/$lab"
    check_coverage "$lab"
    if [ -x "tests/selftest/extra-$lab.sh" ]; then
        if "tests/selftest/extra-$lab.sh"; then ok "$lab: extra checks"; else bad "$lab: extra checks (tests/selftest/extra-$lab.sh)"; fi
    fi
done

finish
