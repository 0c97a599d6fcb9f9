#!/usr/bin/env bash
# Tables with pgvector columns are read with binary COPY when every column's
# binary form gives what its text gives (exporter/postgres/rows_binary.c).
# The same rows in a table that stays in text (a numeric column keeps it
# there) must come out identical, value for value and byte for byte: every
# type binary takes, NULLs, edge values, a generated column; and a PG -> PG
# trip keeps every float of every vector.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need_pg

pg_create src
cols="id bigint PRIMARY KEY, b boolean, s smallint, i integer, f double precision,
    t text, vc varchar(12), c char(5), by bytea, j json, jb jsonb, u uuid,
    e vector(3), h halfvec(3), g bigint GENERATED ALWAYS AS (id % 7) STORED"
pgq src "CREATE EXTENSION vector;
    CREATE TABLE vec_bin ($cols);
    CREATE TABLE vec_txt ($cols, n numeric);
    INSERT INTO vec_bin (id, b, s, i, f, t, vc, c, by, j, jb, u, e, h) VALUES
      (1, true, -32768, -2147483648, 0.1, 'tab	and
newline \\ back', 'ünïcode', 'ab', '\\x00ff5c0a09', '{\"b\": 1,  \"a\":[1,2]}', '{\"b\": 1, \"a\": [1, 2]}',
       'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '[1.5,-0,3.4028235e38]', '[0.5,-2,65504]'),
      (2, false, 32767, 2147483647, -1.7976931348623157e308, '', '', '', '\\x', '[]', 'null',
       '00000000-0000-0000-0000-000000000000', '[0.1,0.2,0.3]', '[0.1,0.2,0.3]'),
      (3, NULL, NULL, NULL, 'NaN', NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL),
      (4, true, 0, 0, '-Infinity', 'x', 'y', 'zzzzz', '\\xdeadbeef', '\"s\"', '{\"\$k\": [1, {\"x\": null}]}',
       'ffffffff-ffff-ffff-ffff-ffffffffffff', '[1,2,3]', '[1,2,3]'),
      (9223372036854775807, true, 1, 1, 5e-324, 'last', 'v', 'c', '\\x01', '1', '1.50', NULL,
       '[-1.1754944e-38,1.4e-45,-3.4028235e38]', '[6e-08,-6e-08,0]');
    INSERT INTO vec_txt (id, b, s, i, f, t, vc, c, by, j, jb, u, e, h, n)
        SELECT id, b, s, i, f, t, vc, c, by, j, jb, u, e, h, 1.5 FROM vec_bin;"
# Which way each table went: the server's log of the export's statements
# (the test cluster logs to postgres.log in its directory, PGHOST).
log=${PGHOST:-}/postgres.log
lines=0
[ -r "$log" ] && lines=$(wc -l <"$log")
PGOPTIONS="-c log_statement=all" "$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/a.json" 2>"$WORK/err"
check_eq "export: exit 0" "$?" 0
if [ -r "$log" ]; then
    tail -n +$((lines + 1)) "$log" | grep 'COPY (SELECT' >"$WORK/copies"
    check_contains "vec_bin: binary COPY" "$(grep '"public"."vec_bin"' "$WORK/copies")" \
        'TO STDOUT (FORMAT binary)'
    check_eq "vec_txt: text COPY" "$(grep '"public"."vec_txt"' "$WORK/copies" | grep -c 'FORMAT binary')" 0
else
    echo "note: $log is not readable: which COPY each table used is not checked" >&2
fi
check_eq "export: nothing said" "$(cat "$WORK/err")" ""
check_eq "5 rows in each table" "$("$JQ" -r '[.tables.vec_bin.rows, .tables.vec_txt.rows] | map(length) | join(" ")' \
    "$WORK/a.json")" "5 5"
check_eq "binary and text COPY: the same values" \
    "$("$JQ" '.tables.vec_bin.rows == (.tables.vec_txt.rows | map(del(.n)))' "$WORK/a.json")" true
# Byte for byte: each row as the writer wrote it, without the numeric.
sed -n '/^    "vec_bin": {/,/^    }/p' "$WORK/a.json" | grep '^        {"id"' >"$WORK/bin.rows"
sed -n '/^    "vec_txt": {/,/^    }/p' "$WORK/a.json" | grep '^        {"id"' |
    sed 's/,"n":"1\.5"}/}/' >"$WORK/txt.rows"
check_eq "fixture: 5 rows written" "$(wc -l <"$WORK/bin.rows")" 5
check "binary and text COPY: the same bytes" same_files "$WORK/bin.rows" "$WORK/txt.rows"

# Into PostgreSQL and back: the same document.
pg_create dst
"$DBIMPORT" "$(pg_uri dst)" "$WORK/a.json" 2>"$WORK/err"
check_eq "import: exit 0" "$?" 0
"$DBEXPORT" --no-timestamp "$(pg_uri dst)" -f "$WORK/b.json" 2>"$WORK/err"
check_eq "export again: exit 0" "$?" 0
check "PG -> PG -> file: the same bytes" same_files <(sed 's/"database": "[^"]*"/D/' "$WORK/a.json") \
    <(sed 's/"database": "[^"]*"/D/' "$WORK/b.json")
floats="SELECT count(*) || ' ' || string_agg(encode(float4send(x), 'hex'), '' ORDER BY id, n)
    FROM vec_bin, unnest(e::real[]) WITH ORDINALITY AS u(x, n)"
want=$(pgq src "$floats")
check_contains "fixture: 12 floats" "$want" "12 "
check_eq "every float of every vector arrived, by float4send" "$(pgq dst "$floats")" "$want"

report
