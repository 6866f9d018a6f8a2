#!/usr/bin/env bash
# lint.sh - the kit's C is clang-format clean (the repo's .clang-format)
# and cppcheck clean. Student-facing code included: students copy it.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
    mapfile -t files < <(git ls-files -co --exclude-standard -- '*.c' '*.h' | grep -v '^build/')
else
    # a copy of the kit without its history: every C file but the build's
    mapfile -t files < <(find . -path ./build -prune -o -type f \( -name '*.c' -o -name '*.h' \) -print |
        sed 's|^\./||' | sort)
fi
unformatted=()
for f in "${files[@]}"; do
    [ -f "$f" ] || continue
    clang-format --dry-run --Werror "$f" >/dev/null 2>&1 || unformatted+=("$f")
done
if [ ${#unformatted[@]} -eq 0 ]; then
    ok "clang-format: ${#files[@]} files"
else
    bad "clang-format: ${unformatted[*]} (run: clang-format -i FILE)"
fi

if cppcheck --quiet --error-exitcode=1 --enable=warning,performance,portability \
    --std=c11 --inline-suppr --suppress=missingIncludeSystem \
    -I grader/src grader/src >"$OUT/cppcheck.txt" 2>&1; then
    ok "cppcheck: grader/src"
else
    bad "cppcheck: grader/src (see $OUT/cppcheck.txt)"
fi
finish
