#!/usr/bin/env bash
# PostgreSQL -> SQLite -> PostgreSQL keeps what SQLite could change in
# silence (issue #8, section 1): json and jsonb values that look like
# numbers, and types whose values are text, come back as they were.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
need_pg

# ---- json and jsonb through SQLite ------------------------------------------
pg_create src
pgq src "CREATE TABLE t (id int PRIMARY KEY, j jsonb, k json, m money, x xml, iv interval, d date);
         INSERT INTO t VALUES (1, '1.50', '1e400', 1.5, '5', '1 day', '2024-01-01'),
                              (2, '{\"x\":0.14285714285714285714}', '12', NULL, NULL, NULL, NULL)" >/dev/null
check "export pg" "$DBEXPORT" "$(pg_uri src)" -f "$WORK/a.json"
check "import into sqlite" "$DBIMPORT" "$WORK/t.db" "$WORK/a.json"
check_eq "sqlite keeps every value as text" \
    "$("$SQLITE3" "$WORK/t.db" "SELECT id, typeof(j), j, typeof(k), k, typeof(x), x FROM t ORDER BY id")" \
    "$(printf '1|text|1.50|text|1e400|text|5\n2|text|{"x":0.14285714285714285714}|text|12|null|')"
check "export sqlite" "$DBEXPORT" "$WORK/t.db" -f "$WORK/b.json"
pg_create back
check "import back into pg" "$DBIMPORT" "$(pg_uri back)" "$WORK/b.json"
q="SELECT id, j::text, k::text, m::text, x::text, iv::text, d::text FROM t ORDER BY id"
check_eq "pg -> sqlite -> pg: same values" "$(pgq back "$q")" "$(pgq src "$q")"
check_eq "pg -> sqlite -> pg: same types" \
    "$(pgq back "SELECT string_agg(format_type(atttypid, atttypmod), ',' ORDER BY attnum) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0")" \
    "integer,jsonb,json,money,xml,interval,date"

# ---- a SQLite file an older dbimport made (JSON: NUMERIC affinity) ----------
"$SQLITE3" "$WORK/old.db" <<'SQL'
CREATE TABLE "t" ("id" INT4 NOT NULL, "j" JSONB, "k" JSON, CONSTRAINT "t_pkey" PRIMARY KEY ("id"));
INSERT INTO t VALUES (1, '1.50', '12'), (2, '{"x":1}', '[1,2]');
SQL
check "old file: export" "$DBEXPORT" "$WORK/old.db" -f "$WORK/old.json"
pg_create old
check "old file: import into pg" "$DBIMPORT" "$(pg_uri old)" "$WORK/old.json"
check_eq "old file: the JSON values SQLite held" \
    "$(pgq old "SELECT id, j::text, k::text, jsonb_typeof(j) FROM t ORDER BY id")" \
    "$(printf '1|1.5|12|number\n2|{"x": 1}|[1,2]|object')"

report
