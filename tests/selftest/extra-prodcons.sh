#!/bin/bash
# tests/selftest/extra-prodcons.sh - kit checks of the prodcons lab that the
# generic ones (solution 100%, skeleton ~0, mutants) cannot express:
#   1. the perturbation shim really loads and intercepts calls;
#   2. a hang in the stress driver is reported within seconds, naming the
#      stuck threads and showing their backtraces (close-wakes-one mutant);
#   3. the benchmark runs on the reference solution and prints every row.
set -euo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
work=$root/build/selftest/prodcons
trap 'rm -rf "$work"' EXIT

die() { echo "extra-prodcons: $*" >&2; exit 1; }

# stage DIR SUBMISSION: the lab as the grader stages it, built.
stage() {
    rm -rf "$1" && mkdir -p "$1"
    cp -r "$root/grader/harness" "$1/common"
    mkdir "$1/prodcons"
    (cd "$root/labs/prodcons" && tar cf - --exclude=hidden .) | (cd "$1/prodcons" && tar xf -)
    cp "$2"/bbuf.c "$2"/tpool.c "$1/prodcons/"
    make -s -C "$1/prodcons" >/dev/null || die "build failed in $1"
}

stage "$work/solution" "$root/solutions/prodcons"
out=$("$work/solution/prodcons/stress" -p 2 -c 2 -k 1 -n 500 -s 5) || die "stress -s 5 failed: $out"
calls=$(sed -n 's/.*, \([0-9]*\) calls perturbed.*/\1/p' <<<"$out")
[ -n "$calls" ] && [ "$calls" -gt 100 ] || die "the shim intercepted too few calls: $out"
echo "extra-prodcons: shim ok ($calls calls perturbed)"

mkdir -p "$work/mutant"
cp "$root/solutions/prodcons/"*.c "$work/mutant/"
sed -n '/^--- /,$p' "$root/tests/mutants/prodcons/close-wakes-one.patch" | patch -s -p1 -d "$work/mutant"
stage "$work/hang" "$work/mutant"
start=$SECONDS
if out=$(timeout 60 "$work/hang/prodcons/stress" -p 4 -c 4 -k 2 -n 200 2>&1); then
    die "stress passed on the close-wakes-one mutant"
fi
grep -q '^HANG: no item moved' <<<"$out" || die "no HANG report: $out"
grep -q 'still inside bbuf_get' <<<"$out" || die "the HANG report names no stuck consumer: $out"
if command -v gdb >/dev/null; then
    grep -q 'in bbuf_get' <<<"$out" || die "the HANG report has no backtrace: $out"
fi
[ $((SECONDS - start)) -lt 30 ] || die "the hang took $((SECONDS - start)) s to report"
echo "extra-prodcons: hang report ok ($((SECONDS - start)) s)"

bench=$(SUB="$root/solutions/prodcons" ITEMS=3000 bash "$root/tests/bench/prodcons.sh")
rows=$(grep -cE '^(student|reference|pipe) ' <<<"$bench")
[ "$rows" = 27 ] || die "bench printed $rows rows, expected 27: $bench"
! grep -q error <<<"$bench" || die "bench reported an error: $bench"
echo "extra-prodcons: bench ok"
