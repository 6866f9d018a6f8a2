#!/bin/sh
# workload.sh SYNC N - N transactions on the SQLite database "db" (made by
# setup.sh), each a separate sqlite3 process inserting row i with
# PRAGMA synchronous=SYNC; once sqlite3 has exited 0 the row is committed,
# and "A i" is written to descriptor 3 for crashsim.
sync=$1
n=$2
i=1
while [ "$i" -le "$n" ]; do
    sqlite3 db "PRAGMA synchronous=$sync; INSERT INTO t VALUES($i);" || exit 1
    echo "A $i" >&3
    i=$((i + 1))
done
