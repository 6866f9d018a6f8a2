#!/usr/bin/env bash
# deps.sh - the Debian packages the kit needs, checked or installed.
#
#   grader/deps.sh check grade|test|cluster    exit 1 naming what is missing and how to install it
#   grader/deps.sh install grade|test|cluster  apt-get install (as root), else print the command
#
# grade: what make grade, make debug and make build need (on a fresh Debian 12
# with build-essential: 45 packages, about 186 MB); test: the self-test's tools
# on top (make deps-test: 30 more, about 270 MB more: python3-jsonschema,
# clang-format, cppcheck, git, ...; similarity-tester is the sim_c that
# `grader similarity` runs, an instructor's command: 0.5 MB; chromium is the
# headless browser tests/selftest/html.sh loads the HTML reports in: 290 MB
# installed, with its libraries on top); cluster: Debian's Slurm and munge,
# for tests/selftest/slurm.sh, which runs docker/slurm/grade.sbatch on a
# one-node cluster (8 packages, about 13 MB). CI installs them; make deps and
# make deps-test do not, as these packages bring system services (on a
# systemd host munge starts, and slurmctld and slurmd are enabled).
#   grader/deps.sh list grade|test|cluster     the package names
set -euo pipefail

grade_pkgs=(gcc make libc6-dev pkg-config libcmocka-dev libinih-dev libcjson-dev libarchive-dev
            libcsv-dev valgrind gdb strace binutils diffutils dash procps)
test_pkgs=("${grade_pkgs[@]}" jq libxml2-utils patch python3 python3-jsonschema python3-yaml
           clang-format cppcheck sqlite3 git similarity-tester chromium)
cluster_pkgs=(slurmctld slurmd slurm-client munge)

usage() {
    echo "usage: grader/deps.sh check|install|list grade|test|cluster" >&2
    exit 2
}

[ $# -eq 2 ] || usage
case "$2" in
    grade) pkgs=("${grade_pkgs[@]}") ;;
    test) pkgs=("${test_pkgs[@]}") ;;
    cluster) pkgs=("${cluster_pkgs[@]}") ;;
    *) usage ;;
esac
# what the packages are for, in messages
case "$2" in
    cluster) for_what="the Slurm self-test (tests/selftest/slurm.sh)" ;;
    *) for_what="'make $2'" ;;
esac

installed() {
    dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'
}

missing() { # KIND
    local p
    if ! command -v dpkg-query >/dev/null; then
        # not Debian: check what the kit calls, not package names
        if [ "$1" = cluster ]; then
            for p in munged slurmctld slurmd sbatch; do
                command -v "$p" >/dev/null || echo "$p"
            done
            return
        fi
        for p in cc make valgrind gdb strace nm diff; do
            command -v "$p" >/dev/null || echo "$p"
        done
        for p in cmocka.h ini.h cjson/cJSON.h archive.h csv.h; do
            echo "#include <$p>" | cc -E -x c - >/dev/null 2>&1 || echo "$p"
        done
        return
    fi
    for p in "${pkgs[@]}"; do
        installed "$p" || echo "$p"
    done
}

case "$1" in
    list)
        echo "${pkgs[*]}"
        ;;
    check)
        miss=$(missing "$2" | tr '\n' ' ')
        if [ -n "$miss" ]; then
            echo "oslabs: missing for $for_what: $miss" >&2
            if command -v dpkg-query >/dev/null; then
                echo "oslabs: install them with: sudo apt-get install -y $miss" >&2
                if [ "$2" = cluster ]; then
                    echo "oslabs: (or run: grader/deps.sh install cluster)" >&2
                else
                    echo "oslabs: (or run: make deps)" >&2
                fi
            else
                echo "oslabs: install the equivalents with your package manager, or use the container: make image && make docker-shell" >&2
            fi
            exit 1
        fi
        ;;
    install)
        miss=$(missing "$2" | tr '\n' ' ')
        if [ -z "$miss" ]; then
            echo "oslabs: every package for $for_what is installed"
            if [ "$2" = grade ]; then
                echo "oslabs: (the self-test's tools, about 270 MB more: make deps-test)"
            fi
        elif [ "$(id -u)" -eq 0 ]; then
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -q
            # shellcheck disable=SC2086
            apt-get install -y -q --no-install-recommends $miss
            if [ "$2" = grade ]; then
                echo "oslabs: installed what make grade needs; the self-test's tools (about 270 MB more): make deps-test"
            fi
        else
            echo "oslabs: run as root, or: sudo apt-get install -y $miss"
            exit 1
        fi
        ;;
    *)
        usage
        ;;
esac
