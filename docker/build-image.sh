#!/usr/bin/env bash
# build-image.sh - builds the oslabs image from docker/Dockerfile, the base
# image first (pulled, or made offline by base-image.sh).
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=${OSLABS_IMAGE:-oslabs}
read -r -a engine <<<"$(docker/engine.sh)"
docker/base-image.sh
# explicit ulimits: an engine's default nofile can exceed this host's hard limit
args=(build -t "$IMAGE" -f docker/Dockerfile --ulimit nofile=1024:1024 --ulimit nproc=4096:4096)
if [ "${engine[0]}" = podman ]; then
    # never reach for a registry: the base image is local
    args+=(--pull=never --network host)
fi
"${engine[@]}" "${args[@]}" . >build-image.log 2>&1 || {
    tail -30 build-image.log >&2
    echo "oslabs: the image build failed (full log: build-image.log)" >&2
    exit 1
}
rm -f build-image.log
echo "oslabs: built image $IMAGE"
