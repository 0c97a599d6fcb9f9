#!/usr/bin/env bash
# Stand-alone sequences travel (format 1.2) with every option and their
# value: START, INCREMENT, MINVALUE, MAXVALUE, CACHE, CYCLE, the type, in
# several schemas; a table whose default draws on one gets the next value
# after the source's; a sequence the target already has is the
# application's and keeps its value; SQLite says how many it left out.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need_pg

pg_create src
pgq src "CREATE SEQUENCE app_seq START 1000 INCREMENT 7 MINVALUE 10 MAXVALUE 99999 CACHE 5 CYCLE;
  SELECT nextval('app_seq'); SELECT nextval('app_seq');
  CREATE SCHEMA \"Odd Schema\"; CREATE SEQUENCE \"Odd Schema\".\"Seq One\" AS smallint INCREMENT -1 START -5 MINVALUE -100 MAXVALUE -1;
  CREATE SEQUENCE fresh;
  CREATE TABLE t (id serial PRIMARY KEY, n bigint DEFAULT nextval('app_seq'));
  INSERT INTO t DEFAULT VALUES;" >/dev/null
seqs() {
    pgq "$1" "SELECT schemaname || '.' || sequencename || ' ' || data_type || ' ' || start_value || ' ' || increment_by
              || ' ' || min_value || ' ' || max_value || ' ' || cache_size || ' ' || cycle FROM pg_sequences ORDER BY 1"
    pgq "$1" "SELECT last_value || ' ' || is_called FROM app_seq"
    pgq "$1" "SELECT last_value || ' ' || is_called FROM fresh"
}
seqs src >"$WORK/want"
"$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/a.json"
check_eq "the file lists the stand-alone ones" "$("$JQ" -c '[.sequences[].name]' "$WORK/a.json")" '["Seq One","app_seq","fresh"]'

pg_create dst
"$DBIMPORT" "$(pg_uri dst)" "$WORK/a.json"
check_eq "PostgreSQL -> PostgreSQL: exit 0" "$?" 0
seqs dst >"$WORK/got"
check "options and values as they were" same_files "$WORK/want" "$WORK/got"
check_eq "the next value continues after the source's" \
    "$(pgq dst "INSERT INTO t DEFAULT VALUES RETURNING n")" "$(pgq src "INSERT INTO t DEFAULT VALUES RETURNING n")"
"$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/a2.json"

pg_create existing
pgq existing "CREATE SEQUENCE app_seq START 5; SELECT nextval('app_seq');" >/dev/null
"$DBIMPORT" -T t "$(pg_uri existing)" "$WORK/a.json" 2>"$WORK/err"
check_contains "an existing sequence: said" "$(cat "$WORK/err")" 'sequence "public"."app_seq": the target has it: kept as it is, its value too'
check_eq "an existing sequence keeps its value" "$(pgq existing "SELECT last_value FROM app_seq")" 5
"$DBIMPORT" -t t "$(pg_uri existing)" "$WORK/a.json" 2>"$WORK/err"
check_contains "a new table never draws on the application's sequence" "$(cat "$WORK/err")" \
    'its default draws on sequence public.app_seq, which the target already has'
check_eq "and the sequence is untouched" "$(pgq existing "SELECT last_value FROM app_seq")" 5

pg_create data
"$DBIMPORT" -s "$(pg_uri data)" "$WORK/a.json" 2>/dev/null
check_eq "schema only: created, at its start" "$(pgq data "SELECT last_value || ' ' || is_called FROM app_seq")" "1000 false"

"$DBIMPORT" "$WORK/c.db" "$WORK/a.json" 2>"$WORK/err"
check_contains "into SQLite: said" "$(cat "$WORK/err")" '3 stand-alone sequences not carried: SQLite has none'

report
