#!/usr/bin/env bash
# What a SQLite target stores is what the file has (issue #8, section 1),
# without a server: files written as PostgreSQL's dbexport writes them.
#  - every declared type of a column the target creates keeps each value as
#    the file has it (typeof and bytes): json/jsonb numbers stay their text,
#    dates, uuids, intervals and native types stay text;
#  - the declarations read back as the same portable type (and a native
#    type as itself), and a database an older dbimport made (declared JSON,
#    JSONB, INTERVAL) still exports as json, jsonb, interval;
#  - PRAGMA user_version and application_id travel in the file (format 1.1,
#    source.*) and are set in a new target, or one that has 0.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

# ---- 1. affinity: each value stored exactly ---------------------------------
cat >"$WORK/pg.json" <<'EOF'
{"format":"dbexport","format_version":"1.0",
 "source":{"backend":"postgresql","version":"15","database":"x"},
 "tables":{"t":{
  "columns":[
   {"name":"id","type":"int32","native_type":"integer","nullable":false},
   {"name":"j","type":"jsonb","native_type":"jsonb","nullable":true},
   {"name":"k","type":"json","native_type":"json","nullable":true},
   {"name":"d","type":"date","native_type":"date","nullable":true},
   {"name":"ts","type":"timestamp","native_type":"timestamp without time zone","nullable":true},
   {"name":"iv","type":"interval","native_type":"interval","nullable":true},
   {"name":"u","type":"uuid","native_type":"uuid","nullable":true},
   {"name":"x","type":"native","native_type":"xml","nullable":true},
   {"name":"m","type":"native","native_type":"money","nullable":true},
   {"name":"l","type":"native","native_type":"ltree","nullable":true},
   {"name":"v","type":"native","native_type":"int2vector","nullable":true},
   {"name":"aj","type":"array(json)","native_type":"json[]","nullable":true}],
  "constraints":{"primary_key":{"columns":["id"]}},
  "rows":[
   {"id":1,"j":1.50,"k":"1e400","d":"20240101","ts":"20240101","iv":"5","u":"12","x":"5","m":"1.50","l":"7","v":"7","aj":["1.50"]},
   {"id":2,"j":{"x":0.14285714285714285714},"k":"12","d":"2024-01-01","ts":"2024-01-01 00:00:00","iv":"1 day","u":"a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11","x":"<a/>","m":"$1.50","l":"a.b","v":"1 2","aj":null}]}}}
EOF
check "import from postgresql" "$DBIMPORT" "$WORK/t.db" "$WORK/pg.json"
check_eq "row 1: every value is the file's text" \
    "$("$SQLITE3" "$WORK/t.db" "SELECT typeof(j)||':'||j, typeof(k)||':'||k, typeof(d)||':'||d, typeof(ts)||':'||ts,
        typeof(iv)||':'||iv, typeof(u)||':'||u, typeof(x)||':'||x, typeof(m)||':'||m, typeof(l)||':'||l,
        typeof(v)||':'||v, typeof(aj)||':'||aj FROM t WHERE id = 1")" \
    'text:1.50|text:1e400|text:20240101|text:20240101|text:5|text:12|text:5|text:1.50|text:7|text:7|text:["1.50"]'
check_eq "row 2: json kept to the digit" \
    "$("$SQLITE3" "$WORK/t.db" "SELECT typeof(j)||':'||j, typeof(k)||':'||k FROM t WHERE id = 2")" \
    'text:{"x":0.14285714285714285714}|text:12'
# SQLite's own affinity of every declared type is TEXT (the names stay recognisable)
check_eq "declared types" \
    "$("$SQLITE3" "$WORK/t.db" "SELECT group_concat(name || ' ' || type, ', ') FROM pragma_table_info('t')")" \
    "id INT4, j JSONB TEXT, k JSON TEXT, d DATE TEXT, ts TIMESTAMP TEXT, iv DURATION TEXT, u UUID TEXT, x xml TEXT, m money TEXT, l ltree TEXT, v TEXT, aj ARRAY JSON TEXT"

# decimal(p,s) with p <= 15 is SQLite's NUMERIC: the value (not its text) is
# kept, as the double nearest to it. SQLite's own text-to-double conversion
# is an ulp off for some ("24.19774870" became 24.197748699999998).
cat >"$WORK/dec.json" <<'EOF'
{"format":"dbexport","format_version":"1.0",
 "source":{"backend":"postgresql","version":"15","database":"x"},
 "tables":{"n":{
  "columns":[
   {"name":"id","type":"int32","native_type":"integer","nullable":false},
   {"name":"v","type":"decimal(10,8)","native_type":"numeric(10,8)","nullable":true}],
  "constraints":{"primary_key":{"columns":["id"]}},
  "rows":[{"id":1,"v":"24.19774870"},{"id":2,"v":"0.67233710728960"},{"id":3,"v":"5.00000000"},{"id":4,"v":"NaN"}]}}}
EOF
check "decimal: import" "$DBIMPORT" "$WORK/dec.db" "$WORK/dec.json"
check_eq "decimal: nearest doubles, integers, NaN as text" \
    "$("$SQLITE3" "$WORK/dec.db" "SELECT group_concat(typeof(v) || ':' || iif(typeof(v) = 'real', printf('%!.17g', v), v), ' ') FROM (SELECT v FROM n ORDER BY id)")" \
    "real:24.197748700000002 real:0.67233710728959994 integer:5 text:NaN"
check "decimal: export" "$DBEXPORT" "$WORK/dec.db" -f "$WORK/dec_back.json"
check_eq "decimal: the same values back" "$("$JQ" -c '[.tables.n.rows[].v]' "$WORK/dec_back.json")" \
    '["24.1977487","0.6723371072896","5","NaN"]'

# ---- 2. the declarations read back as the file's types ----------------------
check "export of the new file" "$DBEXPORT" "$WORK/t.db" -f "$WORK/back.json" --no-timestamp
check_eq "portable types come back" \
    "$("$JQ" -c '[.tables.t.columns[] | .type]' "$WORK/back.json")" \
    '["int32","jsonb","json","date","timestamp","interval","uuid","native","native","text","text","array(json)"]'
check_eq "native types keep their name" \
    "$("$JQ" -c '[.tables.t.columns[] | select(.type == "native") | .native_type]' "$WORK/back.json")" \
    '["xml TEXT","money TEXT"]'
# (a json text the file held as a string may come back as its value, 1.3:
# the same text; tojson gives it back, "12" for 12)
as_text='.tables.t.rows | map(.k |= (if type == "string" or . == null then . else tojson end))'
check_eq "values come back as the file had them" \
    "$("$JQ" -c "$as_text" "$WORK/back.json")" \
    "$("$JQ" -c "$as_text" "$WORK/pg.json")"
check_eq "a compact json text comes back as its value" "$("$JQ" -c '.tables.t.rows[1].k' "$WORK/back.json")" 12
# jq reads numbers as doubles: the lexemes themselves
check_contains "jsonb lexeme kept" "$(unz "$WORK/back.json")" '"j":1.50,'
check_contains "jsonb digits kept" "$(unz "$WORK/back.json")" '"j":{"x":0.14285714285714285714}'
# SQLite -> SQLite of that file: the same declarations, the same values
check "second SQLite copy" "$DBIMPORT" "$WORK/t2.db" "$WORK/back.json"
check_eq "second copy: same fingerprint" "$(fingerprint "$WORK/t2.db")" "$(fingerprint "$WORK/t.db")"

# ---- 3. a database an older dbimport made (declared JSON, JSONB, INTERVAL) --
"$SQLITE3" "$WORK/old.db" <<'SQL'
CREATE TABLE "t" ("id" INT4 NOT NULL, "j" JSONB, "k" JSON, "iv" INTERVAL, "u" UUID, "d" DATE, "i" inet,
  CONSTRAINT "t_pkey" PRIMARY KEY ("id"));
INSERT INTO t VALUES (1, '1.50', '12', '1 day', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '2024-01-01', '10.0.0.1');
INSERT INTO t VALUES (2, '{"a":1}', '[1]', NULL, NULL, NULL, NULL);
SQL
check_eq "old file: values as NUMERIC affinity left them" \
    "$("$SQLITE3" "$WORK/old.db" "SELECT typeof(j)||typeof(k) FROM t WHERE id = 1")" "realinteger"
check "old file: export" "$DBEXPORT" "$WORK/old.db" -f "$WORK/old.json" --no-timestamp
check_eq "old file: types" "$("$JQ" -c '[.tables.t.columns[] | .type]' "$WORK/old.json")" \
    '["int32","jsonb","json","interval","uuid","date","native"]'
check_eq "old file: numbers in json columns carry their storage class" \
    "$("$JQ" -c '.tables.t.rows[0] | [.j, .k]' "$WORK/old.json")" '[{"$real":1.5},{"$int":12}]'
check_eq "old file: json text as it is (compact: as its value)" "$("$JQ" -c '.tables.t.rows[1] | [.j, .k]' "$WORK/old.json")" \
    '[{"a":1},[1]]'
# rows from PostgreSQL into that existing table: its NUMERIC affinity turns
# json numbers into numbers; the table is the application's, so a warning
"$JQ" '.tables.t.columns |= .[0:3] | .tables.t.rows = [{"id": 3, "j": 1.50, "k": "12"}]' "$WORK/pg.json" >"$WORK/pg3.json"
err=$("$DBIMPORT" "$WORK/old.db" "$WORK/pg3.json" 2>&1); rc=$?
check_eq "old file: rows from postgresql: exit 0" "$rc" 0
check_contains "old file: warned about json" "$err" 'column "k": the target declares JSON, whose NUMERIC affinity stores a json value that reads as a number (1.50, 12) as that number'
check_contains "old file: warned about jsonb" "$err" 'column "j": the target declares JSONB, whose NUMERIC affinity'
"$SQLITE3" "$WORK/old.db" "DELETE FROM t WHERE id = 3"
check "old file: SQLite copy" "$DBIMPORT" "$WORK/old2.db" "$WORK/old.json"
check_eq "old file: copy is identical" "$(fingerprint "$WORK/old2.db")" "$(fingerprint "$WORK/old.db")"

# ---- 4. PRAGMA user_version and application_id ------------------------------
"$SQLITE3" "$WORK/uv.db" "PRAGMA user_version = 7; PRAGMA application_id = -1096044365; CREATE TABLE t (a);"
check "uv: export" "$DBEXPORT" "$WORK/uv.db" -f "$WORK/uv.json" --no-timestamp
check_eq "uv: in the header's source" "$("$JQ" -c '[.format_version, .source.user_version, .source.application_id]' "$WORK/uv.json")" \
    '["1.3",7,-1096044365]'
check "uv: export is deterministic" "$DBEXPORT" "$WORK/uv.db" -f "$WORK/uv2.json" --no-timestamp
check "uv: same bytes" same_files "$WORK/uv.json" "$WORK/uv2.json"
header() { "$SQLITE3" "$1" "SELECT * FROM pragma_user_version, pragma_application_id"; }
check "uv: import into a new file" "$DBIMPORT" "$WORK/uv_new.db" "$WORK/uv.json"
check_eq "uv: a new file gets both" "$(header "$WORK/uv_new.db")" "7|-1096044365"
# a database that never set them (0) gets them; one with its own keeps it
"$SQLITE3" "$WORK/uv_zero.db" "CREATE TABLE other (x)"
check "uv: import into a file with 0" "$DBIMPORT" "$WORK/uv_zero.db" "$WORK/uv.json"
check_eq "uv: 0 is set" "$(header "$WORK/uv_zero.db")" "7|-1096044365"
"$SQLITE3" "$WORK/uv_own.db" "PRAGMA user_version = 3; CREATE TABLE other (x)"
err=$("$DBIMPORT" "$WORK/uv_own.db" "$WORK/uv.json" 2>&1); rc=$?
check_eq "uv: own value: exit 0" "$rc" 0
check_contains "uv: own value: warned" "$err" "PRAGMA user_version = 7 not carried: the target has 3"
check_eq "uv: own user_version kept, application_id set" "$(header "$WORK/uv_own.db")" "3|-1096044365"
# --data-only sets neither, and says so
"$SQLITE3" "$WORK/uv_data.db" "CREATE TABLE t (a)"
err=$("$DBIMPORT" --data-only "$WORK/uv_data.db" "$WORK/uv.json" 2>&1)
check_contains "uv: data only: warned" "$err" "PRAGMA user_version = 7 not carried: data only"
check_eq "uv: data only: unchanged" "$(header "$WORK/uv_data.db")" "0|0"
# a failed import leaves the header as it was (same transaction)
"$SQLITE3" "$WORK/uv_fail.db" "CREATE TABLE t (a INTEGER PRIMARY KEY)"
"$JQ" '.tables.t.rows = [{"a": 1}] | .tables.t.constraints = {"primary_key": {"columns": ["a"]}}' "$WORK/uv.json" >"$WORK/uv_rows.json"
"$SQLITE3" "$WORK/uv_fail.db" "INSERT INTO t VALUES (1)"
check "uv: failing import fails" bash -c '! "$0" "$1" "$2" 2>/dev/null' "$DBIMPORT" "$WORK/uv_fail.db" "$WORK/uv_rows.json"
check_eq "uv: failed import: header unchanged" "$(header "$WORK/uv_fail.db")" "0|0"
# a database that sets neither writes neither key (as a 1.0 file has none)
check_eq "uv: absent when 0" "$("$JQ" -c '.source | has("user_version"), has("application_id")' "$WORK/back.json" | tr '\n' ' ')" "false false "
# a 1.0 file still imports
check "uv: a 1.0 file imports" "$DBIMPORT" "$WORK/v10.db" "$WORK/pg.json"
check_eq "uv: 1.0 file: header 0" "$(header "$WORK/v10.db")" "0|0"

report
