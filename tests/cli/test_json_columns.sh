#!/usr/bin/env bash
# A json column's text travels as its JSON value when that is lossless
# (format 1.3): compact, and with no number jq 1.6 would rewrite, so a jq
# recipe reads and edits a SQLite JSON column as it does a jsonb one
# (.rows[].meta.migrated = true); every other text (spaces, 1.50, 1e400, a
# JSON string, null, an object with a '$' key) stays a string. Both ways
# the text comes back byte for byte.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

"$SQLITE3" "$WORK/a.db" "CREATE TABLE docs (id INTEGER PRIMARY KEY, meta JSON);
  INSERT INTO docs VALUES (1, '{\"a\":1,\"tags\":[\"x\"]}'), (2, '{\"a\": 1}'), (3, '{\"p\":1.50}'),
    (4, '\"just a string\"'), (5, 'null'), (6, '{\"\$int\":5}'), (7, '[1,2.5,true]'),
    (8, '[1e400]'), (9, '[12]'), (10, NULL), (11, 'not json'), (12, '{\"b\":1,\"\$a\":2}');"
"$DBEXPORT" --no-timestamp "$WORK/a.db" -f "$WORK/a.json"
check_eq "compact JSON travels as its value, the rest as strings" \
    "$("$JQ" -c '[.tables.docs.rows[] | .meta | type]' "$WORK/a.json")" \
    '["object","string","string","string","string","string","array","string","array","null","string","string"]'
"$DBIMPORT" "$WORK/b.db" "$WORK/a.json"
check "SQLite -> SQLite: every text byte for byte" same_files \
    <("$SQLITE3" "$WORK/a.db" "SELECT id, quote(meta) FROM docs ORDER BY id") \
    <("$SQLITE3" "$WORK/b.db" "SELECT id, quote(meta) FROM docs ORDER BY id")

"$JQ" -S . "$WORK/a.json" >"$WORK/sorted.json"
"$DBIMPORT" "$WORK/sorted.db" "$WORK/sorted.json"
check_eq "after jq -S, a \$ key that sorts first is still text" \
    "$("$SQLITE3" "$WORK/sorted.db" "SELECT meta FROM docs WHERE id = 12")" '{"b":1,"$a":2}'

# the recipe that failed with "Cannot index string"
"$JQ" '.tables.docs.rows |= map(if (.meta | type) == "object" then .meta.migrated = true else . end)' \
    "$WORK/a.json" >"$WORK/m.json"
"$DBIMPORT" "$WORK/m.db" "$WORK/m.json"
check_eq "a jq recipe edits a SQLite JSON column" "$("$SQLITE3" "$WORK/m.db" "SELECT meta FROM docs WHERE id = 1")" \
    '{"a":1,"tags":["x"],"migrated":true}'
"$DBIMPORT" --rows='docs=if (.meta | type) == "object" then .meta.migrated = true else . end' \
    "$WORK/r.db" "$WORK/a.json"
check_eq "a --rows program does too" "$("$SQLITE3" "$WORK/r.db" "SELECT meta FROM docs WHERE id = 1")" \
    '{"a":1,"tags":["x"],"migrated":true}'
check_eq "a --rows program keeps what it does not touch" "$("$SQLITE3" "$WORK/r.db" "SELECT meta FROM docs WHERE id = 3")" \
    '{"p":1.50}'

need_pg
pg_create j
pgq j "CREATE TABLE docs (id int PRIMARY KEY, meta json);
  INSERT INTO docs VALUES (1, '{\"a\":1}'), (2, '{\"a\" : 1}'), (3, '{\"p\":1.50}'), (4, '[1,2]')" >/dev/null
"$DBEXPORT" --no-timestamp "$(pg_uri j)" -f "$WORK/p.json" 2>/dev/null
check_eq "PostgreSQL json: as values where lossless" \
    "$("$JQ" -c '[.tables.docs.rows[] | .meta | type]' "$WORK/p.json")" '["object","string","string","array"]'
pg_create j2
"$DBIMPORT" "$(pg_uri j2)" "$WORK/p.json"
check "PostgreSQL -> PostgreSQL: every json text byte for byte" same_files \
    <(pgq j "SELECT id, meta::text FROM docs ORDER BY id") <(pgq j2 "SELECT id, meta::text FROM docs ORDER BY id")
report
