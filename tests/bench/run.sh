#!/usr/bin/env bash
# run.sh LAB... - `make bench`: per lab, the wall time of grading the
# reference solution, and the grader's own overhead over the tests' run
# time (measured with one job, where it adds up exactly); then the time of
# grading every lab; then the time of its skeleton and slowest mutant against
# the solution's (tests/bench/loop.sh); then each lab's own benchmark
# (tests/bench/LAB.sh).
set -uo pipefail
cd "$(dirname "$0")/../.."
G=build/grader
O=build/bench
mkdir -p $O

if [ $# -eq 0 ]; then
    echo "oslabs: no lab has landed yet; grading the grader's fixture lab instead"
fi

printf '%-10s %10s %10s %10s %12s %10s\n' LAB "WALL(s)" "BUILD(s)" "TESTS(s)" "OVERHEAD(s)" "PER TEST"
measure() {
    local name=$1 lab=$2 sub=$3 start wall tests build n
    start=$(date +%s%N)
    $G run "$lab" --submission "$sub" --json $O/$name.json >/dev/null 2>&1
    wall=$((($(date +%s%N) - start) / 1000000))
    $G run "$lab" --submission "$sub" --jobs 1 --json $O/$name.j1.json >/dev/null 2>&1
    start=$(jq -r '.execution_time' $O/$name.j1.json)
    build=$(jq -r '.extra_data.build_time' $O/$name.j1.json)
    tests=$(jq -r '[.tests[].extra_data.total_time] | add // 0' $O/$name.j1.json)
    n=$(jq -r '.tests | length' $O/$name.j1.json)
    awk -v name="$name" -v w="$wall" -v t1="$start" -v b="$build" -v t="$tests" -v n="$n" 'BEGIN {
        o = t1 - b - t; printf "%-10s %10.2f %10.2f %10.2f %12.2f %8.0fms\n", name, w / 1000, b, t, o, 1000 * o / (n ? n : 1) }'
}

total_start=$(date +%s%N)
if [ $# -eq 0 ]; then
    measure kinds grader/tests/fixtures/kinds grader/tests/fixtures/kinds/sub-good
fi
for lab in "$@"; do
    measure "$lab" "$lab" "solutions/$lab"
done
echo "every lab above graded twice (default jobs, then one job): $((($(date +%s%N) - total_start) / 1000000)) ms"

# The loop a student lives in: unfinished and buggy work against the solution.
if [ $# -gt 0 ]; then
    echo
    echo "grading time of the skeleton and of every mutant, against the solution:"
    tests/bench/loop.sh "$@"
fi

# The container's overhead: the same grading in and out of a container.
IMAGE=${OSLABS_IMAGE:-oslabs}
if docker/engine.sh >/dev/null 2>&1; then
    read -r -a engine <<<"$(docker/engine.sh)"
    export OSLABS_ENGINE="${engine[*]}" # detect once, as a batch would
fi
if [ -n "${engine[*]:-}" ] && "${engine[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
    echo
    echo "container overhead (image $IMAGE, engine ${engine[0]}):"
    start=$(date +%s%N)
    for _ in 1 2 3 4 5; do
        "${engine[@]}" run --rm --network none --ulimit nofile=1024:1024 \
            --ulimit nproc=4096:4096 "$IMAGE" true
    done
    echo "  an empty container, start to exit: $((($(date +%s%N) - start) / 5000000)) ms"
    for lab in ${@:-}; do
        start=$(date +%s%N)
        $G run "$lab" --submission "solutions/$lab" --json $O/$lab.local.json >/dev/null 2>&1
        local_ms=$((($(date +%s%N) - start) / 1000000))
        start=$(date +%s%N)
        OSLABS_IMAGE=$IMAGE docker/grade.sh "$lab" "solutions/$lab" $O/$lab.container >/dev/null 2>&1
        cont_ms=$((($(date +%s%N) - start) / 1000000))
        printf '  %-10s local %6d ms   container %6d ms   overhead %6d ms\n' \
            "$lab" "$local_ms" "$cont_ms" $((cont_ms - local_ms))
    done
else
    echo
    echo "container overhead: no image '$IMAGE' here (make image), not measured"
fi

if [ $# -gt 0 ]; then
    echo
    tests/bench/batch.sh "$@"
fi

for lab in "$@"; do
    if [ -x "tests/bench/$lab.sh" ]; then
        echo
        echo "== $lab benchmark"
        SUB=${SUB:-skeletons/$lab} "tests/bench/$lab.sh"
    fi
done
