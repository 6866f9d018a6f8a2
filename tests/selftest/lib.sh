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

# skip_or_fail LAYER WHAT WHY HOW: a check this machine cannot run, for want
# of LAYER (NAMESPACES, CGROUPS, PTRACE, RT, CONTAINERS). Printed as SKIP
# with the reason and what enables it; a failure when OSLABS_REQUIRE_LAYER=1
# (CI's host run sets them all, so nothing is lost there).
skip_or_fail() {
    local var=OSLABS_REQUIRE_$1
    if [ "${!var:-0}" = 1 ]; then
        bad "$2: $3 ($var=1 requires it)"
    else
        echo "  SKIP  $2: $3${4:+; to run it: $4}"
    fi
}

# skip_for REASON WHAT: skip_or_fail with the layer REASON names
# (SCHED_FIFO, ptrace, namespaces, cgroup), for checks skipped by a lab or
# the grader with their own reason (which says how to enable it).
skip_for() {
    local layer=OTHER
    case "$1" in
        *SCHED_FIFO* | *real-time* | *sched_fifo*) layer=RT ;;
        *ptrace*) layer=PTRACE ;;
        *namespace*) layer=NAMESPACES ;;
        *cgroup*) layer=CGROUPS ;;
    esac
    skip_or_fail "$layer" "$2" "$1" ""
}

# sandbox_layer: the grader's sandbox on this machine (grader probe), e.g.
# "pid+net+mount+ipc namespaces, per-slot uids from 62000, cgroup v1 memory+pids"
sandbox_layer() {
    if [ -z "${SANDBOX_LAYER:-}" ]; then
        SANDBOX_LAYER=$($GRADER probe 2>/dev/null | sed -n 's/^sandbox: //p')
        export SANDBOX_LAYER
    fi
    echo "$SANDBOX_LAYER"
}

# has_layer WORD: the sandbox has that layer (net, mount, memory, disk, ...)
has_layer() {
    case "$(sandbox_layer)" in
        "no namespaces"*) [ "$1" = namespaces ] && return 1 ;;
        *namespaces*) [ "$1" = namespaces ] && return 0 ;;
    esac
    case "$1" in
        net | mount | pid | ipc) sandbox_layer | grep -q "[+ ]$1[+ ].*namespaces\|^$1[+ ].*namespaces" ;;
        memory | pids) sandbox_layer | grep -q "cgroup.*$1" ;;
        disk) sandbox_layer | grep -q "a disk quota per test" ;;
        *) return 1 ;;
    esac
}

ENABLE_NAMESPACES="run as root on a host (or a container started with --privileged), or allow unprivileged user namespaces (sysctl kernel.unprivileged_userns_clone=1)"
ENABLE_DISK_QUOTA="run the grader as root where it can create mount namespaces (a host, or a container started with --privileged)"
ENABLE_CGROUPS="run as root on a host with the cgroup memory and pids controllers (or a container started with --privileged --cgroupns host)"
ENABLE_PTRACE="run on a host, or start the container with --cap-add SYS_PTRACE"

# engine_or_skip WHAT: 0 when a container engine works; else WHAT is
# skipped, loudly (a failure under OSLABS_REQUIRE_CONTAINERS=1, as in CI).
engine_or_skip() {
    docker/engine.sh >/dev/null 2>&1 && return 0
    skip_or_fail CONTAINERS "$1" "no container engine works here (docker/engine.sh)" \
        "apt-get install -y podman runc (see docker/README.md)"
    return 1
}
