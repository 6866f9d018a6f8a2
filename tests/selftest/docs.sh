#!/usr/bin/env bash
# docs.sh [FILE.md...] - every command the docs show works as written.
#
# The commands a reader is meant to type are in fenced blocks (see
# /work conventions: "Runnable commands in docs"):
#   ```sh run [cwd=DIR]   run, line after line in one shell (set -e), from
#                         DIR (relative to the kit, or to the handout root for
#                         grader/dist/README.md) in a scratch copy of the kit
#   ```sh norun           shown, not run (interactive); still checked
# In both, the names a command uses must exist: make targets, LAB= labs,
# ONLY= tests (and `grader run|debug|list LAB`, `--only TEST`). A ```sh
# block without run or norun is an error. Prints what it ran per file.
#
# docs.sh --selftest: plants a wrong test name, a wrong target and a
# failing command in a scratch file and checks that each is caught.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

O=$(cd "$OUT" && pwd)/docs
BLOCK_TIMEOUT=${DOCS_BLOCK_TIMEOUT:-300}

if [ "${1:-}" = --selftest ]; then
    echo "the docs check catches planted errors"
    P=$O/planted
    rm -rf "$P" && mkdir -p "$P"
    printf '# t\n\n```sh norun\nmake grade LAB=shell ONLY=no-such-test\n```\n' >"$P/name.md"
    printf '# t\n\n```sh norun\nmake no-such-target LAB=shell\n```\n' >"$P/target.md"
    printf '# t\n\n```sh norun\nmake grade LAB=no-such-lab\n```\n' >"$P/lab.md"
    printf '# t\n\n```sh run\ntrue\nfalse   # fails\n```\n' >"$P/fails.md"
    printf '# t\n\n```sh\nmake grade\n```\n' >"$P/unmarked.md"
    printf '# t\n\n```sh norun\nmake grade LAB=shell ONLY="basic-quit basic-exit-n"\n```\n' >"$P/good.md"
    for f in name target lab fails unmarked; do
        OUT=$P/out-$f tests/selftest/docs.sh "$P/$f.md" >"$P/$f.txt" 2>&1
        rc=$?
        check "a planted error ($f) makes the check fail" test "$rc" -ne 0 -a -n "$(grep FAIL "$P/$f.txt")"
    done
    OUT=$P/out-good tests/selftest/docs.sh "$P/good.md" >"$P/good.txt" 2>&1
    expect_eq "a correct block passes" 0 $?
    check "the wrong test name is named" grep -q "no-such-test" "$P/name.txt"
    finish
    exit $?
fi

if [ $# -gt 0 ]; then
    files=("$@")
else
    files=(README.md docker/README.md grader/MANUAL.md grader/dist/README.md)
    for f in labs/*/README.md; do [ -f "$f" ] && files+=("$f"); done
fi
rm -rf "$O" && mkdir -p "$O"

# The blocks of FILE, as records: LINE<TAB>MODE<TAB>CWD<TAB>BODY (BODY's
# newlines as \n), or LINE<TAB>error<TAB><TAB>the fence line.
extract() {
    /usr/bin/python3 - "$1" <<'PY'
import re, sys
lines = open(sys.argv[1], encoding="utf-8").read().split("\n")
i = 0
while i < len(lines):
    m = re.match(r"^(\s*)(`{3,}|~{3,})\s*(\S*)(.*)$", lines[i])
    if not m:
        i += 1
        continue
    fence, lang, rest = m.group(2), m.group(3), m.group(4).split()
    start = i + 1
    body = []
    i += 1
    while i < len(lines) and not lines[i].strip().startswith(fence):
        body.append(lines[i])
        i += 1
    i += 1
    if lang not in ("sh", "bash", "shell", "console"):
        continue
    mode = rest[0] if rest else ""
    cwd = "."
    for word in rest[1:]:
        if word.startswith("cwd="):
            cwd = word[4:]
    if lang != "sh" or mode not in ("run", "norun"):
        print(f"{start}\terror\t\t```{lang} {' '.join(rest)}".rstrip())
        continue
    print(f"{start}\t{mode}\t{cwd}\t" + "\\n".join(body).replace("\t", " "))
PY
}

MAKE_TARGETS=$(make -qp -f Makefile 2>/dev/null | sed -n 's/^\([A-Za-z0-9_.-][A-Za-z0-9_. -]*\):.*/\1/p' |
    tr ' ' '\n' | sort -u)
declare -A TESTS

tests_of() {
    if [ -z "${TESTS[$1]:-}" ]; then
        TESTS[$1]=" $($GRADER list "$1" 2>/dev/null | awk '$2 ~ /^(trace|cmocka|exec|valgrind|strace|symbols)$/ {print $1}' | tr '\n' ' ') "
    fi
    echo "${TESTS[$1]}"
}

# check_names FILE LINE COMMAND: every name COMMAND uses exists.
check_names() {
    local file=$1 line=$2 cmd=$3 lab="" w i prev="" make=0 tool=""
    local -a words
    cmd=${cmd%%#*}
    # the shell's words, quotes honoured (ONLY="a b" is one word)
    mapfile -t words < <(/usr/bin/python3 -c '
import shlex, sys
try:
    print("\n".join(shlex.split(sys.argv[1], comments=True)))
except ValueError:
    print("\n".join(sys.argv[1].split()))' "$cmd")
    for ((i = 0; i < ${#words[@]}; i++)); do
        case "${words[$i]}" in LAB=*) lab=${words[$i]#LAB=} ;; esac
    done
    for ((i = 0; i < ${#words[@]}; i++)); do
        w=${words[$i]}
        case "$w" in
            '&&' | '||' | ';' | '|') make=0 tool="" ;;
        esac
        if [ "$make" = 1 ]; then
            case "$w" in
                -C | -f) i=$((i + 1)) make=2 ;; # another Makefile: not checked
                -*) ;;
                *=*) ;;
                *) grep -qx -- "$w" <<<"$MAKE_TARGETS" ||
                    bad "$file:$line: no make target '$w' (in: $cmd)" ;;
            esac
        fi
        case "$w" in
            make) make=1 ;;
            */grader | grader) tool=grader ;;
        esac
        if [ "$tool" = grader ] && case " run debug list check " in *" $prev "*) true ;; *) false ;; esac &&
            [ "${w#-}" = "$w" ]; then
            lab=$w
            [ -f "labs/$w/lab.ini" ] || [ -f "$w/lab.ini" ] || [ "$w" = LAB ] ||
                bad "$file:$line: no lab '$w' (in: $cmd)"
            if [ "$prev" = debug ] && [ -n "${words[$((i + 1))]:-}" ] && [ -f "labs/$w/lab.ini" ]; then
                grep -q " ${words[$((i + 1))]} " <<<"$(tests_of "$w")" ||
                    bad "$file:$line: no test '${words[$((i + 1))]}' in $w (in: $cmd)"
            fi
        fi
        if [ "$prev" = --only ] && [ -n "$lab" ] && [ -f "labs/$lab/lab.ini" ]; then
            grep -q " $w " <<<"$(tests_of "$lab")" || bad "$file:$line: no test '$w' in $lab (in: $cmd)"
        fi
        case "$w" in
            LAB=*)
                [ -f "labs/$lab/lab.ini" ] || [ "$lab" = lab ] || [ "$lab" = LAB ] ||
                    bad "$file:$line: no lab '$lab' (in: $cmd)"
                ;;
            ONLY=*)
                local t
                if [ -z "$lab" ] || [ ! -f "labs/$lab/lab.ini" ]; then
                    bad "$file:$line: ONLY= without a lab's LAB= (in: $cmd)"
                else
                    for t in ${w#ONLY=}; do
                        grep -q " $t " <<<"$(tests_of "$lab")" ||
                            bad "$file:$line: no test '$t' in $lab (in: $cmd)"
                    done
                fi
                ;;
        esac
        prev=$w
    done
}

# A scratch copy of the kit: what git tracks and the new files it does not
# ignore (a lab being added), or, outside git, the tree without build/;
# with this grader binary.
scratch_kit() {
    local dst=$1
    mkdir -p "$dst"
    if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
        git ls-files -z -co --exclude-standard | tar --null -T - -c 2>/dev/null | tar -C "$dst" -x
    else
        tar -c --exclude=./build . | tar -C "$dst" -x
    fi
    mkdir -p "$dst/build" && cp -p "$GRADER" "$dst/build/grader"
    touch "$dst/build/grader"
}

total_run=0
for f in "${files[@]}"; do
    [ -f "$f" ] || { bad "$f: no such file"; continue; }
    ran=0 shown=0 failed=0
    root=""
    safe=$(echo "$f" | tr '/' '_')
    while IFS=$'\t' read -r line mode cwd body; do
        if [ "$mode" = error ]; then
            bad "$f:$line: a shell block must say run or norun (conventions): $body"
            continue
        fi
        body=${body//\\n/$'\n'}
        while IFS= read -r cmd; do
            [ -n "${cmd// /}" ] && [ "${cmd#\#}" = "$cmd" ] && check_names "$f" "$line" "$cmd"
        done <<<"$body"
        n=$(grep -cv '^[[:space:]]*\(#.*\)\?$' <<<"$body")
        if [ "$mode" = norun ]; then
            shown=$((shown + n))
            continue
        fi
        if [ -z "$root" ]; then
            root=$O/$safe/kit
            scratch_kit "$root"
            if [ "$f" = grader/dist/README.md ]; then
                (cd "$root" && make dist OUT="$O/$safe/handout" >/dev/null 2>&1) ||
                    bad "$f: make dist failed in the scratch kit"
                root=$O/$safe/handout
                mkdir -p "$root/build" && cp -p "$GRADER" "$root/build/grader" && touch "$root/build/grader"
            fi
        fi
        log=$O/$safe/block-$line.log
        if [ ! -d "$root/$cwd" ]; then
            bad "$f:$line: cwd=$cwd does not exist"
            continue
        fi
        (cd "$root/$cwd" && timeout -k 5 "$BLOCK_TIMEOUT" bash -e -o pipefail -c "$body") >"$log" 2>&1
        rc=$?
        ran=$((ran + n))
        if [ $rc -eq 0 ]; then
            ok "$f:$line: $n command(s) ran from ${cwd}"
        else
            failed=$((failed + 1))
            bad "$f:$line: a command failed (exit $rc; log $log):"
            sed 's/^/          /' <<<"$body"
            tail -n 5 "$log" | sed 's/^/        | /'
        fi
    done < <(extract "$f")
    total_run=$((total_run + ran))
    echo "  $f: $ran command(s) run, $shown shown (names checked)$([ $failed -gt 0 ] && echo ", $failed block(s) FAILED")"
done
echo "  $total_run command(s) run in all"
finish
