#!/usr/bin/env bash
# The four paths, each with a plain and a gzip file: SQLite -> SQLite,
# SQLite -> PostgreSQL -> SQLite, PostgreSQL -> SQLite -> PostgreSQL and
# PostgreSQL -> PostgreSQL, over Chinook (both flavours), the PostgreSQL
# torture database (pg/torture.sql), Pagila with data (pg/pagila_data.sql)
# and the SQLite embeddings database (pg/embeddings.sql).
#   PG -> file -> PG: a second export equals the first (but for
#     source.database), and pg_dump --schema-only of both databases match.
#   PG -> SQLite -> PG: the rows of the first and the last export are equal.
#   SQLite -> PG -> SQLite: the data fingerprints of the original and the
#     final copy are equal (for data that fits the declared types).
#   Vectors travel bit for bit: equal base64 in the exports, and in
#   PostgreSQL the copy's vector = the source's vector literal.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
need pg_dump
need_pg
PGFIX=$(cd "$(dirname "$0")/pg" && pwd)

# ---- sources ----------------------------------------------------------------
chinook_sqlite="$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite"
"$SQLITE3" "$WORK/embeddings.db" <"$PGFIX/embeddings.sql"
check_eq "fixture: embeddings.db has 42 docs" "$("$SQLITE3" "$WORK/embeddings.db" "SELECT count(*) FROM docs")" 42

# Chinook_PostgreSql.sql drops and creates a database named chinook and
# connects to it: keep only what follows the \c line.
sed '1,/^\\c chinook;/d' "$DB_TESTDATA/chinook/Chinook_PostgreSql.sql" >"$WORK/chinook_pg.sql"
pg_create chinook
check "fixture: Chinook loads into PostgreSQL" pg_load chinook "$WORK/chinook_pg.sql"
check_eq "fixture: Chinook tracks" "$(pgq chinook "SELECT count(*) FROM track")" 3503
pg_create torture
check "fixture: torture.sql loads" pg_load torture "$PGFIX/torture.sql"
pg_create pagila
check "fixture: Pagila schema and data load" pg_load pagila "$DB_TESTDATA/pagila/pagila-schema.sql" "$PGFIX/pagila_data.sql"
check_eq "fixture: Pagila payments" "$(pgq pagila "SELECT count(*) FROM payment")" 250

# What the Pagila views and triggers call. Functions are not part of the
# format, so a PostgreSQL target gets them first, as a user would.
awk '/^CREATE FUNCTION public\._group_concat/,/^\$_\$;/; /^CREATE FUNCTION public\.last_updated\(\)/,/^END \$\$;/; /^CREATE AGGREGATE public\.group_concat/,/^\);/' \
    "$DB_TESTDATA/pagila/pagila-schema.sql" >"$WORK/pagila_functions.sql"
check_eq "fixture: Pagila functions extracted" "$(grep -c '^CREATE' "$WORK/pagila_functions.sql")" 3

# ---- helpers ----------------------------------------------------------------
# vectors FILE: "table<TAB>column<TAB>value" for every vector/halfvec value.
vectors() {
    unz "$1" | "$JQ" -r '.tables | to_entries[] | .key as $t
        | [.value.columns[] | select(.type | test("^(vector|halfvec)\\(")) | .name] as $vc
        | .value.rows[]? as $r | $vc[] as $c | select($r[$c] != null)
        | [$t, $c, ($r[$c] | tostring)] | @tsv' | sort
}
# rows_by_table FILE [FILTER]: {table: rows} with sorted keys, one table per line.
rows_by_table() { unz "$1" | "$JQ" -cS "${2:-.}"' | .tables | to_entries[] | {(.key): .value.rows}'; }
# SQLite keeps no sign on a zero in a REAL column (dbimport warns): -0 -> 0.
unsigned_zeros='walk(if type == "number" and . == 0 then 0 else . end)'
# has_negative_zero FILE: a float -0 somewhere in the rows
has_negative_zero() { unz "$1" | "$JQ" -e '[.tables[].rows[]?[] | select(type == "number" and . == 0 and tostring == "-0")] | length > 0' >/dev/null; }
# same_rows WHAT A B: the rows of every table are equal; names the tables that differ.
same_rows() {
    rows_by_table "$2" "${4:-}" >"$WORK/rows_a"
    rows_by_table "$3" "${4:-}" >"$WORK/rows_b"
    if same_files "$WORK/rows_a" "$WORK/rows_b"; then ok; else
        not_ok "$1: rows differ in: $(diff "$WORK/rows_a" "$WORK/rows_b" | sed -n 's/^[<>] {"\([^"]*\)".*/\1/p' | sort -u | tr '\n' ' ')"
        diff <("$JQ" -c '.[] | .[]' "$WORK/rows_a" 2>/dev/null) <("$JQ" -c '.[] | .[]' "$WORK/rows_b" 2>/dev/null) | head -10 >&2
    fi
}
# schema_dump NAME [PG_DUMP ARGS]: pg_dump --schema-only with the database name normalised.
schema_dump() {
    local db
    db=$(pg_name "$1")
    shift
    # (\restrict lines carry a random key, pg_dump 15.14 and later)
    # pg_dump orders objects partly by creation (OID) order, which an import
    # need not reproduce: compare the statements' lines as a sorted list.
    pg_dump --schema-only "$@" "$db" | sed "s/$db/DBNAME/g" |
        grep -v -e '^-- Dumped' -e '^.restrict ' -e '^.unrestrict ' -e '^$' | LC_ALL=C sort
}
ext_of() { if [ "$1" = gz ]; then echo json.gz; else echo json; fi; }
check_gzip() { check "$1: file is gzip" test "$(head -c2 "$2" | od -An -tx1 | tr -d ' ')" = 1f8b; }

# ---- SQLite -> SQLite (covered in detail by test_roundtrip.sh) ---------------
sqlite_sqlite() { # NAME SRC plain|gz
    local n=$1 src=$2 e
    e=$(ext_of "$3")
    mkdir -p "$WORK/$n"
    check "$n: export" "$DBEXPORT" --no-timestamp "$src" -f "$WORK/$n/a.$e"
    [ "$3" = gz ] && check_gzip "$n" "$WORK/$n/a.$e"
    check "$n: import into SQLite" "$DBIMPORT" "$WORK/$n/copy.db" "$WORK/$n/a.$e"
    check_eq "$n: fingerprints equal" "$(fingerprint "$WORK/$n/copy.db" | sha256sum)" "$(fingerprint "$src" | sha256sum)"
}
sqlite_sqlite s2s_chinook "$chinook_sqlite" plain
sqlite_sqlite s2s_chinook_gz "$chinook_sqlite" gz

# ---- SQLite -> PostgreSQL -> SQLite -----------------------------------------
sqlite_pg_sqlite() { # NAME SRC plain|gz
    local n=$1 src=$2 e
    e=$(ext_of "$3")
    mkdir -p "$WORK/$n"
    check "$n: export SQLite" "$DBEXPORT" --no-timestamp "$src" -f "$WORK/$n/a.$e"
    [ "$3" = gz ] && check_gzip "$n" "$WORK/$n/a.$e"
    pg_create "$n"
    check "$n: import into PostgreSQL" "$DBIMPORT" "$(pg_uri "$n")" "$WORK/$n/a.$e"
    check "$n: export PostgreSQL" "$DBEXPORT" --no-timestamp "$(pg_conninfo "$n")" -f "$WORK/$n/b.$e"
    check "$n: import into SQLite" "$DBIMPORT" "$WORK/$n/copy.db" "$WORK/$n/b.$e"
    fingerprint "$src" --data >"$WORK/$n/src.fp"
    fingerprint "$WORK/$n/copy.db" --data >"$WORK/$n/copy.fp" 2>/dev/null
    if same_files "$WORK/$n/src.fp" "$WORK/$n/copy.fp"; then ok; else
        not_ok "$n: data fingerprints of the original and the copy differ"
        diff "$WORK/$n/src.fp" "$WORK/$n/copy.fp" | head -6 | cut -c1-300 >&2
    fi
    vectors "$WORK/$n/a.$e" >"$WORK/$n/a.vec"
    vectors "$WORK/$n/b.$e" >"$WORK/$n/b.vec" 2>/dev/null
    check_eq "$n: vectors in the SQLite and PostgreSQL exports are equal base64" \
        "$(sha256sum <"$WORK/$n/b.vec") $(wc -l <"$WORK/$n/b.vec")" "$(sha256sum <"$WORK/$n/a.vec") $(wc -l <"$WORK/$n/a.vec")"
}
sqlite_pg_sqlite s2p_chinook "$chinook_sqlite" plain
sqlite_pg_sqlite s2p_chinook_gz "$chinook_sqlite" gz
sqlite_pg_sqlite s2p_embeddings "$WORK/embeddings.db" plain
sqlite_pg_sqlite s2p_embeddings_gz "$WORK/embeddings.db" gz
check_eq "s2p_embeddings: 41 embeddings compared" "$(wc -l <"$WORK/s2p_embeddings/a.vec")" 41

# ---- PostgreSQL -> PostgreSQL -----------------------------------------------
# check_vector NAME COPY SQL-TABLE KEY-COLUMN KEY VECTOR-COLUMN: in PostgreSQL,
# the copy's vector equals the source's, given as a literal.
check_vector() {
    local src=$1 copy=$2 tbl=$3 kc=$4 k=$5 vc=$6 lit
    lit=$(pgq "$src" "SELECT $vc::text FROM $tbl WHERE $kc = $k")
    check_eq "$copy: $tbl.$vc = the source's literal ($kc = $k)" \
        "$(pgq "$copy" "SELECT $vc = '$lit' FROM $tbl WHERE $kc = $k" 2>&1)" t
}
pg_pg() { # NAME SRC-DB plain|gz [PG_DUMP ARGS FOR THE SCHEMA COMPARISON]
    local n=$1 src=$2 z=$3 e
    shift 3
    e=$(ext_of "$z")
    mkdir -p "$WORK/$n"
    check "$n: export PostgreSQL" "$DBEXPORT" --no-timestamp "$(pg_uri "$src")" -f "$WORK/$n/a.$e"
    [ "$z" = gz ] && check_gzip "$n" "$WORK/$n/a.$e"
    pg_create "$n"
    [ "$src" = pagila ] && pg_load "$n" "$WORK/pagila_functions.sql"
    check "$n: import into PostgreSQL" "$DBIMPORT" "$(pg_conninfo "$n")" "$WORK/$n/a.$e"
    check "$n: export the copy" "$DBEXPORT" --no-timestamp "$(pg_uri "$n")" -f "$WORK/$n/b.$e"
    unz "$WORK/$n/a.$e" | "$JQ" -S 'del(.source.database)' >"$WORK/$n/a.norm" 2>/dev/null
    unz "$WORK/$n/b.$e" | "$JQ" -S 'del(.source.database)' >"$WORK/$n/b.norm" 2>/dev/null
    if [ -s "$WORK/$n/a.norm" ] && same_files "$WORK/$n/a.norm" "$WORK/$n/b.norm"; then ok; else
        not_ok "$n: second export differs from the first (apart from source.database)"
        diff "$WORK/$n/a.norm" "$WORK/$n/b.norm" | head -10 | cut -c1-300 >&2
    fi
    schema_dump "$src" "$@" >"$WORK/$n/a.sql"
    schema_dump "$n" "$@" >"$WORK/$n/b.sql"
    if [ -s "$WORK/$n/a.sql" ] && same_files "$WORK/$n/a.sql" "$WORK/$n/b.sql"; then ok; else
        not_ok "$n: pg_dump --schema-only of the source and the copy differ"
        diff "$WORK/$n/a.sql" "$WORK/$n/b.sql" | head -20 | cut -c1-300 >&2
    fi
}
for z in plain gz; do
    pg_pg "p2p_chinook_$z" chinook "$z"
    pg_pg "p2p_torture_$z" torture "$z"
    check_vector torture "p2p_torture_$z" '"All Types"' id 2 c_vector
    check_vector torture "p2p_torture_$z" '"All Types"' id 2 c_halfvec
    check_vector torture "p2p_torture_$z" '"All Types"' id 1 c_sparsevec
    # Functions and materialized views are not in the format: compare the tables,
    # their sequences, indexes, constraints and triggers, and the views.
    pg_pg "p2p_pagila_$z" pagila "$z" -t 'public.*' -T public.rental_by_category
    check_vector pagila "p2p_pagila_$z" film_embedding film_id 1 embedding
done
check_contains "p2p_torture: the export has the vector extension" \
    "$("$JQ" -c .extensions "$WORK/p2p_torture_plain/a.json" 2>&1)" '"vector"'
check_eq "p2p_pagila: 100 embeddings compared" "$(vectors "$WORK/p2p_pagila_plain/a.json" | grep -c '^film_embedding')" 100

# ---- PostgreSQL -> SQLite -> PostgreSQL -------------------------------------
pg_sqlite_pg() { # NAME SRC-DB plain|gz
    local n=$1 src=$2 e
    e=$(ext_of "$3")
    mkdir -p "$WORK/$n"
    check "$n: export PostgreSQL" "$DBEXPORT" --no-timestamp "$(pg_uri "$src")" -f "$WORK/$n/a.$e"
    "$DBIMPORT" "$WORK/$n/mid.db" "$WORK/$n/a.$e" 2>"$WORK/$n/import.err"
    check_eq "$n: import into SQLite" "$?" 0
    if has_negative_zero "$WORK/$n/a.$e"; then
        check_contains "$n: -0 stored as 0 is reported" "$(cat "$WORK/$n/import.err")" \
            "negative zero"
    fi
    check "$n: export SQLite" "$DBEXPORT" --no-timestamp "$WORK/$n/mid.db" -f "$WORK/$n/b.$e"
    [ "$3" = gz ] && check_gzip "$n" "$WORK/$n/b.$e"
    pg_create "$n"
    check "$n: import into a fresh PostgreSQL" "$DBIMPORT" "$(pg_uri "$n")" "$WORK/$n/b.$e"
    check "$n: export PostgreSQL again" "$DBEXPORT" --no-timestamp "$(pg_uri "$n")" -f "$WORK/$n/c.$e"
    same_rows "$n: first and last export" "$WORK/$n/a.$e" "$WORK/$n/c.$e" "$unsigned_zeros"
    check_eq "$n: vectors equal base64 through SQLite" "$(vectors "$WORK/$n/c.$e" 2>/dev/null | sha256sum)" \
        "$(vectors "$WORK/$n/a.$e" | sha256sum)"
}
for z in plain gz; do
    pg_sqlite_pg "p2s_torture_$z" torture "$z"
    check_vector torture "p2s_torture_$z" '"All Types"' id 2 c_vector
    pg_sqlite_pg "p2s_chinook_$z" chinook "$z"
    pg_sqlite_pg "p2s_pagila_$z" pagila "$z"
    check_vector pagila "p2s_pagila_$z" film_embedding film_id 1 embedding
done

# ---- array elements the file tags --------------------------------------------
# A jsonb element that is the JSON null or has '$' keys is written tagged,
# {"$jsonb": ...}; PostgreSQL must get the element back, not the wrapper,
# and SQLite, which keeps arrays as JSON text, the file's text.
cat >"$WORK/arrays.sql" <<'SQL'
CREATE TABLE t (id int PRIMARY KEY, j jsonb[], b bytea[], n numeric[]);
INSERT INTO t VALUES (1, ARRAY['null', '{"$a": [1]}', '"s"', '{"k": "x\ny"}', NULL]::jsonb[],
    ARRAY['\x00ff'::bytea, NULL, ''::bytea], '{1.50,NaN,NULL}');
SQL
pg_create arrays
check "fixture: arrays.sql loads" pg_load arrays "$WORK/arrays.sql"
mkdir -p "$WORK/arrays"
check "arrays: export" "$DBEXPORT" --no-timestamp "$(pg_conninfo arrays)" -f "$WORK/arrays/a.json"
pg_create arrays_copy
check "arrays: import into PostgreSQL" "$DBIMPORT" "$(pg_uri arrays_copy)" "$WORK/arrays/a.json"
arrays_sql="SELECT j::text || ' ' || b::text || ' ' || n::text FROM t"
check_eq "arrays: PostgreSQL gets the elements back" "$(pgq arrays_copy "$arrays_sql" 2>&1)" "$(pgq arrays "$arrays_sql")"
check "arrays: import into SQLite" "$DBIMPORT" "$WORK/arrays/copy.db" "$WORK/arrays/a.json"
check "arrays: export SQLite" "$DBEXPORT" --no-timestamp "$WORK/arrays/copy.db" -f "$WORK/arrays/b.json"
check_eq "arrays: SQLite keeps the file's array text" "$(rows_by_table "$WORK/arrays/b.json")" \
    "$(rows_by_table "$WORK/arrays/a.json")"

# What dbexport writes from PostgreSQL validates against the JSON Schema.
schema="$(dirname "$0")/../../schemas/dbexport-1.schema.json"
out=$(bash "$(dirname "$0")/../schema/validate.sh" "$schema" "$WORK"/p2s_torture_plain/a.json \
    "$WORK"/p2s_pagila_plain/a.json "$WORK"/p2s_chinook_gz/a.json.gz 2>&1)
rc=$?
if [ "$rc" -eq 77 ]; then
    [ "${CI:-}" = true ] && not_ok "ajv is required under CI"
else
    check_eq "PostgreSQL exports validate against the schema" "$rc" 0
    [ "$rc" -eq 0 ] || echo "$out" >&2
fi

report
