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

# An evidence forger: the log without any fsync (the no-fsync mutant), whose
# dlog_replay exits 0 when it runs inside the crash checker, so that every
# crash state would read as passed. The power-loss tests must score it
# exactly as the same log without the exit.
forge=$PWD/build/extra-fsync-forge
rm -rf "$forge" && mkdir -p "$forge"
cp -r solutions/fsync "$forge/plain"
patch -s -p1 -d "$forge/plain" <tests/mutants/fsync/no-fsync.patch
cp -r "$forge/plain" "$forge/forger"
awk '{ print }
     /^long dlog_replay\(/ { replay = 1 }
     replay && /^\{/ { print "    if (strstr(program_invocation_short_name, \"crash_check\") != NULL)";
                       print "        _exit(0); /* every crash state would pass */"; replay = 0 }' \
    "$forge/plain/dlog.c" >"$forge/forger/dlog.c"
grep -q '_exit(0); /\* every crash state' "$forge/forger/dlog.c" || {
    echo "extra-fsync: the forger was not planted (dlog_replay not found)" >&2
    exit 1
}
power=()
for t in power-loss-append power-loss-append-threads power-loss-create power-loss-reopen-torn-tail; do
    power+=(--only "$t")
done
for who in plain forger; do
    ${GRADER:-build/grader} run fsync --submission "$forge/$who" "${power[@]}" \
        --json "$forge/$who.json" >"$forge/$who.txt" 2>&1
done
scores() { jq -r '.tests[] | "\(.name) \(.score)"' "$1"; }
if [ "$(scores "$forge/forger.json")" != "$(scores "$forge/plain.json")" ] ||
    [ "$(jq '.score' "$forge/forger.json")" != 0 ]; then
    echo "extra-fsync: the evidence forger scored other than the log without fsync:" >&2
    paste <(scores "$forge/plain.json") <(scores "$forge/forger.json") >&2
    exit 1
fi
grep -q 'the check ended inside your code before it could judge this state' "$forge/forger.txt" || {
    echo "extra-fsync: the forger's report does not say that the check ended inside its code" >&2
    exit 1
}
echo "  ok    fsync: an exit(0) from inside the crash checker passes no crash state (0 points, as without it)"

# The evidence is out of the workload's reach: a correct log whose workload
# opens crashsim's syscall trace (../strace.out, beside its work directory)
# for writing, and aborts if it could, must still pass. crashsim fences the
# workload with Landlock (given/crashsim/fence.c); without Landlock: skip.
landlock=$(python3 -c 'import ctypes; print(ctypes.CDLL(None).syscall(444, None, 0, 1))' 2>/dev/null || echo -1)
if [ "${landlock:--1}" -lt 1 ]; then
    echo "  skip  fsync: the trace out of the workload's reach: this kernel has no Landlock"
else
    cp -r solutions/fsync "$forge/reach"
    awk '{ print }
         /^dlog_t \*dlog_open\(/ { open_fn = 1 }
         open_fn && /^\{/ {
             print "    if (strstr(program_invocation_short_name, \"dlog_workload\") != NULL) {"
             print "        int fd = open(\"../strace.out\", O_WRONLY | O_APPEND);"
             print "        if (fd >= 0)"
             print "            abort(); /* the evidence was writable */"
             print "    }"
             open_fn = 0 }' solutions/fsync/dlog.c >"$forge/reach/dlog.c"
    ${GRADER:-build/grader} run fsync --submission "$forge/reach" --only power-loss-append \
        --json "$forge/reach.json" >"$forge/reach.txt" 2>&1
    if [ "$(jq '.score' "$forge/reach.json")" != 6 ]; then
        echo "extra-fsync: a workload could open crashsim's trace for writing (Landlock ABI $landlock):" >&2
        cat "$forge/reach.txt" >&2
        exit 1
    fi
    echo "  ok    fsync: the workload cannot write crashsim's syscall trace (Landlock ABI $landlock)"
fi
rm -rf "$forge"

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
