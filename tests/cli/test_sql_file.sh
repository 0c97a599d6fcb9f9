#!/usr/bin/env bash
# dbimport --sql-file writes the statements an import runs to change the
# target's schema, as pg_restore -f writes its script: replayed by psql (or
# sqlite3) into an empty database it builds the same schema the import
# built; with --dry-run it is a review of a schema replication that writes
# nothing; a failed import's script says so and ends in ROLLBACK; the
# script never overwrites the file or the database of the import.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

# SQLite: the script rebuilds the same schema
"$SQLITE3" "$WORK/src.db" <"$(dirname "$0")/torture.sql"
"$DBEXPORT" --no-timestamp "$WORK/src.db" -f "$WORK/a.json"
"$DBIMPORT" --sql-file="$WORK/lite.sql" "$WORK/dst.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "SQLite: exit 0" "$?" 0
check_contains "SQLite: the script creates the tables" "$(cat "$WORK/lite.sql")" 'CREATE TABLE'
check_contains "SQLite: the rows are a comment" "$(cat "$WORK/lite.sql")" ' rows loaded'
"$SQLITE3" -bail "$WORK/replay.db" <"$WORK/lite.sql"
check_eq "SQLite: the script replays" "$?" 0
schema() { "$SQLITE3" "$1" "SELECT type || ' ' || name || ' ' || tbl_name || ' ' || coalesce(sql, '') FROM sqlite_schema ORDER BY type, name"; }
check "SQLite: the replayed schema is the imported one" same_files <(schema "$WORK/dst.db") <(schema "$WORK/replay.db")
check "SQLite: and it is not empty" test "$(schema "$WORK/replay.db" | wc -l)" -gt 3

# the script never overwrites the import's own file or database
cp "$WORK/a.json" "$WORK/keep.json"
"$DBIMPORT" --sql-file="$WORK/a.json" "$WORK/x.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "--sql-file onto FILE: exit 2" "$?" 2
check_contains "--sql-file onto FILE: why" "$(cat "$WORK/err")" 'is the FILE being imported'
check "--sql-file onto FILE: the file is intact" same_files "$WORK/a.json" "$WORK/keep.json"
"$DBIMPORT" --sql-file="$WORK/dst.db" "$WORK/dst.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "--sql-file onto TARGET: exit 2" "$?" 2
"$DBIMPORT" --sql-file="$WORK/no/such/dir/s.sql" "$WORK/y.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "an unwritable script: exit 1" "$?" 1
check_contains "an unwritable script: named" "$(cat "$WORK/err")" 'cannot open for writing'
check "an unwritable script: no database made" test ! -e "$WORK/y.db"

need_pg
pg_create src
pg_load src "$(dirname "$0")/pg/torture.sql"
"$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/p.json" 2>/dev/null
pg_create dst
"$DBIMPORT" --sql-file="$WORK/pg.sql" "$(pg_uri dst)" "$WORK/p.json" 2>"$WORK/err"
check_eq "PostgreSQL: exit 0" "$?" 0
check_contains "PostgreSQL: the script's names are qualified" "$(cat "$WORK/pg.sql")" "SET LOCAL search_path = '';"
check "PostgreSQL: no staging table or probe in it" sh -c "! grep -q 'pg_temp' '$WORK/pg.sql'"
check_eq "PostgreSQL: it ends in COMMIT" "$(tail -2 "$WORK/pg.sql" | head -1)" "COMMIT;"
pg_create replay
psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_name replay)" -f "$WORK/pg.sql" >/dev/null 2>"$WORK/err"
check_eq "PostgreSQL: psql replays the script" "$?" 0
pgdump() { pg_dump -s -d "$(pg_name "$1")" | grep -v -e '^\\restrict' -e '^\\unrestrict'; }
check "PostgreSQL: the replayed schema is the imported one" same_files <(pgdump dst) <(pgdump replay)
check "PostgreSQL: and holds the tables" test "$(pgq replay "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" -ge 5

# --dry-run --sql-file=-: the review, on standard output, writing nothing
pg_create dry
"$DBIMPORT" --dry-run --sql-file=- "$(pg_uri dry)" "$WORK/p.json" >"$WORK/out" 2>"$WORK/err"
check_eq "dry run: exit 0" "$?" 0
check_contains "dry run: the statements" "$(cat "$WORK/out")" 'CREATE TABLE "public"."All Types"'
check_contains "dry run: the counts are comments" "$(cat "$WORK/out")" "$(printf -- '-- All Types\t7')"
check_eq "dry run: it ends in ROLLBACK" "$(tail -2 "$WORK/out" | head -1)" "ROLLBACK;"
check "dry run: every line is SQL or a comment (psql can read it)" \
    psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_name dry)" -f "$WORK/out"
check_eq "dry run: nothing was created" "$(pgq dry "SELECT count(*) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema')")" 0

# a failed import: the script says where it stopped
"$JQ" '.tables["All Types"].rows += [.tables["All Types"].rows[0]]' "$WORK/p.json" >"$WORK/dup.json"
pg_create failed
"$DBIMPORT" --sql-file="$WORK/failed.sql" "$(pg_uri failed)" "$WORK/dup.json" 2>"$WORK/err"
check_eq "a failed import: exit 1" "$?" 1
check_contains "a failed import: the script says so" "$(cat "$WORK/failed.sql")" '-- the import failed here and was rolled back'
check_eq "a failed import: it ends in ROLLBACK" "$(tail -2 "$WORK/failed.sql" | head -1)" "ROLLBACK;"
report
