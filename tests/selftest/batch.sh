#!/usr/bin/env bash
# batch.sh LAB... - `grader batch` and `grader merge` end to end:
#   - a class of generated submissions per lab (solutions, skeletons,
#     mutants, archives, ones that do not compile, an empty one, archives
#     with "../" and absolute paths) grades, and grades.csv agrees with
#     grading each submission alone;
#   - a batch killed with SIGKILL mid-way leaves no half result and no
#     grader behind, and its rerun grades each submission once;
#   - two shards merged equal one unsharded run, and the Slurm and
#     Kubernetes templates, run as their cluster would, do the same;
#   - a lab the machine cannot grade in full is refused, naming what is
#     missing; with --allow-partial its students are marked partial.
# The mutants used are deterministic (contract bugs, no races), so a batch
# and a single run must agree exactly.
# The kit's own submissions are trusted: every local batch here passes
# --trust-submissions, which a sandbox without namespaces (CI's plain
# container) requires; the refusal itself is checked at the end.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

O=$OUT/batch
rm -rf "$O" && mkdir -p "$O"
KIT=$(pwd)

declare -A MUTANTS=(
    [shell]="exit-ignores-n out-appends"
    [prodcons]="create-zero-capacity enomem-as-einval"
    [deadlock]="create-accepts-bad-arguments negative-balance reset-keeps-edges
                safe-needs-strictly-less wait-before-einval zero-amount-allowed request-no-rollback
                message-without-closing-name"
    [pimutex]="no-eperm no-edeadlk restore-to-base donation-one-level rpi-trylock-eagain"
    [memlock]="count-zero-accepted explain-kib lenient-numbers tab-not-blank threshold-inclusive"
    [fsync]="einval-off-by-one zero-length-rejected"
)
# copies of the solution in another form: graded as the solution, not graded alone again
COPIES="e-zipped i-tarball"

# zipfile lets us write the entries a hostile student would
make_zip() { # OUT NAME=CONTENT...
    python3 - "$@" <<'PY'
import sys, zipfile
with zipfile.ZipFile(sys.argv[1], "w") as z:
    for arg in sys.argv[2:]:
        name, _, content = arg.partition("=")
        z.writestr(name, content)
PY
}

# The class of one lab, in $1/subs.
generate() {
    local lab=$1 d=$2/subs m first
    mkdir -p "$d"
    cp -r "solutions/$lab" "$d/a-solution"
    cp -r "skeletons/$lab" "$d/b-skeleton"
    cp -r "solutions/$lab" "$d/c-broken"
    first=$($GRADER config "$lab" files | head -1)
    echo 'this does not compile' >>"$d/c-broken/$first"
    cp -r "solutions/$lab" "$d/d-missing" && rm "$d/d-missing/$first"
    # a zip with the files inside a wrapping directory, as students make them
    mkdir -p "$2/wrap/e-zipped" && cp "solutions/$lab"/*.c "$2/wrap/e-zipped/"
    (cd "$2/wrap" && python3 -m zipfile -c "$KIT/$d/e-zipped.zip" e-zipped)
    for m in ${MUTANTS[$lab]:-}; do
        mkdir -p "$d/m-$m" && cp -r "solutions/$lab/." "$d/m-$m/"
        patch -s -p1 -N -d "$d/m-$m" <"tests/mutants/$lab/$m.patch" >/dev/null || bad "$lab: $m applies"
    done
    if [ "$lab" = deadlock ]; then
        mkdir "$d/f-empty"
        make_zip "$d/g-dotdot.zip" "../escaped.c=int x;" "bank.c=int y;"
        make_zip "$d/h-absolute.zip" "/tmp/oslabs-escaped.c=int x;"
        tar -czf "$d/i-tarball.tar.gz" -C "solutions/$lab" .
        mkdir "$d/j-symlink" && cp "solutions/$lab"/*.c "$d/j-symlink/"
        ln -sf /etc/passwd "$d/j-symlink/bank.c"
        mkdir "$d/k-huge" && cp "solutions/$lab"/*.c "$d/k-huge/"
        head -c $((2 << 20)) /dev/zero | tr '\0' ' ' >>"$d/k-huge/bank.c"
        # a forger: a pass line into the harness's verdict pipe before main
        cp -r "solutions/$lab" "$d/l-forger"
        cat >>"$d/l-forger/bank.c" <<'C'
#include <unistd.h>
__attribute__((constructor)) static void forge_verdict(void)
{
    static const char line[] = "oslabs-verdict 2 pid=1 token=0 run=1 failed=0 skipped=0 name=x\n";
    if (write(3, line, sizeof(line) - 1) < 0) {
    }
}
C
        echo "not a submission" >"$d/notes.txt"
    fi
}

# grades.csv's rows as "student total status" (columns are per lab).
csv_totals() {
    python3 - "$1" <<'PY'
import csv, sys
for row in csv.DictReader(open(sys.argv[1])):
    print(row["student"], row["total"], row["status"])
PY
}

# "student total status" of grading each submission alone.
single_totals() {
    local lab=$1 d=$2
    for s in "$d"/subs/*; do
        case $s in *.txt | */e-zipped* | */i-tarball*) continue ;; esac
        echo "$s"
    done | xargs -P 2 -I{} sh -c '
        s={}; n=$(basename "$s"); n=${n%.zip}; n=${n%.tar.gz}
        '"$GRADER"' run '"$lab"' --submission "$s" --jobs 1 --json "'"$d"'/single-$n.json" \
            >"'"$d"'/single-$n.txt" 2>&1
        echo "$n $?"' >"$d/single-status"
    while read -r n rc; do
        f=$d/single-$n.json
        if [ "$rc" != 0 ] || [ ! -f "$f" ]; then
            echo "$n 0 error"
        elif [ -n "$(jq -r '.extra_data.problem // empty' "$f")" ]; then
            echo "$n $(jq -r .score "$f") error"
        elif [ "$(jq -r .extra_data.build "$f")" = failed ]; then
            echo "$n 0 build-failed"
        elif [ "$(jq '.extra_data.tampering // [] | length' "$f")" != 0 ]; then
            echo "$n $(jq -r .score "$f") tampering"
        elif [ "$(jq '[.tests[] | select(.extra_data.not_gradable)] | length' "$f")" != 0 ]; then
            echo "$n $(jq -r .score "$f") partial"
        else
            echo "$n $(jq -r .score "$f") graded"
        fi
    done <"$d/single-status" >"$d/single-totals"
    for c in $COPIES; do
        [ -e "$d/subs/$c.zip" ] || [ -e "$d/subs/$c.tar.gz" ] || continue
        sed -n "s/^a-solution /$c /p" "$d/single-totals"
    done | cat "$d/single-totals" - | sort
}

echo "a class per lab, graded in a batch and alone"
total=0
for lab in "$@"; do
    d=$O/$lab
    generate "$lab" "$d"
    n=$(find "$d/subs" -mindepth 1 -maxdepth 1 ! -name '*.txt' | wc -l)
    total=$((total + n))
    start=$(date +%s)
    # --allow-partial: on a machine without SCHED_FIFO or ptrace the class is
    # still graded (marked partial, as grading each alone shows)
    $GRADER batch "$lab" "$d/subs" --out "$d/out" --local --trust-submissions --jobs 2 --allow-partial \
        >"$d/batch.txt" 2>&1
    expect_eq "$lab: the batch of $n exits 0 ($(($(date +%s) - start)) s)" 0 $?
    diff <(single_totals "$lab" "$d") <(csv_totals "$d/out/grades.csv" | sort) >"$d/totals.diff"
    check "$lab: grades.csv agrees with grading each alone (see $d/totals.diff)" test ! -s "$d/totals.diff"
    expect_eq "$lab: the solution scores full marks in the batch" \
        "$(jq -r .max_score "$d/out/a-solution/batch.json")" \
        "$(jq -r .score "$d/out/a-solution/batch.json")"
    expect_eq "$lab: the zipped solution too" "$(jq -r .score "$d/out/a-solution/batch.json")" \
        "$(jq -r .score "$d/out/e-zipped/batch.json")"
    expect_eq "$lab: a submission that does not compile" build-failed \
        "$(jq -r .status "$d/out/c-broken/batch.json")"
    for s in "$d"/out/*/; do
        validate_results_json "$s/results.json" 2>/dev/null || bad "$lab: $s/results.json is valid"
    done
done
if [ $# -ge 6 ]; then
    check "at least 60 submissions in all ($total)" test "$total" -ge 60
fi

# A class is not held up by one student: a disk filler and a fork bomb (the
# adversarial suite's, planted in the prodcons solution), graded first and
# side by side with 18 others (copies of four of the class above: the
# solution, the skeleton, two mutants; 3 jobs), each submission with a time
# budget; the others grade as in the class above.
H=$O/hostile
if [ -s "$O/prodcons/out/grades.csv" ] && ! has_layer pids; then
    # without a pids cgroup the fork bomb's processes, bounded by count only,
    # take every CPU of the machine: nothing grades in time beside them
    skip_or_fail CGROUPS "a class with a disk filler and a fork bomb in it" \
        "the sandbox here has no pids cgroup ($(sandbox_layer))" "$ENABLE_CGROUPS"
elif [ -s "$O/prodcons/out/grades.csv" ]; then
    echo "a class with a disk filler and a fork bomb in it"
    mkdir -p "$H/subs"
    others=(a-solution b-skeleton m-create-zero-capacity m-enomem-as-einval)
    for i in $(seq 1 18); do
        s=${others[$((i % 4))]}
        cp -r "$O/prodcons/subs/$s" "$H/subs/$s-$i"
    done
    for attack in disk-fill fork-bomb; do
        mkdir -p "$H/subs/0-$attack" && cp solutions/prodcons/tpool.c "$H/subs/0-$attack/"
        {
            printf '#define _GNU_SOURCE\n#define bbuf_create oslabs_real_bbuf_create\n'
            cat solutions/prodcons/bbuf.c "tests/adversarial/$attack/attack.c" \
                tests/adversarial/hook-prodcons.c
        } >"$H/subs/0-$attack/bbuf.c"
    done
    start=$(date +%s)
    $GRADER batch prodcons "$H/subs" --out "$H/out" --local --jobs 3 --allow-partial --timeout 90 \
        --trust-submissions \
        >"$H/batch.txt" 2>&1
    expect_eq "the batch of 20 exits 0 ($(($(date +%s) - start)) s, 90 s budget per submission)" 0 $?
    # each copy NAME-I must have NAME's total and status in the class
    csv_totals "$O/prodcons/out/grades.csv" | sort >"$H/class.txt"
    csv_totals "$H/out/grades.csv" | grep -v '^0-' |
        while read -r name total status; do
            echo "${name%-*} $total $status"
        done | sort -u >"$H/others.txt"
    diff <(grep -E "^($(IFS='|'; echo "${others[*]}")) " "$H/class.txt") "$H/others.txt" \
        >"$H/others.diff"
    check "the 18 others grade exactly as in the class without them (see $H/others.diff)" \
        test ! -s "$H/others.diff" -a "$(csv_totals "$H/out/grades.csv" | grep -vc '^0-')" = 18
    for attack in disk-fill fork-bomb; do
        # graded in its budget or cut by it: either way far from the solution's marks
        check "the $attack scores little ($(csv_totals "$H/out/grades.csv" | grep "^0-$attack "))" \
            jq -e '.score < 0.2 * .max_score' "$H/out/0-$attack/batch.json"
    done
fi

D=$O/deadlock
if [ -d "$D/out" ]; then
    echo "hostile and empty submissions (deadlock)"
    expect_eq "an empty submission: error" error "$(jq -r .status "$D/out/f-empty/batch.json")"
    grep -q "missing" "$D/out/f-empty/batch.json"
    expect_eq "  ... saying what is missing" 0 $?
    expect_eq "a zip with '../': refused" error "$(jq -r .status "$D/out/g-dotdot/batch.json")"
    grep -q "unsafe path" "$D/out/g-dotdot/batch.json"
    expect_eq "  ... saying why" 0 $?
    expect_eq "a zip with an absolute path: refused" error \
        "$(jq -r .status "$D/out/h-absolute/batch.json")"
    expect_eq "a student file that is a symbolic link: error" error \
        "$(jq -r .status "$D/out/j-symlink/batch.json")"
    expect_eq "a student file over the size cap: error" error \
        "$(jq -r .status "$D/out/k-huge/batch.json")"
    expect_eq "a submission missing a file: error" error \
        "$(jq -r .status "$D/out/d-missing/batch.json")"
    expect_eq "a forged verdict line: tampering" tampering \
        "$(jq -r .status "$D/out/l-forger/batch.json")"
    check "  ... in grades.csv too, with what was seen" \
        grep -q "^l-forger,.*tampering suspected: [a-z-]*: 2 lines on the verdict pipe" \
        "$D/out/grades.csv"
    check "  ... and summary.md counts it" grep -q "^| tampering | 1 |" "$D/out/summary.md"
    expect_eq "  ... its results.json keeps the grader's evidence" true \
        "$(jq '.extra_data.tampering | length > 0' "$D/out/l-forger/results.json")"
    check "nothing escaped the archives" test ! -e /tmp/oslabs-escaped.c -a ! -e "$D/escaped.c" \
        -a ! -e "$KIT/escaped.c"
    expect_eq "a tar.gz grades like the directory" "$(jq -r .score "$D/out/a-solution/batch.json")" \
        "$(jq -r .score "$D/out/i-tarball/batch.json")"
    grep -q "ignoring .*notes.txt" "$D/batch.txt"
    expect_eq "a stray file is named and ignored" 0 $?
    for f in grades.csv summary.md; do
        check "$f written" test -s "$D/out/$f"
    done
    grep -q "## The most common failures" "$D/out/summary.md"
    expect_eq "summary.md has the failure reasons" 0 $?

    echo "resumable (deadlock)"
    $GRADER batch deadlock "$D/subs" --out "$D/out" --local --trust-submissions >"$D/again.txt" 2>&1
    grep -q ", 0 to grade" "$D/again.txt"
    expect_eq "a rerun grades nothing again" 0 $?
    echo "/* changed */" >>"$D/subs/b-skeleton/bank.c"
    $GRADER batch deadlock "$D/subs" --out "$D/out" --local --trust-submissions >"$D/changed.txt" 2>&1
    grep -q ", 1 to grade" "$D/changed.txt"
    expect_eq "a changed submission is graded again, alone" 0 $?
    $GRADER batch deadlock "$D/subs" --out "$D/out" --local --trust-submissions --force --shard 1/5 \
        >"$D/force.txt" 2>&1
    grep -q ", 0 to grade" "$D/force.txt"
    expect_eq "--force regrades (a shard of them)" 1 $?

    echo "killed with SIGKILL mid-way, then rerun (deadlock)"
    K=$O/kill
    mkdir -p "$K"
    $GRADER batch deadlock "$D/subs" --out "$K/out" --local --trust-submissions --jobs 2 >"$K/first.txt" 2>&1 &
    pid=$!
    # kill once three results are published: a state, not a time
    for _ in $(seq 600); do
        [ -f "$K/out/batch.log" ] && [ "$(grep -c graded "$K/out/batch.log")" -ge 3 ] && break
        sleep 0.1
    done
    kill -9 $pid
    wait $pid 2>/dev/null
    before=$(grep -c graded "$K/out/batch.log")
    check "the batch was killed mid-way ($before of $(ls "$D/subs" | grep -vc txt) done)" \
        test "$before" -lt "$(ls "$D/subs" | grep -vc txt)"
    left=""
    for _ in $(seq 50); do
        left=$(pgrep -f -- "--submission $KIT/$D/subs" || true)
        [ -z "$left" ] && break
        sleep 0.1
    done
    expect_eq "no grader of the killed batch lives on" "" "$left"
    half=0
    for s in "$K"/out/*/; do
        [ -f "$s/batch.json" ] && [ -f "$s/results.json" ] || half=$((half + 1))
    done
    expect_eq "no half-written result" 0 $half
    $GRADER batch deadlock "$D/subs" --out "$K/out" --local --trust-submissions --jobs 2 >"$K/second.txt" 2>&1
    expect_eq "the rerun exits 0" 0 $?
    twice=$(awk '{print $3}' "$K/out/batch.log" | sort | uniq -d | tr '\n' ' ')
    expect_eq "no submission graded twice" "" "$twice"
    diff "$D/out/grades.csv" "$K/out/grades.csv" >"$K/csv.diff"
    check "the same grades.csv as the uninterrupted batch" test ! -s "$K/csv.diff"

    # shards and clusters grade a part of the class, and must agree with the whole's rows
    SMALL=$O/small
    mkdir -p "$SMALL/subs"
    part="b-skeleton c-broken d-missing g-dotdot m-negative-balance m-reset-keeps-edges"
    head -1 "$D/out/grades.csv" >"$SMALL/expected.csv"
    for s in $part; do
        cp -r "$D/subs/$s"* "$SMALL/subs/"
        grep "^$s," "$D/out/grades.csv" >>"$SMALL/expected.csv"
    done

    echo "shards (deadlock)"
    S=$O/shards
    for i in 1 2; do
        $GRADER batch deadlock "$SMALL/subs" --out "$S/shard-$i" --local --trust-submissions --shard "$i/2" \
            >"$S-$i.txt" 2>&1
    done
    $GRADER merge --out "$S/merged" "$S/shard-1" "$S/shard-2" >"$S-merge.txt" 2>&1
    expect_eq "merge exits 0" 0 $?
    n1=$(($(wc -l <"$S/shard-1/grades.csv") - 1))
    n2=$(($(wc -l <"$S/shard-2/grades.csv") - 1))
    check "each shard graded some ($n1 + $n2)" test "$n1" -gt 0 -a "$n2" -gt 0
    diff "$SMALL/expected.csv" "$S/merged/grades.csv" >"$S/csv.diff"
    check "two shards merged equal one unsharded run" test ! -s "$S/csv.diff"

    echo "hidden tests (deadlock)"
    H=$O/hidden
    $GRADER batch deadlock "$SMALL/subs" --out "$H" --local --trust-submissions --hidden labs/deadlock/hidden \
        >"$H.txt" 2>&1
    hidden=$(head -1 "$H/grades.csv" | tr ',' '\n' | grep -c '^hidden-')
    expect_eq "--hidden: the hidden tests are columns of grades.csv" 2 "$hidden"
    expect_eq "  ... and graded, with the visibility of their manifest" \
        "$(sed -n 's/^visibility *= *//p' labs/deadlock/hidden/lab.ini | sort -u | tr '\n' ' ' | xargs)" \
        "$(jq -r '[.tests[] | select(.name | startswith("hidden-")) | .visibility] | unique | join(" ")' \
            "$H/m-negative-balance/results.json")"

    echo "cluster templates, run as the cluster would (deadlock)"
    C=$O/cluster
    mkdir -p "$C"
    for i in 1 2 3; do
        SLURM_ARRAY_TASK_ID=$i SLURM_ARRAY_TASK_COUNT=3 SLURM_ARRAY_TASK_MIN=1 SLURM_ARRAY_TASK_MAX=3 \
            LAB=deadlock SUBMISSIONS="$KIT/$SMALL/subs" GRADER_ARGS=--trust-submissions \
            RESULTS="$KIT/$C/slurm" OSLABS_ROOT=$KIT bash docker/slurm/grade.sbatch \
            >"$C/slurm-$i.txt" 2>&1 || bad "slurm: array task $i exits 0"
    done
    MERGE=1 RESULTS="$KIT/$C/slurm" OSLABS_ROOT=$KIT bash docker/slurm/grade.sbatch \
        >"$C/slurm-merge.txt" 2>&1
    diff "$SMALL/expected.csv" "$C/slurm/merged/grades.csv" >"$C/slurm.diff" 2>&1
    check "slurm: three array tasks and the merge job equal one batch" test ! -s "$C/slurm.diff"
    # the Job's own scripts, each index as a pod would run it
    python3 - docker/k8s/grade-job.yaml "$C" <<'PY' >"$C/k8s-check.txt" 2>&1
import sys, yaml
grade, merge = list(yaml.safe_load_all(open(sys.argv[1])))
spec = grade["spec"]
env = {e["name"]: e["value"] for e in spec["template"]["spec"]["containers"][0]["env"]}
assert grade["kind"] == "Job" and spec["completionMode"] == "Indexed", "an Indexed Job"
assert spec["completions"] == spec["parallelism"] == int(env["SHARDS"]), "one pod per shard"
open(sys.argv[2] + "/k8s-grade.sh", "w").write(spec["template"]["spec"]["containers"][0]["args"][0])
open(sys.argv[2] + "/k8s-merge.sh", "w").write(merge["spec"]["template"]["spec"]["containers"][0]["args"][0])
print(env["SHARDS"])
PY
    expect_eq "k8s: the template is an Indexed Job, one pod per shard" 0 $?
    shards=$(tail -1 "$C/k8s-check.txt")
    for ((i = 0; i < shards; i++)); do
        JOB_COMPLETION_INDEX=$i LAB=deadlock SHARDS=$shards SUBMISSIONS="$KIT/$SMALL/subs" \
            RESULTS="$KIT/$C/k8s" GRADER_ARGS=--trust-submissions bash "$C/k8s-grade.sh" \
            >"$C/k8s-$i.txt" 2>&1 ||
            bad "k8s: index $i exits 0"
    done
    RESULTS="$KIT/$C/k8s" bash "$C/k8s-merge.sh" >"$C/k8s-merge.txt" 2>&1
    diff "$SMALL/expected.csv" "$C/k8s/merged/grades.csv" >"$C/k8s.diff" 2>&1
    check "k8s: $shards indexes and the merge job equal one batch" test ! -s "$C/k8s.diff"
fi

echo "odd layouts"
L=$O/layout
mkdir -p "$L/store" "$L/subs"
cp -r skeletons/deadlock "$L/store/linked"
ln -s "$KIT/$L/store/linked" "$L/subs/linked"
$GRADER batch deadlock "$L/subs" --out "$L/subs/results" --local --trust-submissions >"$L/first.txt" 2>&1
expect_eq "--out inside the submissions is no student; a student that is a link is one" linked \
    "$(tail -n +2 "$L/subs/results/grades.csv" | cut -d, -f1 | xargs)"
echo "/* changed */" >>"$L/store/linked/bank.c"
$GRADER batch deadlock "$L/subs" --out "$L/subs/results" --local --trust-submissions >"$L/second.txt" 2>&1
grep -q ", 1 to grade" "$L/second.txt"
expect_eq "a change behind the link is seen" 0 $?

(cd "$L" && "$KIT/$GRADER" batch deadlock subs --out relative --local --trust-submissions >relative.txt 2>&1)
expect_eq "relative paths, run from elsewhere" "linked 0 graded" \
    "$(csv_totals "$L/relative/grades.csv" | grep "^linked ")"

echo "nothing graded short"
P=$O/partial
F=grader/tests/fixtures/kinds
mkdir -p "$P/subs" && cp -r "$F/sub-good" "$P/subs/alice" && cp -r "$F/sub-good" "$P/subs/bob"
OSLABS_PRETEND_MISSING=sqlite3 $GRADER batch "$F" "$P/subs" --out "$P/refused" --local \
    --trust-submissions >"$P/refused.txt" 2>&1
expect_eq "a lab the machine cannot grade in full is refused: exit 1" 1 $?
check "the refusal names the test and what is missing" \
    grep -q "needs-sqlite: .*OSLABS_PRETEND_MISSING" "$P/refused.txt"
check "the refusal says how to grade anyway" grep -q -- "--allow-partial" "$P/refused.txt"
check "nothing was graded" test ! -e "$P/refused/grades.csv"
OSLABS_PRETEND_MISSING=sqlite3 $GRADER batch "$F" "$P/subs" --out "$P/allowed" --local \
    --trust-submissions --allow-partial >"$P/allowed.txt" 2>&1
expect_eq "with --allow-partial the batch grades" 0 $?
expect_eq "with --allow-partial each student is marked partial" "partial partial" \
    "$(csv_totals "$P/allowed/grades.csv" | awk '{print $3}' | xargs)"
check "grades.csv says how many points were not gradable" \
    grep -q "partial (1 points not gradable here: needs-sqlite " "$P/allowed/grades.csv"

echo "a fault of the machine is graded again, then marked"
OSLABS_PRETEND_MACHINE_FAULT=answer-is-42 $GRADER batch "$F" "$P/subs" --out "$P/machine" --local --jobs 2 \
    --allow-partial --trust-submissions >"$P/machine.txt" 2>&1
check "each student is graded again once" \
    test "$(grep -c 'error (environment).*grading it again' "$P/machine.txt")" = 2
expect_eq "then marked error in grades.csv" "error error" \
    "$(csv_totals "$P/machine/grades.csv" | awk '{print $3}' | xargs)"
check "grades.csv says the machine, which test, and the retry" \
    grep -q "error (environment): answer-is-42: fork: .*(and again on its retry)" "$P/machine/grades.csv"
OSLABS_PRETEND_MACHINE_FAULT=grader $GRADER batch "$F" "$P/subs" --out "$P/grader-fault" --local \
    --jobs 2 --allow-partial --trust-submissions >"$P/grader-fault.txt" 2>&1
check "a grader that fails itself (its disk full): each student graded again once" \
    test "$(grep -c 'the grader failed.*grading it again' "$P/grader-fault.txt")" = 2
check "then marked error, the grader's failure and the retry in grades.csv" \
    test "$(grep -c "error (environment): the grader failed: .*No space left on device.*(and again on its retry)" \
        "$P/grader-fault/grades.csv")" = 2

echo "a sandbox weaker than namespaces (OSLABS_NO_NAMESPACES=1)"
W=$O/weak
mkdir -p "$W/subs" "$W/none"
cp -r solutions/deadlock "$W/subs/alice"
OSLABS_NO_NAMESPACES=1 $GRADER batch deadlock "$W/subs" --out "$W/refused" --local \
    >"$W/refused.txt" 2>&1
expect_eq "untrusted submissions are refused there: exit 1" 1 $?
check "  ... after one line saying what the sandbox does not contain" \
    grep -q "^grader batch: sandbox weaker than namespaces: a test here can read the kit's solutions" \
    "$W/refused.txt"
check "  ... naming --trust-submissions" grep -q -- "pass --trust-submissions" "$W/refused.txt"
check "  ... and grading nothing" test ! -e "$W/refused/grades.csv" -a ! -e "$W/refused/alice"
OSLABS_NO_NAMESPACES=1 $GRADER batch deadlock "$W/none" --out "$W/trusted" --local \
    --trust-submissions >"$W/trusted.txt" 2>&1
expect_eq "with --trust-submissions the batch runs: exit 0" 0 $?
check "  ... and still says what the sandbox does not contain" \
    grep -q "^grader batch: sandbox weaker than namespaces" "$W/trusted.txt"
if has_layer pid && has_layer net && has_layer mount; then
    $GRADER batch deadlock "$W/none" --out "$W/strong" --local >"$W/strong.txt" 2>&1
    expect_eq "with namespaces no flag is needed: exit 0" 0 $?
    expect_eq "  ... and no such line is printed" 0 "$(grep -c "weaker than namespaces" "$W/strong.txt")"
fi

echo "bad input"
$GRADER batch deadlock /nonexistent --out "$O/x" --local --trust-submissions >"$O/bad1.txt" 2>&1
expect_eq "a missing submissions directory: exit 1" 1 $?
$GRADER batch deadlock "$O" --out "$O/x" --local --trust-submissions --shard 3/2 >"$O/bad2.txt" 2>&1
expect_eq "a bad --shard: exit 1" 1 $?
$GRADER batch no-such-lab "$O" --out "$O/x" --local --trust-submissions >"$O/bad3.txt" 2>&1
expect_eq "an unknown lab: exit 1" 1 $?
finish
