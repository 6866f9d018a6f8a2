#!/usr/bin/env bash
# class.sh - an instructor's class in one command: 12 generated student
# repositories (clones of the handout: REPO/skeletons/LAB) over two labs,
# graded by `grader batch --repos ... --roster ... --similarity`. Per lab,
# six students hold it:
#   s1 a mutant of the solution          s2 s1's code, disguised (plant-copy.py)
#   s3 the skeleton                      s4 tests/unfinished/LAB/half-done
#   s5 the skeleton again (no work)      s6 the skeleton with a syntax error
# (memlock: students 01-06, with the solution as s1; fsync: 07-12, with a
# mutant as s1). These two labs because their unfinished work shares no code
# with the solution; in the other labs it was written from it.) Checks:
#   - exit 0; gradebook.csv has the 12 students, each lab's cell is that
#     lab's grades.csv score (empty where the student lacks the lab), and the
#     total adds up; canvas.csv and moodle.csv have the 12 roster students;
#   - each lab has its dashboard and every student's page;
#   - the disguised pair is each lab's only pair above the threshold
#     (the skeleton's code is masked: the skeleton, the broken skeleton and
#     the unfinished work pair with nothing);
#   - the one that does not build is build-failed, with a score of 0.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/selftest/lib.sh

O=$OUT/class
rm -rf "$O" && mkdir -p "$O"
R=$O/repos

if ! command -v sim_c >/dev/null; then
    skip_or_fail TOOLS "a class in one command" "sim_c is not installed" \
        "apt-get install similarity-tester (make deps-test)"
    finish
    exit $?
fi

# holds STUDENT LAB SRC_DIR: the student's repository holds SRC_DIR as that lab
holds() {
    mkdir -p "$R/$1/skeletons"
    cp -r "$3" "$R/$1/skeletons/$2"
}

# class LAB FIRST_NUMBER MUTANT (none: the solution itself as s1)
class() {
    local lab=$1 n=$2 mutant=$3 f s
    local s1 s2 s3 s4 s5 s6
    s1=$(printf 's%02d' "$n") s2=$(printf 's%02d' $((n + 1))) s3=$(printf 's%02d' $((n + 2)))
    s4=$(printf 's%02d' $((n + 3))) s5=$(printf 's%02d' $((n + 4))) s6=$(printf 's%02d' $((n + 5)))
    holds "$s1" "$lab" "solutions/$lab"
    if [ "$mutant" != none ]; then
        patch -s -p1 -N -d "$R/$s1/skeletons/$lab" <"tests/mutants/$lab/$mutant.patch" >/dev/null ||
            bad "$lab: the mutant $mutant applies"
    fi
    mkdir -p "$R/$s2/skeletons/$lab"
    for f in $($GRADER config "$lab" files); do
        /usr/bin/python3 tests/selftest/plant-copy.py "$R/$s1/skeletons/$lab/$f" \
            "$R/$s2/skeletons/$lab/$f" "skeletons/$lab/$f" "labs/$lab/include"
    done
    holds "$s3" "$lab" "skeletons/$lab"
    holds "$s4" "$lab" "tests/unfinished/$lab/half-done"
    holds "$s5" "$lab" "skeletons/$lab"
    holds "$s6" "$lab" "skeletons/$lab"
    f=$($GRADER config "$lab" files | head -n 1)
    echo 'this does not compile' >>"$R/$s6/skeletons/$lab/$f"
    for s in "$s1" "$s2" "$s3" "$s4" "$s5" "$s6"; do
        echo "$s,First $s,Last $s,$((2000 + 10#${s#s})),S-${s#s},$s,Lab,$s@example.org,N-${s#s}"
    done >>"$O/roster.csv"
    echo "$s1~$s2" >"$O/$lab.pair"
    echo "$s6" >"$O/$lab.broken"
}

echo "student,first_name,last_name,canvas_id,sis_user_id,sis_login_id,section,email,idnumber" \
    >"$O/roster.csv"
class memlock 1 none
class fsync 7 no-fsync
expect_eq "12 student repositories" 12 "$(find "$R" -mindepth 1 -maxdepth 1 -type d | wc -l)"

start=$(date +%s)
$GRADER batch --repos "$R" --out "$O/out" --roster "$O/roster.csv" --similarity --local \
    --jobs 2 --allow-partial --trust-submissions >"$O/out.txt" 2>&1
expect_eq "grader batch --repos --roster --similarity exits 0 ($(($(date +%s) - start)) s)" 0 $?

G=$O/out/gradebook.csv
expect_eq "gradebook.csv: the 12 students" 12 "$(tail -n +2 "$G" | wc -l)"
python3 - "$G" "$O/out" >"$O/gradebook.diff" 2>&1 <<'PY'
import csv, sys
book = {r["student"]: r for r in csv.DictReader(open(sys.argv[1]))}
for lab in ("memlock", "fsync"):
    graded = {r["student"]: r for r in csv.DictReader(open(f"{sys.argv[2]}/{lab}/grades.csv"))}
    for s, row in book.items():
        want = graded[s]["total"] if s in graded else ""
        if row[lab] != want:
            print(f"{s} {lab}: gradebook {row[lab]!r}, grades.csv {want!r}")
for s, row in book.items():
    total = sum(float(row[lab] or 0) for lab in ("memlock", "fsync"))
    if abs(float(row["total"]) - total) > 1e-6:
        print(f"{s}: total {row['total']} != {total}")
PY
check "each lab's cell is its grades.csv score, empty where the lab is missing, totals add up (see $O/gradebook.diff)" \
    test ! -s "$O/gradebook.diff"
# the data rows of a CSV file (quoted fields may hold commas and line ends)
csv_rows() { python3 -c 'import csv, sys; print(sum(1 for _ in csv.DictReader(open(sys.argv[1]))))' "$1"; }
expect_eq "canvas.csv: the 12 students (and the points-possible row)" 13 "$(csv_rows "$O/out/canvas.csv")"
expect_eq "moodle.csv: the 12 students" 12 "$(csv_rows "$O/out/moodle.csv")"

for lab in memlock fsync; do
    echo "$lab"
    L=$O/out/$lab
    check "its dashboard" test -s "$L/dashboard.html"
    pages=$(tail -n +2 "$L/grades.csv" | cut -d, -f1 | while read -r s; do
        [ -s "$L/$s/report.html" ] && echo "$s"
    done | wc -l)
    expect_eq "a page for each of its 6 students" 6 "$pages"
    expect_eq "the disguised pair is the only pair above the threshold" "$(cat "$O/$lab.pair")" \
        "$(tail -n +2 "$L/similarity.csv" | cut -d, -f1,2 | tr , '~' |
            sed 's/^\(s[0-9]*\)~\(s[0-9]*\)$/\1 \2/' | tr ' ' '\n' | sort | paste -sd'~')"
    broken=$(cat "$O/$lab.broken")
    expect_eq "the one that does not build: build-failed, 0" "build-failed 0" \
        "$(python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1])):
    if r["student"] == sys.argv[2]: print(r["status"], r["total"])' "$L/grades.csv" "$broken" | sed 's/\.0$//')"
done
finish
