#!/usr/bin/env bash
# extra-deadlock.sh - checks of the deadlock lab that the generic ones cannot
# express: the example hidden tests pass on the reference; a deadlocking
# submission (the lock-from-then-to mutant) fails the stress test with the
# test's own DEADLOCK diagnosis and a gdb backtrace naming bank_transfer,
# and fails helgrind with a "lock order ... violated" report.
set -euo pipefail
cd "$(dirname "$0")/../.."
G=${GRADER:-build/grader}
O=build/selftest/extra-deadlock
rm -rf "$O" && mkdir -p "$O/naive"
fail() { echo "extra-deadlock: $*" >&2; exit 1; }

$G run deadlock --submission solutions/deadlock --hidden labs/deadlock/hidden \
    --only "hidden-bank-stress-many-accounts hidden-bankers-property-other-seed" \
    --json "$O/hidden.json" >"$O/hidden.txt" 2>&1
passed=$(jq -r '[.tests[] | select(.extra_data.outcome == "passed")] | length' "$O/hidden.json")
[ "$passed" = 2 ] || fail "the reference passes $passed of the 2 hidden tests (see $O/hidden.txt)"

cp solutions/deadlock/*.c "$O/naive/"
patch -s -p1 -d "$O/naive" <tests/mutants/deadlock/lock-from-then-to.patch
$G run deadlock --submission "$O/naive" --only "bank-stress-both-ways bank-helgrind" \
    >"$O/naive.txt" 2>&1
grep -q "DEADLOCK: no transfer and no bank_total finished" "$O/naive.txt" ||
    fail "the stress test did not print its DEADLOCK diagnosis (see $O/naive.txt)"
if grep -q "ptrace: Operation not permitted" "$O/naive.txt" && ! grep -q "in bank_transfer" "$O/naive.txt"; then
    # gdb may not attach to a test here (a plain container)
    if [ "${OSLABS_REQUIRE_PTRACE:-0}" = 1 ]; then
        fail "gdb may not attach to a test here (ptrace: Operation not permitted; OSLABS_REQUIRE_PTRACE=1)"
    fi
    echo "  SKIP  deadlock: the timeout report's backtrace through bank_transfer: gdb may not attach" \
         "to a test here (ptrace: Operation not permitted); to run it: run on a host, or start the" \
         "container with --cap-add SYS_PTRACE"
else
    grep -q "backtrace of every thread" "$O/naive.txt" && grep -q "in bank_transfer" "$O/naive.txt" ||
        fail "the timeout report shows no backtrace through bank_transfer (see $O/naive.txt)"
fi
grep -q 'lock order ".*" violated' "$O/naive.txt" ||
    fail "helgrind's report does not show the lock-order violation (see $O/naive.txt)"
rm -rf "$O"
echo "extra-deadlock: hidden tests pass; a deadlock is diagnosed, backtraced and caught by helgrind"
