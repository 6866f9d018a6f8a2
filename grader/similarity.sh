#!/usr/bin/env bash
# similarity.sh WORK OUT THRESHOLD MINRUN SKELETON FILE... - the pairs of
# similar submissions, found by Debian's similarity-tester (sim_c), for
# `grader similarity` (which stages the submissions and runs this).
#
#   WORK/new/NAME/FILE   this term's submissions (the lab's FILEs only)
#   WORK/old/NAME/FILE   the corpus (earlier terms): compared with this
#                        term's submissions, never with each other
#   SKELETON/FILE        the starter code, masked out of every submission
#
# Theory of operation, in WORK:
#   1. mask: sim_c -S compares each submission's files with the skeleton's;
#      the lines of every run it finds (at least MINRUN tokens alike) are
#      blanked in masked/, so that starter code every student shares counts
#      for nobody. Line numbers stay as they were.
#   2. cat: a submission's masked files, one after another, in cat/ (one
#      file per submission, so that code moved between files still matches);
#      cat/*.map says which lines came from which file.
#   3. sim_c -p -e -a: for each pair, the share of each side's tokens found
#      in the other (in runs of MINRUN tokens); the pair's score is the
#      larger share. Pairs at or above THRESHOLD percent are reported.
#   4. sim_c -n -e on each reported pair: the matching runs, mapped back to
#      FILE:LINES on both sides.
# Output: OUT/similarity.txt (also printed), OUT/similarity.csv (one row per
# reported pair; one row per matching fragment, in similarity-fragments.csv).
# Exit: 0 done (whatever was found), 1 usage or setup error (sim_c missing).
set -euo pipefail

if [ $# -lt 6 ]; then
    echo "usage: grader/similarity.sh WORK OUT THRESHOLD MINRUN SKELETON FILE..." >&2
    exit 1
fi
work=$1 out=$2 threshold=$3 minrun=$4 skeleton=$5
shift 5
files=("$@")
SIM=${OSLABS_SIM_C:-sim_c}

if ! command -v "$SIM" >/dev/null 2>&1; then
    echo "grader: similarity needs $SIM, of Debian's package similarity-tester:" \
        "apt-get install similarity-tester (or: make deps-test)" >&2
    exit 1
fi
mkdir -p "$out"
out=$(cd "$out" && pwd)
skeleton=$(cd "$skeleton" 2>/dev/null && pwd || echo /nonexistent)
cd "$work"
rm -rf masked cat && mkdir -p masked/new masked/old cat/new cat/old

# The submissions, as new/NAME and old/NAME.
subs=()
for d in new/* old/*; do [ -d "$d" ] && subs+=("$d"); done

# 1. mask: "PATH: line A-B|SKELETON...": blank lines A..B of PATH.
for s in "${subs[@]}"; do
    mkdir -p "masked/$s"
    for f in "${files[@]}"; do [ -f "$s/$f" ] && cp "$s/$f" "masked/$s/$f"; done
done
skel_files=()
for f in "${files[@]}"; do [ -f "$skeleton/$f" ] && skel_files+=("$skeleton/$f"); done
if [ ${#skel_files[@]} -gt 0 ] && [ ${#subs[@]} -gt 0 ]; then
    {
        for s in "${subs[@]}"; do
            for f in "${files[@]}"; do [ -f "masked/$s/$f" ] && echo "masked/$s/$f"; done
        done
        echo /
        printf '%s\n' "${skel_files[@]}"
    } | "$SIM" -i -S -n -r "$minrun" >mask.txt
    # runs of a submission against the skeleton: "masked/new/x/f.c: line 3-9 |..."
    sed -n 's/^\(masked\/[^:|]*\): line \([0-9]*\)-\([0-9]*\) *|.*/\1 \2 \3/p' mask.txt |
        while read -r path a b; do
            sed -i "${a},${b}s/.*//" "$path"
        done
fi

# 2. cat: one file per submission, and its map ("FILE FIRST LAST" in cat lines).
for s in "${subs[@]}"; do
    : >"cat/$s.c"
    : >"cat/$s.map"
    line=0
    for f in "${files[@]}"; do
        [ -f "masked/$s/$f" ] || continue
        n=$(wc -l <"masked/$s/$f")
        [ -n "$(tail -c 1 "masked/$s/$f")" ] && n=$((n + 1)) # no final newline
        cat "masked/$s/$f" >>"cat/$s.c"
        [ -n "$(tail -c 1 "masked/$s/$f")" ] && echo >>"cat/$s.c"
        echo "$f $((line + 1)) $((line + n))" >>"cat/$s.map"
        line=$((line + n))
    done
done

# 3. percentages: "cat/new/a.c consists for 96 % of cat/new/b.c material"
newc=() oldc=()
for s in "${subs[@]}"; do
    case $s in new/*) newc+=("cat/$s.c") ;; *) oldc+=("cat/$s.c") ;; esac
done
: >percent.txt
if [ ${#newc[@]} -gt 0 ]; then
    {
        printf '%s\n' "${newc[@]}"
        if [ ${#oldc[@]} -gt 0 ]; then
            echo /
            printf '%s\n' "${oldc[@]}"
        fi
    } | "$SIM" -i -p -e -a -s -r "$minrun" -t 1 >percent.txt
fi
# pairs: "A B pctA pctB score" (A's share found in B, B's in A), best first
name_of() { sed 's|^cat/||; s|\.c$||; s|^new/||; s|^old/|corpus/|' <<<"$1"; }
awk '/ consists for [0-9]+ % of .* material$/ {
        a = $1; b = $(NF - 1); p = $4
        key = (a < b) ? a SUBSEP b : b SUBSEP a
        if (a < b) pa[key] = p; else pb[key] = p
    }
    END {
        for (k in pa) seen[k] = 1
        for (k in pb) seen[k] = 1
        for (k in seen) {
            split(k, ab, SUBSEP)
            x = pa[k] + 0; y = pb[k] + 0
            print ab[1], ab[2], x, y, (x > y ? x : y)
        }
    }' percent.txt | sort -k5,5nr -k1,1 -k2,2 >pairs.txt

# 4. fragments of each pair at or above the threshold. fragments MAP_A MAP_B
# reads sim_c -n's runs ("cat/new/a.c: line 52-89|cat/new/b.c: line 82-119[202]")
# and prints "A_LINES B_LINES TOKENS", where a side's lines are FILE:FIRST-LAST
# ("bbuf.c:300-323+tpool.c:1-19" for a run that goes on into the next file).
fragments() {
    awk -v ma="$1" -v mb="$2" '
        function load(map, side,   f, n) {
            while ((getline f < map) > 0) { n++; split(f, x, " "); name[side, n] = x[1]; lo[side, n] = x[2]; hi[side, n] = x[3] }
            count[side] = n
        }
        function lines(side, a, b,   i, s, from, to) {
            s = ""
            for (i = 1; i <= count[side]; i++) {
                if (hi[side, i] < a || lo[side, i] > b) continue
                from = (a > lo[side, i] ? a : lo[side, i]) - lo[side, i] + 1
                to = (b < hi[side, i] ? b : hi[side, i]) - lo[side, i] + 1
                s = s (s == "" ? "" : "+") name[side, i] ":" from "-" to
            }
            return s
        }
        BEGIN { load(ma, "a"); load(mb, "b") }
        {
            split($0, lr, "|")
            match(lr[1], /line [0-9]+-[0-9]+/); split(substr(lr[1], RSTART + 5, RLENGTH - 5), la, "-")
            match(lr[2], /line [0-9]+-[0-9]+/); split(substr(lr[2], RSTART + 5, RLENGTH - 5), lb, "-")
            match(lr[2], /\[[0-9]+\]/); tok = substr(lr[2], RSTART + 1, RLENGTH - 2)
            print lines("a", la[1] + 0, la[2] + 0), lines("b", lb[1] + 0, lb[2] + 0), tok
        }'
}
SHOWN_FRAGMENTS=10 # per pair in the text report; similarity-fragments.csv has them all

report=$out/similarity.txt
csv=$out/similarity.csv
frags=$out/similarity-fragments.csv
echo "a,b,score,a_in_b,b_in_a,fragments,tokens" >"$csv.tmp"
echo "a,b,a_lines,b_lines,tokens" >"$frags.tmp"
{
    echo "Similar submissions: ${#newc[@]} submission(s), ${#oldc[@]} of the corpus;" \
        "threshold ${threshold}%; runs of at least $minrun tokens (sim_c);" \
        "$([ ${#skel_files[@]} -gt 0 ] && echo "the skeleton's code masked" || echo "no skeleton to mask")"
    shown=0 below=0 best_below=""
    while read -r a b pa pb score; do
        if [ "$score" -lt "$threshold" ]; then
            below=$((below + 1))
            [ -n "$best_below" ] || best_below="$(name_of "$a") ~ $(name_of "$b") ${score}%"
            continue
        fi
        shown=$((shown + 1))
        na=$(name_of "$a") nb=$(name_of "$b")
        echo
        case $b in
            cat/old/*) # the corpus is compared with this term, not this term with it
                echo "$shown. $na ~ $nb: ${score}% ($na: ${pa}% of it found in $nb)"
                pb="" ;;
            *) echo "$shown. $na ~ $nb: ${score}% ($na: ${pa}% of it found in $nb; $nb: ${pb}%)" ;;
        esac
        nfrag=0 ntok=0
        while read -r fa fb tok; do
            nfrag=$((nfrag + 1)) ntok=$((ntok + tok))
            echo "$na,$nb,$fa,$fb,$tok" >>"$frags.tmp"
            [ "$nfrag" -le "$SHOWN_FRAGMENTS" ] &&
                printf '     %-30s %-30s %5s tokens\n' "$na $fa" "$nb $fb" "$tok"
        done < <("$SIM" -e -s -n -r "$minrun" "$a" "$b" | grep "^${a}: line" |
            fragments "${a%.c}.map" "${b%.c}.map")
        [ "$nfrag" -le "$SHOWN_FRAGMENTS" ] ||
            echo "     ... and $((nfrag - SHOWN_FRAGMENTS)) more (similarity-fragments.csv)"
        echo "$na,$nb,$score,$pa,$pb,$nfrag,$ntok" >>"$csv.tmp"
    done <pairs.txt
    echo
    if [ "$shown" -eq 0 ]; then echo "No pair reaches ${threshold}%."; fi
    if [ -n "$best_below" ]; then
        echo "$below other pair(s) share runs but stay below ${threshold}%; the highest: $best_below."
    else
        echo "No other pair shares a run of $minrun tokens."
    fi
} >"$report.tmp"
sync "$csv.tmp" "$frags.tmp" "$report.tmp" # then renamed: a report is whole or absent
mv "$csv.tmp" "$csv"
mv "$frags.tmp" "$frags"
mv "$report.tmp" "$report"
cat "$report"
