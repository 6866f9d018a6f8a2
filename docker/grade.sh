#!/usr/bin/env bash
# grade.sh LAB SUBMISSION OUT [grader options] - grade a submission (a
# directory or an archive) inside a
# fresh container: no network, memory and pids limits, every capability
# dropped but those that let the grader run each test under its own uid, no
# new privileges, a read-only root with a tmpfs work area, and
# explicit ulimits. The submission is mounted read-only; OUT (results.json,
# junit.xml) is the only writable mount. A lab that needs more (real-time
# scheduling) names its flags in lab.ini ([lab] container = ...); when the
# engine refuses them, the lab is graded without them and the tests that
# need them are reported skipped, with the reason.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ $# -lt 3 ]; then
    echo "usage: docker/grade.sh LAB SUBMISSION OUT [grader options]" >&2
    exit 1
fi
lab=$1 sub=$2 out=$3
shift 3
IMAGE=${OSLABS_IMAGE:-oslabs}
read -r -a engine <<<"$(docker/engine.sh)"

if ! "${engine[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "oslabs: no image '$IMAGE' here: run make image" >&2
    exit 1
fi
if [ ! -d "$sub" ] && [ ! -f "$sub" ]; then
    echo "oslabs: the submission $sub is neither a directory nor an archive" >&2
    exit 1
fi
mkdir -p "$out"

# A readable copy of the submission (never the original tree: no links, no
# surprises). An archive is copied as it is: the grader unpacks it, safely.
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
in_container=/submission
if [ -d "$sub" ]; then
    cp -r "$sub/." "$stage/"
else
    cp "$sub" "$stage/"
    in_container="/submission/$(basename "$sub")"
fi
chmod -R a+rX "$stage"

# The grader runs as the container's root with only the capabilities it
# needs to give the build and every test their own unprivileged uid (as on
# a host): set uids, chown their scratch directories, read and clean them,
# signal them. Student code itself never runs with any capability.
hardening=(
    --rm --network none
    --memory 2g --memory-swap 2g --pids-limit 1024
    --cap-drop ALL --security-opt no-new-privileges
    --user 0 --cap-add SETUID --cap-add SETGID --cap-add CHOWN --cap-add DAC_OVERRIDE
    --cap-add FOWNER --cap-add KILL
    --read-only --tmpfs /tmp:rw,exec,nosuid,nodev,size=1g
    --tmpfs /var/tmp:rw,nosuid,nodev,size=256m --shm-size 64m
    --ulimit nofile=1024:1024 --ulimit nproc=4096:4096
    --ulimit fsize=1073741824:1073741824
    -v "$stage:/submission:ro" -v "$(cd "$out" && pwd):/results"
    # this container is the sandbox (no network, no kit secrets in the image):
    # the grader inside prints no "weaker than namespaces" line
    -e OSLABS_SANDBOX=container
)
# Uids are global to the host: claim a grader instance here, as the grader
# itself does, so that this container's test uids differ from those of any
# other grader or container running now (their process budgets are per uid).
instance=()
if [ "$(id -u)" -eq 0 ] && command -v flock >/dev/null && mkdir -p /run/oslabs 2>/dev/null; then
    for i in $(seq 0 99); do
        exec 8>"/run/oslabs/instance.$i.lock"
        if flock -n 8; then
            instance=(-e "OSLABS_INSTANCE=$i")
            break
        fi
        exec 8>&-
    done
fi
hardening+=("${instance[@]}")

# Serial (timing, real-time) tests run alone on the host, across containers:
# the graders share the host's lock files (see grader/src/sandbox/hostlock.h).
if [ "$(id -u)" -eq 0 ] && mkdir -p /run/oslabs/locks 2>/dev/null; then
    hardening+=(-v /run/oslabs/locks:/run/oslabs-locks -e OSLABS_LOCKDIR=/run/oslabs-locks)
fi
# A batch names its containers, to stop them when it stops.
if [ -n "${OSLABS_CONTAINER_NAME:-}" ]; then
    hardening+=(--name "$OSLABS_CONTAINER_NAME")
fi
if [ -n "${OSLABS_CONTAINER_LABEL:-}" ]; then
    hardening+=(--label "oslabs.batch=$OSLABS_CONTAINER_LABEL")
fi
hidden=()
if [ -n "${OSLABS_HIDDEN:-}" ]; then
    hardening+=(-v "$(cd "$OSLABS_HIDDEN" && pwd):/hidden:ro")
    hidden=(--hidden /hidden)
fi

grade=(build/grader run "$lab" --submission "$in_container"
       --json /results/results.json --junit /results/junit.xml "${hidden[@]}" "$@")

extra=""
if [ -x build/grader ]; then
    extra=$(build/grader config "$lab" container 2>/dev/null || true)
else
    extra=$("${engine[@]}" run --rm --network none --ulimit nofile=1024:1024 "$IMAGE" \
        build/grader config "$lab" container)
fi

# The report's rerun lines name the submission as the host sees it (the path
# given here), not its mount point in the container.
host_sub=$(printf '%s' "$sub" | sed 's/[\\#&]/\\&/g')
to_host() {
    sed "s#$in_container#$host_sub#g"
}

status=0
if [ -n "$extra" ]; then
    # shellcheck disable=SC2086
    docker/rt-budget.sh "${engine[@]}" -- $extra
    # shellcheck disable=SC2086
    "${engine[@]}" run "${hardening[@]}" $extra "$IMAGE" "${grade[@]}" | to_host || status=${PIPESTATUS[0]}
    # 125 (docker, podman) or 126 (podman: the OCI runtime failed): the engine
    # refused to start the container, e.g. a real-time budget it cannot grant
    if [ $status -ne 125 ] && [ $status -ne 126 ]; then
        exit $status
    fi
    echo "oslabs: the engine refused the lab's container flags ($extra);" \
         "grading without them: the tests that need them will be skipped" >&2
    status=0
fi
"${engine[@]}" run "${hardening[@]}" "$IMAGE" "${grade[@]}" | to_host || status=${PIPESTATUS[0]}
exit $status
