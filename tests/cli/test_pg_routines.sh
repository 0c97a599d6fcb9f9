#!/usr/bin/env bash
# User-defined types and routines travel (format 1.3, issue #8 section 2):
# composite types (nested, an array of one, an attribute with a collation),
# domains with their constraints' names, comments on enums, domains and
# composite types, in two schemas with awkward names (pg/routines.sql);
# functions and procedures with a trigger, an index, a default and a CHECK
# using them (pg/routines_functions.sql). PostgreSQL -> file -> PostgreSQL
# compares equal catalog by catalog and row by row (pg_catalog_dump.sh),
# and the trigger, default and index work in the copy; PostgreSQL ->
# SQLite -> PostgreSQL keeps the types, with the composite types and the
# functions reported once at the SQLite import; --untrusted creates no
# function; a plpgsql function an index calls needs --trust-function; a
# 1.2 file (no check names) still imports; a file cannot smuggle SQL in
# through an attribute's type.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"
need_pg
DUMP="$(dirname "$0")/pg_catalog_dump.sh"
dump() { bash "$DUMP" "$(pg_name "$1")"; }

pg_create types
pg_load types "$(dirname "$0")/pg/routines.sql"
pg_create src
pg_load src "$(dirname "$0")/pg/routines.sql" "$(dirname "$0")/pg/routines_functions.sql"
dump src >"$WORK/src.cat"
dump types >"$WORK/types.cat"
check "fixture: the dump lists a function" grep -q '^function app.pair_a(' "$WORK/src.cat"
check "fixture: the dump lists a view's comment" grep -q "^comment view app.\"things \"\"view\"\"\" 'a view" "$WORK/src.cat"
check "fixture: the dump lists a trigger" grep -q '^trigger CREATE TRIGGER "touch ""it"""' "$WORK/src.cat"
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
check_eq "functions in the file" "$("$JQ" -c '[.functions[] | [.namespace, .name, .kind, .language]]' "$WORK/a.json")" \
    '[["Odd \"Schema\"","add one","function","sql"],["Odd \"Schema\"","reset it","procedure","plpgsql"],["app","pair_a","function","sql"],["app","things_count","function","sql"],["app","touch","function","plpgsql"],["app","twice \"x\"","function","sql"]]'
check_eq "a procedure has no result" "$("$JQ" -c '.functions[1] | [.arguments, .result]' "$WORK/a.json")" '["IN keep integer",null]'
check_eq "a function's comment" "$("$JQ" -r '.functions[5].comment' "$WORK/a.json")" 'twice, as SQL says it'
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
check_eq "the copy's default calls the function" \
    "$(pgq pgpg "INSERT INTO app.things (id, c) VALUES (10, 'qq') RETURNING n")" 42
check_eq "the copy's trigger runs" "$(pgq pgpg "UPDATE app.things SET id = id WHERE id = 2 RETURNING c")" tt
check_eq "the copy's SQL-standard body reads its table" "$(pgq pgpg "SELECT app.things_count()")" 4
check_eq "the copy's index on a function is used" \
    "$(pgq pgpg "SET enable_seqscan = off; EXPLAIN (COSTS OFF) SELECT id FROM app.things WHERE \"Odd \"\"Schema\"\"\".\"add one\"(id, 2) = 3" | grep -c 'things by add one')" 1
pgq pgpg "CALL \"Odd \"\"Schema\"\"\".\"reset it\"(1)" >/dev/null
check_eq "the copy's procedure runs" "$(pgq pgpg "SELECT count(*) FROM app.things")" 1

# --untrusted: no function at all, and says so.
pg_create untrusted
"$DBIMPORT" --untrusted "$(pg_uri untrusted)" "$WORK/a.json" 2>"$WORK/err"
check_eq "--untrusted: exit 0" "$?" 0
check_contains "--untrusted: the functions left out, counted" "$(cat "$WORK/err")" \
    '--untrusted: 6 functions and procedures left out'
check_eq "--untrusted: no function created" \
    "$(pgq untrusted "SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname IN ('app', 'Odd \"Schema\"')")" 0

# A plpgsql function an index calls runs the file's code: refused, unless trusted.
"$JQ" '.functions += [{"name": "slug", "namespace": "app", "kind": "function", "arguments": "t text",
        "result": "text", "language": "plpgsql",
        "sql": "CREATE OR REPLACE FUNCTION app.slug(t text)\n RETURNS text\n LANGUAGE plpgsql\n IMMUTABLE\nAS $f$BEGIN RETURN lower(t); END$f$"}]
    | .tables["app.things"].indexes += [{"name": "things_slug", "unique": false, "parts": [{"expression": "app.slug(c)"}]}]' \
    "$WORK/a.json" >"$WORK/slug.json"
pg_create slug
"$DBIMPORT" "$(pg_uri slug)" "$WORK/slug.json" 2>"$WORK/err"
check_eq "an index on a plpgsql function: exit 1" "$?" 1
check_contains "an index on a plpgsql function: refused, with the way out" "$(cat "$WORK/err")" \
    'index "things_slug" calls app.slug(text), a function of the file, which an import does not run: its language is not sql'
check_contains "an index on a plpgsql function: the hint" "$(cat "$WORK/err")" 'hint: --trust-function=app.slug lets it run'
check_eq "an index on a plpgsql function: nothing created" "$(pgq slug "SELECT count(*) FROM pg_namespace WHERE nspname = 'app'")" 0
"$DBIMPORT" --trust-function=app.slug "$(pg_uri slug)" "$WORK/slug.json"
check_eq "--trust-function=app.slug: exit 0" "$?" 0
check_eq "--trust-function=app.slug: the index is there" \
    "$(pgq slug "SELECT count(*) FROM pg_indexes WHERE indexname = 'things_slug'")" 1

# An existing type of the same name and kind is kept; of another kind refused.
pg_create existing
pgq existing "CREATE SCHEMA app; CREATE TYPE app.outer_t AS ENUM ('x')" >/dev/null
"$DBIMPORT" "$(pg_uri existing)" "$WORK/a.json" 2>"$WORK/err"
check_eq "a type of another kind: exit 1" "$?" 1
check_contains "a type of another kind: named" "$(cat "$WORK/err")" \
    'type "app.outer_t": the target has it, but not as a composite type'
check_eq "a type of another kind: nothing created" "$(pgq existing "SELECT count(*) FROM pg_type WHERE typname = 'pair \"q\"'")" 0

# ---- PG -> SQLite -> PG ------------------------------------------------------
"$DBIMPORT" "$WORK/f.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "functions into SQLite: exit 0" "$?" 0
check_contains "functions into SQLite: one line with a count" "$(cat "$WORK/err")" \
    "6 of the file's functions and procedures not carried: SQLite has none"
# The types alone make the whole trip.
"$DBEXPORT" --no-timestamp "$(pg_uri types)" -f "$WORK/types.json"
"$DBIMPORT" "$WORK/t.db" "$WORK/types.json" 2>"$WORK/sqlite.err"
check_eq "into SQLite: exit 0" "$?" 0
check_contains "into SQLite: the composite types reported once" "$(cat "$WORK/sqlite.err")" \
    "2 composite types from postgresql not carried (SQLite has none: their columns hold each value's text form)"
check_eq "into SQLite: one warning line" "$(grep -c . "$WORK/sqlite.err")" 1
check_eq "SQLite holds the text form" "$("$SQLITE3" "$WORK/t.db" "SELECT o FROM \"app.things\" WHERE id = 1")" \
    '("(5,""x y"",ok)","{a,""b c""}","2020-01-02 03:04:05+00")'
"$DBEXPORT" --no-timestamp "$WORK/t.db" -f "$WORK/b.json" 2>"$WORK/err"
check_eq "export SQLite: nothing to report" "$(cat "$WORK/err")" ""
check_eq "the SQLite export has the same types" \
    "$("$JQ" -cS '[.enums, .domains, .composites]' "$WORK/b.json")" "$("$JQ" -cS '[.enums, .domains, .composites]' "$WORK/types.json")"
pg_create back
"$DBIMPORT" "$(pg_uri back)" "$WORK/b.json" 2>"$WORK/err"
check_eq "back into PG: exit 0" "$?" 0
check_eq "back into PG: nothing to report" "$(cat "$WORK/err")" ""
dump back >"$WORK/back.cat"
check_eq "PG -> SQLite -> PG: catalog and rows of the source" "$(diff "$WORK/types.cat" "$WORK/back.cat")" ""

# ---- older files and hostile ones --------------------------------------------
"$JQ" '.format_version = "1.2" | del(.composites, .functions, .triggers, .views, .tables["app.things"]) | .domains |= map(del(.check_names, .comment)) | .enums |= map(del(.comment))' \
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
