#!/bin/sh
# check.sh STATE_DIR ACK_FILE - crashsim's checker for workload.sh: the
# database must open, pass PRAGMA integrity_check and hold every row whose
# commit was acknowledged ("A i" in ACK_FILE: rows 1..i).
last=0
while read -r tag i; do
    [ "$tag" = A ] && last=$i
done <"$2"
out=$(sqlite3 "$1/db" "PRAGMA integrity_check; SELECT 'rows', count(*) FROM t WHERE x <= $last;" 2>&1)
case "$out" in
"ok
rows|$last") exit 0 ;;
"ok
rows|"*) echo "committed rows lost: expected rows 1..$last (acknowledged), actual ${out#*|} of them" ;;
*) echo "sqlite3 cannot read the database in this state: $out" ;;
esac
exit 1
