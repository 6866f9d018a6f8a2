#!/usr/bin/env bash
# gradebook.sh - `grader gradebook` end to end: two labs' batches (deadlock
# and memlock, a few students each, one student missing from each lab),
# then the class across labs:
#   - gradebook.csv's numbers and statuses are each lab's grades.csv's, a
#     missing lab is an empty cell (listed on stderr), the total adds up;
#   - with a roster, canvas.csv and moodle.csv have their LMS's columns and
#     the same numbers; a student the roster lacks is named on stderr, the
#     exit status is 3, and gradebook.csv still has the student;
#   - a bad roster is refused naming its line (exit 1), nothing written;
#   - `grader batch --repos` on the same class as student repositories
#     (REPO/skeletons/LAB, as in a clone of the handout) grades every lab
#     they hold into the same gradebook.csv, and a rerun grades nothing.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

O=$OUT/gradebook
rm -rf "$O" && mkdir -p "$O"

echo "two labs' batches"
# deadlock: alice (solution), bob (skeleton), carol (does not compile);
# memlock: alice, bob, dave. carol has no memlock, dave no deadlock.
mkdir -p "$O/deadlock-subs" "$O/memlock-subs"
cp -r solutions/deadlock "$O/deadlock-subs/alice"
cp -r skeletons/deadlock "$O/deadlock-subs/bob"
cp -r solutions/deadlock "$O/deadlock-subs/carol"
echo 'this does not compile' >>"$O/deadlock-subs/carol/bank.c"
cp -r solutions/memlock "$O/memlock-subs/alice"
cp -r skeletons/memlock "$O/memlock-subs/bob"
cp -r solutions/memlock "$O/memlock-subs/dave"
for lab in deadlock memlock; do
    start=$(date +%s)
    $GRADER batch "$lab" "$O/$lab-subs" --out "$O/$lab" --local --jobs 2 --allow-partial --trust-submissions \
        >"$O/$lab-batch.txt" 2>&1
    expect_eq "$lab: the batch exits 0 ($(($(date +%s) - start)) s)" 0 $?
done

# gradebook.csv against each lab's grades.csv: "student lab score status"
# lines of both, the same once sorted; and each row's total is its sum.
compare_gradebook() { # GRADEBOOK.csv LAB_OUT...
    /usr/bin/python3 - "$@" <<'PY'
import csv, os, sys
book = list(csv.DictReader(open(sys.argv[1])))
want, got = [], []
for out in sys.argv[2:]:
    lab = os.path.basename(out)
    for row in csv.DictReader(open(os.path.join(out, "grades.csv"))):
        status = "" if row["status"] == "graded" else row["status"]
        want.append(f"{row['student']} {lab} {row['total']} {status}")
    for row in book:
        if row[lab] != "" or row[lab + " status"] != "missing":
            got.append(f"{row['student']} {lab} {row[lab]} {row[lab + ' status']}")
for line in sorted(set(want) ^ set(got)):
    print(("only in grades.csv: " if line in want else "only in gradebook.csv: ") + line)
labs = [os.path.basename(o) for o in sys.argv[2:]]
for row in book:
    total = sum(float(row[lab] or 0) for lab in labs)
    if abs(total - float(row["total"])) > 1e-9:
        print(f"{row['student']}: total {row['total']} is not the sum {total}")
PY
}

echo "the class across labs"
G=$O/book
$GRADER gradebook --out "$G" "$O/deadlock" "$O/memlock" >"$G.txt" 2>"$G.err"
expect_eq "without a roster: exit 0" 0 $?
compare_gradebook "$G/gradebook.csv" "$O/deadlock" "$O/memlock" >"$G.diff"
check "gradebook.csv's scores and statuses are each lab's grades.csv's, totals add up (see $G.diff)" \
    test -s "$G/gradebook.csv" -a ! -s "$G.diff"
expect_eq "a student per row, each once" "alice bob carol dave" \
    "$(tail -n +2 "$G/gradebook.csv" | cut -d, -f1 | xargs)"
expect_eq "a lab a student has no result for: an empty cell, status missing" "carol:,missing" \
    "$(awk -F, '$1 == "carol" {print $1 ":" $4 "," $5}' "$G/gradebook.csv")"
check "... and listed on stderr" grep -q "memlock: no result for 1 student: carol" "$G.err"
check "... both ways" grep -q "deadlock: no result for 1 student: dave" "$G.err"
expect_eq "a submission that does not compile shows its status" build-failed \
    "$(awk -F, '$1 == "carol" {print $3}' "$G/gradebook.csv")"
check "without a roster, no LMS import" test ! -e "$G/canvas.csv" -a ! -e "$G/moodle.csv"

echo "LMS imports through a roster"
cat >"$O/roster.csv" <<'EOF'
student,first_name,last_name,canvas_id,sis_user_id,sis_login_id,section,email,idnumber
alice,Ada,Lovelace,1001,S-1,ada,Lab A,ada@example.org,
bob,Bob,"Jones, Jr",1002,,bjones,Lab A,,B-2
dave,Dave,,1004,S-4,,Lab B,dave@example.org,D-4
EOF
L=$O/lms
$GRADER gradebook --out "$L" --roster "$O/roster.csv" "$O/deadlock" "$O/memlock" \
    >"$L.txt" 2>"$L.err"
expect_eq "a graded student the roster lacks: exit 3" 3 $?
check "... named on stderr, with what to do" \
    grep -q "carol is not in the roster .*roster.csv: left out of canvas.csv and moodle.csv (gradebook.csv has the grades); add a row for carol" "$L.err"
check "... and kept in gradebook.csv" grep -q "^carol," "$L/gradebook.csv"
diff "$G/gradebook.csv" "$L/gradebook.csv" >/dev/null
expect_eq "the roster changes nothing in gradebook.csv" 0 $?
expect_eq "canvas.csv: the columns of Canvas's gradebook export" \
    "Student,ID,SIS User ID,SIS Login ID,Section,deadlock,memlock" "$(sed -n 1p "$L/canvas.csv")"
expect_eq "canvas.csv: its Points Possible row" \
    "Points Possible,,,,,$(jq -r .max_score "$O/deadlock/alice/batch.json"),$(jq -r .max_score "$O/memlock/alice/batch.json")" \
    "$(sed -n 2p "$L/canvas.csv")"
expect_eq "moodle.csv: the columns of Moodle's grade export" \
    "First name,Last name,ID number,Email address,deadlock,memlock" "$(sed -n 1p "$L/moodle.csv")"
# the imports' numbers, by identity, against gradebook.csv
/usr/bin/python3 - "$L" "$O/roster.csv" >"$L.diff" <<'PY'
import csv, sys
out, roster = sys.argv[1], {r["student"]: r for r in csv.DictReader(open(sys.argv[2]))}
book = {r["student"]: r for r in csv.DictReader(open(out + "/gradebook.csv"))}
canvas = [r for r in csv.DictReader(open(out + "/canvas.csv")) if r["Student"] != "Points Possible"]
moodle = list(csv.DictReader(open(out + "/moodle.csv")))
by_canvas = {r["canvas_id"]: s for s, r in roster.items()}
by_email = {r["email"] or r["idnumber"]: s for s, r in roster.items()}
seen = []
for row in canvas:
    s = by_canvas[row["ID"]]
    seen.append(s)
    for lab in ("deadlock", "memlock"):
        if row[lab] != book[s][lab]:
            print(f"canvas {s} {lab}: {row[lab]} != {book[s][lab]}")
for row in moodle:
    s = by_email[row["Email address"] or row["ID number"]]
    for lab in ("deadlock", "memlock"):
        if row[lab] != book[s][lab]:
            print(f"moodle {s} {lab}: {row[lab]} != {book[s][lab]}")
if sorted(seen) != ["alice", "bob", "dave"] or len(moodle) != 3:
    print("the imports' students:", sorted(seen), len(moodle))
if canvas[1]["Student"] != "Jones, Jr, Bob":
    print("canvas name:", canvas[1]["Student"])
PY
check "the imports' scores are gradebook.csv's, for the roster's students only (see $L.diff)" \
    test -s "$L/canvas.csv" -a ! -s "$L.diff"

echo "bad rosters"
B=$O/bad
printf 'student,email\nalice,a@x\nbob\n' >"$O/short.csv"
$GRADER gradebook --out "$B" --roster "$O/short.csv" "$O/deadlock" >"$B.txt" 2>&1
expect_eq "a row with a field missing: exit 1" 1 $?
check "... naming the file and line" grep -q "short.csv:3: 1 fields, the header has 2" "$B.txt"
check "... and nothing written" test ! -e "$B/gradebook.csv"
printf 'student,emial\nalice,a@x\n' >"$O/typo.csv"
$GRADER gradebook --out "$B" --roster "$O/typo.csv" "$O/deadlock" >"$B-typo.txt" 2>&1
expect_eq "an unknown column: exit 1" 1 $?
check "... naming it" grep -q "typo.csv:1: unknown column 'emial'" "$B-typo.txt"
$GRADER gradebook --out "$B" "$O/deadlock-subs" >"$B-dir.txt" 2>&1
expect_eq "a directory that is no batch's output: exit 1" 1 $?
check "... saying so" grep -q "is it the --out of a grader batch" "$B-dir.txt"

echo "a class of student repositories (batch --repos)"
R=$O/repos
for s in alice bob carol dave; do mkdir -p "$R/$s/skeletons"; done
for lab in deadlock memlock; do
    for s in "$O/$lab-subs"/*; do cp -r "$s" "$R/$(basename "$s")/skeletons/$lab"; done
done
echo "not a repository" >"$R/notes.txt"
# a repository whose lab is a link to another's work
mkdir -p "$R/eve/skeletons" && ln -s ../../alice/skeletons/deadlock "$R/eve/skeletons/deadlock"
RO=$O/repos-out
$GRADER batch --repos "$R" --out "$RO" --labs deadlock,memlock --roster "$O/roster.csv" --local \
    --jobs 2 --allow-partial --trust-submissions >"$RO.txt" 2>&1
expect_eq "batch --repos: exit 3 (carol is not in the roster)" 3 $?
for lab in deadlock memlock; do
    check "$lab graded into OUT/$lab" test -s "$RO/$lab/grades.csv"
done
diff "$G/gradebook.csv" "$RO/gradebook.csv" >"$RO.diff" 2>&1
check "the same gradebook.csv as the two batches and grader gradebook (see $RO.diff)" \
    test ! -s "$RO.diff"
diff "$L/canvas.csv" "$RO/canvas.csv" >/dev/null 2>&1
expect_eq "the same canvas.csv" 0 $?
check "a lab a repository lacks is named" grep -q "memlock: not in the repositories of: carol eve" "$RO.txt"
check "a file beside the repositories is named and ignored" grep -q "ignoring .*notes.txt" "$RO.txt"
check "a lab that is a symbolic link is named and not graded" \
    grep -q "eve/skeletons/deadlock is a symbolic link: not graded" "$RO.txt"
check "... (no result for eve)" test ! -e "$RO/deadlock/eve"
$GRADER batch --repos "$R" --out "$RO" --local --jobs 2 --allow-partial --trust-submissions \
    >"$RO-again.txt" 2>&1
expect_eq "a rerun, every lab the repositories hold: exit 0" 0 $?
expect_eq "... grades nothing again, in both labs" 2 "$(grep -c ", 0 to grade" "$RO-again.txt")"
diff "$G/gradebook.csv" "$RO/gradebook.csv" >/dev/null 2>&1
expect_eq "... and writes the same gradebook.csv" 0 $?
$GRADER batch --repos "$R" --out "$RO" --labs deadlock,nosuch --local --trust-submissions \
    >"$RO-bad.txt" 2>&1
expect_eq "--labs with no such lab: exit 1" 1 $?
check "... naming it" grep -q "no lab 'nosuch'" "$RO-bad.txt"
$GRADER batch --repos "$R" --out "$O/repos-typo" --roster "$O/typo.csv" --local \
    --trust-submissions >"$RO-bad3.txt" 2>&1
expect_eq "a bad roster: exit 1" 1 $?
check "... naming its line, before any grading" \
    grep -q "typo.csv:1: unknown column 'emial'" "$RO-bad3.txt"
check "... (nothing graded)" test ! -e "$O/repos-typo/deadlock"
$GRADER batch deadlock "$R" --repos "$R" --out "$RO" >"$RO-bad2.txt" 2>&1
expect_eq "--repos with a LAB: exit 1" 1 $?
finish
