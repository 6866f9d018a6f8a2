#!/usr/bin/env bash
# containers.sh LAB... - the oslabs image: it builds (offline if need be),
# grading inside it gives the same verdicts as outside, the solutions score
# 100% in it, and its hardening holds when seen from inside.
#
# Skipped, loudly, when no container engine works, unless
# OSLABS_REQUIRE_CONTAINERS=1 (CI sets it), which makes that a failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

O=$OUT/containers
rm -rf "$O" && mkdir -p "$O"
if ! engine_or_skip "the container checks"; then
    finish
    exit $?
fi
read -r -a engine <<<"$(docker/engine.sh)"
IMAGE=${OSLABS_IMAGE:-oslabs-selftest}
export OSLABS_IMAGE=$IMAGE

start=$(date +%s)
if docker/build-image.sh >"$O/image.log" 2>&1; then
    ok "the image builds ($(($(date +%s) - start)) s, engine: ${engine[0]})"
else
    bad "the image does not build (see $O/image.log)"
    finish
    exit 1
fi

echo "hardening, seen from inside"
hard=(--rm --network none --memory 512m --pids-limit 64 --cap-drop ALL
      --security-opt no-new-privileges --read-only --tmpfs /tmp:rw,exec,size=64m
      --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
links=$("${engine[@]}" run "${hard[@]}" "$IMAGE" sh -c 'ip -o link | cut -d: -f2 | tr -d " "' 2>&1)
expect_eq "no network interface but lo" "lo" "$links"
"${engine[@]}" run "${hard[@]}" "$IMAGE" sh -c 'touch /opt/oslabs/x' >/dev/null 2>&1
expect_eq "the root file system is read-only" 1 $?
"${engine[@]}" run "${hard[@]}" "$IMAGE" sh -c 'touch /tmp/x' >/dev/null 2>&1
expect_eq "the tmpfs work area is writable" 0 $?
expect_eq "the image runs as an unprivileged user" student \
    "$("${engine[@]}" run "${hard[@]}" "$IMAGE" id -un 2>&1)"
# 200 background sleeps against a limit of 64; then count, without forking, what runs
n=$("${engine[@]}" run "${hard[@]}" "$IMAGE" sh -c \
    'dash -c "i=0; while [ \$i -lt 200 ]; do sleep 30 & i=\$((i + 1)); done" 2>/dev/null
     exec ps -e --no-headers' 2>/dev/null | wc -l)
check "the pids limit holds ($n processes of 200 tried, limit 64)" test "$n" -gt 1 -a "$n" -le 64

echo "the same verdicts inside and outside"
F=grader/tests/fixtures/kinds
$GRADER run $F --submission $F/sub-good --json "$O/out.json" >/dev/null 2>&1
docker/grade.sh $F $F/sub-good "$O/in" >"$O/in.txt" 2>&1
expect_eq "grading inside the container: exit status" 0 $?
diff <(json_outcomes "$O/out.json") <(json_outcomes "$O/in/results.json") >"$O/fixture.diff"
check "the fixture lab: same outcome and score for every test" test ! -s "$O/fixture.diff"

# root with just the capabilities to change uids: no namespaces, per-slot uids
"${engine[@]}" run "${hard[@]}" --memory 2g --pids-limit 1024 --user 0 \
    --cap-add SETUID --cap-add SETGID --cap-add CHOWN --cap-add KILL \
    --cap-add DAC_OVERRIDE --cap-add FOWNER "$IMAGE" \
    bash -c "build/grader run $F --submission $F/sub-good --json /tmp/r.json >/dev/null 2>&1; cat /tmp/r.json" \
    >"$O/root.json" 2>"$O/root.err"
check "as the container's root: per-slot uids" \
    grep -q 'per-slot uids' <(json "$O/root.json" .extra_data.sandbox)
# started by hand (no OSLABS_INSTANCE from docker/grade.sh), it cannot see the
# host's instance locks: its uids come from the containers' block, above every
# host grader's (62000 + 100 instances of 100 uids)
base=$(json "$O/root.json" .extra_data.sandbox | grep -o 'per-slot uids from [0-9]*' | grep -o '[0-9]*$')
check "as the container's root, started by hand: uids apart from the host's (from ${base:-?})" \
    test "${base:-0}" -ge 162000
diff <(json_outcomes "$O/out.json") <(json_outcomes "$O/root.json") >"$O/root.diff"
check "as the container's root: same outcome and score for every test" test ! -s "$O/root.diff"

echo "two graders side by side, one on the host and one in a container"
# fsync's crash tests fork many processes: graders sharing a uid would share
# its process budget (RLIMIT_NPROC) and fail each other's forks
$GRADER run fsync --submission solutions/fsync --json "$O/side-host.json" \
    >"$O/side-host.txt" 2>&1 &
docker/grade.sh fsync solutions/fsync "$O/side-in" >"$O/side-in.txt" 2>&1
wait
for side in side-host.json side-in/results.json; do
    expect_eq "side by side: $side scores 100%" \
        "$(json "$O/$side" .extra_data.max_score)" "$(json "$O/$side" .score)"
done
uids() { json "$1" .extra_data.sandbox | grep -o 'per-slot uids from [0-9]*' | grep -o '[0-9]*$'; }
host_uids=$(uids "$O/side-host.json") in_uids=$(uids "$O/side-in/results.json")
check "side by side: the two graders' uids differ (host from ${host_uids:-?}, container from ${in_uids:-?})" \
    test -n "$host_uids" -a -n "$in_uids" -a "$host_uids" != "$in_uids"

echo "the adversarial submissions, in containers"
tests/selftest/adversarial.sh container || bad "an attack escaped a container (see above)"

for lab in "$@"; do
    docker/grade.sh "$lab" "solutions/$lab" "$O/$lab-solution" >"$O/$lab-solution.txt" 2>&1
    score=$(json "$O/$lab-solution/results.json" .score)
    max=$(json "$O/$lab-solution/results.json" .extra_data.max_score)
    expect_eq "$lab: the solution scores 100% inside" "$max" "$score"
    short=$(jq -r '[.tests[] | select(.extra_data.not_gradable) | .name] | join(" ")' \
        "$O/$lab-solution/results.json")
    if [ -z "$short" ]; then
        ok "$lab: every test ran inside (real-time budget given where needed)"
    else
        skip_or_fail RT "$lab: inside, not gradable: $short" \
            "the engine gave no real-time budget (see $O/$lab-solution.txt)" \
            "run as root on cgroup v1 (docker/rt-budget.sh)"
    fi
    docker/grade.sh "$lab" "skeletons/$lab" "$O/$lab-skeleton" >"$O/$lab-skeleton.txt" 2>&1
    expect_eq "$lab: the skeleton scores the same inside as outside" \
        "$(json "$OUT/labs/$lab/skeleton.json" .score 2>/dev/null || echo '?')" \
        "$(json "$O/$lab-skeleton/results.json" .score)"
done

finish
