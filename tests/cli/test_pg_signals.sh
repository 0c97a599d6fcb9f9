#!/usr/bin/env bash
# A signal at any moment before the commit rolls the import back and exits
# non-zero, also after the last row, while the post-data waits: here a new
# table's foreign key to the application's table waits for a lock another
# session holds. The import must say it was interrupted, exit 1 and leave
# nothing behind (it used to commit with exit 0).
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"
need_pg

"$SQLITE3" "$WORK/src.db" <<'SQL'
CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER);
INSERT INTO child VALUES (1, 1), (2, 1);
SQL
"$DBEXPORT" "$WORK/src.db" -f "$WORK/plain.json"
# child's foreign key to the application's app_parent (not in the file)
"$JQ" '.tables.child.constraints.foreign_keys = [{"name": "child_parent_fkey",
         "columns": ["parent_id"], "references": {"table": "app_parent", "columns": ["id"]},
         "on_delete": "no action", "on_update": "no action",
         "deferrable": false, "initially_deferred": false}]' "$WORK/plain.json" >"$WORK/fk.json"

for sig in INT TERM; do
    pg_create "sig_$sig"
    pgq "sig_$sig" "CREATE TABLE app_parent (id int PRIMARY KEY); INSERT INTO app_parent VALUES (1)" >/dev/null
    # The holder keeps app_parent locked until it is told to stop.
    psql -X -q -d "$(pg_name "sig_$sig")" -c "BEGIN; LOCK app_parent IN ACCESS EXCLUSIVE MODE; SELECT pg_sleep(60); COMMIT" >/dev/null 2>&1 &
    holder=$!
    for _ in $(seq 1 100); do
        [ "$(pgq "sig_$sig" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'app_parent' AND l.mode = 'AccessExclusiveLock' AND l.granted")" = 1 ] && break
        sleep 0.1
    done
    "$DBIMPORT" "$(pg_uri "sig_$sig")" "$WORK/fk.json" 2>"$WORK/err" &
    pid=$!
    waiting=0
    for _ in $(seq 1 200); do
        if [ "$(pgq "sig_$sig" "SELECT count(*) FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'app_parent' AND NOT l.granted")" != 0 ]; then
            waiting=1
            break
        fi
        sleep 0.1
    done
    check_eq "SIG$sig: the import waits in its post-data" "$waiting" 1
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    check_eq "SIG$sig: exit 1" "$rc" 1
    check_contains "SIG$sig: says so" "$(cat "$WORK/err")" "interrupted by signal"
    kill "$holder" 2>/dev/null
    psql -X -q -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '$(pg_name "sig_$sig")' AND pid <> pg_backend_pid()" >/dev/null
    wait "$holder" 2>/dev/null
    check_eq "SIG$sig: nothing was imported" \
        "$(pgq "sig_$sig" "SELECT count(*) FROM pg_tables WHERE tablename = 'child'")" 0
done

report
