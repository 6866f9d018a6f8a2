#!/usr/bin/env bash
# extra-fsync.sh - shows the fsync lab's crash checker (labs/fsync/given/crashsim)
# judging a program nobody here wrote: SQLite. Four inserts, each its own
# sqlite3 process, each acknowledged once sqlite3 has exited 0
# (labs/fsync/given/crashsim/sqlite/). What SQLite's documentation promises must
# come out:
#   journal_mode=WAL,    synchronous=FULL   no committed row is lost
#   journal_mode=WAL,    synchronous=OFF    crashsim finds a lost row
#   journal_mode=DELETE, synchronous=FULL   crashsim finds a lost row: the
#        commit is the unlink of the journal, and FULL does not fsync the
#        directory after it ("EXTRA ... provides additional durability if
#        the commit is followed closely by a power loss")
#   journal_mode=DELETE, synchronous=EXTRA  no committed row is lost
# Skipped, with the reason, where sqlite3 or strace is missing. Also checks
# that skeletons/fsync is what grader/mkskeleton.sh makes of the
# solution.
set -euo pipefail
cd "$(dirname "$0")/../.."

# The skeleton is the solution minus its "BEGIN SOLUTION" blocks: no drift.
grader/mkskeleton.sh --check fsync >&2 || exit 1
echo "  ok    fsync: the skeleton is generated from the solution"

for tool in sqlite3 strace; do
    if ! command -v "$tool" >/dev/null; then
        echo "  skip  fsync: crashsim on SQLite not checked: $tool is not installed"
        exit 0
    fi
done
work=$PWD/build/extra-fsync
rm -rf "$work"
mkdir -p "$work/tmp"
trap 'rm -rf "$work"' EXIT
cp -r grader/harness "$work/common"
cp -r labs/fsync "$work/fsync"
rm -rf "$work/fsync/hidden"
if ! make -s -C "$work/fsync" crashsim >"$work/build.log" 2>&1; then
    echo "extra-fsync: building crashsim failed:" >&2
    cat "$work/build.log" >&2
    exit 1
fi
cs=$work/fsync/crashsim
ex=$work/fsync/given/crashsim/sqlite

# run JOURNAL SYNC WANT: crashsim's exit status must be WANT (0 no loss, 1 a loss).
run() {
    local journal=$1 sync=$2 want=$3 status=0 out
    out=$(cd "$work/tmp" && TMPDIR=$work/tmp timeout 100 "$cs" -t 20 -s "$ex/setup.sh $journal" \
        -c "$ex/check.sh" -- "$ex/workload.sh" "$sync" 4 2>&1) || status=$?
    if [ "$status" -ne "$want" ]; then
        echo "extra-fsync: SQLite journal_mode=$journal synchronous=$sync: expected crashsim to" \
            "exit $want ($([ "$want" = 0 ] && echo "no loss" || echo "a lost row")), actual $status:" >&2
        echo "$out" >&2
        exit 1
    fi
    if [ "$want" = 1 ] && ! grep -q "committed rows lost" <<<"$out"; then
        echo "extra-fsync: SQLite journal_mode=$journal synchronous=$sync: expected a lost row, actual:" >&2
        echo "$out" >&2
        exit 1
    fi
    echo "  ok    fsync: SQLite $journal/$sync: $(grep -m1 -E '^crashsim: (ok|FAILED)' <<<"$out" | cut -c1-120)"
    rm -rf "$work"/tmp/crashsim.*
}

run wal FULL 0
run wal OFF 1
run delete FULL 1
run delete EXTRA 0
