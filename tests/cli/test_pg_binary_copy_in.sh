#!/usr/bin/env bash
# Binary COPY FROM on import (tools/postgres/copy_binary.c): a table whose
# every column has an exact binary form is loaded WITH (FORMAT binary) and
# arrives exactly as the text path would have stored it (odd floats in
# vectors and halfvecs, 16000 dimensions, dates and timestamps at the ends
# of their ranges); a numeric column keeps the table on text; a value the
# encoder cannot read exactly sends the rest of the table by text; a late
# error in a binary COPY names its row and column; --on-invalid=skip-row still
# leaves out exactly the bad row. `dbimport -v` says which format each
# table used.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need_pg

# ---- PostgreSQL -> file -> PostgreSQL: every binary type, odd values -------
pg_create src
pgq src "CREATE EXTENSION vector" >/dev/null
pgq src "CREATE TABLE b (id int PRIMARY KEY, i2 smallint, i8 bigint, f4 real, f8 double precision,
  ok boolean, t text, vc varchar(8), ch char(4), nm name, by bytea, u uuid, d date, ts timestamp,
  tz timestamptz, j json, jb jsonb, v vector(4), h halfvec(4))"
pgq src "INSERT INTO b VALUES
  (1, -32768, -9223372036854775808, '-0', '-0', true, E'tab\\there\\nnew\\\\line é 😀 \\r', 'abc', 'ab',
   'name', '\\x00ff10', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '4713-01-01 BC',
   '4713-01-01 00:00:00 BC', '4713-01-01 00:00:00+00 BC', '{\"a\": [1, 2.50]}',
   '{\"b\": 1e3, \"a\": null}', '[-0,1e-45,1.1754942e-38,3.4028235e38]', '[-0,6e-8,6.1e-5,65504]'),
  (2, 32767, 9223372036854775807, 'NaN', 'NaN', false, '', '', '', '', '\\x',
   '00000000-0000-0000-0000-000000000000', '5874897-12-31', '294276-12-31 23:59:59.999999',
   '294276-12-31 23:59:59.999999+00', 'null', '\"s\"', '[1,2,3,4]', '[1,2,3,4]'),
  (3, 0, 0, 'Infinity', '-Infinity', NULL, NULL, NULL, NULL, NULL, NULL, NULL, 'infinity',
   'infinity', 'infinity', NULL, NULL, NULL, NULL),
  (4, 1, 1, 1.4e-45, 4.9e-324, true, 'x', 'x', 'x', 'x', '\\x01',
   'A0EEBC99-9C0B-4EF8-BB6D-6BB9BD380A11', '-infinity', '-infinity', '-infinity', '1', '1',
   '[0.1,0.2,0.3,0.4]', '[0.1,0.2,0.3,0.4]'),
  (5, 2, 2, -1.1754942e-38, 2.2250738585072014e-308, false, 'y', 'y', 'y', 'y', '\\x02',
   'ffffffff-ffff-ffff-ffff-ffffffffffff', '4714-11-24 BC', '4714-11-24 00:00:00 BC',
   '4714-11-24 00:00:00+00 BC', '[]', '[]', '[-1e-40,1,2,3]', '[-6e-8,1,2,3]'),
  (6, 3, 3, 3.4028235e38, 1.7976931348623157e308, true, 'z', 'z', 'z', 'z', '\\x03',
   '123e4567-e89b-12d3-a456-426614174000', '2000-01-01', '2024-02-29 12:34:56.5',
   '1999-12-31 23:59:59.999999+00', '{}', '{}', '[1,1,1,1]', '[1,1,1,1]')"
# 16000 dimensions of subnormals, -0 and large values, in both vector types
pgq src "CREATE TABLE big (id int PRIMARY KEY, v vector(16000), h halfvec(16000))"
pgq src "INSERT INTO big SELECT 1,
  ('[' || string_agg(CASE i % 4 WHEN 0 THEN '-0' WHEN 1 THEN (i * 1e-42)::text
     WHEN 2 THEN (i * 1.5)::text ELSE (-i * 3.25e30)::text END, ',' ORDER BY i) || ']')::vector,
  ('[' || string_agg(CASE i % 4 WHEN 0 THEN '-0' WHEN 1 THEN ((i % 1000) * 6e-8)::text
     WHEN 2 THEN ((i % 100) * 0.5)::text ELSE '-65504' END, ',' ORDER BY i) || ']')::halfvec
  FROM generate_series(1, 16000) i"
pgq src "CREATE TABLE n (id int PRIMARY KEY, amount numeric(10,2))"
pgq src "INSERT INTO n VALUES (1, 12.50), (2, NULL), (3, -0.01)"
"$DBEXPORT" "$(pg_uri src)" -f "$WORK/pg.json"
check_eq "PostgreSQL export" "$?" 0

pg_create dst
"$DBIMPORT" -v "$(pg_uri dst)" "$WORK/pg.json" 2>"$WORK/err"
check_eq "import" "$?" 0
err=$(cat "$WORK/err")
check_contains "every type of b has a binary form" "$err" 'table "b": COPY in binary'
check_contains "16000 dimensions go in binary" "$err" 'table "big": COPY in binary'
check_contains "a numeric column keeps its table on text" "$err" \
    'table "n": COPY in text (column "amount" is numeric(10,2))'
check_eq "every row exact (as text)" "$(pg_checksums dst)" "$(pg_checksums src)"
bits() { # bits DB: the binary send form of every float and vector, as md5
    pgq "$1" "SELECT md5(string_agg(concat_ws(',', float4send(f4), float8send(f8),
        vector_send(v), halfvec_send(h), timestamp_send(ts), timestamptz_send(tz), date_send(d)),
        ';' ORDER BY id)) FROM b"
    pgq "$1" "SELECT md5(vector_send(v)) || md5(halfvec_send(h)) FROM big"
}
check_eq "every float, vector and time exact (bit for bit)" "$(bits dst)" "$(bits src)"
"$DBDIFF" "$(pg_uri src)" "$(pg_uri dst)" >/dev/null
check_eq "dbdiff finds them equal" "$?" 0

# ---- SQLite -> PostgreSQL: timestamps as SQLite holds them ----------------
"$SQLITE3" "$WORK/s.db" "CREATE TABLE s (id INTEGER PRIMARY KEY, at TIMESTAMPTZ, at_text TEXT,
    lt TIMESTAMP, d DATE, e F32_BLOB(2));
  INSERT INTO s VALUES
    (1, '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2024-01-01T00:00:00Z', '2024-01-01', X'0000803f00000040'),
    (2, '2024-06-01 12:00:00.5+05:30', '2024-06-01 12:00:00.5+05:30', '2024-06-01 12:00:00.5+05:30', '1900-02-28', X'0000008000000080'),
    (3, '2024-06-01 12:00', '2024-06-01 12:00', '2024-06-01 12:00', '0001-01-01', X'0100000001000080'),
    (4, '2024-06-01', '2024-06-01', '2024-06-01', '2400-02-29', NULL),
    (5, '1999-12-31 23:59:59.999999-08', '1999-12-31 23:59:59.999999-08', '1999-12-31 23:59:59.999999-08', '1999-12-31', X'ffff7f7fffff7fff');
  CREATE TABLE s2 (id INTEGER PRIMARY KEY, at TIMESTAMPTZ, at_text TEXT);
  INSERT INTO s2 VALUES (1, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00'),
    (2, 'January 8, 2024 04:05:06 PST', 'January 8, 2024 04:05:06 PST'),
    (3, '2024-01-01 00:00:00+00', '2024-01-01 00:00:00+00');"
"$DBEXPORT" "$WORK/s.db" -f "$WORK/s.json"
pg_create lite
"$DBIMPORT" -v "$(pg_uri lite)" "$WORK/s.json" 2>"$WORK/err"
check_eq "SQLite import" "$?" 0
err=$(cat "$WORK/err")
check_contains "SQLite's ISO timestamps go in binary" "$err" 'table "s": COPY in binary'
check_eq "each timestamp as the server reads its text" "$(pgq lite "SET TimeZone = 'UTC';
    SELECT count(*) FILTER (WHERE at = at_text::timestamptz AND lt = at_text::timestamp) FROM s")" 5
check_eq "the dates" "$(pgq lite "SELECT string_agg(d::text, ',' ORDER BY id) FROM s")" \
    "2024-01-01,1900-02-28,0001-01-01,2400-02-29,1999-12-31"
check_eq "the float32 bits, -0 and subnormals included" \
    "$(pgq lite "SELECT string_agg(coalesce(encode(vector_send(e), 'hex'), 'null'), ',' ORDER BY id) FROM s")" \
    "000200003f80000040000000,000200008000000080000000,000200000000000180000001,null,000200007f7fffffff7fffff"
check_contains "a text the encoder does not read sends the rest by text" "$err" \
    'table "s2": COPY in binary, in text from row 2 (column "at": a value with no exact binary form)'
check_eq "and every row arrives as the server reads it" "$(pgq lite "SET TimeZone = 'UTC';
    SELECT count(*) FILTER (WHERE at = at_text::timestamptz) FROM s2")" 3

# A NaN in a vector: refused by the server in its own words, as by text.
"$SQLITE3" "$WORK/nan.db" "CREATE TABLE v (id INTEGER PRIMARY KEY, e F32_BLOB(2));
  INSERT INTO v VALUES (1, X'0000803f00000040'), (2, X'0000c07f0000803f');"
"$DBEXPORT" "$WORK/nan.db" -f "$WORK/nan.json"
pg_create nan
"$DBIMPORT" "$(pg_uri nan)" "$WORK/nan.json" 2>"$WORK/err"
check_eq "a NaN element fails the import" "$?" 1
check_contains "pgvector's message, naming the row" "$(cat "$WORK/err")" \
    'table "v", row 2, column "e": NaN not allowed in vector'

# A value the text path refuses before sending it is refused so still, in
# its words: a NUL byte in text, in a table that goes by binary until then.
"$SQLITE3" "$WORK/nul.db" "CREATE TABLE z (id INTEGER PRIMARY KEY, t TEXT);
  INSERT INTO z VALUES (1, 'a'), (2, CAST(X'610062' AS TEXT)), (3, 'c');"
"$DBEXPORT" "$WORK/nul.db" -f "$WORK/nul.json"
pg_create nul
"$DBIMPORT" "$(pg_uri nul)" "$WORK/nul.json" 2>"$WORK/err"
check_eq "a NUL byte fails the import" "$?" 1
check_contains "with the text path's message" "$(cat "$WORK/err")" \
    'table "z", row 2, column "t": PostgreSQL text cannot contain NUL bytes'

# ---- late errors in a binary COPY name their row ---------------------------
# e(id, v) into an existing table with a primary key and a CHECK: 9000 rows,
# so that a bad row lies in the second batch (COPY_BATCH_ROWS is 8192).
make_e() { # make_e FILE DUPLICATE_ROW NEGATIVE_ROW
    "$SQLITE3" "$WORK/e.db" "DROP TABLE IF EXISTS e; CREATE TABLE e (id INTEGER, v INTEGER);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 9000)
      INSERT INTO e SELECT CASE i WHEN $2 THEN 1 ELSE i END, CASE i WHEN $3 THEN -1 ELSE i END FROM n;"
    "$DBEXPORT" "$WORK/e.db" -f "$1"
}
pg_create late
pgq late "CREATE TABLE e (id int PRIMARY KEY, v int CHECK (v > 0))"
make_e "$WORK/good.json" 0 0
"$DBIMPORT" -v -a "$(pg_uri late)" "$WORK/good.json" 2>"$WORK/err"
check_eq "the table without a bad row" "$?" 0
check_contains "goes in binary" "$(cat "$WORK/err")" 'table "e": COPY in binary'
pgq late "TRUNCATE e"
for spec in 3:0 8500:0 0:5 0:8200; do
    IFS=: read -r dup neg <<<"$spec"
    make_e "$WORK/bad.json" "$dup" "$neg"
    "$DBIMPORT" -a "$(pg_uri late)" "$WORK/bad.json" 2>"$WORK/err"
    check_eq "bad row $spec: exit 1" "$?" 1
    err=$(cat "$WORK/err")
    if [ "$dup" != 0 ]; then
        check_contains "a duplicate key at row $dup: named" "$err" \
            "table \"e\", row $dup: duplicate key value violates unique constraint \"e_pkey\""
    else
        check_contains "a failed CHECK at row $neg: named" "$err" \
            "table \"e\", row $neg: new row for relation \"e\" violates check constraint \"e_v_check\""
    fi
    line=$(sed -n 's|^dbimport: error: [^:]*:\([0-9]*\):.*|\1|p' <<<"$err")
    check_contains "bad row $spec: the line named holds it" "$(sed -n "${line:-0}p" "$WORK/bad.json")" \
        "\"id\":$([ "$dup" != 0 ] && echo 1 || echo "$neg"),"
    check_eq "bad row $spec: nothing left behind" "$(pgq late "SELECT count(*) FROM e")" 0
done

# A value the server refuses for its column, named with the column, and
# --on-invalid=skip-row (which edits text batches: that run goes by text)
# leaving out exactly that row.
"$SQLITE3" "$WORK/c.db" "CREATE TABLE c (id INTEGER PRIMARY KEY, w VARCHAR(3));
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 10000)
  INSERT INTO c SELECT i, CASE i WHEN 8300 THEN 'abcd' ELSE 'ab' END FROM n;"
"$DBEXPORT" "$WORK/c.db" -f "$WORK/c.json"
pg_create c
"$DBIMPORT" "$(pg_uri c)" "$WORK/c.json" 2>"$WORK/err"
check_eq "a value too long: exit 1" "$?" 1
check_contains "named by row and column" "$(cat "$WORK/err")" \
    'table "c", row 8300, column "w": value too long for type character varying(3)'
"$DBIMPORT" -v --on-invalid=skip-row "$(pg_uri c)" "$WORK/c.json" 2>"$WORK/err"
check_eq "--on-invalid=skip-row: exit 0" "$?" 0
check_contains "--on-invalid=skip-row: by text" "$(cat "$WORK/err")" 'table "c": COPY in text (--on-invalid'
check_eq "--on-invalid=skip-row: exactly the bad row left out" \
    "$(pgq c "SELECT count(*) || ',' || count(*) FILTER (WHERE id = 8300) FROM c")" "9999,0"
report
