#!/usr/bin/env bash
# bundles.sh LAB... - the platform bundles (make gradescope|prairielearn|
# autolab): each builds for every lab and holds no solution or mutant; and
# for the labs in BUNDLE_LABS (default: deadlock shell) each grades in the
# oslabs image, with its platform's directory layout mounted, no network
# and a read-only root, as the grader does on the host: the solution, the
# skeleton, a submission that does not compile, one the grader refuses.
#   Gradescope: setup.sh once, then run_autograder as root; results.json
#     valid against Gradescope's schema, the host's score, metadata shown,
#     and results.json (score 0, the reason) even when the grader fails.
#   PrairieLearn: run.sh as the image's user, /grade/tests read-only;
#     the host's fraction, "gradable": false for the broken build and the
#     refused submission.
#   Autolab: make as the image's user in a directory with the Makefile,
#     autograde.tar and the handin; the last line's scores sum to the
#     host's score.
# A bundle uses the image's prebuilt grader when it has the same sources,
# else builds its own: one run of each platform hides the prebuilt one.
# Skipped, loudly, when no container engine works, unless
# OSLABS_REQUIRE_CONTAINERS=1, which makes that a failure.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 1
. tests/selftest/lib.sh

rm -rf "$OUT/bundles" && mkdir -p "$OUT/bundles"
O=$(cd "$OUT/bundles" && pwd)   # absolute: the engine mounts it
IMAGE=${OSLABS_IMAGE:-oslabs-selftest}

echo "the bundles build"
for lab in "$@"; do
    for p in gradescope prairielearn autolab; do
        docker/bundle.sh "$p" "$lab" "$O/out" >"$O/$p-$lab.txt" 2>&1 ||
            bad "$lab: make $p fails (see $O/$p-$lab.txt)"
    done
    leaks=$( (python3 -m zipfile -l "$O/out/gradescope-$lab.zip" | awk '{print $1}'
              tar tf "$O/out/autolab-$lab/autograde.tar"
              cd "$O/out/prairielearn-$lab" && find .) 2>/dev/null |
        grep -E '(^|/)(solutions|mutants|adversarial|selftest|\.git)(/|$)' | head -3)
    expect_eq "$lab: three bundles, no solution or mutant in them" "" "$leaks"
    check "$lab: the hidden tests are in them" test -f "$O/out/prairielearn-$lab/kit/labs/$lab/hidden/lab.ini"
done

if ! engine_or_skip "the bundles"; then
    finish
    exit $?
fi
read -r -a engine <<<"$(docker/engine.sh)"
if ! "${engine[@]}" image inspect "$IMAGE" >/dev/null 2>&1; then
    bad "no image $IMAGE (tests/selftest/containers.sh builds it)"
    finish
    exit 1
fi

# run ARGS...: a fresh container of the image, as a platform would start it
run() {
    "${engine[@]}" run --rm --network none --read-only --tmpfs /tmp:rw,exec,size=1g \
        --ulimit nofile=1024:1024 --ulimit nproc=4096:4096 "$@"
}

# unzip ZIP DIR: as Gradescope does, file modes kept (python3 -m zipfile
# loses them)
unzip_modes() {
    python3 - "$1" "$2" <<'PY'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    for i in z.infolist():
        path = z.extract(i, sys.argv[2])
        if i.external_attr >> 16:
            os.chmod(path, (i.external_attr >> 16) & 0o7777)
PY
}

# no_prebuilt SUB WHICH: for submission WHICH, the engine flags that hide
# the image's prebuilt grader (an empty bind mount: a tmpfs would get a
# copy of it from podman): the bundle then builds its own, into a copy in
# /tmp for PrairieLearn's read-only kit, into the kit for Autolab.
no_prebuilt() {
    mkdir -p "$O/empty"
    [ "$1" != "$2" ] || echo "-v $O/empty:/opt/oslabs/build:ro"
}

# secs START: seconds since START (date +%s)
secs() { echo "$(($(date +%s) - $1)) s"; }

# The submissions: the solution, the skeleton, a skeleton that does not compile.
make_subs() {
    local lab=$1 s=$2
    mkdir -p "$s"
    cp -r "solutions/$lab" "$s/solution"
    cp -r "skeletons/$lab" "$s/skeleton"
    cp -r "skeletons/$lab" "$s/broken"
    echo "neither a directory nor an archive" >"$s/not-a-dir"
    echo 'this line does not compile' >>"$s/broken/$($GRADER config "$lab" files | head -1)"
    chmod -R a+rX "$s"
}

gradescope() {
    local lab=$1 g start sub r t status
    g=$O/$lab/gradescope
    unzip_modes "$O/out/gradescope-$lab.zip" "$g/source"
    jq -n --arg lab "$lab" '{id: 4242, created_at: "2030-01-31T12:00:00Z",
        users: [{name: "Ada L", email: "a@x"}], assignment: {title: $lab}}' >"$g/submission_metadata.json"
    start=$(date +%s)
    run --user 0 -v "$g/source:/autograder/source" "$IMAGE" /autograder/source/setup.sh >"$g/setup.txt" 2>&1
    status=$?
    expect_eq "$lab: gradescope: setup.sh builds the grader offline ($(secs "$start"))" 0 $status
    for sub in solution skeleton broken; do
        mkdir -p "$g/$sub"
        start=$(date +%s)
        run --user 0 -v "$g/source:/autograder/source" -v "$S/$sub:/autograder/submission:ro" \
            -v "$g/$sub:/autograder/results" \
            -v "$g/submission_metadata.json:/autograder/submission_metadata.json:ro" \
            "$IMAGE" /autograder/source/run_autograder >"$g/$sub.txt" 2>&1
        r=$g/$sub/results.json t="$lab: gradescope: $sub ($(secs "$start"))"
        check "$t: results.json matches the schema" validate_results_json "$r"
        expect_eq "$t: the score" "$(host_score "$lab" "$sub")" "$(json "$r" .score 2>&1)"
    done
    check "$lab: gradescope: the output starts with who and what was graded" \
        grep -q '^Graded for Ada L, submission 4242, created 2030-01-31T12:00:00Z' \
        <(json "$g/solution/results.json" .output)
    expect_eq "$lab: gradescope: broken: the build failed" failed \
        "$(json "$g/broken/results.json" .extra_data.build 2>&1)"
    # a submission the grader refuses (exit 1): results.json all the same
    mkdir -p "$g/refused"
    run --user 0 -v "$g/source:/autograder/source" -v "$S/not-a-dir:/autograder/submission:ro" \
        -v "$g/refused:/autograder/results" "$IMAGE" /autograder/source/run_autograder \
        >"$g/refused.txt" 2>&1
    r=$g/refused/results.json
    check "$lab: gradescope: refused by the grader: results.json matches the schema" validate_results_json "$r"
    expect_eq "$lab: gradescope: refused by the grader: score 0, the reason given" "0 true" \
        "$(json "$r" '"\(.score) \(.output | test("could not grade") and test("not a directory"))"' 2>&1)"
}

prairielearn() {
    local lab=$1 p start sub r t
    p=$O/$lab/prairielearn
    for sub in solution skeleton broken not-a-dir; do
        mkdir -p "$p/$sub" && chmod 777 "$p/$sub"
        start=$(date +%s)
        # shellcheck disable=SC2046
        # OSLABS_ALLOW_PARTIAL: this container may lack what some tests need
        run -v "$O/out/prairielearn-$lab:/grade/tests:ro" -v "$S/$sub:/grade/student:ro" \
            -v "$p/$sub:/grade/results" $(no_prebuilt "$sub" skeleton) -e OSLABS_ALLOW_PARTIAL=1 \
            "$IMAGE" /grade/tests/run.sh >"$p/$sub.txt" 2>&1
        r=$p/$sub/results.json t="$lab: prairielearn: $sub ($(secs "$start"))"
        case $sub in
            broken)
                expect_eq "$t: gradable false" false "$(json "$r" .gradable 2>&1)"
                check "$t: the compiler's errors shown" grep -q 'error:' <(json "$r" .output)
                ;;
            not-a-dir)
                expect_eq "$t: refused by the grader: gradable false, the reason given" "false true" \
                    "$(json "$r" '"\(.gradable) \(.format_errors[0] | test("not a directory"))"' 2>&1)"
                ;;
            *)
                expect_eq "$t: gradable, the host's fraction" "true $(host_fraction "$lab" "$sub")" \
                    "$(json "$r" '"\(.gradable) \(.score)"' 2>&1)"
                ;;
        esac
    done
    prairielearn_short "$lab" "$p"
}

# A machine that lacks what a test requires gives no short grade.
prairielearn_short() {
    local lab=$1 p=$2 feature r
    feature=$(sed -n 's/^requires *= *\([a-z_0-9]*\).*/\1/p' "labs/$lab/lab.ini" | head -n 1)
    [ -n "$feature" ] || return 0
    mkdir -p "$p/short" && chmod 777 "$p/short"
    run -v "$O/out/prairielearn-$lab:/grade/tests:ro" -v "$S/solution:/grade/student:ro" \
        -v "$p/short:/grade/results" -e OSLABS_PRETEND_MISSING="$feature" \
        "$IMAGE" /grade/tests/run.sh >"$p/short.txt" 2>&1
    r=$p/short/results.json
    expect_eq "$lab: prairielearn: without $feature: gradable false, no fault of the student's" \
        "false true" "$(json "$r" '"\(.gradable) \(.message | test("no fault of your code"))"' 2>&1)"
}

autolab() {
    local lab=$1 a start sub w last
    a=$O/$lab/autolab
    for sub in solution broken; do
        w=$a/$sub
        mkdir -p "$w" && chmod 777 "$w"
        cp "$O/out/autolab-$lab/autograde-Makefile" "$w/Makefile"
        cp "$O/out/autolab-$lab/autograde.tar" "$w/"
        # the solution as an archive, the broken one as loose files
        if [ "$sub" = solution ]; then
            tar -C "$S/$sub" -cf "$w/handin.tar" .
        else
            cp "$S/$sub"/* "$w/"
        fi
        start=$(date +%s)
        # shellcheck disable=SC2046
        run -v "$w:/autolab" -w /autolab $(no_prebuilt "$sub" broken) "$IMAGE" make >"$a/$sub.txt" 2>&1
        last=$(tail -n 1 "$a/$sub.txt")
        expect_eq "$lab: autolab: $sub ($(secs "$start")): the last line's scores sum to the host's score" \
            "$(host_score "$lab" "$sub")" "$(jq -r '.scores | add' <<<"$last" 2>&1)"
    done
    expect_eq "$lab: autolab: one score per problem of $lab.yml" \
        "$(grep -c '^- name:' "$O/out/autolab-$lab/$lab.yml")" \
        "$(tail -n 1 "$a/solution.txt" | jq '.scores | length')"
}

# The host's grading of a submission, hidden tests included.
host_json() {
    local f=$O/$1/host-$2.json
    [ -f "$f" ] || $GRADER run "$1" --submission "$S/$2" --hidden "labs/$1/hidden" \
        --json "$f" >/dev/null 2>&1
    echo "$f"
}
host_score() { json "$(host_json "$1" "$2")" .score; }
host_fraction() { json "$(host_json "$1" "$2")" '.score / .extra_data.max_score'; }

for lab in "$@"; do
    case " ${BUNDLE_LABS:-deadlock shell} " in *" $lab "*) ;; *) continue ;; esac
    echo "$lab: the bundles in the image ($IMAGE)"
    S=$O/$lab/subs
    make_subs "$lab" "$S"
    expect_eq "$lab: the host: the solution scores 100%" 1 "$(host_fraction "$lab" solution)"
    for platform in gradescope prairielearn autolab; do
        failed=$SELFTEST_FAILED
        "$platform" "$lab"
        [ "$SELFTEST_FAILED" -eq "$failed" ] || echo "        (the logs: $O/$lab/$platform/)"
    done
done

finish
