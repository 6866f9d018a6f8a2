#!/usr/bin/env bash
# base-image.sh - makes sure the base image (debian:bookworm-slim) exists.
# Where it cannot be pulled (no registry, an air-gapped grading server), it
# is built from Debian's archive with debootstrap and imported under the
# same name, so the Dockerfile builds unchanged.
set -euo pipefail
cd "$(dirname "$0")/.."

IMAGE=docker.io/library/debian:bookworm-slim

# mirror: the Debian archive this machine's apt already uses (an air-gapped
# university has its own mirror); DEBIAN_MIRROR overrides it
mirror() {
    local f
    # one-line style: deb [options] URI bookworm main
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
        [ -r "$f" ] || continue
        awk '$1 == "deb" { for (i = 2; i <= NF; i++) if ($i !~ /^\[/ && $i !~ /=/ && $i !~ /\]$/) {
                 if ($(i + 1) ~ /^(bookworm|stable)$/) print $i; break } }' "$f"
    done
    # deb822 style (Debian 12's default): a stanza with Suites: bookworm
    for f in /etc/apt/sources.list.d/*.sources; do
        [ -r "$f" ] || continue
        awk 'BEGIN { RS = ""; FS = "\n" }
             { uri = ""; ok = 0
               for (i = 1; i <= NF; i++) {
                   if ($i ~ /^URIs:/) { split($i, a, " "); uri = a[2] }
                   if ($i ~ /^Suites:/ && $i ~ /[ \t](bookworm|stable)([ \t]|$)/) ok = 1
                   if ($i ~ /^Types:/ && $i !~ /[ \t]deb([ \t]|$)/) ok = -1
               }
               if (ok == 1 && uri != "") print uri }' "$f"
    done
}
MIRROR=${DEBIAN_MIRROR:-$(mirror | head -n 1)}
if [ -z "$MIRROR" ]; then
    echo "oslabs: no Debian bookworm mirror in /etc/apt/sources.list{,.d}; name one: DEBIAN_MIRROR=http://... $0" >&2
    exit 1
fi
read -r -a engine <<<"$(docker/engine.sh)"

if "${engine[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
    echo "oslabs: base image $IMAGE is present"
    exit 0
fi
if timeout 60 "${engine[@]}" pull -q "$IMAGE" >/dev/null 2>&1; then
    echo "oslabs: pulled $IMAGE"
    exit 0
fi
echo "oslabs: cannot pull $IMAGE; building it from $MIRROR (this machine's apt mirror) with debootstrap"
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
