# lib.sh - helpers of the kit's self-test scripts (sourced).
# Every check prints one line; a failed check is counted and the script
# exits non-zero at the end, so one run shows every problem.

# Debian's own tools first (its python3 and python3-jsonschema, as
# grader/deps.sh lists them), whatever else a machine puts first on PATH
case ":$PATH:" in
    :/usr/bin:*) ;;
    *) [ -x /usr/bin/python3 ] && export PATH="/usr/bin:/bin:$PATH" ;;
esac

SELFTEST_FAILED=0
SELFTEST_PASSED=0
GRADER=${GRADER:-build/grader}
OUT=${OUT:-build/selftest}
mkdir -p "$OUT"

if [ -t 1 ]; then RED=$'\033[31m' GREEN=$'\033[32m' RESET=$'\033[0m'; else RED= GREEN= RESET=; fi

ok() {
    SELFTEST_PASSED=$((SELFTEST_PASSED + 1))
    printf '  %sok%s    %s\n' "$GREEN" "$RESET" "$*"
}

bad() {
    SELFTEST_FAILED=$((SELFTEST_FAILED + 1))
    printf '  %sFAIL%s  %s\n' "$RED" "$RESET" "$*"
}

# check DESCRIPTION COMMAND...: ok when the command succeeds.
check() {
    local what=$1
    shift
    if "$@" >/dev/null 2>&1; then ok "$what"; else bad "$what"; fi
}

# expect_eq DESCRIPTION EXPECTED ACTUAL
expect_eq() {
    if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: expected '$2', got '$3'"; fi
}

# json FILE JQ-FILTER: the filter's raw output.
json() {
    jq -r "$2" "$1"
}

# The JSON's per-test fields as "name outcome score" lines.
json_outcomes() {
    jq -r '.tests[] | "\(.name)\t\(.extra_data.outcome)\t\(.score)"' "$1"
}

validate_results_json() {
    python3 - "$1" grader/tests/gradescope-schema.json <<'PY'
import json, sys
import jsonschema
jsonschema.validate(json.load(open(sys.argv[1])), json.load(open(sys.argv[2])))
PY
}

finish() {
    echo "  $SELFTEST_PASSED passed, $SELFTEST_FAILED failed"
    [ "$SELFTEST_FAILED" -eq 0 ]
}

# engine_or_skip WHAT: 0 when a container engine works; else WHAT is
# skipped, loudly (a failure under OSLABS_REQUIRE_CONTAINERS=1, as in CI).
engine_or_skip() {
    docker/engine.sh >/dev/null 2>&1 && return 0
    if [ "${OSLABS_REQUIRE_CONTAINERS:-0}" = 1 ]; then
        bad "no container engine works here (docker/engine.sh)"
    else
        echo "  SKIP  no container engine works here: $1 did not run"
    fi
    return 1
}
