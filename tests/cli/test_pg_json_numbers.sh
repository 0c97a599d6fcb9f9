#!/usr/bin/env bash
# json and jsonb numbers keep their exact text on every path: PostgreSQL ->
# file (the row's bytes asserted) -> PostgreSQL, gzip too; numbers nested
# in objects and arrays, in jsonb[] and json[] elements; a SQLite source's
# json text -> PostgreSQL. No number is turned into a double on the way.
# (jsonb itself normalizes -0 and 1E+2 to 0 and 100 when PostgreSQL stores
# them; json keeps the text as it was given.) And a jsonb[] element that
# is a JSON array stays an element: written {"$jsonb": [...]}, it cannot
# read as one more dimension.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need_pg

pg_create src
pgq src "CREATE TABLE j (id integer PRIMARY KEY, b jsonb, t json, ba jsonb[], ta json[]);
INSERT INTO j VALUES
 (1, '0.14285714285714285714', '0.14285714285714285714', NULL, NULL),
 (2, '123456789012345678901234567890.000000000000000000001', '123456789012345678901234567890.000000000000000000001', NULL, NULL),
 (3, '1.50', '1.50', NULL, NULL),
 (4, '-0', '-0', NULL, NULL),
 (5, '1E+2', '1E+2', NULL, NULL),
 (6, '{\"a\": [1.50, -0, 1E+2, {\"b\": 0.14285714285714285714}], \"c\": 9007199254740993}',
     '{\"a\": [1.50, -0, 1E+2, {\"b\": 0.14285714285714285714}], \"c\": 9007199254740993, \"d\": 1e400}', NULL, NULL),
 (7, '[1e-7, 100000000000000000000000000001, -1.0e+0]', '1e400',
     ARRAY['1.50'::jsonb, '{\"x\": 9007199254740993}', '[-0, 1E+2]'], ARRAY['1e400'::json, '1.50', ' [-0] ']),
 (8, '0.000000000000000000000000000000000000000000000001', '  [ 1.0 , 2 ] ', ARRAY[NULL, 'null'::jsonb], NULL),
 (9, NULL, NULL, ARRAY['[1]'::jsonb, '[2.50]'], NULL),
 (10, NULL, NULL, ARRAY[ARRAY['[1]'::jsonb, '2'], ARRAY['{\"a\": [3]}'::jsonb, '[]']], NULL)"
rows() { pgq "$1" "SELECT id, b::text, t::text, ba::text, array_ndims(ba), ta::text FROM j ORDER BY id"; }
rows src >"$WORK/src.rows"

check "export" "$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/a.json"
sed -n '/"rows": \[/,/^      \]/p' "$WORK/a.json" | sed '1d;$d' >"$WORK/rows.txt"
cat >"$WORK/want.txt" <<'ROWS'
        {"id":1,"b":0.14285714285714285714,"t":"0.14285714285714285714","ba":null,"ta":null},
        {"id":2,"b":123456789012345678901234567890.000000000000000000001,"t":"123456789012345678901234567890.000000000000000000001","ba":null,"ta":null},
        {"id":3,"b":1.50,"t":"1.50","ba":null,"ta":null},
        {"id":4,"b":0,"t":"-0","ba":null,"ta":null},
        {"id":5,"b":100,"t":"1E+2","ba":null,"ta":null},
        {"id":6,"b":{"a": [1.50, 0, 100, {"b": 0.14285714285714285714}], "c": 9007199254740993},"t":"{\"a\": [1.50, -0, 1E+2, {\"b\": 0.14285714285714285714}], \"c\": 9007199254740993, \"d\": 1e400}","ba":null,"ta":null},
        {"id":7,"b":[0.0000001, 100000000000000000000000000001, -1.0],"t":"1e400","ba":[1.50,{"x": 9007199254740993},{"$jsonb":[0, 100]}],"ta":["1e400","1.50"," [-0] "]},
        {"id":8,"b":0.000000000000000000000000000000000000000000000001,"t":"  [ 1.0 , 2 ] ","ba":[null,{"$jsonb":null}],"ta":null},
        {"id":9,"b":null,"t":null,"ba":[{"$jsonb":[1]},{"$jsonb":[2.50]}],"ta":null},
        {"id":10,"b":null,"t":null,"ba":[[{"$jsonb":[1]},2],[{"a": [3]},{"$jsonb":[]}]],"ta":null}
ROWS
check "file: the rows' exact bytes" same_files "$WORK/rows.txt" "$WORK/want.txt"
diff "$WORK/want.txt" "$WORK/rows.txt" >&2 || true

# PostgreSQL -> PostgreSQL, plain and gzip: every value's text, and the
# dimensions of the jsonb[] values, as in the source.
for f in plain gz; do
    file=$WORK/a.json
    if [ $f = gz ]; then
        check "export gzip" "$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/a.json.gz"
        file=$WORK/a.json.gz
    fi
    pg_create "dst_$f"
    check "PG -> PG ($f): import" "$DBIMPORT" "$(pg_uri "dst_$f")" "$file"
    check "PG -> PG ($f): the same values" same_files "$WORK/src.rows" <(rows "dst_$f")
done
check "PG -> PG: export again" "$DBEXPORT" --no-timestamp "$(pg_uri dst_plain)" -f "$WORK/b.json"
check_eq "PG -> PG: the same tables" "$(sed -n '/"tables"/,$p' "$WORK/b.json")" "$(sed -n '/"tables"/,$p' "$WORK/a.json")"

# A SQLite source's json text (not numbers SQLite would convert: JSON has
# NUMERIC affinity, so a bare 1.50 is a REAL there already).
"$SQLITE3" "$WORK/s.db" "CREATE TABLE s (id INTEGER PRIMARY KEY, j JSON);
  INSERT INTO s VALUES (1, '{\"a\": 1.50, \"b\": 1E+2, \"c\": 0.14285714285714285714, \"d\": -0}'),
                       (2, '[1e400, 123456789012345678901234567890.000000000000000000001]'),
                       (3, '[ 1.50 ]')"
check_eq "SQLite fixture: text storage" "$("$SQLITE3" "$WORK/s.db" "SELECT group_concat(typeof(j)) FROM s")" "text,text,text"
check "SQLite export" "$DBEXPORT" --no-timestamp "$WORK/s.db" -f "$WORK/s.json"
check_contains "SQLite file: row 1" "$(cat "$WORK/s.json")" '{"id":1,"j":"{\"a\": 1.50, \"b\": 1E+2, \"c\": 0.14285714285714285714, \"d\": -0}"}'
check_contains "SQLite file: row 2" "$(cat "$WORK/s.json")" '{"id":2,"j":"[1e400, 123456789012345678901234567890.000000000000000000001]"}'
check_contains "SQLite file: row 3" "$(cat "$WORK/s.json")" '{"id":3,"j":"[ 1.50 ]"}'
pg_create froms
check "SQLite -> PG: import" "$DBIMPORT" "$(pg_uri froms)" "$WORK/s.json"
check_eq "SQLite -> PG: the text" "$(pgq froms "SELECT string_agg(j::text, '|' ORDER BY id) FROM s")" \
    '{"a": 1.50, "b": 1E+2, "c": 0.14285714285714285714, "d": -0}|[1e400, 123456789012345678901234567890.000000000000000000001]|[ 1.50 ]'

report
