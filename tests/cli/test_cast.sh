#!/usr/bin/env bash
# dbimport --cast: the type changes users make when they move up from
# SQLite. JSON array text becomes a PostgreSQL array (nested for more
# dimensions), JSON text jsonb (numbers exact), a float32 BLOB, a JSON array
# of numbers or a float8[] a vector(n), text uuid and timestamptz; TYPE:TYPE
# casts every column of a type. A value that does not convert is an error
# naming the file position, table, row and column, and the target is left
# as it was; a cast that matches nothing or names no type is refused.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

"$SQLITE3" "$WORK/app.db" "CREATE TABLE docs (id INTEGER PRIMARY KEY, tags TEXT, meta TEXT, emb BLOB,
    embj TEXT, uid TEXT, at TEXT, grid TEXT, extra JSON);
  INSERT INTO docs VALUES (1, '[\"a\", \"b c\", null]', '{\"k\": 1.50, \"n\": [1, 2]}',
    x'0000803F000000400000C0BF', '[1, 2.5, -3]', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11',
    '2024-01-02 03:04:05+00', '[[1, 2], [3, 4]]', '{\"x\": true}');
  INSERT INTO docs VALUES (2, '[]', 'null', NULL, NULL, NULL, NULL, NULL, '[1]');"
"$DBEXPORT" --no-timestamp "$WORK/app.db" -f "$WORK/a.json"
casts=(--cast='docs.tags:array(text)' --cast=docs.meta:jsonb --cast='docs.emb:vector(3)'
    --cast='docs.embj:vector(3)' --cast=docs.uid:uuid --cast=docs.at:timestamptz
    --cast='docs.grid:array(int32)' --cast=json:jsonb)

# SQLite: the cast types declared, the values as the type stores them
"$DBIMPORT" -v "${casts[@]}" "$WORK/copy.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "SQLite target: exit 0" "$?" 0
check_contains "-v says what was cast" "$(cat "$WORK/err")" \
    'table "docs": column "tags": text -> array(text) (--cast=docs.tags:array(text))'
check_eq "SQLite target: the array as JSON text" "$("$SQLITE3" "$WORK/copy.db" "SELECT tags FROM docs WHERE id = 1")" '["a","b c",null]'

need_pg
pg_create cast
"$DBIMPORT" "${casts[@]}" "$(pg_uri cast)" "$WORK/a.json" 2>"$WORK/err"
check_eq "PostgreSQL: exit 0" "$?" 0
check_eq "PostgreSQL: the column types" \
    "$(pgq cast "SELECT string_agg(attname || ' ' || format_type(atttypid, atttypmod), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 'docs'::regclass AND attnum > 0")" \
    "id bigint, tags text[], meta jsonb, emb vector(3), embj vector(3), uid uuid, at timestamp with time zone, grid integer[], extra jsonb"
check_eq "an array of text, NULL kept" "$(pgq cast "SELECT tags::text FROM docs WHERE id = 1")" '{a,"b c",NULL}'
check_eq "an empty array" "$(pgq cast "SELECT cardinality(tags) FROM docs WHERE id = 2")" 0
check_eq "jsonb keeps its numbers exactly" "$(pgq cast "SELECT meta->>'k' FROM docs WHERE id = 1")" '1.50'
check_eq "a JSON null is jsonb null, not SQL NULL" "$(pgq cast "SELECT jsonb_typeof(meta) FROM docs WHERE id = 2")" 'null'
check_eq "a float32 BLOB as a vector, bit for bit" "$(pgq cast "SELECT emb::text FROM docs WHERE id = 1")" '[1,2,-1.5]'
check_eq "a JSON array of numbers as a vector" "$(pgq cast "SELECT embj::text FROM docs WHERE id = 1")" '[1,2.5,-3]'
check_eq "NULL stays NULL" "$(pgq cast "SELECT emb IS NULL AND embj IS NULL FROM docs WHERE id = 2")" t
check_eq "uuid" "$(pgq cast "SELECT uid = 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'::uuid FROM docs WHERE id = 1")" t
check_eq "timestamptz" "$(pgq cast "SELECT extract(epoch FROM at) FROM docs WHERE id = 1")" 1704164645.000000
check_eq "a JSON array of arrays as a two-dimensional array" "$(pgq cast "SELECT grid[2][1] FROM docs WHERE id = 1")" 3
check_eq "TYPE:TYPE: every json column as jsonb" "$(pgq cast "SELECT extra->>'x' FROM docs WHERE id = 1")" true

# into an application's own schema: its column types say what to convert
pg_create app
pgq app "CREATE EXTENSION vector; CREATE TABLE docs (id bigint PRIMARY KEY, tags text[], meta jsonb, emb vector(3),
    embj vector, uid uuid, at timestamptz, grid int[], extra jsonb)" >/dev/null
"$DBIMPORT" -a "$(pg_uri app)" "$WORK/a.json" 2>"$WORK/err"
check_eq "into existing columns: exit 0" "$?" 0
check_contains "into existing columns: said" "$(cat "$WORK/err")" \
    'note: table "docs": column "tags": text -> array(text), the type of the target'"'"'s column: converted on the way in'
check_contains "into existing columns: a BLOB to a vector too" "$(cat "$WORK/err")" \
    'column "emb": bytes -> vector(3)'
check_eq "into existing columns: the values" \
    "$(pgq app "SELECT tags::text || ' ' || (meta->>'k') || ' ' || emb::text || ' ' || embj::text || ' ' || grid[2][2] FROM docs WHERE id = 1")" \
    '{a,"b c",NULL} 1.50 [1,2,-1.5] [1,2.5,-3] 4'

# a float8[] from PostgreSQL to a vector
pg_create arr
pgq arr "CREATE TABLE e (id int PRIMARY KEY, v float8[]); INSERT INTO e VALUES (1, '{0.5,1,2}')" >/dev/null
"$DBEXPORT" --no-timestamp "$(pg_uri arr)" -f "$WORK/arr.json" 2>/dev/null
pg_create arr2
"$DBIMPORT" --cast='e.v:vector(3)' "$(pg_uri arr2)" "$WORK/arr.json" 2>"$WORK/err"
check_eq "float8[] -> vector: exit 0" "$?" 0
check_eq "float8[] -> vector: the values" "$(pgq arr2 "SELECT v::text FROM e")" '[0.5,1,2]'

# what does not convert: an error with the position, nothing left behind
bad() { # bad NAME JQ-PROGRAM WANT
    "$JQ" "$2" "$WORK/a.json" >"$WORK/$1.json"
    pg_create "$1"
    "$DBIMPORT" "${casts[@]}" "$(pg_uri "$1")" "$WORK/$1.json" 2>"$WORK/err"
    check_eq "$1: exit 1" "$?" 1
    check_contains "$1: named" "$(cat "$WORK/err")" "$3"
    check_eq "$1: nothing created" "$(pgq "$1" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0
}
bad notarray '.tables.docs.rows[1].tags = "a,b"' 'table "docs", row 2, column "tags": not a JSON array'
bad object '.tables.docs.rows[1].tags = "[{\"a\": 1}]"' 'column "tags": an object in the JSON array (cast to jsonb instead)'
bad notjson '.tables.docs.rows[1].meta = "{oops"' 'table "docs", row 2, column "meta": not JSON'
bad dupkey '.tables.docs.rows[1].meta = "{\"a\": 1, \"a\": 2}"' 'column "meta": not JSON: duplicate key "a"'
bad dims '.tables.docs.rows[1].embj = "[1, 2]"' 'column "embj": an array of 2 elements, not 3'
bad blob '.tables.docs.rows[1].emb = {"$blob": "AAAA"}' 'column "emb": a BLOB of 3 bytes, not 12 (3 float32)'
bad nan '.tables.docs.rows[1].embj = "[1, 2, 1e999]"' 'column "embj": a vector element is not a finite float32'
check_contains "the position of the row" "$(cat "$WORK/err")" 'nan.json:'

"$DBIMPORT" --cast='nosuch.col:jsonb' "$WORK/x.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "a cast that matches nothing: exit 1" "$?" 1
check_contains "a cast that matches nothing: named" "$(cat "$WORK/err")" '--cast=nosuch.col:jsonb matches no column'
check "a cast that matches nothing: no database left" test ! -e "$WORK/x.db"
"$DBIMPORT" --cast='docs.tags:text[]' "$WORK/y.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "a type that is not portable: exit 2" "$?" 2
check_contains "a type that is not portable: why" "$(cat "$WORK/err")" 'not a portable type'
"$DBIMPORT" --cast='docs.tags:halfvec(3)' "$WORK/y.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "a type no cast makes: exit 2" "$?" 2
"$DBIMPORT" --cast='tags' "$WORK/y.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "no type: exit 2" "$?" 2
report
