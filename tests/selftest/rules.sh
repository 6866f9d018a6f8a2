#!/usr/bin/env bash
# rules.sh LAB... - the map of each lab's rules, tests and mutants, and the
# lab's shape. For each lab it fails when:
#   - a rule of the README's "## Rules" has no public test, or they are not
#     numbered R1..Rn; a public test names no rule or one the README lacks;
#   - a rule has no mutant; a mutant has no "Rule:" line or names an
#     unknown rule; none of a mutant's Must-fail tests is a public test of
#     its rule;
#   - the README lacks the title line or the exact list of ## headings;
#   - the grading table differs from lab.ini (grader/mkhandout.sh --check);
#   - the skeleton differs from the solution's (grader/mkskeleton.sh --check);
#   - the lab lacks a piece of the layout (README.md lab.ini Makefile include/
#     tests/ hidden/), or a test's expected output is not in tests/expected/.
# The map check is static. labs.sh grades every mutant and requires each of
# its Must-fail tests to fail; with the check here (one of them is a public
# test of the mutant's rule) the two prove that every rule's mutant is
# caught by a public test of that rule.
#
# Then the same checks on the fixture lab (grader/tests/fixtures/kinds,
# whose solution, skeleton and mutants sit beside it; its mutants are graded
# here, as labs.sh grades a lab's), and a self-test of the checker: errors
# planted in scratch copies of the fixture must each be reported.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

F=$PWD/grader/tests/fixtures/kinds
O=$OUT/rules
rm -rf "$O" && mkdir -p "$O"

# check_lab LAB [KIT]: the checks above, one line each (KIT: OSLABS_KIT).
check_lab() {
    local lab=$1 kit=${2:-} log=$O/$1.map
    if OSLABS_KIT=$kit python3 grader/labmap.py check "$lab" >"$log" 2>&1; then
        ok "$(head -n 1 "$log"): the map and the shape"
    else
        if grep -q '^PROBLEM ' "$log"; then
            echo "  $(head -n 1 "$log")"
            while IFS= read -r line; do bad "$line"; done < <(sed -n 's/^PROBLEM /'"$lab"': /p' "$log" | head -n 20)
            n=$(grep -c '^PROBLEM ' "$log")
            [ "$n" -le 20 ] || bad "$lab: and $((n - 20)) more problems (see $log)"
        else
            bad "$lab: the map could not be read: $(tail -n 1 "$log")"
        fi
    fi
    if OSLABS_KIT=$kit grader/mkhandout.sh "$lab" --check >"$O/$lab.handout" 2>&1; then
        ok "$lab: the grading table is what grader/mkhandout.sh $lab makes"
    else
        bad "$lab: the grading table differs from lab.ini (grader/mkhandout.sh $lab; see $O/$lab.handout)"
    fi
    if OSLABS_KIT=$kit grader/mkskeleton.sh --check "$lab" >"$O/$lab.skeleton" 2>&1; then
        ok "$lab: the skeleton is what grader/mkskeleton.sh $lab makes"
    else
        bad "$lab: the skeleton differs from the solution's (grader/mkskeleton.sh $lab; see $O/$lab.skeleton)"
    fi
}

# fixture_kit DIR [copy]: a kit holding the fixture lab as labs/kinds (links,
# or copies to plant errors in).
fixture_kit() {
    local k=$1
    rm -rf "$k" && mkdir -p "$k/labs" "$k/solutions" "$k/skeletons" "$k/tests/mutants"
    if [ "${2:-}" = copy ]; then
        cp -r "$F" "$k/labs/kinds" && cp -r "$F/sub-good" "$k/solutions/kinds" &&
            cp -r "$F/sub-skeleton" "$k/skeletons/kinds" && cp -r "$F/mutants" "$k/tests/mutants/kinds"
    else
        ln -s "$F" "$k/labs/kinds" && ln -s "$F/sub-good" "$k/solutions/kinds" &&
            ln -s "$F/sub-skeleton" "$k/skeletons/kinds" && ln -s "$F/mutants" "$k/tests/mutants/kinds"
    fi
}

# Grades each fixture mutant on its Must-fail tests: each must fail.
fixture_mutants() {
    local p name tests dir out t
    for p in "$F"/mutants/*.patch; do
        name=$(basename "$p" .patch)
        tests=$(sed -n '/^--- /q; s/^Must-fail:[[:space:]]*//p' "$p")
        dir=$O/mutant-$name
        rm -rf "$dir" && cp -r "$F/sub-good" "$dir"
        if ! patch -s -p1 -d "$dir" <"$p" >/dev/null 2>&1; then
            bad "kinds/$name: the patch does not apply to sub-good"
            continue
        fi
        $GRADER run "$F" --submission "$dir" --only "$tests" --json "$O/$name.json" >/dev/null 2>&1
        for t in $tests; do
            out=$(jq -r --arg n "$t" '.tests[] | select(.name == $n) | .extra_data.outcome' "$O/$name.json" 2>/dev/null)
            if [ "$out" = failed ]; then ok "kinds/$name: $t fails"; else bad "kinds/$name: $t should fail, but ${out:-was not graded}"; fi
        done
    done
}

# plant WHAT MESSAGE COMMAND...: in a fresh copy of the fixture, COMMAND
# plants an error; the check must fail and say MESSAGE.
plant() {
    local what=$1 want=$2 k=$O/planted
    shift 2
    fixture_kit "$k" copy
    (cd "$k" && "$@")
    OSLABS_KIT=$k python3 grader/labmap.py check kinds >"$O/planted.txt" 2>&1
    local rc=$?
    OSLABS_KIT=$k grader/mkhandout.sh kinds --check >>"$O/planted.txt" 2>&1 || rc=1
    OSLABS_KIT=$k grader/mkskeleton.sh --check kinds >>"$O/planted.txt" 2>&1 || rc=1
    if [ $rc -ne 0 ] && grep -qF -- "$want" "$O/planted.txt"; then
        ok "planted $what: caught ($(grep -m1 -F -- "$want" "$O/planted.txt" | sed 's/^PROBLEM //'))"
    else
        bad "planted $what: not reported as '$want' (see $O/planted.txt)"
    fi
}

for lab in "$@"; do
    echo "lab $lab"
    check_lab "$lab"
done

echo "the fixture lab (grader/tests/fixtures/kinds)"
fixture_kit "$O/fixture"
check_lab kinds "$O/fixture"
fixture_mutants

echo "the checker catches planted errors"
plant "rule with no test" "R4 has no public test" \
    sed -i 's/^\*\*R3\.\*\* .*/&\n\n**R4.** `add(a, b)` never overflows./' labs/kinds/README.md
plant "mutant whose Must-fail has no test of its rule" \
    "none of its Must-fail tests (answer-is-42) is a public test of R2" \
    sed -i 's/^Must-fail: add-works$/Must-fail: answer-is-42/' tests/mutants/kinds/add-subtracts.patch
plant "public test naming no rule" "the public test add-works names no rule" \
    sed -i '/^rules  = R2$/d' labs/kinds/lab.ini
plant "test naming an unknown rule" "the test add-works names R9" \
    sed -i 's/^rules  = R2$/rules  = R2 R9/' labs/kinds/lab.ini
plant "mutant without a Rule line" "the mutant calls-system has no 'Rule:' line" \
    sed -i '/^Rule: R3$/d' tests/mutants/kinds/calls-system.patch
plant "rule with no mutant" "R3 has no mutant" \
    rm tests/mutants/kinds/calls-system.patch
plant "heading out of order" "README.md: the ## headings are" \
    sed -i 's/^## Hints$/## Hints and tips/' labs/kinds/README.md
plant "stale grading table" "the grading table in labs/kinds/README.md differs" \
    sed -i 's/^points = 1$/points = 2/' labs/kinds/lab.ini
plant "edited skeleton" "skeletons/kinds/answer.c differs" \
    sed -i 's/return 0;/return 42;/' skeletons/kinds/answer.c
plant "missing layout" "labs/kinds/include/ is missing" \
    mv labs/kinds/include labs/kinds/headers
plant "expected output outside tests/expected" "1 expected output not under tests/expected/: tests/jobs.out" \
    sed -i 's#^expect    = tests/expected/jobs.out#expect    = tests/jobs.out#' labs/kinds/lab.ini
rm -rf "$O/planted"

finish
