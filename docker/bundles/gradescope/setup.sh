#!/usr/bin/env bash
# setup.sh - Gradescope runs this once, as root in its Ubuntu image, in
# /autograder/source (this zip, unpacked): install the Debian/Ubuntu
# packages the grader needs, then build it. apt-get runs only when a
# package is missing, so this also works offline in the oslabs image.
set -euo pipefail
cd "$(dirname "$0")"
# shellcheck disable=SC1091  # docker/bundles/common.sh, copied by bundle.sh
. ./oslabs-bundle.sh

missing=()
for p in $(bash grader/deps.sh list grade) jq; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
    echo "oslabs: installing ${missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -q
    apt-get install -y -q --no-install-recommends "${missing[@]}"
fi
make -s build/grader
echo "oslabs: the grader for $BUNDLE_LAB is built ($PWD/build/grader)"
