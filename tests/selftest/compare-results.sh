#!/usr/bin/env bash
# compare-results.sh - proof that a change of the grader changed no verdict:
# two grader binaries grade the same submissions and their results.json are
# compared, submission by submission, apart from what varies from run to run.
#
#   compare-results.sh BEFORE AFTER [FILTER]   grade with both, then compare
#   compare-results.sh grade GRADER DIR [FILTER]   grade with one, into DIR
#   compare-results.sh diff DIR_A DIR_B            compare two DIRs
#   compare-results.sh cli BEFORE AFTER            the other commands' output
#
# BEFORE is e.g. a build of the commit before the change:
#   git worktree add /tmp/old COMMIT && make -C /tmp/old/grader
#   cp /tmp/old/build/grader build/grader-before
# (a grader binary finds the kit above itself, so keep both in build/).
#
# Submissions: every solution and every skeleton (all tests), every mutant
# (tests/mutants/LAB/NAME.patch applied with patch -p1 to a copy of
# solutions/LAB, graded --only its Must-fail tests, as labs.sh does) and the
# fixture lab (good, broken and empty submissions, its hidden tests, a flaky
# test under --repeat). FILTER is a grep -E pattern on the submission's id
# (solution/shell, skeleton/fsync, mutant/deadlock/global-lock, fixture/good).
#
# Two comparisons per submission. The verdicts must be the same: the
# score, the build, and per test its outcome, score, status, runs and
# passes. The whole report is then compared with what varies between two
# runs of one binary taken out: every time (execution_time, build_time,
# each test's time and total_time), and in outputs numbers of seconds or
# milliseconds, hexadecimal addresses, LWP and pthread ids in backtraces,
# the "[the sandbox killed N processes left running]" line (a timeout races
# the processes' own end), the first uid of the range this grader process
# claimed (another grader may hold the first), the work directory's random
# name, valgrind's count of errors and the "[truncated N bytes]" count. A
# report that still differs is listed as OUTPUT: a race test's evidence
# (which interleaving crashsim or helgrind met first) can differ between
# two runs of the same binary, so grade those again with BEFORE.
#
# `cli` runs the commands that grade nothing (list, check, config, usage
# and setup errors of run, debug, batch and merge) with both binaries and
# compares their stdout, stderr and exit status exactly.
#
# Racy mutants can get a different verdict in two runs of the same binary;
# grade the differing ones again with BEFORE (FILTER = their ids) to tell
# noise from change. Runs at nice 10; OUT (default build/compare) holds the
# copies of the mutants and each side's results, one .json per submission.
set -uo pipefail
cd "$(dirname "$0")/../.."

OUT=${OUT:-build/compare}
FIX=grader/tests/fixtures/kinds
LABS=${LABS:-shell prodcons deadlock pimutex memlock fsync}

# The tests a mutant must fail, from its "Must-fail:" header line.
must_fail() {
    sed -n '/^--- /q; s/^Must-fail:[[:space:]]*//p' "$1" | tr -s ' \t' '  '
}

# Every submission, one line each: ID LAB SUBMISSION-DIR EXTRA-ARGS...
submissions() {
    local lab p name
    for lab in $LABS; do
        echo "solution/$lab $lab solutions/$lab"
        echo "skeleton/$lab $lab skeletons/$lab"
    done
    for lab in $LABS; do
        for p in tests/mutants/$lab/*.patch; do
            name=$(basename "$p" .patch)
            echo "mutant/$lab/$name $lab $OUT/subs/$lab/$name --only $(must_fail "$p" | sed 's/ *$//; s/ /,/g')"
        done
    done
    echo "fixture/good $FIX $FIX/sub-good"
    echo "fixture/broken $FIX $FIX/sub-broken"
    echo "fixture/empty $FIX $FIX/sub-empty"
    echo "fixture/hidden $FIX $FIX/sub-good --hidden grader/tests/fixtures/kinds-hidden --only answer-is-42,hidden-answer,hidden-trace"
    echo "fixture/flaky $FIX $FIX/sub-good --only flaky --repeat 4"
}

# The patched copies of the solutions, made once and shared by both sides
# (a submission's path is part of its report).
make_mutants() {
    local lab p name dir
    for lab in $LABS; do
        for p in tests/mutants/$lab/*.patch; do
            name=$(basename "$p" .patch)
            dir=$OUT/subs/$lab/$name
            [ -f "$dir/.patched" ] && continue
            rm -rf "$dir" && mkdir -p "$dir" && cp -r "solutions/$lab/." "$dir/"
            if patch -s -p1 -N -d "$dir" <"$p" >/dev/null 2>&1; then
                touch "$dir/.patched"
            else
                echo "compare-results: $p does not apply" >&2
            fi
        done
    done
}

# grade GRADER DIR [FILTER]: DIR/ID.json for every submission.
grade() {
    local grader=$1 dir=$2 filter=${3:-.} id lab sub extra n=0 start
    make_mutants
    submissions | while read -r id lab sub extra; do
        grep -Eq -- "$filter" <<<"$id" || continue
        mkdir -p "$dir/$(dirname "$id")"
        # --only A,B becomes --only "A B" (one word for the grader)
        # shellcheck disable=SC2086
        set -- $extra
        local args=()
        while [ $# -gt 0 ]; do
            case $1 in --only) args+=(--only "${2//,/ }"); shift 2 ;; *) args+=("$1"); shift ;; esac
        done
        start=$(date +%s)
        nice -n 10 "$grader" run "$lab" --submission "$sub" "${args[@]}" \
            --json "$dir/$id.json" >"$dir/$id.txt" 2>&1
        echo "$?" >"$dir/$id.status"
        n=$((n + 1))
        echo "$n $id exit $(cat "$dir/$id.status") ($(($(date +%s) - start)) s)"
    done
}

# The verdicts alone: the score, and per test its outcome, score, status,
# runs and passes; the build; nothing that a run may vary.
verdicts() {
    jq -S '{score, build: .extra_data.build, max: .extra_data.max_score,
            skipped_points: .extra_data.skipped_points, problem: .extra_data.problem,
            tests: [.tests[] | {name, score, max_score, status, visibility, tags,
                                outcome: .extra_data.outcome, runs: .extra_data.runs,
                                passed_runs: .extra_data.passed_runs}]}' "$1"
}

# The whole report with what varies from run to run taken out.
normal() {
    jq -S '
        def clean: gsub("\\[the sandbox killed [0-9]+ process(es)? left running\\]\n"; "")
            | gsub("[0-9]+(\\.[0-9]+)? ?(s|ms|seconds)\\b"; "N s")
            | gsub("0x[0-9a-fA-F]+"; "0xADDR")
            | gsub("\\(LWP [0-9]+\\)"; "(LWP N)") | gsub("threadid=[0-9]+"; "threadid=N")
            | gsub("uids from [0-9]+"; "uids from N")
            | gsub("/tmp/oslabs-[A-Za-z0-9_.-]+-[A-Za-z0-9]{6}"; "/tmp/oslabs-WORK")
            | gsub("found [0-9]+ error"; "found N error")
            | gsub("truncated [0-9]+ bytes"; "truncated N bytes");
        walk(if type == "object" then del(.execution_time, .build_time, .time, .total_time)
             elif type == "string" then clean else . end)' "$1"
}

# diff DIR_A DIR_B: a line per submission whose verdicts differ (VERDICT)
# or, the verdicts alike, whose normalised report differs (OUTPUT: compare
# with two runs of one binary before blaming the change), and a summary.
compare() {
    local a=$1 b=$2 f id same=0 output=0 verdict=0 missing=0
    while read -r f; do
        id=${f#"$a"/}
        id=${id%.json}
        if [ ! -f "$b/$id.json" ]; then
            echo "MISSING  $id (only in $a)"
            missing=$((missing + 1))
        elif ! diff -q <(verdicts "$a/$id.json") <(verdicts "$b/$id.json") >/dev/null; then
            echo "VERDICT  $id: scores $(jq .score "$a/$id.json") vs $(jq .score "$b/$id.json")"
            diff <(verdicts "$a/$id.json") <(verdicts "$b/$id.json") | grep '^[<>]' | head -6 |
                sed 's/^/    /'
            verdict=$((verdict + 1))
        elif diff -q <(normal "$a/$id.json") <(normal "$b/$id.json") >/dev/null; then
            same=$((same + 1))
        else
            echo "OUTPUT   $id: $(diff <(normal "$a/$id.json") <(normal "$b/$id.json") |
                grep -c '^>') test output(s) differ, verdicts alike"
            output=$((output + 1))
        fi
    done < <(find "$a" -name '*.json' | sort)
    for f in $(find "$a" -name '*.status' | sort); do
        id=${f#"$a"/}
        [ "$(cat "$f")" = "$(cat "$b/$id" 2>/dev/null)" ] ||
            echo "EXIT     ${id%.status}: $(cat "$f") vs $(cat "$b/$id" 2>/dev/null)"
    done
    echo "compare-results: $((same + output)) same verdicts ($same same reports," \
        "$output with other output), $verdict other verdicts, $missing missing ($a vs $b)"
    [ "$verdict" -eq 0 ] && [ "$missing" -eq 0 ]
}

# cli BEFORE AFTER: every command that grades nothing, output and status alike.
cli() {
    local f=$FIX c a b same=0 differ=0
    local cmds=("config shell container" "config shell files" "config shell title" "config shell nokey"
        "list $f" "check $f" "list shell" "check shell" "list no-such-lab" "run no-such-lab"
        "run $f --only no-such-test" "run $f --submission $f/lab.ini" "run $f --jobs zero"
        "run $f --repeat 0" "run $f --hidden /nonexistent" "list $f --hidden /nonexistent"
        "frobnicate" "--help" "" "run" "list $f extra" "batch" "batch shell /nonexistent --out $OUT/cli-batch"
        "batch shell tests --out $OUT/cli-batch --jobs 99" "batch shell tests --out $OUT/cli-batch --shard 3/2"
        "merge" "merge /nonexistent" "debug $f trace-pids --tool foo" "debug $f no-such-test --tool none")
    for c in "${cmds[@]}"; do
        # shellcheck disable=SC2086
        a=$("$1" $c 2>&1; echo "exit $?")
        # shellcheck disable=SC2086
        b=$("$2" $c 2>&1; echo "exit $?")
        if [ "$a" = "$b" ]; then
            same=$((same + 1))
        else
            echo "DIFFERS  grader $c:"
            diff <(echo "$a") <(echo "$b") | sed 's/^/    /' | head -10
            differ=$((differ + 1))
        fi
    done
    echo "compare-results: cli: $same same, $differ differ"
    [ "$differ" -eq 0 ]
}

case ${1:-} in
    grade)
        [ $# -ge 3 ] || { echo "usage: $0 grade GRADER DIR [FILTER]" >&2; exit 1; }
        mkdir -p "$3" && echo "$2" >"$3/grader"
        grade "$2" "$3" "${4:-.}"
        ;;
    diff)
        [ $# -eq 3 ] || { echo "usage: $0 diff DIR_A DIR_B" >&2; exit 1; }
        compare "$2" "$3"
        ;;
    cli)
        [ $# -eq 3 ] || { echo "usage: $0 cli BEFORE AFTER" >&2; exit 1; }
        cli "$2" "$3"
        ;;
    '' | -h | --help)
        sed -n '2,/^set -uo/p' "$0" | sed '$d; s/^# \{0,1\}//'
        exit 1
        ;;
    *)
        [ $# -ge 2 ] || { echo "usage: $0 BEFORE AFTER [FILTER]" >&2; exit 1; }
        mkdir -p "$OUT/before" "$OUT/after"
        echo "$1" >"$OUT/before/grader" && echo "$2" >"$OUT/after/grader"
        grade "$1" "$OUT/before" "${3:-.}" && grade "$2" "$OUT/after" "${3:-.}"
        compare "$OUT/before" "$OUT/after" && cli "$1" "$2"
        ;;
esac
