#!/usr/bin/env bash
# run.sh LAB... - the kit's self-test after the grader's unit tests: the
# fixture lab, then every lab present, then style.
set -uo pipefail
cd "$(dirname "$0")/../.."

status=0
start=$(date +%s)
echo "== grader fixtures"
tests/selftest/fixtures.sh || status=1
if [ $# -gt 0 ]; then
    echo "== labs: $*"
    tests/selftest/labs.sh "$@" || status=1
else
    echo "== labs: none has landed yet"
fi
echo "== rules, handouts and skeletons"
tests/selftest/rules.sh "$@" || status=1
echo "== adversarial submissions"
tests/selftest/adversarial.sh || status=1
echo "== containers"
tests/selftest/containers.sh "$@" || status=1
echo "== batch grading"
tests/selftest/batch.sh "$@" || status=1
echo "== the Slurm template on a real one-node Slurm"
tests/selftest/slurm.sh || status=1
echo "== pages to look at (HTML reports in headless Chromium)"
tests/selftest/html.sh || status=1
echo "== similar submissions (grader similarity)"
tests/selftest/similarity.sh "$@" || status=1
echo "== the class across labs (grader gradebook, LMS imports)"
tests/selftest/gradebook.sh || status=1
echo "== a class in one command (12 student repositories, batch --repos --similarity)"
tests/selftest/class.sh || status=1
echo "== student handout (make dist)"
tests/selftest/dist.sh || status=1
echo "== platform bundles"
tests/selftest/bundles.sh "$@" || status=1
echo "== a newcomer's first hour: make build, make debug, the grade summary"
tests/selftest/firsthour.sh || status=1
echo "== docs: every command the docs show"
tests/selftest/docs.sh --selftest || status=1
tests/selftest/docs.sh || status=1
echo "== style"
tests/selftest/lint.sh || status=1
echo "== self-test $([ $status -eq 0 ] && echo passed || echo FAILED) in $(($(date +%s) - start)) s"
exit $status
