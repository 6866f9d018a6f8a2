#!/usr/bin/env bash
# run.sh - PrairieLearn's external-grader entrypoint (/grade/tests/run.sh):
# grades the files in /grade/student with the kit in /grade/tests/kit
# (hidden tests included) and writes /grade/results/results.json in
# PrairieLearn's format. A submission that does not build, lacks files or
# cannot be graded at all is "gradable": false: PrairieLearn then neither
# scores it nor counts the attempt, and shows the reason and the
# compiler's errors. /grade/tests may be read-only: the grader is the
# oslabs image's own when built from the same sources, else built in /tmp.
set -uo pipefail
tests=$(cd "$(dirname "$0")" && pwd)
kit=$tests/kit
grade=$(dirname "$tests")
# shellcheck disable=SC1091  # docker/bundles/common.sh, copied by bundle.sh
. "$kit/oslabs-bundle.sh"

mkdir -p "$grade/results"
work=$(mktemp -d)
export OSLABS_ROOT=$kit
bundle_protect "$kit"
bundle_hidden "$kit"
status=1
if grader=$(bundle_grader "$kit" 2>"$work/log"); then
    "$grader" run "$BUNDLE_LAB" --submission "$grade/student" "${BUNDLE_HIDDEN[@]}" \
        --json "$work/results.json" >/dev/null 2>>"$work/log"
    status=$?
fi

if [ $status -eq 0 ] && jq -f "$tests/results.jq" "$work/results.json" >"$work/pl.json"; then
    mv "$work/pl.json" "$grade/results/results.json"
else
    jq -n --rawfile log "$work/log" '{gradable: false,
        message: "The autograder could not grade this submission; please tell your instructor.",
        format_errors: [$log], output: $log}' >"$grade/results/results.json"
fi
# the grader's own errors, for the job's log; not its report, which
# details the hidden tests
cat "$work/log"
rm -rf "$work"
exit 0
