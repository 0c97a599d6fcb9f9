#!/usr/bin/env bash
# --on-conflict=skip into an existing table with no primary key or unique
# constraint: no row can conflict, so every row of the file would be added
# again. Refused, naming the table, in SQLite and PostgreSQL, with the
# target unchanged; a table the import creates is fine.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need_pg

"$SQLITE3" "$WORK/src.db" "CREATE TABLE log (at TEXT, what TEXT); INSERT INTO log VALUES ('1', 'a'), ('2', 'b');"
"$DBEXPORT" "$WORK/src.db" -f "$WORK/log.json"
cp "$WORK/src.db" "$WORK/dst.db"
before=$(fingerprint "$WORK/dst.db")
for mode in skip update; do
    "$DBIMPORT" --on-conflict=$mode "$WORK/dst.db" "$WORK/log.json" 2>"$WORK/err"
    check_eq "SQLite, $mode: exit 1" "$?" 1
    check_contains "SQLite, $mode: says why" "$(cat "$WORK/err")" \
        "table \"log\": --on-conflict=$mode needs a primary key or unique constraint: without one no row conflicts"
    check_eq "SQLite, $mode: the rows are not doubled" "$(fingerprint "$WORK/dst.db")" "$before"
done
"$DBIMPORT" --on-conflict=skip "$WORK/new.db" "$WORK/log.json"
check_eq "SQLite: skip into a table the import creates" "$("$SQLITE3" "$WORK/new.db" "SELECT count(*) FROM log")" 2

pg_create dst
"$DBIMPORT" "$(pg_uri dst)" "$WORK/log.json"
"$DBIMPORT" --on-conflict=skip "$(pg_uri dst)" "$WORK/log.json" 2>"$WORK/err"
check_eq "PostgreSQL, skip: exit 1" "$?" 1
check_contains "PostgreSQL, skip: says why" "$(cat "$WORK/err")" \
    'table "log": --on-conflict=skip needs a primary key or unique constraint: without one no row conflicts'
check_eq "PostgreSQL: the rows are not doubled" "$(pgq dst "SELECT count(*) FROM log")" 2
pgq dst "CREATE UNIQUE INDEX log_at ON log (at)"
"$DBIMPORT" --on-conflict=skip "$(pg_uri dst)" "$WORK/log.json" 2>"$WORK/err"
check_eq "PostgreSQL, skip with a unique index: exit 0" "$?" 0
check_eq "PostgreSQL, skip with a unique index: still 2 rows" "$(pgq dst "SELECT count(*) FROM log")" 2

report
