#!/usr/bin/env bash
# A trip through SQLite keeps what it can and says what it cannot (issue #8,
# section 3). A PostgreSQL database in three schemas with awkward names
# (pg_sqlite_trip.sql: citext, hstore, ltree, enums, domains, money, bit,
# varbit, inet/cidr/macaddr, arrays, ranges, intervals, identities ALWAYS
# and BY DEFAULT, CHECKs PostgreSQL rewrote as = ANY (ARRAY[...]), an index
# name used in every schema) goes PG -> SQLite -> PG and must come back with
# the catalog and rows of the source (pg_catalog_dump.sh), and equal to
# PG -> PG wherever PG -> PG itself keeps the source. Through SQLite twice
# it is the same again, and the SQLite files match (sqlite_fingerprint).
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
need_pg
DUMP="$(dirname "$0")/pg_catalog_dump.sh"
dump() { bash "$DUMP" "$(pg_name "$1")"; }

pg_create src
pg_load src "$(dirname "$0")/pg_sqlite_trip.sql"
dump src >"$WORK/src.cat"
check "fixture: the dump lists the schemas" grep -q '^column "Sales Dept"."Orders" 001' "$WORK/src.cat"

# ---- PG -> PG, the reference -------------------------------------------------
check "export pg" "$DBEXPORT" "$(pg_uri src)" -f "$WORK/a.json"
pg_create pgpg
check "pg -> pg" "$DBIMPORT" "$(pg_uri pgpg)" "$WORK/a.json"
dump pgpg >"$WORK/pgpg.cat"

# ---- PG -> SQLite -> PG ------------------------------------------------------
"$DBIMPORT" "$WORK/t.db" "$WORK/a.json" 2>"$WORK/in.err"
check_eq "into sqlite: exit 0" $? 0
check_eq "into sqlite: nothing to report" "$(cat "$WORK/in.err")" ""
check "export sqlite" "$DBEXPORT" "$WORK/t.db" -f "$WORK/b.json" 2>"$WORK/out.err"
check_eq "export sqlite: nothing to report" "$(cat "$WORK/out.err")" ""
pg_create back
"$DBIMPORT" "$(pg_uri back)" "$WORK/b.json" 2>"$WORK/back.err"
check_eq "back into pg: exit 0" $? 0
check_eq "back into pg: nothing to report" "$(cat "$WORK/back.err")" ""
dump back >"$WORK/back.cat"
check_eq "pg -> sqlite -> pg: catalog and rows of the source" \
    "$(diff "$WORK/src.cat" "$WORK/back.cat")" ""
# PG -> PG changes one CHECK's text (a varchar IN list); elsewhere the two
# trips must agree line for line.
comm -3 "$WORK/src.cat" "$WORK/pgpg.cat" | sed 's/^\t//' >"$WORK/pgpg_changed"
check_eq "pg -> sqlite -> pg equals pg -> pg where pg -> pg keeps the source" \
    "$(diff <(grep -vxF -f "$WORK/pgpg_changed" "$WORK/pgpg.cat") \
            <(grep -vxF -f "$WORK/pgpg_changed" "$WORK/back.cat"))" ""
check_eq "pg -> pg changes only the varchar IN list" "$(grep -c . "$WORK/pgpg_changed")" 2

# ---- what the SQLite file holds ---------------------------------------------
sq() { "$SQLITE3" "$WORK/t.db" "$1"; }
check_eq "sqlite: tables are named schema.table" \
    "$(sq "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name)")" \
    "Sales Dept.Orders,_dbexport_origin,things,x.y.things"
check_eq "sqlite: index names of other schemas carry the schema" \
    "$(sq "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_schema WHERE type = 'index' AND name LIKE '%things_path_idx' ORDER BY name)")" \
    "Sales Dept.things_path_idx,things_path_idx,x.y.things_path_idx"
check_contains "sqlite: the IN list is a CHECK there" "$(sq "SELECT sql FROM sqlite_schema WHERE name = 'things'")" \
    "CONSTRAINT \"things_kind_check\" CHECK (kind IN ('plain', 'fancy'))"
check_contains "sqlite: the varchar IN list too" "$(sq "SELECT sql FROM sqlite_schema WHERE name = 'Sales Dept.Orders'")" \
    "CHECK (status IN ('open', 'closed'))"
check "sqlite: and it is enforced" \
    bash -c "! '$SQLITE3' '$WORK/t.db' \"UPDATE things SET kind = 'odd' WHERE id = 1\" 2>/dev/null"
check_eq "sqlite: values are stored as text" \
    "$(sq "SELECT typeof(price) || price || ',' || typeof(flags) || flags || ',' || typeof(qty) || qty FROM things WHERE id = 1")" \
    'text$12.34,text101,integer3'
check_eq "sqlite: an enum default is its label" \
    "$(sq "SELECT dflt_value FROM pragma_table_info('Sales Dept.Orders') WHERE name = 'stage'")" "'new'"
check_eq "sqlite file: exports carry the PostgreSQL types" \
    "$("$JQ" -c '[.tables.things.columns[] | select(.name == "name" or .name == "flags" or .name == "id") | [.name, .postgresql_type, .identity]]' "$WORK/b.json")" \
    '[["id","integer","always"],["name","public.citext",null],["flags","bit(3)",null]]'
check_eq "sqlite file: the schema comes back" \
    "$("$JQ" -c '.tables["Sales Dept.Orders"] | [.namespace, .name, .indexes[].name]' "$WORK/b.json")" \
    '["Sales Dept","Orders","Orders note","things_path_idx"]'
check_eq "sqlite file: enums and domains in the header" \
    "$("$JQ" -c '[.enums[].name, .domains[].name]' "$WORK/b.json")" '["Stage","mood","posint","code"]'

# ---- after the trip: identities go on, ALWAYS refuses a value ----------------
check_eq "back: the identity goes on after the last value" \
    "$(pgq back "INSERT INTO public.things (name) VALUES ('delta') RETURNING id")" 4
check "back: ALWAYS refuses a given value" \
    bash -c "! psql -X -q -d '$(pg_name back)' -c \"INSERT INTO public.things (id, name) VALUES (9, 'x')\" 2>/dev/null"
check_eq "back: BY DEFAULT goes on too" \
    "$(pgq back "INSERT INTO \"Sales Dept\".\"Orders\" (thing_id) VALUES (1) RETURNING \"Order Id\"")" 4
check_eq "back: money is money" "$(pgq back "SELECT sum(price)::text FROM public.things")" '$11.84'

# ---- through SQLite twice ---------------------------------------------------
check "sqlite -> sqlite" "$DBIMPORT" "$WORK/t2.db" "$WORK/b.json"
check_eq "sqlite -> sqlite: the same SQLite database" "$(fingerprint "$WORK/t2.db")" "$(fingerprint "$WORK/t.db")"
check "export the second sqlite" "$DBEXPORT" "$WORK/t2.db" -f "$WORK/c.json"
pg_create back2
check "back into pg from the second" "$DBIMPORT" "$(pg_uri back2)" "$WORK/c.json"
check_eq "pg -> sqlite -> sqlite -> pg: the source again" "$(dump back2 | diff "$WORK/src.cat" -)" ""

# ---- a column the application redeclared keeps what SQLite says --------------
cp "$WORK/t.db" "$WORK/changed.db"
"$SQLITE3" "$WORK/changed.db" "UPDATE _dbexport_origin SET value = json_set(value, '$.declared', 'CLOB') WHERE tbl = 'things' AND name = 'flags'"
check "changed: export" "$DBEXPORT" "$WORK/changed.db" -f "$WORK/changed.json"
check_eq "changed: a stale row is not used" \
    "$("$JQ" -c '.tables.things.columns[] | select(.name == "flags") | [.type, .postgresql_type]' "$WORK/changed.json")" \
    '["text",null]'
# ---- what is still lost: once per kind, with a count -------------------------
pg_create lossy
pgq lossy "CREATE TABLE a (id int PRIMARY KEY, t timestamptz DEFAULT now(), u text DEFAULT md5('x'),
                           g int GENERATED ALWAYS AS (id * 2) STORED);
           CREATE TABLE b (id int PRIMARY KEY, d date DEFAULT (now() + '1 day'::interval),
                           h int GENERATED ALWAYS AS (id + 1) STORED);
           CREATE VIEW v AS SELECT id FROM a" >/dev/null
check "lossy: export" "$DBEXPORT" "$(pg_uri lossy)" -f "$WORK/lossy.json"
"$DBIMPORT" "$WORK/lossy.db" "$WORK/lossy.json" 2>"$WORK/lossy.err"
check_eq "lossy: imported" $? 0
check_eq "lossy: three lines, one per kind" "$(grep -c 'not carried' "$WORK/lossy.err")" 3
check_contains "lossy: the defaults counted" "$(cat "$WORK/lossy.err")" \
    'dbimport: warning: 2 defaults from postgresql not carried (SQLite keeps literals only): table "a", column "u": md5('"'x'::text); table \"b\", column \"d\": (now() + '1 day'::interval)"
check_eq "lossy: a timestamp's now() is CURRENT_TIMESTAMP" \
    "$("$SQLITE3" "$WORK/lossy.db" "SELECT count(*) FROM sqlite_schema WHERE name = 'a' AND sql LIKE '%DEFAULT CURRENT_TIMESTAMP%'")" 1
check_contains "lossy: the generated columns counted" "$(cat "$WORK/lossy.err")" \
    '2 generated columns from postgresql not carried (their values are not in the file): table "a", column "g": (id * 2); table "b", column "h": (id + 1)'
check_contains "lossy: the view" "$(cat "$WORK/lossy.err")" '1 view or trigger from postgresql not carried (native SQL): view "v"'
# ---- SQLite -> PG -> SQLite: what comes back, and no table of ours ------------
"$SQLITE3" "$WORK/s.db" <<'SQL'
CREATE TABLE ai (id INTEGER PRIMARY KEY AUTOINCREMENT, name VARCHAR(40) NOT NULL,
                 price NUMERIC(10,2), CONSTRAINT ai_price_check CHECK (price >= 0));
CREATE TABLE kv (k TEXT NOT NULL CONSTRAINT kv_pkey PRIMARY KEY, v BLOB) WITHOUT ROWID, STRICT;
CREATE INDEX ai_name ON ai (name);
INSERT INTO ai (name, price) VALUES ('x', 1.5), ('y', 2), ('z', 3);
DELETE FROM ai WHERE id = 3;
INSERT INTO kv VALUES ('a', x'00ff'), ('b', NULL);
SQL
check "s2p: export sqlite" "$DBEXPORT" "$WORK/s.db" -f "$WORK/s.json"
pg_create s2p
"$DBIMPORT" "$(pg_uri s2p)" "$WORK/s.json" 2>"$WORK/s2p.err"
check_eq "s2p: into pg" $? 0
check_eq "s2p: the table options are kept, not reported lost" "$(grep -c 'WITHOUT ROWID' "$WORK/s2p.err")" 0
check "s2p: export pg" "$DBEXPORT" "$(pg_uri s2p)" -f "$WORK/sp.json"
check "s2p: back into sqlite" "$DBIMPORT" "$WORK/s2.db" "$WORK/sp.json"
check_eq "s2p: no _dbexport_origin when nothing needs it" \
    "$("$SQLITE3" "$WORK/s2.db" "SELECT count(*) FROM sqlite_schema WHERE name = '_dbexport_origin'")" 0
check_eq "s2p: the data comes back" "$(fingerprint "$WORK/s2.db" --data)" "$(fingerprint "$WORK/s.db" --data)"
check_eq "s2p: and the schema (an index's text aside: its names come back quoted)" \
    "$(fingerprint "$WORK/s2.db" | grep -v '^  index-sql')" "$(fingerprint "$WORK/s.db" | grep -v '^  index-sql')"
check_eq "s2p: AUTOINCREMENT and its counter" \
    "$("$SQLITE3" "$WORK/s2.db" "SELECT seq FROM sqlite_sequence WHERE name = 'ai'")" 3
check_contains "s2p: the CHECK, as SQLite can read it" \
    "$("$SQLITE3" "$WORK/s2.db" "SELECT sql FROM sqlite_schema WHERE name = 'ai'")" \
    'CONSTRAINT "ai_price_check" CHECK (price >= CAST(0 AS numeric))'
check_eq "s2p: the index" "$("$SQLITE3" "$WORK/s2.db" "SELECT sql FROM sqlite_schema WHERE name = 'ai_name'")" \
    'CREATE INDEX "ai_name" ON "ai" ("name")'
report
