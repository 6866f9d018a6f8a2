#!/usr/bin/env bash
# base-image.sh - makes sure the base image (debian:bookworm-slim) exists.
# Where it cannot be pulled (no registry, an air-gapped grading server), it
# is built from Debian's archive with debootstrap and imported under the
# same name, so the Dockerfile builds unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=docker.io/library/debian:bookworm-slim
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
read -r -a engine <<<"$(docker/engine.sh)"

if "${engine[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "oslabs: base image $IMAGE is present"
    exit 0
fi
if timeout 60 "${engine[@]}" pull -q "$IMAGE" >/dev/null 2>&1; then
    echo "oslabs: pulled $IMAGE"
    exit 0
fi
echo "oslabs: cannot pull $IMAGE; building it from $MIRROR with debootstrap"
if [ "$(id -u)" -ne 0 ]; then
    echo "oslabs: debootstrap needs root: sudo $0" >&2
    exit 1
fi
command -v debootstrap >/dev/null || {
    echo "oslabs: debootstrap is not installed: apt-get install -y debootstrap" >&2
    exit 1
}
rootfs=$(mktemp -d)
trap 'rm -rf "$rootfs"' EXIT
debootstrap --variant=minbase bookworm "$rootfs" "$MIRROR" >"$rootfs.log" 2>&1 || {
    tail -20 "$rootfs.log" >&2
    exit 1
}
rm -f "$rootfs.log"
rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/*
tar -C "$rootfs" -c . | "${engine[@]}" import - "$IMAGE" >/dev/null
echo "oslabs: imported $IMAGE"
