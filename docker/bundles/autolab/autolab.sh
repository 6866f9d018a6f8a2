#!/usr/bin/env bash
# autolab.sh - run by the bundle's Makefile in Autolab's work directory
# (the current one): finds the student's handin there, grades it with the
# kit beside this script (hidden tests included), prints the feedback and,
# as the very last line, the grader's {"scores": {...}} line. Exit 1 when
# no scores line could be made: the Makefile then prints zeros.
set -uo pipefail
kit=$(cd "$(dirname "$0")" && pwd)
# shellcheck disable=SC1091  # docker/bundles/common.sh, copied by bundle.sh
. "$kit/oslabs-bundle.sh"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
export OSLABS_ROOT=$kit
bundle_protect "$kit"
bundle_hidden "$kit"
if ! grader=$(bundle_grader "$kit" 2>"$work/log"); then
    cat "$work/log"
    exit 1
fi

# The handin: the lab's files by name, else an archive (the grader unpacks
# it), else, for a one-file lab, any handin.* as that file.
mapfile -t files < <("$grader" config "$BUNDLE_LAB" files)
sub=$work/sub
mkdir -p "$sub"
for f in "${files[@]}"; do
    [ -f "$f" ] && cp "$f" "$sub/"
done
if [ -z "$(ls -A "$sub")" ]; then
    for f in handin.* *.tar *.tar.* *.tgz *.zip; do
        if [ ! -f "$f" ] || [ "$f" = autograde.tar ]; then continue; fi
        case $f in
            *.tar | *.tar.* | *.tgz | *.zip) sub=$PWD/$f ;;
            *) [ ${#files[@]} -eq 1 ] && cp "$f" "$sub/${files[0]}" ;;
        esac
        break
    done
fi

"$grader" run "$BUNDLE_LAB" --submission "$sub" "${BUNDLE_HIDDEN[@]}" \
    --json "$work/results.json" --autolab >"$work/report" 2>>"$work/log"
scores=$(tail -n 1 "$work/report")
case $scores in
    '{"scores":'*) ;;
    *)
        cat "$work/log"
        exit 1
        ;;
esac
# The feedback students see: the visible tests' results; the hidden ones
# only as their total, as in results.json's visibility.
if command -v jq >/dev/null && jq -r -f "$kit/feedback.jq" "$work/results.json" 2>>"$work/log"; then
    :
else
    grep '^Score:' "$work/report"
fi
echo "$scores"
