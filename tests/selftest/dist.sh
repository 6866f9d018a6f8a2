#!/usr/bin/env bash
# dist.sh - the student handout (make dist): it holds nothing a student must
# not read (solutions, mutants, the self-test, hidden tests, git history,
# not even one distinctive line of a reference solution or a hidden test's
# name), its GitHub workflow is well formed, a lab grades in it as in the
# kit, and its maintainer targets say politely that they are not there.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/selftest/lib.sh

O=$OUT/dist
rm -rf "$O" && mkdir -p "$O"
D=$O/handout
make --no-print-directory dist OUT="$D" >"$O/dist.txt" 2>&1
expect_eq "make dist succeeds" 0 $?
make --no-print-directory dist OUT="$D" >"$O/again.txt" 2>&1
expect_eq "make dist refuses a directory that is not empty" 2 $?
check "  and says why" grep -q 'not empty' "$O/again.txt"

echo "nothing secret"
for p in solutions tests .git build docker/bundles docker/bundle.sh .ci; do
    check "no $p" test ! -e "$D/$p"
done
leaked=$(find "$D/labs" -name hidden)
expect_eq "no labs/*/hidden" "" "$leaked"

# Lines of the solutions found nowhere in the kit's public sources (the
# skeletons, the labs, the grader): any of them in the handout is a leak,
# e.g. through a mutant. Long lines only: short ones are common.
find skeletons labs grader/src -type f -not -path '*/hidden/*' -exec cat {} + >"$O/public.txt"
for f in solutions/*/*; do
    sed 's/^[[:space:]]*//' "$f" | awk 'length >= 40' | grep -vxF -f <(sed 's/^[[:space:]]*//' "$O/public.txt")
done | sort -u >"$O/secret-lines.txt"
n=$(wc -l <"$O/secret-lines.txt")
check "solution lines to look for: $n" test "$n" -ge 20
# whole lines, indentation and a diff's +/- aside (a mutant is a patch)
found=$(find "$D" -type f -exec sed 's/^[-+]\?[[:space:]]*//' {} + | grep -axFf "$O/secret-lines.txt" | head -3)
expect_eq "no solution line in the handout" "" "$found"
sed -n 's/^\[test \(.*\)\]$/\1/p' labs/*/hidden/lab.ini >"$O/hidden-names.txt"
found=$(grep -rFwhof "$O/hidden-names.txt" "$D" | head -3)
expect_eq "no hidden test's name in the handout ($(wc -l <"$O/hidden-names.txt") names)" "" "$found"

echo "the GitHub workflow"
W=$D/.github/workflows/grade.yml
check "exists" test -f "$W"
if python3 -c 'import yaml' 2>/dev/null; then
    python3 - "$W" >"$O/workflow.txt" 2>&1 <<'PY'
import sys, yaml
w = yaml.safe_load(open(sys.argv[1]))
on = w.get("on", w.get(True))      # YAML 1.1 reads the key on as true
assert "workflow_dispatch" in on and "push" in on, on
steps = w["jobs"]["grade"]["steps"]
assert w["jobs"]["grade"]["runs-on"] == "ubuntu-latest"
runs = " ".join(s.get("run", "") for s in steps)
assert "deps.sh install grade" in runs and "make grade" in runs, runs
assert any(s.get("uses", "").startswith("actions/upload-artifact@v4") for s in steps)
PY
    expect_eq "parses as YAML: push, dispatch, deps, make grade, upload-artifact@v4" 0 $?
else
    echo "  SKIP  python3-yaml is missing: the workflow's structure is checked by grep only"
    check "is indented with spaces only" test -z "$(grep -P '\t' "$W")"
    for k in '^on:' '  workflow_dispatch:' '    runs-on: ubuntu-latest' 'deps.sh install grade' \
        'make grade' 'actions/upload-artifact@v4'; do
        check "has $k" grep -q -- "$k" "$W"
    done
fi

echo "grading in the handout"
make --no-print-directory -C "$D" grade LAB=deadlock >"$O/grade.txt" 2>&1
expect_eq "make grade LAB=deadlock exits 0" 0 $?
$GRADER run deadlock --submission skeletons/deadlock --json "$O/kit.json" >/dev/null 2>&1
expect_eq "the skeleton scores as in the kit" \
    "$(json "$O/kit.json" .score)" "$(json "$D/build/results/deadlock/results.json" .score 2>/dev/null)"
msg=$(make --no-print-directory -C "$D" test 2>&1)
expect_eq "make test fails" 2 $?
check "  politely" grep -q 'not part of the student handout' <<<"$msg"

finish
