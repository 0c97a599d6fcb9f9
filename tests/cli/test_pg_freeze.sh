#!/usr/bin/env bash
# A table the import creates is loaded with COPY FREEZE: its rows are
# written frozen and all-visible, so the restored table needs no freezing
# VACUUM and its first reader writes no hint bits (checked with
# pg_visibility). Not where FREEZE cannot be used: a savepoint around each
# batch (--on-invalid, --max-errors), or a table that already existed.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need_pg

"$SQLITE3" "$WORK/a.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
  INSERT INTO t SELECT i, 'value ' || i FROM n;"
"$DBEXPORT" "$WORK/a.db" -f "$WORK/a.json"
frozen() { pgq "$1" "SELECT all_frozen > 0 AND all_frozen = (SELECT relpages FROM pg_class WHERE relname = 't')
    FROM pg_visibility_map_summary('t')"; }

pg_create f
pgq f "CREATE EXTENSION pg_visibility" >/dev/null
"$DBIMPORT" "$(pg_uri f)" "$WORK/a.json"
check_eq "a new table: every page frozen" "$(pgq f "ANALYZE t" >/dev/null; frozen f)" t
check_eq "a new table: every row there" "$(pgq f "SELECT count(*) FROM t")" 5000

pg_create b
pgq b "CREATE EXTENSION pg_visibility" >/dev/null
"$DBIMPORT" --on-invalid=null "$(pg_uri b)" "$WORK/a.json"
check_eq "batches under savepoints: not frozen" "$(pgq b "ANALYZE t" >/dev/null; frozen b)" f

pg_create e
pgq e "CREATE EXTENSION pg_visibility; CREATE TABLE t (id bigint PRIMARY KEY, v text)" >/dev/null
"$DBIMPORT" "$(pg_uri e)" "$WORK/a.json"
check_eq "an existing table: loaded, not frozen" "$(pgq e "SELECT count(*) FROM t")|$(frozen e)" "5000|f"
report
