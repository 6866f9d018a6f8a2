#!/usr/bin/env bash
# extra-pimutex.sh - shows that the pimutex lab's real-time Pathfinder test
# can fail: the same scenario (labs/pimutex/tests/rt_pathfinder.c) must
# meet its deadline with glibc's PTHREAD_PRIO_INHERIT mutex and miss it
# with a plain pthread mutex. Skipped, with the reason, where SCHED_FIFO is
# not permitted. Runs each variant RUNS times (default 3).
set -euo pipefail
cd "$(dirname "$0")/../.."

RUNS=${RUNS:-3}
work=build/extra-pimutex
rm -rf "$work"
mkdir -p "$work"
trap 'rm -rf "$work"' EXIT

cp -r grader/harness "$work/common"
cp -r labs/pimutex "$work/pimutex"
rm -rf "$work/pimutex/hidden"
cp solutions/pimutex/pi_mutex.c solutions/pimutex/rpi_mutex.c "$work/pimutex/"
if ! make -s -C "$work/pimutex" rt_pathfinder >"$work/build.log" 2>&1; then
    echo "extra-pimutex: building rt_pathfinder failed:" >&2
    cat "$work/build.log" >&2
    exit 1
fi

# run VARIANT WANT: every run must exit with WANT (0 met, 1 missed).
run() {
    local variant=$1 want=$2 i out status
    for i in $(seq "$RUNS"); do
        status=0
        out=$(timeout 10 "$work/pimutex/rt_pathfinder" "$variant") || status=$?
        if [ "$status" -eq 77 ]; then
            . tests/selftest/lib.sh
            skip_or_fail RT "pimutex: the real-time Pathfinder" "$out" \
                "run as root on a Linux host, or see docker/README.md (--cpu-rt-runtime)"
            finish
            exit $?
        fi
        if [ "$status" -ne "$want" ]; then
            echo "extra-pimutex: $variant run $i/$RUNS: expected exit $want, actual $status: $out" >&2
            exit 1
        fi
    done
    echo "  ok    pimutex: $variant, $RUNS runs: $out"
}

run glibc-pi 0
run glibc-plain 1
