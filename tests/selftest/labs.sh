#!/usr/bin/env bash
# labs.sh LAB... - for each lab: its manifest is valid, its solution scores
# 100%, its skeleton builds and scores at most 10%, and every mutant in
# tests/mutants/LAB fails the tests its header names. Every graded test must
# be named by some mutant: a test no bug can fail proves nothing.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

# The tests a mutant must fail, from its "Must-fail:" header line.
must_fail() {
    sed -n '/^--- /q; s/^Must-fail:[[:space:]]*//p' "$1" | tr -s ' \t' '\n\n' | sed '/^$/d'
}

check_solution() {
    local lab=$1 o=$OUT/labs/$lab start ms
    start=$(date +%s%N)
    $GRADER run "$lab" --submission "solutions/$lab" --json "$o/solution.json" >"$o/solution.txt" 2>&1
    ms=$((($(date +%s%N) - start) / 1000000))
    local score max failed skipped
    score=$(json "$o/solution.json" .score)
    max=$(json "$o/solution.json" .extra_data.max_score)
    failed=$(json "$o/solution.json" '[.tests[] | select(.extra_data.outcome != "passed" and .extra_data.outcome != "skipped") | .name] | join(" ")')
    skipped=$(json "$o/solution.json" '[.tests[] | select(.extra_data.outcome == "skipped") | .name] | join(" ")')
    if [ "$score" = "$max" ] && [ -z "$failed" ]; then
        ok "$lab: the solution scores $score/$max (${ms} ms)"
    else
        bad "$lab: the solution scores $score/$max; failed: $failed (see $o/solution.txt)"
    fi
    [ -z "$skipped" ] || echo "        (skipped on this machine: $skipped)"
    check "$lab: results.json matches Gradescope's schema" validate_results_json "$o/solution.json"
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

check_mutant() {
    local lab=$1 patch=$2 o=$OUT/labs/$lab name tests dir failed_tests t out
    name=$(basename "$patch" .patch)
    tests=$(must_fail "$patch" | tr '\n' ' ')
    if [ -z "$tests" ]; then
        bad "$lab/$name: no Must-fail line in its header"
        return
    fi
    dir=$o/mutants/$name
    rm -rf "$dir" && mkdir -p "$dir" && cp -r "solutions/$lab/." "$dir/"
    if ! patch -s -p1 -N -d "$dir" <"$patch" >"$o/$name.patch.log" 2>&1; then
        bad "$lab/$name: the patch no longer applies to solutions/$lab"
        return
    fi
    $GRADER run "$lab" --submission "$dir" --only "$tests" --json "$o/$name.json" >"$o/$name.txt" 2>&1
    if [ $? -ne 0 ]; then
        bad "$lab/$name: the grader could not run it (see $o/$name.txt)"
        return
    fi
    if [ "$(json "$o/$name.json" .extra_data.build)" != ok ]; then
        bad "$lab/$name: the mutant does not build, so it proves nothing (see $o/$name.txt)"
        return
    fi
    for t in $tests; do
        out=$(jq -r --arg n "$t" '.tests[] | select(.name == $n) | .extra_data.outcome' "$o/$name.json")
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
    check_solution "$lab"
    check_skeleton "$lab"
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
