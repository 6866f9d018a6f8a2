#!/usr/bin/env bash
# shell.sh - self-study: an interactive shell in the oslabs image with your
# working tree (skeletons/) mounted read-write, and gdb, valgrind and strace
# ready (ptrace is allowed). Inside: make grade LAB=shell, make debug ...
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${OSLABS_IMAGE:-oslabs}
read -r -a engine <<<"$(docker/engine.sh)"
if ! "${engine[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "oslabs: no image '$IMAGE' here: run make image" >&2
    exit 1
fi
tty=()
[ -t 0 ] && tty=(-it)
exec "${engine[@]}" run --rm "${tty[@]}" \
    --network none --cap-drop ALL --cap-add SYS_PTRACE \
    --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
    --user "$(id -u):$(id -g)" -e HOME=/tmp \
    -v "$(pwd)/skeletons:/opt/oslabs/skeletons" \
    "$IMAGE" "${@:-/bin/bash}"
