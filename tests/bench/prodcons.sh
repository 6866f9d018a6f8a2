#!/bin/bash
# tests/bench/prodcons.sh - throughput of the prodcons lab's bounded buffer.
#
# Moves items through the student's bbuf (SUB, default skeletons/prodcons),
# the reference solution's and a pipe(2), with 1x1, 4x4 and 16x16 producers
# x consumers at capacities 1, 16 and 1024, and prints items per second and
# voluntary / involuntary context switches per item (getrusage). The
# handout asks students to explain these numbers. Not graded.
#
# Env: SUB (submission dir), ITEMS (items per run, default 100000).
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
sub=${SUB:-$root/skeletons/prodcons}
items=${ITEMS:-100000}
out=$root/build/bench/prodcons
lab=$root/labs/prodcons
mkdir -p "$out"

build() { # build NAME BBUF_C
    cc -std=gnu11 -O2 -pthread -I"$lab/include" -o "$out/$1" "$lab/tests/bench.c" "$2"
}
[ -f "$sub/bbuf.c" ] || { echo "prodcons bench: no $sub/bbuf.c" >&2; exit 1; }
build bench-student "$sub/bbuf.c"
build bench-reference "$root/solutions/prodcons/bbuf.c"

run() { # run PROGRAM MODE P C K -> "items/s vcs/item ivcs/item" or an error
    local r rc=0
    r=$(timeout 60 "$out/$1" -m "$2" -p "$3" -c "$4" -k "$5" -n "$items" 2>&1) || rc=$?
    if [ "$rc" = 124 ]; then
        echo "error: no result after 60 s (a hang?)"
    elif [ -z "$r" ]; then
        echo "error: exit status $rc"
    else
        echo "${r%%$'\n'*}"
    fi
}

echo "prodcons bench: $items items per run, $(nproc) CPUs; submission $sub"
printf '%-10s %-6s %5s  %12s %10s %10s\n' buffer PxC cap items/s vcs/item ivcs/item
for impl in student reference pipe; do
    for pc in "1 1" "4 4" "16 16"; do
        set -- $pc
        for k in 1 16 1024; do
            case $impl in
            student) r=$(run bench-student bbuf "$1" "$2" "$k") ;;
            reference) r=$(run bench-reference bbuf "$1" "$2" "$k") ;;
            pipe) r=$(run bench-reference pipe "$1" "$2" "$k") ;;
            esac
            if [[ $r == error* ]]; then
                printf '%-10s %-6s %5s  %s\n' "$impl" "${1}x$2" "$k" "$r"
            else
                read -r ips vcs ivcs <<<"$r"
                printf '%-10s %-6s %5s  %12s %10s %10s\n' "$impl" "${1}x$2" "$k" "$ips" "$vcs" "$ivcs"
            fi
        done
    done
done
echo "pipe: a pipe holds at least one page (512 pointers), whatever cap says."
