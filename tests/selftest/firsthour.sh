#!/usr/bin/env bash
# firsthour.sh - what a newcomer meets first: make build builds the working
# copy by hand, make debug puts the tool on the student's program (tsh, not
# the trace driver) and says where its log is, make grade over several labs
# ends with a summary, docker-shell without a terminal explains itself.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

O=$OUT/firsthour
rm -rf "$O" && mkdir -p "$O"

if [ ! -d solutions/shell ]; then
    echo "  SKIP  the first-hour checks need the shell lab"
    finish
    exit $?
fi

echo "make build"
make --no-print-directory build LAB=shell SUB=solutions/shell >"$O/build.txt" 2>&1
expect_eq "make build LAB=shell: exit status" 0 $?
check "it says where it built" grep -q 'built in build/run/shell' "$O/build.txt"
check "tsh and the driver are there" test -x build/run/shell/tsh -a -x build/run/shell/sdriver
(cd build/run/shell && ./sdriver tests/traces/basic-quit.txt) >"$O/by-hand.txt" 2>&1
check "the solution passes a trace by hand" diff <(sed 's/([0-9]*)/(PID)/g' "$O/by-hand.txt") \
    <(sed 's/([0-9]*)/(PID)/g' build/run/shell/tests/expected/basic-quit.out)

echo "make debug on a trace test: the tool sees tsh"
# a shell that leaks: the solution without its tsh_line_free
L=$O/leaky
mkdir -p "$L" && cp solutions/shell/tsh.c "$L/"
if grep -q 'tsh_line_free(&line);' "$L/tsh.c"; then
    sed -i '0,/^\( *\)tsh_line_free(&line);$/s//\1(void)line; \/\* leaks \*\//' "$L/tsh.c"
fi
check "the planted leak is in (tsh_line_free removed once)" \
    test "$(grep -c 'tsh_line_free(&line);' solutions/shell/tsh.c)" -gt "$(grep -c 'tsh_line_free(&line);' "$L/tsh.c")"
make --no-print-directory debug LAB=shell ONLY=basic-foreground TOOL=valgrind SUB="$L" >"$O/vg.txt" 2>&1
log=$(sed -n "s/^grader: valgrind's log of tsh is //p" "$O/vg.txt")
check "TOOL=valgrind names its log" test -n "$log" -a -f "$log"
check "the log is valgrind's on tsh, not on the driver" grep -q 'Command: .*/tsh -p' "${log:-/dev/null}"
check "a leaking tsh shows its leak" grep -q 'definitely lost' "${log:-/dev/null}"
make --no-print-directory debug LAB=shell ONLY=basic-foreground TOOL=valgrind SUB=solutions/shell \
    >"$O/vg-ok.txt" 2>&1
log=$(sed -n "s/^grader: valgrind's log of tsh is //p" "$O/vg-ok.txt")
check "the solution shows no leak" test -f "$log" -a -z "$(grep 'definitely lost: [1-9]' "$log")"
make --no-print-directory debug LAB=shell ONLY=basic-foreground TOOL=gdb SUB=solutions/shell \
    >"$O/gdb.txt" 2>&1
log=$(sed -n "s/^grader: gdb's log of tsh is //p" "$O/gdb.txt")
if [ -n "$log" ] && grep -q 'ptrace: Operation not permitted' "$log" 2>/dev/null; then
    skip_or_fail PTRACE "TOOL=gdb attaches to tsh" "gdb may not attach here" "$ENABLE_PTRACE"
else
    check "TOOL=gdb: gdb ran tsh to its end (its log: ${log:-none})" grep -q 'exited normally' "${log:-/dev/null}"
    check "TOOL=gdb: the trace still passes under gdb" grep -q 'the shell exited with status 0' "$O/gdb.txt"
fi

echo "make grade over several labs ends with a summary"
labs=$(for l in memlock deadlock prodcons; do [ -f "labs/$l/lab.ini" ] && echo "$l"; done | head -n 2 | tr '\n' ' ')
if [ "$(wc -w <<<"$labs")" -ge 2 ]; then
    make --no-print-directory grade LAB="$labs" >"$O/grade.txt" 2>&1
    check "a Summary with one line per lab and the total" \
        test "$(sed -n '/^Summary$/,$p' "$O/grade.txt" | grep -c '^  [a-z]')" -eq 3
    check "the total line" grep -q '^  total .*/.* (.*%)$' "$O/grade.txt"
    for l in $labs; do
        check "$l: the report to open in a browser, named" grep -q "build/results/$l/report.html" "$O/grade.txt"
        check "$l: ... and written" test -s "build/results/$l/report.html"
    done
fi

echo "docker-shell without a terminal"
docker/shell.sh </dev/null >"$O/shell.txt" 2>&1
expect_eq "exit status" 1 $?
check "it says how to use it" grep -q 'run it in a terminal' "$O/shell.txt"

finish
