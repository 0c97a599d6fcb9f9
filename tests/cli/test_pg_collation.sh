#!/usr/bin/env bash
# Collations travel as plain names with their schema ("collation":"C",
# "collation_namespace":"pg_catalog"), never as SQL text: PostgreSQL ->
# file -> PostgreSQL keeps built-in, ICU and an application's collation of
# an awkward name in another schema, on columns and index parts; files of
# older dbexport (the SQL-quoted form) still import; PostgreSQL -> SQLite
# keeps the byte-order ones as BINARY and names the others it cannot keep;
# SQLite -> PostgreSQL names NOCASE and RTRIM as not carried. A name is
# always quoted by the target, never pasted.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
need_pg

user_collation='CREATE SCHEMA "My Schema";
CREATE COLLATION "My Schema"."case insens" (provider = icu, locale = '"'und-u-ks-level2'"', deterministic = false);'
pg_create src
pgq src "$user_collation
CREATE TABLE t (id integer PRIMARY KEY, a text COLLATE \"C\", b text COLLATE \"POSIX\",
  c text COLLATE \"My Schema\".\"case insens\", d text COLLATE \"und-x-icu\", e text COLLATE \"en-x-icu\",
  f text COLLATE ucs_basic, g varchar(10));
CREATE INDEX t_g ON t (g COLLATE \"C\" DESC, (lower(g)) COLLATE \"My Schema\".\"case insens\");
CREATE UNIQUE INDEX t_c ON t (c);
INSERT INTO t VALUES (1, 'a', 'b', 'Straße', 'd', 'e', 'f', 'g'), (2, 'B', 'b', 'x', 'D', 'E', 'F', 'G')"
check "export" "$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/a.json"

# The file: plain names, each with its schema.
check_eq "file: column collations" "$("$JQ" -c '[.tables.t.columns[] | select(.collation) | [.name, .collation, .collation_namespace]]' "$WORK/a.json")" \
    '[["a","C","pg_catalog"],["b","POSIX","pg_catalog"],["c","case insens","My Schema"],["d","und-x-icu","pg_catalog"],["e","en-x-icu","pg_catalog"],["f","ucs_basic","pg_catalog"]]'
check_eq "file: index part collations" "$("$JQ" -c '.tables.t.indexes[] | select(.name == "t_g") | .parts' "$WORK/a.json")" \
    '[{"column":"g","descending":true,"collation":"C","collation_namespace":"pg_catalog"},{"expression":"lower(g::text)","collation":"case insens","collation_namespace":"My Schema"}]'
check_contains "file: the exact bytes" "$(cat "$WORK/a.json")" \
    '{"name":"c","type":"text","native_type":"text","nullable":true,"collation":"case insens","collation_namespace":"My Schema"}'

# What a database has: each column's collation and each index's definition.
collations() {
    pgq "$1" "SELECT string_agg(a.attname || '=' || n.nspname || '.' || co.collname, ',' ORDER BY a.attnum)
              FROM pg_attribute a JOIN pg_collation co ON co.oid = a.attcollation
              JOIN pg_namespace n ON n.oid = co.collnamespace
              WHERE a.attrelid = 'public.t'::regclass AND a.attnum > 0 AND co.collname <> 'default'"
}
indexdefs() {
    pgq "$1" "SELECT string_agg(pg_get_indexdef(indexrelid), ';' ORDER BY indexrelid::regclass::text)
              FROM pg_index WHERE indrelid = 'public.t'::regclass"
}
want_coll='a=pg_catalog.C,b=pg_catalog.POSIX,c=My Schema.case insens,d=pg_catalog.und-x-icu,e=pg_catalog.en-x-icu,f=pg_catalog.ucs_basic'
check_eq "source: collations" "$(collations src)" "$want_coll"

# PostgreSQL -> PostgreSQL, the application's collation made beforehand.
pg_create dst
pgq dst "$user_collation"
check "PG -> PG: import" "$DBIMPORT" "$(pg_uri dst)" "$WORK/a.json"
check_eq "PG -> PG: collations" "$(collations dst)" "$want_coll"
check_eq "PG -> PG: indexes" "$(indexdefs dst)" "$(indexdefs src)"
check_eq "PG -> PG: the collation still decides" "$(pgq dst "SELECT id FROM t WHERE c = 'STRAßE' OR c = 'X' ORDER BY id" | tr '\n' ,)" "1,2,"
check "PG -> PG: export again" "$DBEXPORT" --no-timestamp "$(pg_uri dst)" -f "$WORK/b.json"
check_eq "PG -> PG: the same tables" "$("$JQ" -c .tables "$WORK/b.json")" "$("$JQ" -c .tables "$WORK/a.json")"

# The index built from its parts (no "sql"), as for a file from elsewhere.
"$JQ" 'del(.tables.t.indexes[].sql)' "$WORK/a.json" >"$WORK/parts.json"
pg_create parts
pgq parts "$user_collation"
check "index parts: import" "$DBIMPORT" "$(pg_uri parts)" "$WORK/parts.json"
check_eq "index parts: the same indexes" "$(indexdefs parts)" "$(indexdefs src)"

# Without the application's collation: a clear error, nothing created.
pg_create nocoll
err=$("$DBIMPORT" "$(pg_uri nocoll)" "$WORK/a.json" 2>&1); rc=$?
check_eq "missing collation: exit 1" "$rc" 1
check_eq "missing collation: named, where the table starts" "$err" "dbimport: error: $WORK/a.json:$(grep -n '^    "t": {' "$WORK/a.json" | cut -d: -f1):5 (byte $(grep -b '^    "t": {' "$WORK/a.json" | cut -d: -f1 | awk '{print $1 + 4}')): table \"t\": column \"c\": the target has no collation \"case insens\" in schema \"My Schema\"
hint: dbimport does not create collations (the file names them, it does not define them): create it in the target first"
err=$("$DBIMPORT" --dry-run "$(pg_uri nocoll)" "$WORK/a.json" 2>&1); rc=$?
check_eq "missing collation: a dry run says so too" "$rc" 1
check_contains "missing collation: a dry run names it" "$err" 'column "c": the target has no collation "case insens" in schema "My Schema"'
check_eq "missing collation: no table" "$(pgq nocoll "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0

# A file of older dbexport: the same collations SQL-quoted, no schema key.
"$JQ" '
  def quoted: if .collation_namespace == "pg_catalog" then
                  (if .collation == "ucs_basic" then .collation else "\"" + .collation + "\"" end)
              else "\"" + .collation_namespace + "\".\"" + .collation + "\"" end;
  (.tables.t.columns[], .tables.t.indexes[].parts[]) |= (if .collation then .collation = quoted | del(.collation_namespace) else . end)
  | del(.tables.t.indexes[].sql)' "$WORK/a.json" >"$WORK/old.json"
check_eq "old file: quoted" "$("$JQ" -c '[.tables.t.columns[] | select(.collation) | .collation]' "$WORK/old.json")" \
    '["\"C\"","\"POSIX\"","\"My Schema\".\"case insens\"","\"und-x-icu\"","\"en-x-icu\"","ucs_basic"]'
pg_create old
pgq old "$user_collation"
check "old file: import" "$DBIMPORT" "$(pg_uri old)" "$WORK/old.json"
check_eq "old file: collations" "$(collations old)" "$want_coll"
check_eq "old file: indexes" "$(indexdefs old)" "$(indexdefs src)"

# PostgreSQL -> SQLite: C, POSIX and ucs_basic compare bytes (BINARY, no
# clause); the others are named as not carried (and t_g's expression is
# PostgreSQL's own). The old file says the same.
# (the SQLite target reports what it cannot carry once per kind)
sqlite_warnings='dbimport: warning: 1 index from postgresql not carried (SQLite cannot read them): index "t_g" on table "t": unrecognized token: ":"
dbimport: warning: 4 collations from postgresql not carried (SQLite has BINARY, NOCASE and RTRIM): table "t", column "c": case insens; table "t", column "d": und-x-icu; table "t", column "e": en-x-icu; index "t_g" on table "t": case insens'
for f in a old; do
    err=$("$DBIMPORT" "$WORK/$f.db" "$WORK/$f.json" 2>&1); rc=$?
    check_eq "PG -> SQLite ($f): exit 0" "$rc" 0
    check_eq "PG -> SQLite ($f): warnings" "$(sort <<<"$err")" "$(sort <<<"$sqlite_warnings")"
    check_eq "PG -> SQLite ($f): no COLLATE" "$("$SQLITE3" "$WORK/$f.db" "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%COLLATE%'")" 0
done

# A name that is SQL only when pasted: quoted (and looked up as a
# parameter), it is a collation that does not exist.
"$JQ" '.tables.t.columns[1].collation = "C\" , evil text COLLATE \"C"' "$WORK/a.json" >"$WORK/evil.json"
pg_create evil
err=$("$DBIMPORT" "$(pg_uri evil)" "$WORK/evil.json" 2>&1); rc=$?
check_eq "hostile name: exit 1" "$rc" 1
check_contains "hostile name: a collation that does not exist" "$err" 'column "a": the target has no collation "C" , evil text COLLATE "C" in schema "pg_catalog"'
check_eq "hostile name: no table" "$(pgq evil "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0

# SQLite -> PostgreSQL: NOCASE and RTRIM are not carried, and said so.
"$SQLITE3" "$WORK/s.db" "CREATE TABLE s (id INTEGER PRIMARY KEY, a TEXT COLLATE NOCASE, b TEXT COLLATE RTRIM, c TEXT COLLATE BINARY);
  CREATE INDEX s_a ON s (a COLLATE NOCASE, b);"
check "SQLite export" "$DBEXPORT" "$WORK/s.db" -f "$WORK/s.json"
check_eq "SQLite file: plain names, no schema" "$("$JQ" -c '[.tables.s.columns[] | select(.collation) | [.name, .collation, .collation_namespace]]' "$WORK/s.json")" \
    '[["a","NOCASE",null],["b","RTRIM",null]]'
pg_create fromsqlite
err=$("$DBIMPORT" "$(pg_uri fromsqlite)" "$WORK/s.json" 2>&1); rc=$?
check_eq "SQLite -> PG: exit 0" "$rc" 0
check_eq "SQLite -> PG: warnings" "$err" 'dbimport: warning: table "s", column "a": collation "NOCASE" not carried
dbimport: warning: table "s", column "b": collation "RTRIM" not carried
dbimport: warning: index "s_a" on table "s": collation "NOCASE" not carried
dbimport: warning: index "s_a" on table "s": collation "RTRIM" not carried'
check_eq "SQLite -> PG: default collations" "$(pgq fromsqlite "SELECT count(*) FROM pg_attribute WHERE attrelid = 'public.s'::regclass AND attcollation NOT IN (0, 100)")" 0
# and SQLite -> SQLite keeps them
check "SQLite -> SQLite" "$DBIMPORT" "$WORK/s2.db" "$WORK/s.json"
schema=$("$SQLITE3" "$WORK/s2.db" "SELECT group_concat(sql, ';') FROM sqlite_schema WHERE tbl_name = 's'")
check_contains "SQLite -> SQLite: NOCASE" "$schema" '"a" TEXT COLLATE "NOCASE"'
check_contains "SQLite -> SQLite: RTRIM" "$schema" '"b" TEXT COLLATE "RTRIM"'
check_contains "SQLite -> SQLite: the index's" "$schema" '(a COLLATE NOCASE, b)'

report
