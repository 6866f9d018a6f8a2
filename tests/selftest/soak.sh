#!/usr/bin/env bash
# soak.sh LAB... - grade each lab's solution many times (SOAK_RUNS, default
# 20) with the other cores busy, and print how stable each test's verdict
# was. Not part of `make test`: it takes long, and it is how a flaky test is
# found before students find it.
set -uo pipefail
cd "$(dirname "$0")/../.."
G=build/grader
O=build/soak
RUNS=${SOAK_RUNS:-20}
mkdir -p $O

hogs=()
for _ in $(seq 2 "$(nproc)"); do
    (while :; do :; done) &
    hogs+=($!)
done
trap 'kill "${hogs[@]}" 2>/dev/null' EXIT

unstable=0
for lab in "$@"; do
    echo "== $lab: the solution graded $RUNS times with $(( $(nproc) - 1 )) busy core(s)"
    for i in $(seq 1 "$RUNS"); do
        $G run "$lab" --submission "solutions/$lab" --json "$O/$lab.$i.json" >/dev/null 2>&1
    done
    jq -r '.tests[] | "\(.name)\t\(.extra_data.outcome)"' "$O/$lab".*.json |
        sort | uniq -c |
        awk -v runs="$RUNS" '{ n[$2] += $1; if ($3 == "passed" || $3 == "skipped") ok[$2] += $1 }
             END { for (t in n) printf "  %-36s %3d/%d\n", t, ok[t], runs }' | sort -k2,2n
    bad=$(jq -r '.tests[] | select(.extra_data.outcome == "failed") | .name' "$O/$lab".*.json | sort -u)
    if [ -n "$bad" ]; then
        echo "  UNSTABLE: $bad"
        unstable=1
    fi
done
exit $unstable
