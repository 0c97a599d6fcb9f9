#!/usr/bin/env bash
# Comments on tables and columns travel (format 1.2): PostgreSQL -> file ->
# PostgreSQL gives the same comments, quotes, newlines and non-ASCII text
# included, in several schemas; the export of the copy is the same file; a
# comment is text, never SQL (kept under --untrusted, and a quote in it
# cannot break out); an existing table keeps its own; SQLite says once per
# table what it cannot keep.
. "$(dirname "$0")/lib.sh"
need_pg

pg_create src
pgq src "CREATE SCHEMA \"Sales Dept\";
  CREATE TABLE t (id int PRIMARY KEY, v text);
  COMMENT ON TABLE t IS 'it''s the t table';
  COMMENT ON COLUMN t.v IS E'value\nline 2 — ünïcode';
  CREATE TABLE \"Sales Dept\".\"Order Items\" (\"Qty\" int);
  COMMENT ON COLUMN \"Sales Dept\".\"Order Items\".\"Qty\" IS 'x''); DROP TABLE t; --';
  CREATE TABLE plain (id int);" >/dev/null
comments() {
    pgq "$1" "SELECT c.oid::regclass || coalesce('.' || a.attname, '') || ': ' || d.description
              FROM pg_description d JOIN pg_class c ON c.oid = d.objoid AND d.classoid = 'pg_class'::regclass
              LEFT JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = d.objsubid AND d.objsubid > 0
              ORDER BY 1"
}
comments src >"$WORK/want"
check "fixture: three comments" test "$(grep -c ': ' "$WORK/want")" -ge 3
"$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/a.json"
check_contains "the file holds the table's comment" "$(cat "$WORK/a.json")" '"comment": "it'"'"'s the t table"'
check_contains "and a column's, escaped as JSON" "$(cat "$WORK/a.json")" '"comment":"value\nline 2 — ünïcode"'

pg_create dst
"$DBIMPORT" "$(pg_uri dst)" "$WORK/a.json"
check_eq "PostgreSQL -> PostgreSQL: exit 0" "$?" 0
comments dst >"$WORK/got"
check "the same comments" same_files "$WORK/want" "$WORK/got"
check_eq "a quote in a comment broke nothing" "$(pgq dst "SELECT count(*) FROM t")" 0
"$DBEXPORT" --no-timestamp "$(pg_uri dst)" -f "$WORK/b.json"
check "the copy exports to the same file" same_files <(grep -v '"database"' "$WORK/a.json") <(grep -v '"database"' "$WORK/b.json")

pg_create untrusted
"$DBIMPORT" --untrusted "$(pg_uri untrusted)" "$WORK/a.json" 2>/dev/null
comments untrusted >"$WORK/got"
check "--untrusted keeps comments (text, not SQL)" same_files "$WORK/want" "$WORK/got"

pg_create existing
pgq existing "CREATE TABLE t (id int PRIMARY KEY, v text); COMMENT ON TABLE t IS 'the app''s own'" >/dev/null
"$DBIMPORT" -t t "$(pg_uri existing)" "$WORK/a.json"
check_eq "an existing table keeps its own comment" \
    "$(pgq existing "SELECT obj_description('t'::regclass, 'pg_class')")" "the app's own"

"$DBIMPORT" "$WORK/c.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "into SQLite: exit 0" "$?" 0
check_contains "into SQLite: one warning per table" "$(cat "$WORK/err")" \
    'table "t": its comment and 1 column comment not carried: SQLite keeps no comments'

report
