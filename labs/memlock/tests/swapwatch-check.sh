#!/bin/sh
# swapwatch-check.sh MODE - the swapwatch checks that are not one fixed
# transcript. Exits 0 when every check holds; otherwise prints
# "expected X, actual Y" for the first one that does not, and exits 1.
#
#   usage      bad command lines exit 2 with a message on stderr; good ones
#              (every option given, with its value as the next word) do not
#   meminfo    DIR/meminfo missing, truncated, a directory, or unreadable
#              (mode 000): exit 2 with a message on stderr
#   realproc   without --proc, swapwatch reads /proc: its total is the
#              SwapTotal of /proc/meminfo, and it exits 0 or 1
#   rounds     the exit status counts every round: a process over the
#              threshold in the first round only, or in the second only,
#              makes it 1 (the tree changes while swapwatch sleeps)
#
# Run from any directory; $OSLABS_LAB (set by the grader) is the lab, else ".".
set -u
lab=${OSLABS_LAB:-.}
sw=$lab/swapwatch
proc=$lab/tests/proc
out=${TMPDIR:-/tmp}/swapwatch-check.out.$$
err=${TMPDIR:-/tmp}/swapwatch-check.err.$$
trap 'rm -rf "$out" "$err" "${TMPDIR:-/tmp}/swapwatch-check.tree.$$"*' EXIT

# run ARGS...: runs swapwatch with a 5 s limit; sets $status.
run() {
    status=0
    timeout 5 "$sw" "$@" >"$out" 2>"$err" </dev/null || status=$?
}

show() {
    echo "  stdout: $(head -c 300 "$out")"
    echo "  stderr: $(head -c 300 "$err")"
}

# expect_error WHAT ARGS...: exit status 2 and something on stderr.
expect_error() {
    what=$1
    shift
    run "$@"
    if [ "$status" -ne 2 ]; then
        echo "swapwatch $*: $what: expected exit status 2, actual $status"
        show
        exit 1
    fi
    if [ ! -s "$err" ]; then
        echo "swapwatch $*: $what: expected a message on stderr, actual nothing"
        exit 1
    fi
}

# expect_status WANT WHAT ARGS...
expect_status() {
    want=$1 what=$2
    shift 2
    run "$@"
    if [ "$status" -ne "$want" ]; then
        echo "swapwatch $*: $what: expected exit status $want, actual $status"
        show
        exit 1
    fi
}

check_usage() {
    expect_error "an unknown option" --proc "$proc/basic" --bogus
    expect_error "--count without its number" --proc "$proc/basic" --count
    expect_error "a threshold that is not a number" --proc "$proc/basic" --threshold-kb abc
    expect_error "a negative threshold" --proc "$proc/basic" --threshold-kb -5
    expect_error "--count 0 (N must be at least 1)" --proc "$proc/basic" --count 0
    expect_error "an interval with trailing garbage" --proc "$proc/basic" --interval 2x
    expect_error "a stray argument" --proc "$proc/basic" extra
    expect_status 0 "every option, valid, nothing over the threshold" \
        --proc "$proc/noswap" --threshold-kb 5 --interval 0 --count 2
    lines=$(wc -l <"$out")
    if [ "$lines" -ne 4 ]; then
        echo "swapwatch --proc noswap --count 2: expected 4 lines (2 rounds), actual $lines"
        show
        exit 1
    fi
    expect_status 1 "options in another order" --count 1 --threshold-kb 0 --proc "$proc/basic"
}

check_meminfo() {
    tree=${TMPDIR:-/tmp}/swapwatch-check.tree.$$
    expect_error "no meminfo in DIR" --proc "$proc/nomeminfo"
    expect_error "meminfo truncated before SwapFree" --proc "$proc/badmeminfo"
    mkdir -p "$tree/meminfo" "$tree/1"
    cp "$proc/basic/1/status" "$tree/1/status"
    expect_error "meminfo is a directory" --proc "$tree"
    rmdir "$tree/meminfo"
    cp "$proc/basic/meminfo" "$tree/meminfo"
    expect_status 1 "a readable copy of the same tree" --proc "$tree"
    chmod 000 "$tree/meminfo"
    if ! cat "$tree/meminfo" >/dev/null 2>&1; then # not root: mode 000 is unreadable
        expect_error "meminfo of mode 000" --proc "$tree"
    fi
    expect_status 1 "the basic tree" --proc "$proc/basic"
}

check_realproc() {
    run --count 1 --interval 0
    if [ "$status" -ne 0 ] && [ "$status" -ne 1 ]; then
        echo "swapwatch --count 1 (on /proc): expected exit status 0 or 1, actual $status"
        show
        exit 1
    fi
    total=$(awk '$1 == "SwapTotal:" { print $2 }' /proc/meminfo)
    first=$(head -n 1 "$out")
    case "$first" in
    "swap: used="*" kB total=$total kB ("*"%)") ;;
    *)
        echo "swapwatch on /proc: expected a first line 'swap: used=U kB total=$total kB (P.P%)'" \
            "(SwapTotal of /proc/meminfo), actual '$first'"
        exit 1
        ;;
    esac
    second=$(sed -n 2p "$out")
    if [ "$second" != "$(printf 'PID\tNAME\tSWAP_KB\tLOCKED_KB')" ]; then
        echo "swapwatch on /proc: expected the header line PID<TAB>NAME<TAB>SWAP_KB<TAB>LOCKED_KB," \
            "actual '$second'"
        exit 1
    fi
}

# rounds_case WHAT FIRST SECOND: a tree whose one process has status FIRST
# during round 1 and SECOND during round 2 (replaced once swapwatch sleeps
# between them); expects exit status 1 and two rounds of output.
rounds_case() {
    what=$1 first=$2 second=$3
    rm -rf "$tree"
    mkdir -p "$tree/100"
    cp "$proc/basic/meminfo" "$tree/meminfo"
    cp "$first" "$tree/100/status"
    status=0
    "$sw" --proc "$tree" --count 2 --interval 2 >"$out" 2>"$err" </dev/null &
    pid=$!
    # Wait until it sleeps between the rounds (state S), 3 s at most.
    tries=0
    while [ "$tries" -lt 300 ]; do
        state=$(sed 's/.*) //' "/proc/$pid/stat" 2>/dev/null | cut -c1)
        [ "$state" = S ] && break
        [ -z "$state" ] && break
        sleep 0.01
        tries=$((tries + 1))
    done
    cp "$second" "$tree/100/status.new"
    mv "$tree/100/status.new" "$tree/100/status"
    wait "$pid" || status=$?
    if [ "$status" -ne 1 ]; then
        echo "swapwatch --count 2 --interval 2, $what: expected exit status 1 (a process" \
            "exceeded the threshold in one of the rounds), actual $status"
        show
        exit 1
    fi
    lines=$(wc -l <"$out")
    if [ "$lines" -ne 5 ]; then
        echo "swapwatch --count 2, $what: expected 5 lines (two rounds, one row), actual $lines"
        show
        exit 1
    fi
}

check_rounds() {
    tree=${TMPDIR:-/tmp}/swapwatch-check.tree.$$
    swapping=$tree.swapping
    idle=$tree.idle
    cp "$proc/basic/977/status" "$swapping"
    sed 's/^VmSwap:.*/VmSwap:	       0 kB/' "$swapping" >"$idle"
    rounds_case "swapping in the first round only" "$swapping" "$idle"
    rounds_case "swapping in the second round only" "$idle" "$swapping"
    rm -f "$swapping" "$idle"
}

case "${1:-}" in
usage) check_usage ;;
meminfo) check_meminfo ;;
realproc) check_realproc ;;
rounds) check_rounds ;;
*)
    echo "usage: $0 usage|meminfo|realproc|rounds" >&2
    exit 2
    ;;
esac
exit 0
