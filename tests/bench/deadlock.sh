#!/usr/bin/env bash
# deadlock.sh - the deadlock lab's benchmark (make bench): transfers per
# second of the submission (SUB, default skeletons/deadlock) and of the
# reference, lockdep's cost per acquisition, and how soon the naive lock
# order (the lock-from-then-to mutant) deadlocks under the stress workload.
set -euo pipefail
cd "$(dirname "$0")/../.."
SUB=${SUB:-skeletons/deadlock}
O=build/bench/deadlock
RUNS=${RUNS:-10}

# stage NAME DIR [PATCH]: the lab plus DIR's student files, built.
stage() {
    local w=$O/$1
    rm -rf "$w" && mkdir -p "$w"
    cp -r grader/harness "$w/common" && cp -r labs/deadlock "$w/deadlock" && rm -rf "$w/deadlock/hidden"
    cp "$2"/bank.c "$2"/lockdep.c "$2"/bankers.c "$w/deadlock/"
    [ -z "${3:-}" ] || patch -s -p1 -d "$w/deadlock" <"$3"
    make -s -C "$w/deadlock" bench_deadlock >/dev/null
}

stage sub "$SUB"
stage ref solutions/deadlock
stage naive solutions/deadlock tests/mutants/deadlock/lock-from-then-to.patch

for who in sub ref; do
    echo "== $who ($([ $who = sub ] && echo "$SUB" || echo solutions/deadlock)): bank_transfer"
    timeout 30 $O/$who/deadlock/bench_deadlock transfers 500 || echo "(did not finish)"
    timeout 10 $O/$who/deadlock/bench_deadlock lockdep 500 || echo "(did not finish)"
done

echo "== the naive order (lock from, then to), both-ways workload, $RUNS runs of at most 5 s"
for i in $(seq "$RUNS"); do
    timeout 10 $O/naive/deadlock/bench_deadlock until-stuck 5000 || echo "(timeout)"
done
echo "== the reference, same workload, 3 runs"
for i in 1 2 3; do
    timeout 10 $O/ref/deadlock/bench_deadlock until-stuck 2000 || echo "(timeout)"
done
rm -rf $O/sub $O/ref $O/naive
