#!/usr/bin/env bash
# adversarial.sh [local|container] - every attack in tests/adversarial is
# contained: planted in the prodcons solution's bbuf_create (or patched
# into the solution of the lab its expect names) and graded
# (by the local sandbox, or inside a fresh container by docker/grade.sh),
# it ends as its expect file says, the grader finishes in bounded time, and
# the host is unchanged (no process left, nothing in the host's /tmp, no
# network connection, no ESCAPED in any report). See
# tests/adversarial/README.md.
set -uo pipefail
cd "$(dirname "$0")/../.."
. tests/selftest/lib.sh

MODE=${1:-local}
A=tests/adversarial
O=$OUT/adversarial-$MODE
LIMIT=${ADV_LIMIT:-90}
rm -rf "$O" && mkdir -p "$O"
KIT=$(pwd)
[ "$MODE" = container ] && KIT=/opt/oslabs # where the kit is inside the image
PORT=$((40000 + $$ % 20000))
CANARY=/tmp/oslabs-adv-canary
ESCAPED=/tmp/oslabs-adv-escaped

if [ ! -d solutions/prodcons ]; then
    echo "  SKIP  the adversarial suite needs the prodcons lab"
    finish
    exit $?
fi

# A listener on the host's loopback: any connection is logged.
python3 -c '
import socket, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1]))); s.listen(16)
while True:
    c, _ = s.accept(); open(sys.argv[2], "a").write("connection\n"); c.close()
' "$PORT" "$O/listener.log" &
listener=$!
trap 'kill $listener 2>/dev/null' EXIT
echo canary >"$CANARY"
chmod 0644 "$CANARY"
rm -f "$ESCAPED"

# expect's VALUE for KEY (lab, only), or the default.
expect_of() {
    local v
    v=$(sed -n "s/^$2:[[:space:]]*//p" "$A/$1/expect")
    echo "${v:-$3}"
}

# Builds NAME's submission: the solution, with the attack planted in bbuf.c;
# or, for an attack.patch, that lab's solution with the patch applied.
plant() {
    local name=$1 sub=$O/$1/sub
    mkdir -p "$sub"
    if [ -f "$A/$name/attack.patch" ]; then
        cp -r "solutions/$(expect_of "$name" lab prodcons)/." "$sub/"
        patch -s -p1 -d "$sub" <"$A/$name/attack.patch"
        return
    fi
    cp solutions/prodcons/tpool.c "$sub/"
    {
        printf '#define _GNU_SOURCE\n#define bbuf_create oslabs_real_bbuf_create\n'
        printf '#define ADV_KIT "%s"\n#define ADV_PORT %d\n' "$KIT" "$PORT"
        cat solutions/prodcons/bbuf.c
        cat "$A/$name/attack.c"
        cat "$A/hook-prodcons.c"
    } >"$sub/bbuf.c"
}

# An attack with a hidden/ of its own is graded with those hidden tests.
run_attack() {
    local name=$1 d=$O/$1 start rc hidden=()
    local lab only
    lab=$(expect_of "$name" lab prodcons)
    only=$(expect_of "$name" only put-get-fifo)
    plant "$name"
    [ -d "$A/$name/hidden" ] && hidden=(--hidden "$A/$name/hidden")
    start=$(date +%s)
    if [ "$MODE" = container ]; then
        OSLABS_HIDDEN=${hidden[1]:-} timeout -k 5 "$LIMIT" docker/grade.sh "$lab" "$d/sub" \
            "$d/res" --only "$only" --autolab >"$d/out.txt" 2>"$d/err.txt"
        rc=$?
        cp "$d/res/results.json" "$d/results.json" 2>/dev/null
    else
        timeout -k 5 "$LIMIT" $GRADER run "$lab" --submission "$d/sub" --only "$only" \
            "${hidden[@]}" --json "$d/results.json" --autolab >"$d/out.txt" 2>"$d/err.txt"
        rc=$?
    fi
    echo "$rc $(($(date +%s) - start))" >"$d/status"
}
export -f expect_of plant run_attack
export A O KIT PORT GRADER LIMIT MODE

mapfile -t attacks < <(find $A -mindepth 1 -maxdepth 1 -type d -printf '%f\n' | sort)
printf '%s\n' "${attacks[@]}" | xargs -P 2 -I{} bash -c 'run_attack {}'

for name in "${attacks[@]}"; do
    d=$O/$name
    read -r rc secs <"$d/status"
    want=$(sed -n 's/^outcome:[[:space:]]*//p' "$A/$name/expect")
    if [ "$rc" -ne 0 ]; then
        bad "$name: the grader exited $rc after ${secs}s (see $d/err.txt)"
        continue
    fi
    # without namespaces (a plain container, a user without them) the local
    # sandbox cannot hide the kit or the network: an escape is what this
    # machine allows, not a regression
    if [ "$MODE" = local ] && ! has_layer namespaces &&
        grep -q ESCAPED "$d/results.json" "$d/out.txt"; then
        skip_or_fail NAMESPACES "$name" "the sandbox here has no namespaces ($(sandbox_layer)): the attack got out" \
            "$ENABLE_NAMESPACES"
        no_ns_escapes=$((${no_ns_escapes:-0} + 1))
        continue
    fi
    got=$(json "$d/results.json" '.tests[0].extra_data.outcome')
    build=$(json "$d/results.json" .extra_data.build)
    case "$want" in
        pass) [ "$got" = passed ] ;;
        fail) [ "$got" = failed ] ;;
        build-failed) [ "$build" = failed ] && [ "$got" = not_run ] ;;
        *) false ;;
    esac
    if [ $? -eq 0 ]; then
        ok "$MODE: $name: contained, the test ${got/not_run/was not run (build failed)} (${secs}s)"
    else
        bad "$name: expected $want, got $got (build $build; see $d/out.txt)"
    fi
    reason=$(sed -n "s/^reason-$MODE:[[:space:]]*//p" "$A/$name/expect")
    layer=$(sed -n 's/^layer:[[:space:]]*//p' "$A/$name/expect")
    layer=${layer:-memory}
    case $layer in
        disk) req=NAMESPACES enable=$ENABLE_DISK_QUOTA ;;
        *) req=CGROUPS enable=$ENABLE_CGROUPS ;;
    esac
    max=$(sed -n "s/^seconds-$MODE:[[:space:]]*//p" "$A/$name/expect")
    took=$(json "$d/results.json" '.tests[0].extra_data.time')
    if [ -n "$reason$max" ] && [ "$MODE" = local ] && ! has_layer "$layer"; then
        skip_or_fail "$req" "$name: the report says \"$reason\" (${max:-any} s)" \
            "the sandbox here has no $layer layer ($(sandbox_layer))" "$enable"
    elif [ -n "$reason" ] && ! grep -q "$reason" <(json "$d/results.json" '.tests[0].output'); then
        bad "$name: the report does not say \"$reason\""
    elif [ -n "$max" ] && ! awk -v t="$took" -v m="$max" 'BEGIN { exit !(t <= m) }'; then
        bad "$name: the test ran ${took}s, more than $max"
    fi
    # tampering (a forged verdict line, a write into the lab) is flagged, and only then
    tamper=$(sed -n 's/^tampering:[[:space:]]*//p' "$A/$name/expect")
    seen=$(json "$d/results.json" '.extra_data.tampering[0].seen // empty')
    if [ -n "$tamper" ] && ! grep -q "$tamper" <<<"$seen"; then
        bad "$name: tampering is not flagged (expected \"$tamper\" in extra_data.tampering)"
    elif [ -n "$tamper" ] && ! grep -q "^Tampering suspected:" "$d/out.txt"; then
        bad "$name: the terminal report does not say \"Tampering suspected:\""
    elif [ -z "$tamper" ] && [ -n "$seen" ]; then
        bad "$name: flagged as tampering, which it does not do ($seen)"
    fi
    if grep -q ESCAPED "$d/results.json" "$d/out.txt"; then
        bad "$name: the attack reports that it ESCAPED"
    fi
    validate_results_json "$d/results.json" || bad "$name: results.json breaks the schema"
    last=$(tail -n 1 "$d/out.txt")
    only=$(expect_of "$name" only put-get-fifo)
    [ "$(echo "$last" | jq -r --arg t "$only" '.scores[$t]' 2>/dev/null)" = \
        "$(json "$d/results.json" '.tests[0].score')" ] ||
        bad "$name: the last line is not the grader's own Autolab scores ($last)"
done

check "no attack left a process running" test -z "$(pgrep -f '[o]slabs-adv')"
if [ "${no_ns_escapes:-0}" -gt 0 ]; then
    skip_or_fail NAMESPACES "the host's /tmp, canary and listener are untouched" \
        "$no_ns_escapes attack(s) got out of a sandbox without namespaces" "$ENABLE_NAMESPACES"
else
    check "nothing reached the host's /tmp" test ! -e "$ESCAPED"
    check "nothing reached the host's /var/tmp" test -z "$(find /var/tmp -maxdepth 1 -name 'oslabs-adv*' -print -quit)"
    check "the host's canary file is unchanged" test "$(cat "$CANARY")" = canary
    check "the host's listener got no connection" test ! -s "$O/listener.log"
fi
rm -f "$ESCAPED"
rm -f "$CANARY"
finish
