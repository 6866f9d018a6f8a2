#!/bin/bash
# tests/bench/fsync.sh - what durability costs, for the fsync lab's handout.
#
# Builds labs/fsync/tests/bench.c against the student's dlog.c (SUB, default
# skeletons/fsync) and the reference solution's, and prints: appends per
# second and fsyncs per append for 1, 4 and 16 appenders (records of 100
# bytes, real fsyncs, counted by the fsync shim); the latency of one
# fdatasync (median and 99th percentile); and write() without any fsync, for
# contrast. Runs in build/bench/fsync on the file system that holds it. Not
# graded.
#
# Env: SUB (submission dir), N (appends per run, default 2000).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
sub=${SUB:-$root/skeletons/fsync}
n=${N:-2000}
out=$root/build/bench/fsync
lab=$root/labs/fsync
mkdir -p "$out/run"
[ -f "$sub/dlog.c" ] || { echo "fsync bench: no $sub/dlog.c" >&2; exit 1; }

build() { # build NAME DLOG_C
    cc -std=gnu11 -O2 -pthread -I"$lab/include" -I"$lab/tests" -o "$out/$1" "$lab/tests/bench.c" "$2" -ldl
}
build bench-student "$sub/dlog.c"
build bench-reference "$root/solutions/fsync/dlog.c"
cc -std=gnu11 -O2 -fPIC -shared -I"$lab/tests" -o "$out/libfsyncshim.so" "$lab/tests/fsyncshim.c" -ldl

cd "$out/run"
run() { # run PROGRAM ARGS... -> its output, or an error note
    local r rc=0
    r=$(LD_PRELOAD="$out/libfsyncshim.so" timeout 120 "$out/$1" "${@:2}" 2>&1) || rc=$?
    if [ "$rc" = 124 ]; then echo "error: no result after 120 s"; elif [ "$rc" != 0 ]; then echo "error: ${r##*$'\n'}"; else echo "$r"; fi
}

fs=$(df -PT . | awk 'NR == 2 {print $2 " on " $1}')
echo "fsync bench: $n appends of 100 bytes per run, $(nproc) CPUs, $fs; submission $sub"
printf '%-10s %9s %12s %14s\n' log appenders appends/s fsyncs/append
for who in reference student; do
    for t in 1 4 16; do
        r=$(run bench-$who dlog "$t" "$n")
        if [[ $r == error* ]]; then
            printf '%-10s %9s   %s\n' "$who" "$t" "$r"
            continue
        fi
        read -r rate per _ <<<"$r -"
        printf '%-10s %9s %12s %14s\n' "$who" "$t" "$rate" "$per"
    done
done
read -r med p99 _ <<<"$(run bench-reference latency 500) -"
echo "one fdatasync after a 100-byte write: median $med ms, 99th percentile $p99 ms (500 calls)"
echo "write() of 100 bytes without fsync: $(run bench-reference write 200000) per second"
