#!/usr/bin/env bash
# memlock.sh - the memlock lab's benchmark (make bench): what a minor and a
# major page fault cost on this machine, and what mg_lock costs per page,
# for the submission (SUB, default skeletons/memlock) and the reference.
# The handout's numbers come from this. MIB (default 4) is the size used;
# keep it under RLIMIT_MEMLOCK (ulimit -l) or mg_lock fails.
set -euo pipefail
cd "$(dirname "$0")/../.."
SUB=${SUB:-skeletons/memlock}
MIB=${MIB:-4}
O=build/bench/memlock

# stage NAME DIR: the lab plus DIR's student files, bench_memlock built.
stage() {
    local w=$O/$1
    rm -rf "$w" && mkdir -p "$w"
    cp -r grader/harness "$w/common" && cp -r labs/memlock "$w/memlock" && rm -rf "$w/memlock/hidden"
    cp "$2"/memguard.c "$2"/swapwatch.c "$w/memlock/"
    make -s -C "$w/memlock" bench_memlock >/dev/null
}

stage sub "$SUB"
stage ref solutions/memlock
echo "swap on this machine: $(awk '$1 == "SwapTotal:" { print $2 " kB" }' /proc/meminfo)," \
    "RLIMIT_MEMLOCK: $(ulimit -l) kB (soft)"
for who in sub ref; do
    echo "== $who ($([ $who = sub ] && echo "$SUB" || echo solutions/memlock))"
    (cd $O/$who/memlock && timeout 60 ./bench_memlock "$MIB") || echo "(did not finish)"
done
rm -rf $O/sub $O/ref
