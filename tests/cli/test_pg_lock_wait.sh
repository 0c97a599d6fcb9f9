#!/usr/bin/env bash
# One import at a time per database: a second import waits for the first's
# lock, and says so with the server process that holds it, instead of
# looking hung; when the lock is released it goes on and succeeds.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need_pg

"$SQLITE3" "$WORK/src.db" "CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1), (2);"
"$DBEXPORT" "$WORK/src.db" -f "$WORK/doc.json"
pg_create wait
# The holder takes the import lock (the key in importer/postgres/target.c)
# and keeps it until it is told to stop.
psql -X -q -d "$(pg_name wait)" -c "BEGIN; SELECT pg_advisory_xact_lock(7233459870269141620);
    SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 &
holder=$!
for _ in $(seq 1 100); do
    holder_pid=$(pgq wait "SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
        AND (classid::int8 << 32 | objid::int8) = 7233459870269141620
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())")
    [ -n "$holder_pid" ] && break
    sleep 0.1
done
check "fixture: the holder has the lock" test -n "$holder_pid"

"$DBIMPORT" "$(pg_uri wait)" "$WORK/doc.json" 2>"$WORK/err" &
pid=$!
said=0
for _ in $(seq 1 100); do
    grep -q "waiting for another import" "$WORK/err" && { said=1; break; }
    sleep 0.1
done
check_eq "the waiting import says so" "$said" 1
check_contains "naming the holder's server process" "$(cat "$WORK/err")" \
    "dbimport: note: waiting for another import into this database to finish (server process $holder_pid; see pg_stat_activity)"
check_eq "it has not imported yet" "$(pgq wait "SELECT count(*) FROM pg_tables WHERE tablename = 't'")" 0
pgq wait "SELECT pg_terminate_backend($holder_pid)" >/dev/null
wait "$holder" 2>/dev/null
wait "$pid"
check_eq "once the lock is free, the import succeeds" "$?" 0
check_eq "and its rows are there" "$(pgq wait "SELECT count(*) FROM t")" 2

pg_create free
"$DBIMPORT" "$(pg_uri free)" "$WORK/doc.json" 2>"$WORK/err"
check_eq "without another import: no note" "$(grep -c 'waiting for another import' "$WORK/err")" 0

report
