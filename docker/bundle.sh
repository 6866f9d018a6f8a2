#!/usr/bin/env bash
# bundle.sh gradescope|prairielearn|autolab LAB OUT - a grading platform's
# autograder for one lab, in OUT:
#   gradescope    OUT/gradescope-LAB.zip (setup.sh and run_autograder at its root)
#   prairielearn  OUT/prairielearn-LAB/  (a question's tests/ directory, run.sh)
#   autolab       OUT/autolab-LAB/       (autograde-Makefile, autograde.tar, LAB.yml)
# Each holds the kit that grades the lab: the grader's sources, grader/harness,
# labs/LAB with its hidden tests, the top Makefile; never solutions or
# mutants. The platform files are the templates in docker/bundles/.
set -euo pipefail
cd "$(dirname "$0")/.."

usage() {
    echo "usage: docker/bundle.sh gradescope|prairielearn|autolab LAB OUT" >&2
    exit 1
}
[ $# -eq 3 ] || usage
platform=$1 lab=$2
case $platform in gradescope | prairielearn | autolab) ;; *) usage ;; esac
if [ ! -f "labs/$lab/lab.ini" ]; then
    echo "oslabs: no lab '$lab' (labs/$lab/lab.ini)" >&2
    exit 1
fi
make -s build/grader
# a manifest that does not load must not reach a platform
build/grader check "$lab" >/dev/null
mkdir -p "$3"
out=$(cd "$3" && pwd)
T=docker/bundles
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

files=$(build/grader config "$lab" files | paste -sd " ")
title=$(build/grader config "$lab" title)
hidden=()
[ -d "labs/$lab/hidden" ] && hidden=(--hidden "labs/$lab/hidden")

# fill TEMPLATE DEST: the template with its placeholders filled in, and
# its mode.
fill() {
    sed -e "s|@LAB@|$(esc "$lab")|g" -e "s|@TITLE@|$(esc "$title")|g" \
        -e "s|@FILES@|$(esc "$files")|g" -e "s|@FILES_COMMA@|$(esc "${files// /, }")|g" \
        -e "s|@HANDIN@|$(handin_name)|g" -e "s|@ZERO_SCORES@|$(esc "${zeros:-}")|g" "$1" >"$2"
    chmod --reference="$1" "$2"
}

# esc TEXT: TEXT as a literal sed replacement
esc() {
    printf '%s' "$1" | sed -e 's/[\\|&]/\\&/g'
}

# The name Autolab gives the handin: the file itself for a one-file lab.
handin_name() {
    case $files in *" "*) echo handin.tar ;; *) echo "$files" ;; esac
}

# copy_kit DIR: the kit that grades the lab, and oslabs-bundle.sh.
copy_kit() {
    mkdir -p "$1"
    tar -c --exclude='*.o' --exclude='*.d' grader/src grader/Makefile grader/deps.sh \
        grader/MANUAL.md grader/harness "labs/$lab" Makefile | tar -C "$1" -x
    fill "$T/common.sh" "$1/oslabs-bundle.sh"
}

# zip_dir DIR ZIP: DIR's contents at the zip's root, modes kept.
zip_dir() {
    rm -f "$2"
    if command -v python3 >/dev/null; then
        (cd "$1" && python3 -m zipfile -c "$2" ./*)
    elif command -v zip >/dev/null; then
        (cd "$1" && zip -qr "$2" .)
    else
        echo "oslabs: making the zip needs python3 or zip (apt-get install python3)" >&2
        exit 1
    fi
}

gradescope() {
    local d=$stage/gradescope
    copy_kit "$d"
    fill "$T/gradescope/setup.sh" "$d/setup.sh"
    fill "$T/gradescope/run_autograder" "$d/run_autograder"
    zip_dir "$d" "$out/gradescope-$lab.zip"
    echo "oslabs: $out/gradescope-$lab.zip: upload it as the assignment's autograder (Ubuntu base image)"
}

prairielearn() {
    local d=$out/prairielearn-$lab
    rm -rf "$d"
    copy_kit "$d/kit"
    for f in run.sh results.jq README.md info.json; do
        fill "$T/prairielearn/$f" "$d/$f"
    done
    echo "oslabs: $d: copy it as a question's tests/ (see its README.md)"
}

autolab() {
    local d=$out/autolab-$lab
    if ! command -v jq >/dev/null; then
        echo "oslabs: the Autolab bundle needs jq (apt-get install jq)" >&2
        exit 1
    fi
    # the scores line with every test at 0 (a submission without files,
    # graded here: nothing is built), for when grading fails there
    mkdir -p "$stage/empty"
    build/grader run "$lab" --submission "$stage/empty" "${hidden[@]}" \
        --json "$stage/zero.json" --autolab >"$stage/zero.out" 2>&1 || true
    zeros=$(tail -n 1 "$stage/zero.out")
    case $zeros in '{"scores":'*) ;; *)
        echo "oslabs: no scores line from the grader:" >&2
        cat "$stage/zero.out" >&2
        exit 1
        ;;
    esac
    rm -rf "$d" && mkdir -p "$d"
    copy_kit "$stage/oslabs"
    fill "$T/autolab/autolab.sh" "$stage/oslabs/autolab.sh"
    fill "$T/autolab/feedback.jq" "$stage/oslabs/feedback.jq"
    tar -C "$stage" -cf "$d/autograde.tar" oslabs
    fill "$T/autolab/autograde-Makefile" "$d/autograde-Makefile"
    fill "$T/autolab/README.md" "$d/README.md"
    # the assessment's configuration: one problem per test (JSON strings
    # are valid YAML scalars)
    jq -r --arg lab "$lab" --arg title "$title" --arg handin "$(handin_name)" '
        "---", "general:", "  name: \($lab)", "  display_name: \($title | tojson)",
        "  handin_filename: \($handin | tojson)", "  handin_directory: handin",
        "  max_grace_days: 0", "  max_submissions: -1", "  disable_handins: false",
        "  max_size: 2", "  category_name: Lab",
        "problems:",
        (.tests[] | "- name: \(.name | tojson)",
                    "  description: \(if .visibility == "visible" then (.output // "" | split("\n")[0]
                        | ltrimstr("Checks: ")) else "a hidden test" end | tojson)",
                    "  max_score: \(.max_score)", "  optional: false"),
        "autograder:", "  autograde_timeout: 600", "  autograde_image: oslabs-autolab",
        "  release_score: true"' "$stage/zero.json" >"$d/$lab.yml"
    echo "oslabs: $d: autograde-Makefile, autograde.tar and $lab.yml for Autolab (see its README.md)"
}

"$platform"
