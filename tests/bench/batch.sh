#!/usr/bin/env bash
# batch.sh LAB... - batch throughput: a class of four submissions per lab
# (the solution, it zipped, the skeleton, one that does not compile) graded
# with `grader batch` at its default parallelism: submissions per minute,
# the mean time of grading one (`grader run`'s own execution_time: build and
# tests), and what the batch adds to each (a process, unpacking, publishing
# atomically). The grader's overhead over the tests is run.sh's table.
# With the image present, the same in containers (--container).
set -uo pipefail
cd "$(dirname "$0")/../.."
G=build/grader
O=build/bench/batch
rm -rf $O && mkdir -p $O

class() { # LAB DIR
    local lab=$1 d=$2/subs first
    mkdir -p "$d" "$2/wrap/zipped"
    cp -r "solutions/$lab" "$d/solution"
    cp -r "skeletons/$lab" "$d/skeleton"
    cp -r "solutions/$lab" "$d/broken"
    first=$($G config "$lab" files | head -1)
    echo 'this does not compile' >>"$d/broken/$first"
    cp "solutions/$lab"/*.c "$2/wrap/zipped/"
    (cd "$2/wrap" && python3 -m zipfile -c "../subs/zipped.zip" zipped)
}

# per-submission costs from a batch's output: "batch-overhead mean-grade" in seconds
costs() {
    local out=$1 s
    for s in "$out"/*/batch.json; do
        jq -r --slurpfile r "$(dirname "$s")/results.json" \
            '"\(.seconds - ($r[0].execution_time // 0)) \($r[0].execution_time // 0)"' "$s"
    done | awk '{ a += $1; b += $2; n++ } END { printf "%.3f %.3f", a / n, b / n }'
}

run_mode() { # MODE LAB...
    local mode=$1 lab start ms n total=0 total_ms=0
    shift
    printf '  %-10s %6s %9s %10s %12s %16s\n' LAB SUBS "WALL(s)" "SUBS/MIN" "ONE GRADE" "BATCH OVERHEAD"
    for lab in "$@"; do
        class "$lab" "$O/$mode/$lab"
        start=$(date +%s%N)
        $G batch "$lab" "$O/$mode/$lab/subs" --out "$O/$mode/$lab/out" "--$mode" >"$O/$mode/$lab.log" 2>&1
        ms=$((($(date +%s%N) - start) / 1000000))
        n=$(ls "$O/$mode/$lab/out" | grep -cv -e csv -e md -e log)
        read -r over grade <<<"$(costs "$O/$mode/$lab/out")"
        awk -v l="$lab" -v n="$n" -v ms="$ms" -v o="$over" -v g="$grade" 'BEGIN {
            printf "  %-10s %6d %9.1f %10.1f %11.2fs %15.3fs\n", l, n, ms / 1000, n * 60000 / ms, g, o }'
        total=$((total + n))
        total_ms=$((total_ms + ms))
    done
    awk -v n="$total" -v ms="$total_ms" 'BEGIN {
        printf "  all labs: %d submissions in %.1f s: %.1f submissions per minute\n", n, ms / 1000, n * 60000 / ms }'
}

echo "batch throughput, local sandbox ($(nproc) CPUs):"
run_mode local "$@"
IMAGE=${OSLABS_IMAGE:-oslabs}
if docker/engine.sh >/dev/null 2>&1 && read -r -a engine <<<"$(docker/engine.sh)" &&
    "${engine[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
    export OSLABS_ENGINE="${engine[*]}"
    echo "batch throughput, a container per submission (image $IMAGE):"
    run_mode container "$@"
else
    echo "batch throughput in containers: no image '$IMAGE' here (make image), not measured"
fi
