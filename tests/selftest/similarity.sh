#!/usr/bin/env bash
# similarity.sh [LAB...] - `grader similarity` finds copies and only copies:
#   - per lab, a class of the solution, a planted copy of it (comments
#     gone, the copier's names renamed, functions reordered: plant-copy.py,
#     handed in as a zip), the bare skeleton, and another lab's solution
#     under this lab's file names; the planted pair is the top pair, with
#     fragments named FILE:LINES on both sides; the skeleton pairs with
#     nothing even at a 1% threshold (and does pair without the mask: the
#     check can fail); the other lab's code stays below the threshold;
#   - a copy of an earlier term's submission is found through --corpus;
#   - without sim_c, a clear error naming the package; batch --similarity
#     refuses before grading, and writes the report after a batch.
# Default labs: shell deadlock (their skeletons share code with the
# solutions, so the mask is put to the test); each takes about a second.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

O=$OUT/similarity
rm -rf "$O" && mkdir -p "$O"
KIT=$(pwd)
labs=("$@")
[ ${#labs[@]} -gt 0 ] || labs=(shell deadlock)

if ! command -v sim_c >/dev/null; then
    skip_or_fail TOOLS "grader similarity" "sim_c is not installed" "apt-get install similarity-tester (make deps-test)"
    finish
    exit $?
fi

files_of() { $GRADER config "$1" files; }

# another lab than $1, for code that is not a copy
other_lab() {
    local l
    for l in shell prodcons deadlock pimutex memlock fsync; do
        [ "$l" != "$1" ] && [ -d "solutions/$l" ] && { echo "$l"; return; }
    done
}

# The class of one lab in $2: a-solution, b-planted.zip, c-skeleton, d-other.
generate() {
    local lab=$1 d=$2 f i other
    mkdir -p "$d/a-solution" "$d/c-skeleton" "$d/d-other" "$d/.wrap/b-planted"
    for f in $(files_of "$lab"); do
        cp "solutions/$lab/$f" "$d/a-solution/"
        cp "skeletons/$lab/$f" "$d/c-skeleton/"
        /usr/bin/python3 tests/selftest/plant-copy.py "solutions/$lab/$f" "$d/.wrap/b-planted/$f" \
            "skeletons/$lab/$f" "labs/$lab/include"
    done
    (cd "$d/.wrap" && /usr/bin/python3 -m zipfile -c "$KIT/$d/b-planted.zip" b-planted)
    other=$(other_lab "$lab")
    mapfile -t theirs < <(files_of "$other")
    i=0
    for f in $(files_of "$lab"); do
        cp "solutions/$other/${theirs[$((i % ${#theirs[@]}))]}" "$d/d-other/$f"
        i=$((i + 1))
    done
}

# pairs CSV: "a~b" per row, best first
pairs() { tail -n +2 "$1" | cut -d, -f1,2 | tr , '~'; }

for lab in "${labs[@]}"; do
    echo "$lab: a planted copy among a solution, the skeleton and another lab's code"
    L=$O/$lab
    generate "$lab" "$L/class"
    t0=$(date +%s%N)
    $GRADER similarity "$lab" "$L/class" --out "$L/out" >"$L/out.txt" 2>&1
    expect_eq "grader similarity exits 0" 0 $?
    echo "  ($((($(date +%s%N) - t0) / 1000000)) ms)"
    csv=$L/out/similarity.csv
    expect_eq "the planted pair is the top pair" "a-solution~b-planted" "$(pairs "$csv" | head -n 1)"
    score=$(sed -n 2p "$csv" | cut -d, -f3)
    check "the planted pair scores at least 90% (got ${score:-none})" test "${score:-0}" -ge 90
    expect_eq "no other pair reaches the threshold" 1 "$(pairs "$csv" | wc -l)"
    # every fragment names a file of the lab and lines that exist, on both sides
    bad_frags=$(tail -n +2 "$L/out/similarity-fragments.csv" | while IFS=, read -r a b la lb _; do
        for side in "a-solution:$la" "b-planted:$lb"; do
            [ "${side%%:*}" = a-solution ] && src=solutions/$lab || src=$L/class/.wrap/b-planted
            for part in $(tr + ' ' <<<"${side#*:}"); do
                f=${part%%:*} last=${part##*-}
                [ -f "$src/$f" ] && [ "$last" -le "$(wc -l <"$src/$f")" ] || echo "$a $b $part"
            done
        done
    done)
    nfrags=$(($(wc -l <"$L/out/similarity-fragments.csv") - 1))
    check "$nfrags fragments, each FILE:FIRST-LAST within both files" test "$nfrags" -gt 0 -a -z "$bad_frags"
    check "the text report lists the pair and its fragments" \
        grep -q "^1. a-solution ~ b-planted: .*%" "$L/out/similarity.txt"
    check "the text report shows FILE:LINES on both sides" \
        grep -Eq "^ +a-solution [a-z_]+\.c:[0-9]+-[0-9]+.* b-planted [a-z_]+\.c:[0-9]+-[0-9]+ +[0-9]+ tokens" \
        "$L/out/similarity.txt"

    $GRADER similarity "$lab" "$L/class" --out "$L/all" --threshold 1 >/dev/null 2>&1
    expect_eq "the skeleton-only submission pairs with nothing, even at 1%" "" \
        "$(pairs "$L/all/similarity.csv" | grep c-skeleton)"
    row=$(grep "^a-solution,d-other," "$L/all/similarity.csv" | cut -d, -f3)
    check "another lab's code stays below the threshold (a-solution~d-other: ${row:-0}%)" \
        test "${row:-0}" -lt 40
    # the control: without the mask, the skeleton's code pairs with the solution's
    $GRADER similarity "$lab" "$L/class" --out "$L/nomask" --skeleton "$L/no-skeleton" \
        --threshold 1 >/dev/null 2>&1
    if grep -q "^a-solution,c-skeleton," "$L/nomask/similarity.csv"; then
        ok "(control) unmasked, the skeleton pairs with the solution"
    else
        echo "  n/a   (control) $lab's skeleton shares no run of 24 tokens with its solution"
    fi
done

lab=${labs[0]}
echo "$lab: a copy of an earlier term's submission, through --corpus"
C=$O/corpus
mkdir -p "$C/now" "$C/last-term"
cp -r "$O/$lab/class/b-planted.zip" "$O/$lab/class/c-skeleton" "$C/now/"
cp -r "solutions/$lab" "$C/last-term/alice"
$GRADER similarity "$lab" "$C/now" --corpus "$C/last-term" --out "$C/out" >"$C/out.txt" 2>&1
expect_eq "grader similarity --corpus exits 0" 0 $?
expect_eq "the copy pairs with the corpus's submission" "b-planted~corpus/alice" \
    "$(pairs "$C/out/similarity.csv" | head -n 1)"
check "the report counts the corpus" grep -q "2 submission(s), 1 of the corpus" "$C/out/similarity.txt"

echo "without sim_c: a clear error"
OSLABS_SIM_C=/nonexistent/sim_c $GRADER similarity "$lab" "$C/now" --out "$O/notool" >"$O/notool.txt" 2>&1
expect_eq "exit status 1 (setup error)" 1 $?
check "the error names the package to install" grep -q "apt-get install similarity-tester" "$O/notool.txt"
OSLABS_SIM_C=/nonexistent/sim_c $GRADER batch "$lab" "$C/now" --out "$O/notool-batch" --local \
    --similarity --trust-submissions >"$O/notool-batch.txt" 2>&1
expect_eq "batch --similarity without sim_c: exit status 1" 1 $?
check "... refused before grading anyone" test ! -e "$O/notool-batch/grades.csv"

echo "batch --similarity: the report beside grades.csv"
T=$O/tiny
mkdir -p "$T/tiny/tests" "$T/subs/alice" "$T/subs/bob" "$T/subs/carol"
printf '[lab]\nname = tiny\ntitle = Tiny\nfiles = a.c\n\n[test builds]\nkind = exec\npoints = 1\ncommand = /bin/true\n' >"$T/tiny/lab.ini"
printf 'include ../common/lab.mk\nall:\n' >"$T/tiny/Makefile"
first=$(files_of "$lab" | head -n 1)
cp "solutions/$lab/$first" "$T/subs/alice/a.c"
cp "$O/$lab/class/.wrap/b-planted/$first" "$T/subs/bob/a.c"
cp "$O/$lab/class/d-other/$first" "$T/subs/carol/a.c"
$GRADER batch "$T/tiny" "$T/subs" --out "$T/out" --local --jobs 2 --similarity \
    --trust-submissions >"$T/out.txt" 2>&1
expect_eq "grader batch --similarity exits 0" 0 $?
check "grades.csv has the three students" test "$(($(wc -l <"$T/out/grades.csv") - 1))" -eq 3
expect_eq "similarity.csv: the planted pair alone" "alice~bob" "$(pairs "$T/out/similarity.csv")"
finish
