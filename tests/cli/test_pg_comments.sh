#!/usr/bin/env bash
# Comments on tables and columns travel (format 1.2): PostgreSQL -> file ->
# PostgreSQL gives the same comments, quotes, newlines and non-ASCII text
# included, in several schemas; the export of the copy is the same file; a
# comment is text, never SQL (kept under --untrusted, and a quote in it
# cannot break out); an existing table keeps its own; SQLite says once per
# table what it cannot keep. Schemas (1.3) with their comments, empty ones
# too.
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

# Schemas (1.3): a schema's comment, an empty schema, public's own
# comment when changed; the target's own schemas keep theirs.
pg_create sch
pgq sch "CREATE SCHEMA \"Sales Dept\"; COMMENT ON SCHEMA \"Sales Dept\" IS E'the sales team''s\nschema';
  CREATE SCHEMA empty_one; CREATE SCHEMA \"x'); DROP SCHEMA public; --\";
  COMMENT ON SCHEMA public IS 'ours'; CREATE TABLE \"Sales Dept\".t (id int)" >/dev/null
"$DBEXPORT" --no-timestamp "$(pg_uri sch)" -f "$WORK/sch.json"
check_eq "schemas: in the file, by name, public with its changed comment" \
    "$("$JQ" -c '.schemas' "$WORK/sch.json")" \
    '[{"name":"Sales Dept","comment":"the sales team'"'"'s\nschema"},{"name":"empty_one"},{"name":"public","comment":"ours"},{"name":"x'"'"'); DROP SCHEMA public; --"}]'
pg_create sch2
"$DBIMPORT" "$(pg_uri sch2)" "$WORK/sch.json" 2>"$WORK/err"
check_eq "schemas: import: exit 0" "$?" 0
schemas() { pgq "$1" "SELECT string_agg(nspname || '=' || coalesce(obj_description(oid, 'pg_namespace'), '-'), ' | ' ORDER BY nspname)
    FROM pg_namespace WHERE nspname NOT LIKE 'pg\_%' AND nspname <> 'information_schema'"; }
check_eq "schemas: every one created, empty ones too, with its comment, public too (it had the server's)" \
    "$(schemas sch2)" "Sales Dept=the sales team's
schema | empty_one=- | public=ours | x'); DROP SCHEMA public; --=-"
"$DBEXPORT" --no-timestamp "$(pg_uri sch2)" -f "$WORK/sch2.json"
check_eq "schemas: the copy's export says the same" \
    "$("$JQ" -c .schemas "$WORK/sch2.json")" \
    "$("$JQ" -c .schemas "$WORK/sch.json")"
"$DBDIFF" "$(pg_uri sch)" "$(pg_uri sch2)" >"$WORK/diff" 2>&1
check_eq "schemas: dbdiff finds the copy equal" "$?" 0
pgq sch2 "COMMENT ON SCHEMA empty_one IS 'changed'" >/dev/null
"$DBDIFF" "$(pg_uri sch)" "$(pg_uri sch2)" >"$WORK/diff" 2>&1
check_eq "schemas: dbdiff: a changed comment is a difference" "$?" 1
check_contains "schemas: dbdiff names it" "$(cat "$WORK/diff")" 'comment "schema empty_one": (none) -> "changed"'
pg_create sch3
pgq sch3 "CREATE SCHEMA \"Sales Dept\"; COMMENT ON SCHEMA \"Sales Dept\" IS 'theirs'" >/dev/null
"$DBIMPORT" "$(pg_uri sch3)" "$WORK/sch.json" 2>"$WORK/err"
check_eq "schemas: a schema the target has keeps its comment" \
    "$(pgq sch3 "SELECT obj_description('\"Sales Dept\"'::regnamespace, 'pg_namespace')")" theirs
pg_create sch4
"$DBIMPORT" -t 'Sales Dept.t' "$(pg_uri sch4)" "$WORK/sch.json" 2>"$WORK/err"
check_eq "schemas: with -t only those its tables need" \
    "$(schemas sch4)" "Sales Dept=the sales team's
schema | public=ours"
"$DBEXPORT" --no-timestamp -n empty_one "$(pg_uri sch)" -f "$WORK/one.json" 2>"$WORK/err"
check_eq "schemas: dbexport -n of an empty schema: exit 0" "$?" 0
check_eq "schemas: ... it alone" "$("$JQ" -c '[.schemas[].name]' "$WORK/one.json")" '["empty_one"]'
"$DBEXPORT" --no-timestamp --rename-schema 'Sales Dept:sales' "$WORK/sch.json" -f "$WORK/ren.json" 2>"$WORK/err"
check_eq "schemas: --rename-schema renames them" "$("$JQ" -c '[.schemas[].name]' "$WORK/ren.json")" \
    '["sales","empty_one","public","x'"'"'); DROP SCHEMA public; --"]'
"$DBIMPORT" "$WORK/sch.db" "$WORK/sch.json" 2>"$WORK/err"
check_contains "schemas: into SQLite, one warning" "$(cat "$WORK/err")" \
    'dbimport: warning: 2 schema comments not carried: SQLite has no schemas'

"$DBIMPORT" "$WORK/c.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "into SQLite: exit 0" "$?" 0
check_contains "into SQLite: one warning per table" "$(cat "$WORK/err")" \
    'table "t": its comment and 1 column comment not carried: SQLite keeps no comments'

report
