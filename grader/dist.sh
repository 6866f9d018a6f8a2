#!/usr/bin/env bash
# dist.sh OUT - the student handout repository, in OUT (empty or absent):
# the labs without their hidden tests, the skeletons, the grader, the
# container files, the students' README.md (grader/dist/README.md) and a
# GitHub Actions workflow that grades every push. Never the solutions,
# mutants, adversarial submissions, the kit's self-test or benchmarks,
# hidden tests, platform bundles, git history or build outputs. The
# Makefile's maintainer targets (test, bench, soak, lint, dist, the
# bundles) only say so there. Nothing is committed: that is the
# instructor's step.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -ne 1 ]; then
    echo "usage: grader/dist.sh OUT" >&2
    exit 1
fi
out=$1
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null || echo not-a-dir)" ]; then
    echo "oslabs: $out exists and is not empty: give an empty or new directory" >&2
    exit 1
fi
mkdir -p "$out"

tar -c --exclude='*.o' --exclude='*.d' --anchored \
    --exclude='labs/*/hidden' --exclude=grader/dist.sh --exclude=grader/dist --exclude=grader/new-lab.sh \
    --exclude=docker/bundle.sh --exclude=docker/bundles \
    --exclude=docker/k8s --exclude=docker/slurm \
    labs skeletons grader docker .devcontainer \
    .clang-format .dockerignore .editorconfig .gitignore Makefile | tar -C "$out" -x
cp grader/dist/README.md "$out/README.md"
# a lab's Makefile includes ../common/lab.mk, as the grader stages it
ln -s ../grader/harness "$out/labs/common"
mkdir -p "$out/.github/workflows"
cp grader/dist/grade.yml "$out/.github/workflows/grade.yml"

# Each maintainer target keeps its name but only explains: its scripts
# are not in the handout. make deps installs what grading needs, not the
# self-test's tools.
awk '
    { sub(/deps\.sh install test/, "deps.sh install grade") }
    /^(test|bench|soak|lint|dist|gradescope|prairielearn|autolab|new-lab)( [a-z]+)*:/ {
        sub(/:.*/, ":")
        print
        print "\t@echo \"oslabs: make $@ is a tool of the kit'"'"'s maintainers, not part of the student handout;\"; \\"
        print "\t echo \"oslabs: grade your work with: make grade LAB=lab (see README.md)\"; exit 1"
        skip = 1
        next
    }
    skip && /^\t/ { next }
    { skip = 0; print }
' Makefile >"$out/Makefile"

echo "oslabs: the student handout is in $out. Next:"
echo "  cd $out && make grade LAB=shell        # check it: the skeletons build and score"
echo "  git init && git add -A && git commit -m 'Lab handout'   # then publish it (e.g. a GitHub template repository)"
