#!/usr/bin/env bash
# loop.sh LAB... - the loop a student lives in (make bench): per lab, the
# wall time of grading the solution, the skeleton, every mutant in
# tests/mutants/LAB and every unfinished submission in tests/unfinished/LAB
# (each graded in full, one at a time, as a student would run `make grade`),
# and their ratio to the solution: one row per lab (the skeleton, the slowest
# mutant), then one row per unfinished submission with its score. A ratio
# above 2x (issue 17's goal) is marked with '!'. MUTANTS=N grades only the
# first N mutants of each lab. Every time is also in build/bench/loop.tsv
# (lab, submission, seconds, score).
set -uo pipefail
cd "$(dirname "$0")/../.."
G=${GRADER:-build/grader}
O=build/bench/loop
mkdir -p $O
TSV=build/bench/loop.tsv
: >$TSV
status=0

# grade NAME LAB DIR: prints the wall seconds, records them in $TSV.
grade() {
    local name=$1 lab=$2 dir=$3 start ms score
    start=$(date +%s%N)
    $G run "$lab" --submission "$dir" --json "$O/$lab.$name.json" >"$O/$lab.$name.txt" 2>&1
    ms=$((($(date +%s%N) - start) / 1000000))
    score=$(jq -r '.score // "?"' "$O/$lab.$name.json" 2>/dev/null || echo "?")
    printf '%s\t%s\t%d.%03d\t%s\n' "$lab" "$name" $((ms / 1000)) $((ms % 1000)) "$score" >>$TSV
    awk -v ms="$ms" 'BEGIN { printf "%.1f", ms / 1000 }'
}

printf '%-10s %8s %8s %6s  %7s %6s   %s\n' LAB "SOL(s)" "SKEL(s)" "xSOL" "MUT(s)" "xSOL" "SLOWEST MUTANT"
for lab in "$@"; do
    sol=$(grade solution "$lab" "solutions/$lab")
    skel=$(grade skeleton "$lab" "skeletons/$lab")
    slow=0 slowname=-
    n=0
    for patch in tests/mutants/"$lab"/*.patch; do
        [ -e "$patch" ] || continue
        n=$((n + 1))
        [ -z "${MUTANTS:-}" ] || [ "$n" -le "$MUTANTS" ] || break
        name=$(basename "$patch" .patch)
        dir=$O/src/$lab/$name
        rm -rf "$dir" && mkdir -p "$dir" && cp -r "solutions/$lab/." "$dir/"
        patch -s -p1 -N -d "$dir" <"$patch" >/dev/null 2>&1 || continue
        t=$(grade "mutant:$name" "$lab" "$dir")
        if awk -v a="$t" -v b="$slow" 'BEGIN { exit !(a > b) }'; then
            slow=$t slowname=$name
        fi
    done
    awk -v lab="$lab" -v s="$sol" -v k="$skel" -v m="$slow" -v name="$slowname" 'BEGIN {
        d = s > 0 ? s : 0.1
        printf "%-10s %8.1f %8.1f %5.1fx%s %7.1f %5.1fx%s  %s\n", lab, s, k, k / d,
            (k / d > 2 ? "!" : " "), m, m / d, (m / d > 2 ? "!" : " "), name }'
    for dir in tests/unfinished/"$lab"/*/; do
        [ -d "$dir" ] || continue
        name=$(basename "$dir")
        t=$(grade "unfinished:$name" "$lab" "$dir")
        score=$(jq -r '"\(.score // "?")/\(.extra_data.max_score // "?")"' \
            "$O/$lab.unfinished:$name.json" 2>/dev/null || echo "?")
        awk -v name="$name" -v s="$sol" -v t="$t" -v score="$score" 'BEGIN {
            d = s > 0 ? s : 0.1
            printf "  %-17s %8.1f %5.1fx%s  unfinished, scores %s\n", name, t, t / d,
                (t / d > 2 ? "!" : " "), score }'
        # unfinished work is graded as partly done: above the skeleton, below full marks
        if ! jq -e --argjson k "$(jq '.score // 0' "$O/$lab.skeleton.json" 2>/dev/null || echo 0)" \
            '.extra_data.build == "ok" and .score > $k and .score < .extra_data.max_score' \
            "$O/$lab.unfinished:$name.json" >/dev/null 2>&1; then
            echo "  FAIL  $lab/$name is not graded as partly done (see $O/$lab.unfinished:$name.txt)"
            status=1
        fi
    done
done
echo "(every time: $TSV)"
exit $status
