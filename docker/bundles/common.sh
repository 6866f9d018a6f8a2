# oslabs-bundle.sh - sourced by the entry points of a platform bundle
# (Gradescope's run_autograder, PrairieLearn's run.sh, Autolab's
# autolab.sh). docker/bundle.sh copies it into the bundle's kit with the
# lab's name filled in. It finds a grader for the kit, keeps the hidden
# tests from the tests' eyes, and names the hidden-test arguments.
# shellcheck shell=bash

BUNDLE_LAB=@LAB@

# bundle_grader KIT: prints the path of a grader for KIT (progress on
# stderr). The caller exports OSLABS_ROOT=KIT, since the binary may live
# elsewhere: KIT's own build, else the oslabs image's prebuilt grader when
# it was built from the very same sources (no build per submission), else
# a build into KIT, or into a temporary copy when KIT is read-only
# (PrairieLearn's /grade/tests may be).
bundle_grader() {
    local kit=$1 image=/opt/oslabs tmp
    if [ -x "$kit/build/grader" ]; then
        echo "$kit/build/grader"
    elif [ -x "$image/build/grader" ] && [ "$image" != "$kit" ] &&
        diff -rq "$image/grader/src" "$kit/grader/src" >/dev/null 2>&1 &&
        cmp -s "$image/grader/Makefile" "$kit/grader/Makefile"; then
        echo "$image/build/grader"
    elif [ -w "$kit" ]; then
        make -s -C "$kit" build/grader >&2 && echo "$kit/build/grader"
    else
        tmp=$(mktemp -d) &&
            cp -R "$kit/grader" "$tmp/" &&
            make -s -C "$tmp/grader" >&2 && echo "$tmp/build/grader"
    fi
}

# bundle_protect KIT: as root, the hidden tests become readable by root
# alone. The grader reads them as root and runs the build and every test
# under other uids, which then cannot read them; where the grader is not
# root, or KIT is read-only, nothing changes.
bundle_protect() {
    if [ "$(id -u)" -eq 0 ] && [ -d "$1/labs/$BUNDLE_LAB/hidden" ]; then
        chmod -R go= "$1/labs/$BUNDLE_LAB/hidden" 2>/dev/null || true
    fi
}

# bundle_hidden KIT: sets BUNDLE_HIDDEN to the grader's hidden-test
# arguments (none when the lab has no hidden tests).
# shellcheck disable=SC2034  # read by the scripts that source this
bundle_hidden() {
    BUNDLE_HIDDEN=()
    if [ -d "$1/labs/$BUNDLE_LAB/hidden" ]; then
        BUNDLE_HIDDEN=(--hidden "$1/labs/$BUNDLE_LAB/hidden")
    fi
}
