#!/usr/bin/env bash
# User-defined types and routines travel (format 1.3, issue #8 section 2):
# composite types (nested, an array of one, an attribute with a collation),
# domains with their constraints' names, comments on enums, domains and
# composite types, in two schemas with awkward names (pg/routines.sql).
# PostgreSQL -> file -> PostgreSQL compares equal catalog by catalog and
# row by row (pg_catalog_dump.sh); PostgreSQL -> SQLite -> PostgreSQL too,
# with the composite types reported once at the SQLite import; a 1.2 file
# (no check names) still imports; a file cannot smuggle SQL in through an
# attribute's type.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"
need_pg
DUMP="$(dirname "$0")/pg_catalog_dump.sh"
dump() { bash "$DUMP" "$(pg_name "$1")"; }

pg_create src
pg_load src "$(dirname "$0")/pg/routines.sql"
dump src >"$WORK/src.cat"
check "fixture: the dump lists a composite type" grep -q '^composite app.outer_t p "Odd ""Schema"""."pair ""q""", tags text\[\]' "$WORK/src.cat"
check "fixture: the dump lists a domain's constraint names" grep -q '^domain "Odd ""Schema""".pos integer pos is positive CHECK' "$WORK/src.cat"
check "fixture: the dump lists comments" grep -q "^comment type app.outer_t 'nested" "$WORK/src.cat"

# ---- PG -> file -> PG --------------------------------------------------------
"$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/a.json" 2>"$WORK/export.err"
check_eq "export: exit 0" "$?" 0
check_eq "export: nothing to report" "$(cat "$WORK/export.err")" ""
check_eq "the file is format 1.3" "$("$JQ" -r .format_version "$WORK/a.json")" "1.3"
check_eq "composites in dependency order" "$("$JQ" -c '[.composites[] | [.namespace, .name]]' "$WORK/a.json")" \
    '[["Odd \"Schema\"","pair \"q\""],["app","outer_t"]]'
check_eq "an attribute's collation" "$("$JQ" -c '.composites[0].attributes[1]' "$WORK/a.json")" \
    '{"name":"b","type":"text","collation":"C","collation_namespace":"pg_catalog"}'
check_eq "a domain's check names" "$("$JQ" -c '.domains[] | select(.name == "pos") | .check_names' "$WORK/a.json")" \
    '["pos is positive","small"]'
check_eq "an unnamed check gets the server's name" "$("$JQ" -c '.domains[] | select(.name == "code") | .check_names' "$WORK/a.json")" \
    '["code_check"]'
check_eq "a composite value is its text form" "$("$JQ" -r '.tables["app.things"].rows[0].o' "$WORK/a.json")" \
    '("(5,""x y"",ok)","{a,""b c""}","2020-01-02 03:04:05+00")'

pg_create pgpg
"$DBIMPORT" "$(pg_uri pgpg)" "$WORK/a.json" 2>"$WORK/import.err"
check_eq "PG -> PG: exit 0" "$?" 0
check_eq "PG -> PG: nothing to report" "$(cat "$WORK/import.err")" ""
dump pgpg >"$WORK/pgpg.cat"
check_eq "PG -> PG: catalog and rows of the source" "$(diff "$WORK/src.cat" "$WORK/pgpg.cat")" ""
"$DBEXPORT" --no-timestamp "$(pg_uri pgpg)" -f "$WORK/a2.json"
check "the copy exports to the same file" same_files <(grep -v '"database"' "$WORK/a.json") <(grep -v '"database"' "$WORK/a2.json")

# An existing type of the same name and kind is kept; of another kind refused.
pg_create existing
pgq existing "CREATE SCHEMA app; CREATE TYPE app.outer_t AS ENUM ('x')" >/dev/null
"$DBIMPORT" "$(pg_uri existing)" "$WORK/a.json" 2>"$WORK/err"
check_eq "a type of another kind: exit 1" "$?" 1
check_contains "a type of another kind: named" "$(cat "$WORK/err")" \
    'type "app.outer_t": the target has it, but not as a composite type'
check_eq "a type of another kind: nothing created" "$(pgq existing "SELECT count(*) FROM pg_type WHERE typname = 'pair \"q\"'")" 0

# ---- PG -> SQLite -> PG ------------------------------------------------------
"$DBIMPORT" "$WORK/t.db" "$WORK/a.json" 2>"$WORK/sqlite.err"
check_eq "into SQLite: exit 0" "$?" 0
check_contains "into SQLite: the composite types reported once" "$(cat "$WORK/sqlite.err")" \
    "2 composite types from postgresql not carried (SQLite has none: their columns hold each value's text form)"
check_eq "into SQLite: one warning line" "$(grep -c . "$WORK/sqlite.err")" 1
check_eq "SQLite holds the text form" "$("$SQLITE3" "$WORK/t.db" "SELECT o FROM \"app.things\" WHERE id = 1")" \
    '("(5,""x y"",ok)","{a,""b c""}","2020-01-02 03:04:05+00")'
"$DBEXPORT" --no-timestamp "$WORK/t.db" -f "$WORK/b.json" 2>"$WORK/err"
check_eq "export SQLite: nothing to report" "$(cat "$WORK/err")" ""
check_eq "the SQLite export has the same types" \
    "$("$JQ" -cS '[.enums, .domains, .composites]' "$WORK/b.json")" "$("$JQ" -cS '[.enums, .domains, .composites]' "$WORK/a.json")"
pg_create back
"$DBIMPORT" "$(pg_uri back)" "$WORK/b.json" 2>"$WORK/err"
check_eq "back into PG: exit 0" "$?" 0
check_eq "back into PG: nothing to report" "$(cat "$WORK/err")" ""
dump back >"$WORK/back.cat"
check_eq "PG -> SQLite -> PG: catalog and rows of the source" "$(diff "$WORK/src.cat" "$WORK/back.cat")" ""

# ---- older files and hostile ones --------------------------------------------
"$JQ" '.format_version = "1.2" | del(.composites, .tables["app.things"]) | .domains |= map(del(.check_names, .comment)) | .enums |= map(del(.comment))' \
    "$WORK/a.json" >"$WORK/old.json"
pg_create old
"$DBIMPORT" "$(pg_uri old)" "$WORK/old.json"
check_eq "a 1.2 file without check names: exit 0" "$?" 0
check_eq "a 1.2 file: the server names the checks" \
    "$(pgq old "SELECT string_agg(conname, ',' ORDER BY conname) FROM pg_constraint WHERE contypid = '\"Odd \"\"Schema\"\"\".pos'::regtype")" \
    "pos_check,pos_check1"

"$JQ" '.domains[0].check_names[0] = "x\" CHECK (true); CREATE ROLE pwn; --"' "$WORK/a.json" >"$WORK/quoted.json"
pg_create quoted
"$DBIMPORT" "$(pg_uri quoted)" "$WORK/quoted.json"
check_eq "a check name with a quote in it: exit 0" "$?" 0
check_eq "a check name with a quote in it: is a name" \
    "$(pgq quoted "SELECT count(*) FROM pg_constraint WHERE conname = 'x\" CHECK (true); CREATE ROLE pwn; --'")" 1
check_eq "a check name with a quote in it: no role" "$(pgq quoted "SELECT count(*) FROM pg_roles WHERE rolname = 'pwn'")" 0

"$JQ" '.domains[0].check_names = ["only one"]' "$WORK/a.json" >"$WORK/bad.json"
pg_create bad
"$DBIMPORT" "$(pg_uri bad)" "$WORK/bad.json" 2>"$WORK/err"
check_eq "check_names of another count: exit 1" "$?" 1
check_contains "check_names of another count: named" "$(cat "$WORK/err")" '1 check_names for 2 checks'

"$JQ" '.composites[1].attributes[0].type = "integer); DROP TABLE app.x; CREATE TYPE y AS (a int"' "$WORK/a.json" >"$WORK/bad.json"
"$DBIMPORT" "$(pg_uri bad)" "$WORK/bad.json" 2>"$WORK/err"
check_eq "SQL in an attribute's type: exit 1" "$?" 1
check_contains "SQL in an attribute's type: refused, named" "$(cat "$WORK/err")" 'composite type "outer_t": attribute "p"'
check_eq "SQL in an attribute's type: nothing created" "$(pgq bad "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'")" 0

report
