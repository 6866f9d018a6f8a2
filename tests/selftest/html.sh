#!/usr/bin/env bash
# html.sh - the pages to look at, loaded in a real browser (Debian's
# chromium, headless):
#   - the student report of the fixture lab (sub-good: every kind of
#     failure) and the class dashboard of a small batch of it load with no
#     console message (a page with a deliberate script error shows that the
#     check can fail);
#   - the numbers the browser shows equal results.json and grades.csv;
#   - a submission that prints a <script> gets it shown as text, on its
#     report and in the batch;
#   - a submission that does not build shows its compiler errors, and each
#     test why it did not run;
#   - the pages fetch nothing, and every student link (of the batch's
#     dashboard and of grader merge's) leads to a page;
#   - pimutex's timelines are drawn: a picture per timeline of results.json,
#     with its rows and marks, for failed and passed trace tests, and the
#     handout's picture is what `grader timeline` draws today;
#   - screenshots in build/selftest/html: report.png (a student's),
#     dashboard.png, build-failed.png, timeline.png.
# Without chromium: SKIP with the reason (OSLABS_REQUIRE_BROWSER=1 fails).
# OSLABS_CHROMIUM names another Chromium binary.
set -uo pipefail
cd "$(dirname "$0")/../.." || exit 2
. tests/selftest/lib.sh

O=$OUT/html
rm -rf "$O" && mkdir -p "$O"
F=grader/tests/fixtures/kinds
KIT=$(pwd)

if [ -n "${OSLABS_CHROMIUM:-}" ]; then
    BROWSER=$(command -v "$OSLABS_CHROMIUM" || true)
else
    BROWSER=$(command -v chromium || command -v chromium-browser || true)
fi
if [ -z "$BROWSER" ]; then
    skip_or_fail BROWSER "the HTML pages in a browser" "chromium is not installed" \
        "apt-get install chromium (make deps-test)"
    finish
    exit $?
fi

# browse NAME PAGE: the DOM chromium made of PAGE in $O/NAME.dom, its log
# in $O/NAME.log, a screenshot in $O/NAME.png. Root needs --no-sandbox.
browse() {
    local name=$1 url=file://$KIT/$2
    local flags=(--headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$O/profile"
        --enable-logging=stderr --v=0)
    timeout 120 "$BROWSER" "${flags[@]}" --dump-dom "$url" >"$O/$name.dom" 2>"$O/$name.log"
    timeout 120 "$BROWSER" "${flags[@]}" --screenshot="$O/$name.png" --window-size=1280,2000 \
        "$url" >/dev/null 2>&1
}

# the page's console messages (errors, CSP refusals, warnings): none expected
console_messages() { grep ':CONSOLE' "$O/$1.log"; }

# python3's html.parser over a dumped DOM: "KEY<TAB>TEXT" of each <tr> with
# the attribute ATTR, TEXT the text of its cell of class CLASS
cells() { # DOM ATTR CLASS
    python3 - "$@" <<'PY'
import sys
from html.parser import HTMLParser

dom, attr, cls = sys.argv[1:4]

class Cells(HTMLParser):
    key = None
    inside = False
    text = ""

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "tr" and attr in a:
            self.key = a[attr]
        elif tag == "td" and self.key is not None and cls in (a.get("class") or "").split():
            self.inside, self.text = True, ""

    def handle_endtag(self, tag):
        if tag == "td" and self.inside:
            print(f"{self.key}\t{self.text.strip()}")
            self.inside = False
        elif tag == "tr":
            self.key = None

    def handle_data(self, data):
        if self.inside:
            self.text += data

Cells().feed(open(dom).read())
PY
}

# the text of the element with id ID in a DOM
by_id() { sed -n "s/.*id=\"$2\">\([^<]*\)<.*/\1/p" "$1" | head -1; }

echo "the check can fail: a page with a script error"
printf '<!DOCTYPE html><p>x</p><script>undefinedFunction();</script>\n' >"$O/broken.html"
browse broken "$O/broken.html"
check "chromium reports the page's console error" console_messages broken

echo "a student's report (the fixture lab, sub-good: every kind of failure)"
start=$(date +%s)
$GRADER run $F --submission $F/sub-good --json "$O/good.json" --html "$O/good.html" \
    >"$O/good.txt" 2>&1
expect_eq "grader run --html exits 0 ($(($(date +%s) - start)) s)" 0 $?
browse report "$O/good.html"
check "the page loads: chromium made a DOM of it" grep -q '</html>' "$O/report.dom"
expect_eq "no console message" "" "$(console_messages report)"
expect_eq "the total score shown is results.json's" \
    "$(json "$O/good.json" '"\(.score)/\(.extra_data.max_score)"')" \
    "$(by_id "$O/report.dom" score)/$(by_id "$O/report.dom" max)"
expect_eq "every test's points shown are results.json's" \
    "$(json "$O/good.json" '.tests[] | "\(.name)\t\(.score)/\(.max_score)"')" \
    "$(cells "$O/report.dom" data-test points)"
nfail=$(json "$O/good.json" '[.tests[] | select(.extra_data.outcome | test("failed|skipped"))] | length')
expect_eq "a section per test that failed or was skipped ($nfail)" "$nfail" \
    "$(grep -c '<section class="test"' "$O/report.dom")"
check "the trace test's diff marks the removed line" \
    grep -q '<span class="del">-not ok' "$O/report.dom"
check "the valgrind excerpt is folded" grep -q '<details><summary>valgrind</summary>' "$O/report.dom"
check "the rerun commands are there to copy" \
    grep -q '<pre class="cmd">build/grader run grader/tests/fixtures/kinds --only trace-diff' \
    "$O/report.dom"
# how a test ended, a word every machine gives (hung needs ptrace: not in a plain container)
check "what a test used is shown (how it ended, peak memory)" \
    bash -c "grep -q '<td>killed by signal 11</td>' \"\$1\" && grep -q ' KiB</td>' \"\$1\"" _ "$O/report.dom"
expect_eq "grader html makes the same page from results.json (but the submission's name)" "" \
    "$($GRADER html "$O/good.json" "$O/again.html" && diff <(grep -v 'Submission' "$O/good.html") \
        <(grep -v 'Submission' "$O/again.html"))"

echo "a submission that prints <script>"
mkdir -p "$O/subs/hostile"
cat >"$O/subs/hostile/answer.c" <<'EOF'
#include <stdio.h>
#include "answer.h"

int answer(void)
{
    printf("<script>document.title='pwned'</script><img src=x onerror=alert(1)>\n");
    return 43;
}

int add(int a, int b)
{
    return a + b;
}
EOF
$GRADER run $F --submission "$O/subs/hostile" --only answer-is-42 --html "$O/hostile.html" \
    >"$O/hostile.txt" 2>&1
browse hostile "$O/hostile.html"
check "its output is in the report" grep -q 'document.title' "$O/hostile.html"
expect_eq "as text: no <script> or <img> in the page" 0 \
    "$(grep -c '<script\|<img' "$O/hostile.html")"
expect_eq "nor in the browser's DOM" 0 "$(grep -c '<script\|<img' "$O/hostile.dom")"
check "the browser shows it as text" grep -q '&lt;script&gt;document.title' "$O/hostile.dom"
expect_eq "no console message" "" "$(console_messages hostile)"

echo "the dashboard of a batch (the fixture lab: four submissions, two of them copies)"
cp -r $F/sub-broken $F/sub-skeleton "$O/subs/"
cp -r "$O/subs/hostile" "$O/subs/hostile-copy"
sim=()
command -v sim_c >/dev/null && sim=(--similarity)
start=$(date +%s)
$GRADER batch $F "$O/subs" --out "$O/out" --local --jobs 2 --trust-submissions "${sim[@]}" \
    >"$O/batch.txt" 2>&1
expect_eq "the batch exits 0 ($(($(date +%s) - start)) s)" 0 $?
check "it says where the dashboard is" grep -q "dashboard.html" "$O/batch.txt"
browse dashboard "$O/out/dashboard.html"
check "the page loads: chromium made a DOM of it" grep -q '</html>' "$O/dashboard.dom"
expect_eq "no console message" "" "$(console_messages dashboard)"
expect_eq "each student's total is grades.csv's" \
    "$(python3 -c 'import csv, sys
for r in csv.DictReader(open(sys.argv[1])): print(r["student"] + "\t" + r["total"])' \
        "$O/out/grades.csv")" \
    "$(cells "$O/dashboard.dom" data-student total)"
expect_eq "each test's passes are summary.md's" \
    "$(sed -n '/^## Tests/,/^## The slowest/s/^| \([^ |]*\) | [^|]* | \([0-9]*\/[0-9]*\) | .*/\1\t\2/p' \
        "$O/out/summary.md")" \
    "$(cells "$O/dashboard.dom" data-test passed-count)"
expect_eq "the number of submissions" 4 "$(by_id "$O/dashboard.dom" submissions)"
links=$(grep -o 'href="[^"]*"' "$O/out/dashboard.html" | sed 's/href="\(.*\)"/\1/' | sort -u)
expect_eq "a link to each student's report" \
    "hostile-copy/report.html hostile/report.html sub-broken/report.html sub-skeleton/report.html" \
    "$(echo "$links" | paste -sd" ")"
for l in $links; do
    check "$l exists" test -f "$O/out/$l"
done
if [ ${#sim[@]} -gt 0 ]; then
    check "the copied pair is in similarity.csv" grep -Eq '^(hostile,hostile-copy|hostile-copy,hostile),' "$O/out/similarity.csv"
    expect_eq "the similar pairs of similarity.csv are listed" \
        "$(tail -n +2 "$O/out/similarity.csv" | cut -d, -f1-3 | tr , ' ')" \
        "$(sed -n '/<table class="similarity">/,/<\/table>/p' "$O/dashboard.dom" | grep '<td>' |
            sed 's/<\/td><td>/ /g; s/<[^>]*>//g' | cut -d' ' -f1-3)"
else
    echo "  SKIP  similar pairs on the dashboard: sim_c is not installed (apt-get install similarity-tester)"
fi
$GRADER merge --out "$O/merged" "$O/out" >"$O/merge.txt" 2>&1
expect_eq "grader merge writes a dashboard too" 0 $?
merged=$(grep -o 'href="file://[^"]*"' "$O/merged/dashboard.html" | sed 's|href="file://\(.*\)"|\1|' | sort -u)
expect_eq "its students link to their pages in the batch's output" 4 "$(echo "$merged" | grep -c .)"
for l in $merged; do
    check "${l#"$KIT"/} exists" test -f "$l"
done
browse build-failed "$O/out/sub-broken/report.html"
expect_eq "a submission that does not build: no console message" "" "$(console_messages build-failed)"
check "its compiler errors are shown" grep -q "answer.c:6:14: error: expected ';'" "$O/build-failed.dom"
expect_eq "each test says why it did not run, in the table, with no section" "39 0" \
    "$(grep -c '<td>not run: the build failed</td>' "$O/build-failed.dom") $(grep -c '<section' \
        "$O/build-failed.dom")"
browse batch-report "$O/out/hostile/report.html"
expect_eq "the batch's report of the <script> submission: no console message" "" \
    "$(console_messages batch-report)"
expect_eq "and no <script> in its DOM" 0 "$(grep -c '<script' "$O/batch-report.dom")"
expect_eq "the pages fetch nothing (no element with a src=, no <link>)" 0 \
    "$(cat "$O/good.html" "$O/hostile.html" "$O/out/dashboard.html" "$O/out"/*/report.html |
        grep -c '<[a-zA-Z][^>]* src=\|<link')"
if [ -d labs/pimutex ]; then
    echo "pimutex's timelines, drawn (the solution, and a mutant that never donates)"
    cp -r solutions/pimutex "$O/pm-mutant"
    patch -s -p1 -N -d "$O/pm-mutant" <tests/mutants/pimutex/no-donation.patch >/dev/null ||
        bad "the no-donation mutant applies"
    pm_tests=(--only pathfinder-no-inherit-resets --only pathfinder-inherit-meets-deadlines
        --only donate-chain-deep --only donate-one)
    $GRADER run pimutex --submission solutions/pimutex "${pm_tests[@]}" --json "$O/pm-good.json" \
        --html "$O/pm-good.html" >"$O/pm-good.txt" 2>&1
    $GRADER run pimutex --submission "$O/pm-mutant" "${pm_tests[@]}" --json "$O/pm-bad.json" \
        --html "$O/pm-bad.html" >"$O/pm-bad.txt" 2>&1
    browse timeline "$O/pm-bad.html"
    browse timeline-passed "$O/pm-good.html"
    expect_eq "no console message" "" "$(console_messages timeline; console_messages timeline-passed)"
    # the rows and marks of every timeline section of results.json, and the
    # pictures' task rows and cells in the browser's DOM (a legend has 7 cells)
    timeline_counts() {
        jq -r '.tests[].output' "$1" | awk '
            /^--- timeline/ { inside = 1; svgs++; next }
            /^--- / { inside = 0 }
            inside && /\|.*\|/ { rows++; m = $0; sub(/^[^|]*\|/, "", m); sub(/\|[^|]*$/, "", m)
                                 gsub(/ /, "", m); cells += length(m) }
            END { print svgs + 0, rows + 0, cells + 7 * svgs }'
    }
    dom_counts() {
        echo "$(grep -o '<svg [^>]*class="timeline"' "$1" | wc -l) \
$(grep -o '<g class="task">' "$1" | wc -l) $(grep -o '<rect class="cell"' "$1" | wc -l)" |
            tr -s ' \n' ' ' | sed 's/ $//'
    }
    expect_eq "the mutant's two failed trace tests with virtual time show its timeline and the expected one" \
        "2 2" "$(jq -r '.tests[].output' "$O/pm-bad.json" | grep -c '^--- timeline (your program) ---$') \
$(jq -r '.tests[].output' "$O/pm-bad.json" | grep -c '^--- timeline (expected) ---$')"
    expect_eq "... the pictures show the rows and marks of results.json's timelines" \
        "$(timeline_counts "$O/pm-bad.json")" "$(dom_counts "$O/timeline.dom")"
    check "... the text of the test's own run is folded under each" \
        grep -q '<details><summary>as text</summary><pre>timeline: # run' "$O/timeline.dom"
    expect_eq "the solution: the passed trace tests with a timeline are drawn (svgs, rows, cells)" \
        "$(timeline_counts "$O/pm-good.json")" "$(dom_counts "$O/timeline-passed.dom")"
    check "... under their own heading" grep -q '<h2>Timelines of the tests that passed</h2>' \
        "$O/timeline-passed.dom"
    check "... the missed deadline at tick 10 is a red line with its message" \
        grep -q '<title>tick 10: HALT: watchdog reset: bc_dist missed its deadline</title><line [^>]*stroke="#b3261e"' \
        "$O/timeline-passed.dom"
    expect_eq "a scenario without virtual time (donate-one) has no timeline" 0 \
        "$(jq -r '.tests[] | select(.name == "donate-one") | .output' "$O/pm-bad.json" | grep -c '^--- timeline')"
    $GRADER timeline labs/pimutex/tests/expected/pathfinder-no-inherit-resets.out "$O/handout.svg" \
        "$(sed -n 's/^<svg [^>]*><title>\([^<]*\)<.*/\1/p' labs/pimutex/timeline-pathfinder.svg)"
    expect_eq "the handout's picture is what grader timeline draws from the expected transcript" "" \
        "$(diff "$O/handout.svg" labs/pimutex/timeline-pathfinder.svg)"
    browse handout-timeline "labs/pimutex/timeline-pathfinder.svg"
    check "... and the browser draws it" grep -q '<rect class="cell"' "$O/handout-timeline.dom"
fi
for p in report dashboard build-failed timeline; do
    check "a screenshot of the $p: $O/$p.png" test -s "$O/$p.png"
done
finish
