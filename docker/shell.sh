#!/usr/bin/env bash
# shell.sh - self-study: an interactive shell in the oslabs image with your
# working tree (skeletons/) mounted read-write, and gdb, valgrind and strace
# ready (ptrace is allowed). Inside: make grade LAB=shell, make debug ...
set -euo pipefail
cd "$(dirname "$0")/.."

tty=()
if [ -t 0 ] && [ -t 1 ]; then
    tty=(-it)
elif [ $# -eq 0 ]; then
    cat >&2 <<'MSG'
oslabs: make docker-shell is an interactive shell: run it in a terminal.
  Without a terminal, give the command to run in the container instead:
    docker/shell.sh make grade LAB=shell
MSG
    exit 1
fi
IMAGE=${OSLABS_IMAGE:-oslabs}
read -r -a engine <<<"$(docker/engine.sh)"
if ! "${engine[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "oslabs: no image '$IMAGE' here: run make image" >&2
    exit 1
fi
# The unprivileged user: `student` (uid 1000) when started by root, else
# your own uid, so that what you edit in skeletons/ stays yours.
if [ "$(id -u)" -eq 0 ]; then
    user=(--user student -e HOME=/home/student)
    if [ -n "$(find skeletons -maxdepth 2 ! -uid 1000 ! -perm -o+w -print -quit 2>/dev/null)" ]; then
        echo "oslabs: skeletons/ is not writable by the container's user student (uid 1000);" \
             "to edit there: chown -R 1000 skeletons" >&2
    fi
else
    user=(--user "$(id -u):$(id -g)" -e HOME=/tmp)
fi
exec "${engine[@]}" run --rm "${tty[@]}" \
    --network none --cap-drop ALL --cap-add SYS_PTRACE \
    --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 \
    "${user[@]}" \
    -v "$(pwd)/skeletons:/opt/oslabs/skeletons" \
    "$IMAGE" "${@:-/bin/bash}"
