#!/usr/bin/env bash
# fixtures.sh - the grader against its fixture lab: every kind of test and
# every way a test can end gets exactly the expected verdict, in all three
# report formats; nothing the tests started survives them; bad input gives
# a clear error.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

F=grader/tests/fixtures/kinds
O=$OUT/fixtures
rm -rf "$O" && mkdir -p "$O"

echo "fixture lab: every kind and failure mode"
start=$(date +%s%N)
OSLABS_PRETEND_MISSING=sqlite3 $GRADER run $F --submission $F/sub-good \
    --json $O/good.json --junit $O/good.xml --autolab >$O/good.txt 2>$O/good.err
expect_eq "grader exit status" 0 $?
echo "  (graded in $((($(date +%s%N) - start) / 1000000)) ms)"

check "results.json matches Gradescope's schema" validate_results_json $O/good.json
check "junit.xml is well-formed" xmllint --noout $O/good.xml
autolab=$(tail -n 1 $O/good.txt)

while IFS=$'\t' read -r name outcome score; do
    case "$name" in '#'* | '') continue ;; esac
    got=$(jq -r --arg n "$name" '.tests[] | select(.name == $n) | "\(.extra_data.outcome) \(.score)"' $O/good.json)
    expect_eq "json: $name" "$outcome $score" "$got"
    failures=$(xmllint --xpath "count(//testcase[@name='$name']/failure)" $O/good.xml)
    skips=$(xmllint --xpath "count(//testcase[@name='$name']/skipped)" $O/good.xml)
    want_f=0; want_s=0
    [ "$outcome" = failed ] && want_f=1
    [ "$outcome" = skipped ] && want_s=1
    expect_eq "junit: $name" "$want_f $want_s" "$failures $skips"
    expect_eq "autolab: $name" "$score" "$(echo "$autolab" | jq -r --arg n "$name" '.scores[$n]')"
done <$F/expected.tsv

total=$(awk -F'\t' '!/^#/ && NF == 3 {s += $3} END {print s}' $F/expected.tsv)
expect_eq "json: total score" "$total" "$(json $O/good.json .score)"

echo "a sandbox weaker than namespaces says so"
OSLABS_NO_NAMESPACES=1 $GRADER run $F --submission $F/sub-good --only answer-is-42 \
    --json $O/weak.json >/dev/null 2>$O/weak.err
rc=$?
expect_eq "without namespaces: exit 0, the same score" \
    "0 $(json $O/good.json '.tests[] | select(.name == "answer-is-42") | .score')" \
    "$rc $(json $O/weak.json .score)"
check "  ... one line says what that sandbox does not contain" grep -q \
    "^grader: sandbox weaker than namespaces: a test here can read the kit's solutions" $O/weak.err
expect_eq "  ... once" 1 "$(grep -c "weaker than namespaces" $O/weak.err)"
if has_layer pid && has_layer net && has_layer mount; then
    expect_eq "with pid, net and mount namespaces: no such line" 0 \
        "$(grep -c "weaker than namespaces" $O/good.err)"
fi

t=$(json $O/good.json '.tests[] | select(.name == "sleep-forever") | .extra_data.time')
check "a 2 s timeout ends the test in under 3 s (took ${t}s)" awk -v t="$t" 'BEGIN { exit !(t < 3) }'
hang=$(json $O/good.json '.tests[] | select(.name == "hang-threads") | .output')
if ! grep -q 'blocked_worker' <<<"$hang" && grep -q 'ptrace: Operation not permitted' <<<"$hang"; then
    skip_or_fail PTRACE "a hung test shows the function its threads block in" \
        "gdb may not attach to a test here (ptrace: Operation not permitted)" "$ENABLE_PTRACE"
else
    check "a hung test shows the function its threads block in" grep -q 'blocked_worker' <<<"$hang"
fi
check "a flood is cut with a [truncated N bytes] marker" \
    grep -q 'truncated' <(json $O/good.json '.tests[] | select(.name == "output-flood") | .output')
# test_out NAME / test_time NAME: its report, and its seconds, from good.json
test_out() { json $O/good.json ".tests[] | select(.name == \"$1\") | .output"; }
test_time() { json $O/good.json ".tests[] | select(.name == \"$1\") | .extra_data.time"; }
under() { awk -v t="$1" -v m="$2" 'BEGIN { exit !(t < m) }'; }
t=$(test_time flood-forever)
check "an endless flood ends at the output cap, long before its 20 s timeout (${t}s)" under "$t" 3
check "its reason says it wrote too much and was stopped" \
    grep -q 'wrote more than 64 KiB of output.*stopped there' <(test_out flood-forever)
# Hang detection reads each thread's /proc/PID/syscall, which needs the
# right to ptrace the test (a plain container, without namespaces, lacks it
# for the tests' uids): there a hung test
# waits for its timeout, as before.
if has_layer namespaces; then
    want_hung=hung
    t=$(test_time hang-deadlock)
    check "a deadlock ends as hung, long before its 20 s timeout (${t}s)" under "$t" 8
    check "its reason names the wait (futex, no timeout)" \
        grep -q '^Result: hung: .*2 of misbehave in futex' <(test_out hang-deadlock)
    t=$(test_time hang-read-stdin)
    check "a child blocked reading its stdin, its parent in waitpid: hung (${t}s)" under "$t" 8
    check "its reason names the child's read on fd 0" grep -q 'cat in read on fd 0' <(test_out hang-read-stdin)
    check "and the parent's waitpid" grep -q 'misbehave in wait4' <(test_out hang-read-stdin)
    t=$(test_time hang-driver)
    check "hang = driver: a driver polling with a timeout on a hung child is hung (${t}s)" under "$t" 8
    check "the backtrace is the child's, not the driver's" \
        awk '/"cat"/ { c = 1 } /"misbehave"/ { m = 1 } END { exit !(c && !m) }' <(test_out hang-driver)
else
    want_hung="timed out"
    skip_or_fail PTRACE "hang detection: a deadlock, a read on stdin, the driver rule end as hung" \
        "the grader may not read a test's /proc/PID/syscall here (no ptrace)" "$ENABLE_PTRACE"
fi
check "with hang = off the same deadlock waits for its 3 s timeout" \
    grep -q 'timed out after 3.0 s' <(test_out hang-off)
t=$(test_time hang-timed-waits)
check "3 s of timed waits (sleep, cond_timedwait) are not cut as hung (${t}s, passed)" \
    awk -v t="$t" 'BEGIN { exit !(t >= 3) }'
check "a skipped test says why and how to enable it" \
    grep -q 'OSLABS_PRETEND_MISSING' <(json $O/good.json '.tests[] | select(.name == "needs-sqlite") | .output')
check "a failure names the command that reruns it" \
    grep -q -- '--only trace-diff' <(json $O/good.json '.tests[] | select(.name == "trace-diff") | .output')
check "a trace failure shows a unified diff" \
    grep -q -- '-not ok' <(json $O/good.json '.tests[] | select(.name == "trace-diff") | .output')
output_of() { json $O/good.json ".tests[] | select(.name == \"$1\") | .output"; }
check "a check failure shows the test's hint" grep -q "^Hint: The fixture's own" <(output_of wrong-answer)
for t in segfault sleep-forever needs-failed; do
    check "$t: the fixed hint is not shown" bash -c "! grep -q 'Never shown\|Its own hint' <<<\"\$1\"" _ "$(output_of $t)"
done
check "a crash points to the debugger instead" grep -q '^Hint: it crashed.*--tool gdb' <(output_of segfault)
check "a timeout points to the debugger instead" grep -q '^Hint: it did not finish in time' <(output_of sleep-forever)

echo "a fault of the machine is never the student's"
OSLABS_PRETEND_MACHINE_FAULT="answer-is-42 wrong-answer" $GRADER run $F --submission $F/sub-good \
    --only answer-is-42 --only needs-failed --only wrong-answer --json $O/machine.json >$O/machine.txt 2>&1
machine_out() { json $O/machine.json ".tests[] | select(.name == \"$1\") | .output"; }
check "the test's result says the machine, not the code" \
    grep -q '^Result: error (environment): the machine, not your code: fork' <(machine_out answer-is-42)
check "  ... with no hint about the code, only to grade again" \
    bash -c "grep -q '^Hint: nothing to fix in your code' <<<\"\$1\" && ! grep -q \"The fixture's own\" <<<\"\$1\"" _ "$(machine_out wrong-answer)"
check "  ... marked in results.json (the test, and the run's environment_error)" \
    test "$(json $O/machine.json '.tests[] | select(.name == "answer-is-42") | .extra_data.environment_error')" = true \
    -a "$(json $O/machine.json .extra_data.environment_error)" = "answer-is-42: fork: Resource temporarily unavailable (OSLABS_PRETEND_MACHINE_FAULT)"
check "  ... and in the summary line" grep -q 'error (environment): 2 tests failed by the machine' $O/machine.txt
check "a test that needs it is not told to fix it first" \
    bash -c "! grep -q 'answer-is-42 failed' <<<\"\$1\"" _ "$(machine_out needs-failed)"
check "PrairieLearn: not gradable, no attempt used" \
    test "$(jq -c -f docker/bundles/prairielearn/results.jq $O/machine.json | jq -r '.gradable')" = false
check "a failed need comes first in the result" \
    grep -q '^Result: the answer is wrong: wrong-answer failed; fix that first. Here: exited with status 1' \
    <(output_of needs-failed)
check "a passed need is not named" bash -c "! grep -q 'answer-is-42 failed' <<<\"\$1\"" _ "$(output_of needs-failed)"
check "an empty harness message gives way to the cause above it" \
    grep -q '^Result: expected 1 item, actual 2 (tests/test_answer.c:[0-9]*)' <(output_of empty-message)
check "grader list shows what a test needs" grep -q '^needs-failed .* wrong-answer,answer-is-42' <($GRADER list $F)
ended_of() { json $O/good.json ".tests[] | select(.name == \"$1\") | .extra_data.ended"; }
expect_eq "how each test ended (extra_data.ended)" \
    "passed failed killed by signal 11|timed out|$want_hung|output cap|skipped" \
    "$(ended_of answer-is-42) $(ended_of wrong-answer) $(ended_of segfault)|$(ended_of sleep-forever)|$(ended_of hang-deadlock)|$(ended_of flood-forever)|$(ended_of cmocka-skip)"
check "what a test used: CPU seconds and peak memory (memcheck-clean)" \
    json $O/good.json '.tests[] | select(.name == "memcheck-clean") | .extra_data |
        (.cpu_time > 0.05 and .peak_memory_kb > 10000) or error("no usage")'
check "the report names the sandbox layer" test -n "$(json $O/good.json .extra_data.sandbox)"
check "no daemon, stopped child or fork-bomb process outlives its test" \
    test -z "$(pgrep -f '[o]slabs-fixture-marker|[m]isbehave (forkbomb|daemons)')"

echo "repeat: a flaky test is caught and counted"
$GRADER run $F --submission $F/sub-good --only flaky --repeat 4 --json $O/flaky.json >/dev/null 2>&1
expect_eq "flaky under --repeat 4" "failed 0" "$(json $O/flaky.json '.tests[0] | "\(.extra_data.outcome) \(.score)"')"
check "the report says passed 2/4" grep -q 'passed 2/4' <(json $O/flaky.json '.tests[0].output')
expect_eq "each run's own score (extra_data.run_scores)" "[1,0,1,0]" "$(jq -c .extra_data.run_scores $O/flaky.json)"

echo "needs: --only a test without the tests it needs runs it plainly (an exec test's result: its exit status, then the first line its program said, its paths as in lab.ini)"
$GRADER run $F --submission $F/sub-good --only needs-failed --json $O/needs.json >/dev/null 2>&1
expect_eq "its result is its own" \
    "Result: exited with status 1 (expected 0): misbehave: exit 1 as asked, in ./here" \
    "$(json $O/needs.json '.tests[0].output' | grep '^Result:')"
check "and its own hint is shown" grep -q '^Hint: Its own hint' <(json $O/needs.json '.tests[0].output')

echo "serial tests run alone"
$GRADER run $F --submission $F/sub-good --only "serial-a serial-b" --jobs 2 --json $O/serial.json >/dev/null 2>&1
t=$(json $O/serial.json '.execution_time - .extra_data.build_time')
check "two 1 s serial tests take at least 2 s with 2 jobs (took ${t}s after the build)" \
    awk -v t="$t" 'BEGIN { exit !(t >= 2.0) }'

echo "hidden tests"
$GRADER run $F --submission $F/sub-good --hidden $F/hidden \
    --only "answer-is-42 hidden-answer hidden-trace" --json $O/hidden.json >/dev/null 2>&1
expect_eq "hidden tests are graded with their visibility" \
    "answer-is-42 visible 2|hidden-answer hidden 3|hidden-trace after_due_date 2|" \
    "$(jq -r '.tests[] | "\(.name) \(.visibility) \(.score)"' $O/hidden.json | tr '\n' '|')"
$GRADER run $F --submission $F/sub-good --only hidden-answer >/dev/null 2>&1
expect_eq "without --hidden they do not exist" 1 $?

echo "debugging one test by hand"
$GRADER debug $F trace-pids --tool none --submission $F/sub-good --workdir $O/debug >$O/debug.out 2>$O/debug.err
expect_eq "grader debug exit status" 0 $?
check "the test's program ran in the foreground" grep -q '^\[1\] (' $O/debug.out
check "it names the expected transcript" grep -q 'expected transcript is' $O/debug.err

echo "a submission that does not compile"
$GRADER run $F --submission $F/sub-broken --json $O/broken.json --junit $O/broken.xml >$O/broken.txt 2>&1
expect_eq "grader exit status" 0 $?
expect_eq "score" 0 "$(json $O/broken.json .score)"
check "the compiler's first error is in the report" grep -q "error: expected ';'" <(json $O/broken.json .output)
check "the terminal report shows it too" grep -q "error: expected ';'" $O/broken.txt
expect_eq "every test reported, not run" "$(grep -c $'^[a-z]' $F/expected.tsv)" \
    "$(xmllint --xpath 'count(//testcase/error)' $O/broken.xml)"
check "results.json still matches the schema" validate_results_json $O/broken.json

echo "a submission missing its file"
$GRADER run $F --submission $F/sub-empty --json $O/empty.json >$O/empty.txt 2>&1
expect_eq "grader exit status" 0 $?
expect_eq "score" 0 "$(json $O/empty.json .score)"
check "the report names the missing file" grep -q 'answer.c: missing' <(json $O/empty.json .output)

echo "bad input to the grader"
$GRADER run no-such-lab >/dev/null 2>&1
expect_eq "an unknown lab: exit 1" 1 $?
$GRADER run $F --only no-such-test >/dev/null 2>&1
expect_eq "an unknown test: exit 1" 1 $?
$GRADER run $F --submission $F/lab.ini >/dev/null 2>&1
expect_eq "a submission that is a file: exit 1" 1 $?
$GRADER run $F --jobs zero >/dev/null 2>&1
expect_eq "a bad number: exit 1" 1 $?
$GRADER frobnicate >/dev/null 2>&1
expect_eq "an unknown command: exit 1" 1 $?

echo "bad input: garbage, huge files, odd names, a lab missing pieces"
mkdir -p "$O/garbage" "$O/huge" "$O/-odd"
head -c 20000 /dev/urandom >"$O/garbage/answer.c"
$GRADER run $F --submission "$O/garbage" --json $O/garbage.json --junit $O/garbage.xml >/dev/null 2>&1
expect_eq "binary garbage as source: graded (exit 0)" 0 $?
check "its build failure is in a valid results.json" validate_results_json $O/garbage.json
check "and in a well-formed junit.xml" xmllint --noout $O/garbage.xml
head -c 100000000 /dev/zero | tr '\0' ' ' >"$O/huge/answer.c"
start=$(date +%s)
$GRADER run $F --submission "$O/huge" --json $O/huge.json >/dev/null 2>&1
expect_eq "a 100 MB source file: graded (exit 0)" 0 $?
check "it is refused by size, at once ($(($(date +%s) - start)) s)" \
    grep -q 'answer.c: larger than' <(json $O/huge.json .output)
rm -f "$O/huge/answer.c"
cp $F/sub-good/answer.c "$O/-odd/"
touch "$O/-odd/$(printf 'new\nline')" "$O/-odd/-rf"
grader_abs=$(realpath $GRADER)
(cd "$O" && $grader_abs run "$OLDPWD/$F" --submission -odd --only answer-is-42 --json odd.json >/dev/null 2>&1)
expect_eq "a submission named -odd with odd file names in it" 2 "$(json $O/odd.json .score)"
cp -r $F "$O/no-makefile" && rm "$O/no-makefile/Makefile"
sed -i 's/^name    = kinds/name    = no-makefile/' "$O/no-makefile/lab.ini"
$GRADER run "$O/no-makefile" --submission $F/sub-good --json $O/nomk.json >/dev/null 2>&1
expect_eq "a lab without its Makefile: graded 0 (exit 0)" "0 0" "$? $(json $O/nomk.json .score)"
check "the report says why" grep -q 'No targets\|No rule\|no makefile' <(json $O/nomk.json .output)
mkdir -p "$O/no-manifest"
$GRADER run "$O/no-manifest" --submission $F/sub-good >/dev/null 2>"$O/nomanifest.err"
expect_eq "a lab without lab.ini: exit 1" 1 $?
check "the error names the file" grep -q 'no-manifest/lab.ini' "$O/nomanifest.err"

echo "the grader under valgrind memcheck"
# one log descriptor for the grader and its keepers: a log file path could be
# hidden from a keeper by the private /tmp of its box
valgrind -q --leak-check=full --errors-for-leak-kinds=definite,indirect --error-exitcode=99 \
    --log-fd=9 $GRADER run $F --submission $F/sub-good \
    --only "answer-is-42 wrong-answer hang-threads trace-diff memcheck-leak strace-fsync symbols-must flaky" \
    --only "empty-message needs-failed" \
    --json $O/vg.json --junit $O/vg.xml >/dev/null 2>&1 9>$O/valgrind.log
vg=$?
if [ $vg -eq 139 ] && ! grep -q 'Invalid\|uninitialised\|definitely lost in' $O/valgrind.log &&
    ! has_layer namespaces; then
    # seen in a plain container: valgrind itself dies of SIGSEGV (no report)
    # while following the grader's keepers, which run without namespaces there
    skip_or_fail NAMESPACES "the grader under valgrind memcheck" \
        "valgrind died of SIGSEGV without a report, following a grader without namespaces" \
        "$ENABLE_NAMESPACES"
else
    expect_eq "memcheck exit status" 0 $vg
fi
check "no valgrind error in any process of the grader" test ! -s $O/valgrind.log

finish
