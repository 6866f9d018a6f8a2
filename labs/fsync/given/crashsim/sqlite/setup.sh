#!/bin/sh
# setup.sh MODE - the database before the workload: one table, in journal
# mode MODE (wal or delete). crashsim takes what this leaves as durable.
sqlite3 db "PRAGMA journal_mode=$1; CREATE TABLE t(x INTEGER);" >/dev/null
