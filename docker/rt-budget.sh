#!/usr/bin/env bash
# rt-budget.sh ENGINE... -- FLAGS... - before a container starts with
# `--cpu-rt-runtime=N` among FLAGS (a lab's real-time tests), gives the
# engine's parent cgroup a real-time budget its containers can draw on.
# Without one (the default: 0) the engine refuses the flag and SCHED_FIFO
# fails with EPERM inside. Only root on cgroup v1 can do it; elsewhere
# this does nothing and the tests that need SCHED_FIFO are skipped, with
# the reason. Prints what it did on stderr; always exits 0.
set -uo pipefail

engine=()
while [ $# -gt 0 ] && [ "$1" != -- ]; do
    engine+=("$1")
    shift
done
[ $# -gt 0 ] && shift
runtime=""
for flag in "$@"; do
    case $flag in --cpu-rt-runtime=*) runtime=${flag#--cpu-rt-runtime=} ;; esac
done
cpu=/sys/fs/cgroup/cpu
[ -n "$runtime" ] && [ "$(id -u)" -eq 0 ] && [ -w "$cpu/cpu.rt_runtime_us" ] || exit 0

# the parent cgroup each engine puts its containers under (cgroupfs manager)
case ${engine[0]##*/} in
    podman) parent=$cpu/libpod_parent ;;
    docker) parent=$cpu/docker ;;
    *) exit 0 ;;
esac
# Two containers of the lab may run side by side (a batch): room for both,
# within what the root group may hand out.
want=$((2 * runtime))
root=$(cat "$cpu/cpu.rt_runtime_us")
[ "$want" -le "$root" ] || want=$runtime
mkdir -p "$parent" 2>/dev/null || exit 0
have=$(cat "$parent/cpu.rt_runtime_us" 2>/dev/null || echo 0)
if [ "$have" -ge "$want" ]; then
    exit 0
fi
if echo "$want" >"$parent/cpu.rt_runtime_us" 2>/dev/null; then
    echo "oslabs: gave $parent a real-time budget of $want us per second" >&2
fi
exit 0
