#!/usr/bin/env bash
# SQLite -> PostgreSQL -> SQLite keeps what PostgreSQL's catalog has no
# place for, through the PostgreSQL target's own _dbexport_origin table
# (docs/MAPPING.md): declared types, a rowid alias (not AUTOINCREMENT),
# WITHOUT ROWID and STRICT, the NULLs SQLite allows in a primary key,
# constraints without a name, PRAGMA user_version and application_id. The
# database that comes back has the same fingerprint, schema and rows; a
# PostgreSQL -> PostgreSQL copy keeps the table too; a column changed in
# PostgreSQL since is exported as PostgreSQL has it; a crafted sqlite_type
# is refused.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"
need_pg

"$SQLITE3" "$WORK/s.db" <<'SQL'
PRAGMA user_version = 12; PRAGMA application_id = 1096044365;
CREATE TABLE artist (id INTEGER PRIMARY KEY, name NVARCHAR(120) NOT NULL, born DATE,
                     rating DECIMAL(3,1) CHECK (rating >= 0), note CLOB, raw,
                     UNIQUE (name), CONSTRAINT rating_max CHECK (rating <= 10));
CREATE TABLE "track list" (id INTEGER PRIMARY KEY AUTOINCREMENT, artist_id INT
                           REFERENCES artist (id), title VARCHAR(200), secs INTEGER,
                           CONSTRAINT one_title UNIQUE (artist_id, title));
CREATE TABLE kv (k TEXT PRIMARY KEY, v ANY, n INT) WITHOUT ROWID, STRICT;
CREATE TABLE pair (a TEXT, b TEXT, PRIMARY KEY (a, b));
INSERT INTO artist VALUES (1, 'Ann', '1970-01-02', 7.5, 'long', 'x'), (2, 'Bob', NULL, NULL, NULL, NULL);
INSERT INTO "track list" (artist_id, title, secs) VALUES (1, 'a', 100), (1, 'b', 200), (2, 'c', 300);
DELETE FROM "track list" WHERE id = 3;
INSERT INTO kv VALUES ('a', 'text', 1), ('b', 'more', NULL);
INSERT INTO pair VALUES ('x', 'y'), ('x', 'z');
SQL
check "export sqlite" "$DBEXPORT" "$WORK/s.db" -f "$WORK/s.json"
pg_create p
"$DBIMPORT" "$(pg_uri p)" "$WORK/s.json" 2>"$WORK/err"; rc=$?; cat "$WORK/err" >&2; (exit $rc)
check_eq "into pg: exit 0" $? 0
check_eq "into pg: nothing said to be lost of the table options or the header" \
    "$(grep -c 'WITHOUT ROWID\|user_version' "$WORK/err")" 0
check_eq "into pg: the tables are PostgreSQL's own" \
    "$(pgq p "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'artist'::regclass AND attname = 'name'")" \
    "character varying(120)"
check_eq "into pg: the origin table beside them" \
    "$(pgq p "SELECT value FROM _dbexport_origin WHERE kind = 'database'")" \
    '{"user_version": 12, "application_id": 1096044365}'
check_eq "into pg: a column's row" \
    "$(pgq p "SELECT value FROM _dbexport_origin WHERE kind = 'column' AND tbl = 'artist' AND name = 'name'")" \
    '{"declared": "NVARCHAR(120)", "postgresql": "character varying(120)"}'

check "export pg" "$DBEXPORT" "$(pg_uri p)" -f "$WORK/p.json"
check_eq "export pg: the origin table is not a table of the file" \
    "$("$JQ" -c '.tables | keys' "$WORK/p.json")" '["artist","kv","pair","track list"]'
check_eq "export pg: the header fields" "$("$JQ" -c '[.source.user_version, .source.application_id]' "$WORK/p.json")" \
    '[12,1096044365]'
check_eq "export pg: declared types as sqlite_type" \
    "$("$JQ" -c '[.tables.artist.columns[] | .sqlite_type]' "$WORK/p.json")" \
    '[null,"NVARCHAR(120)","DATE","DECIMAL(3,1)","CLOB",""]'
check "back into sqlite" "$DBIMPORT" "$WORK/back.db" "$WORK/p.json"
check_eq "back: the same database, schema and rows" "$(fingerprint "$WORK/back.db")" "$(fingerprint "$WORK/s.db")"
check_eq "back: no table of ours" \
    "$("$SQLITE3" "$WORK/back.db" "SELECT count(*) FROM sqlite_schema WHERE name = '_dbexport_origin'")" 0
check_contains "back: the rowid alias is not AUTOINCREMENT" \
    "$("$SQLITE3" "$WORK/back.db" "SELECT sql FROM sqlite_schema WHERE name = 'artist'")" '"id" INTEGER PRIMARY KEY,'
check_contains "back: unnamed CHECKs and keys stay unnamed, named ones keep their names" \
    "$("$SQLITE3" "$WORK/back.db" "SELECT sql FROM sqlite_schema WHERE name = 'artist'")" \
    'CONSTRAINT "rating_max" CHECK'
check_eq "back: no name PostgreSQL made up" \
    "$("$SQLITE3" "$WORK/back.db" "SELECT count(*) FROM sqlite_schema WHERE sql LIKE '%_check\"%' OR sql LIKE '%_key\"%' OR sql LIKE '%_pkey\"%' OR sql LIKE '%_fkey\"%'")" 0
check_eq "back: a NULL in a primary key column is still allowed" \
    "$("$SQLITE3" "$WORK/back.db" "INSERT INTO pair VALUES (NULL, 'w'); SELECT count(*) FROM pair WHERE a IS NULL")" 1

# Chinook, a real application database: SQLite -> PostgreSQL -> SQLite
# gives the same fingerprint (an index's CREATE text aside: its names come
# back quoted "x", not [x]).
cp "$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite" "$WORK/chinook.db"
pg_create chinook
check "chinook: into pg" "$DBIMPORT" "$(pg_uri chinook)" <("$DBEXPORT" "$WORK/chinook.db")
check "chinook: back" "$DBIMPORT" "$WORK/chinook2.db" <("$DBEXPORT" "$(pg_uri chinook)")
check_eq "chinook: the same database, schema and rows" \
    "$(fingerprint "$WORK/chinook2.db" | grep -v '^  index-sql' | md5sum)" \
    "$(fingerprint "$WORK/chinook.db" | grep -v '^  index-sql' | md5sum)"

# PostgreSQL -> PostgreSQL keeps it too, and so the trip after it
pg_create p2
check "pg -> pg" "$DBIMPORT" "$(pg_uri p2)" "$WORK/p.json"
check "pg -> pg: export" "$DBEXPORT" "$(pg_uri p2)" -f "$WORK/p2.json"
check "pg -> pg -> sqlite" "$DBIMPORT" "$WORK/back2.db" "$WORK/p2.json"
check_eq "pg -> pg -> sqlite: the same database" "$(fingerprint "$WORK/back2.db")" "$(fingerprint "$WORK/s.db")"

# a column the application changed since: PostgreSQL's type wins
pgq p "ALTER TABLE artist ALTER COLUMN name TYPE text" >/dev/null
check "changed: export" "$DBEXPORT" "$(pg_uri p)" -f "$WORK/changed.json"
check_eq "changed: the stale row is not used" \
    "$("$JQ" -c '.tables.artist.columns[] | select(.name == "name") | [.native_type, .sqlite_type]' "$WORK/changed.json")" \
    '["text",null]'
check_eq "changed: the others still are" \
    "$("$JQ" -r '.tables.artist.columns[] | select(.name == "born") | .sqlite_type' "$WORK/changed.json")" DATE

# -t: only the rows of the tables exported
check "export -t kv" "$DBEXPORT" -t kv "$(pg_uri p)" -f "$WORK/kv.json"
check_eq "export -t: the options of kv" "$("$JQ" -c '.tables.kv.options' "$WORK/kv.json")" \
    '{"strict":true,"without_rowid":true}'

# into a renamed schema: the table goes where the tables go
pg_create r
check "renamed: import" "$DBIMPORT" --rename-schema main:music "$(pg_uri r)" "$WORK/s.json"
check_eq "renamed: beside the tables, not in public" \
    "$(pgq r "SELECT relnamespace::regnamespace FROM pg_class WHERE relname = '_dbexport_origin'")" music

# a crafted file cannot put SQL in a declaration
"$JQ" '.tables.kv.columns[0].sqlite_type = "TEXT); DROP TABLE pair; --"' "$WORK/p.json" >"$WORK/bad.json"
"$DBIMPORT" "$WORK/bad.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "crafted sqlite_type: refused" $? 1
check_contains "crafted sqlite_type: named" "$(cat "$WORK/err")" \
    'table "kv", column "k": invalid declared type "TEXT); DROP TABLE pair; --"'

# a column without a declared type is text in PostgreSQL: its numbers are
# said to become text, once per column with a count, not in silence
"$SQLITE3" "$WORK/untyped.db" "CREATE TABLE u (id INTEGER PRIMARY KEY, x, note TEXT);
  INSERT INTO u VALUES (1, 5, 'a'), (2, 'five', 'b'), (3, 2.5, NULL), (4, NULL, 'c')"
pg_create untyped
"$DBEXPORT" "$WORK/untyped.db" | "$DBIMPORT" "$(pg_uri untyped)" - 2>"$WORK/err"
check_eq "untyped: exit 0" $? 0
check_eq "untyped: one warning with the count" "$(cat "$WORK/err")" \
    'dbimport: warning: table "u", column "x": 2 numbers stored as text: the column has no declared type, and PostgreSQL keeps such a column as text'

# data only into tables the target has: nowhere to keep the header
pg_create d
pgq d "CREATE TABLE t (a text)" >/dev/null
"$SQLITE3" "$WORK/d.db" "PRAGMA user_version = 3; CREATE TABLE t (a TEXT); INSERT INTO t VALUES ('x')"
"$DBEXPORT" "$WORK/d.db" | "$DBIMPORT" --data-only "$(pg_uri d)" - 2>"$WORK/err"
check_eq "data only: exit 0" $? 0
check_contains "data only: the header is said to be left behind" "$(cat "$WORK/err")" \
    'PRAGMA user_version = 3 of the SQLite database not carried'
check_eq "data only: no table of ours" \
    "$(pgq d "SELECT count(*) FROM pg_class WHERE relname = '_dbexport_origin'")" 0
# --no-origin: no _dbexport_origin, one warning, the rows the same; an
# export of the target then gives what PostgreSQL's catalog says.
pg_create bare
"$DBIMPORT" --no-origin "$(pg_uri bare)" "$WORK/s.json" 2>"$WORK/err"
check_eq "--no-origin into pg: exit 0" $? 0
check_eq "--no-origin into pg: no origin table" \
    "$(pgq bare "SELECT count(*) FROM pg_class WHERE relname = '_dbexport_origin'")" 0
check_eq "--no-origin into pg: said once" \
    "$(grep -c '^dbimport: warning: --no-origin: what PostgreSQL cannot declare of table "artist" and 3 more' "$WORK/err")" 1
check_contains "--no-origin into pg: the header fields said lost" "$(cat "$WORK/err")" \
    "PRAGMA user_version = 12 and PRAGMA application_id = 1096044365 of the SQLite database not carried"
check_eq "--no-origin into pg: the rows" "$(pgq bare "SELECT count(*) FROM artist") $(pgq bare 'SELECT count(*) FROM "track list"')" "2 2"
"$DBEXPORT" --no-timestamp "$(pg_uri bare)" -f "$WORK/bare.json"
check_eq "--no-origin: the export has no sqlite_type" \
    "$("$JQ" '[.tables[].columns[] | select(has("sqlite_type"))] | length' "$WORK/bare.json")" 0
check_eq "--no-origin: a column is what PostgreSQL has" \
    "$("$JQ" -r '.tables.artist.columns[] | select(.name == "name") | .native_type' "$WORK/bare.json")" \
    "character varying(120)"

# And into SQLite: a PostgreSQL file's schema and enum kept nowhere.
pg_create typed
pgq typed "CREATE SCHEMA sales; CREATE TYPE sales.stage AS ENUM ('new', 'won');
    CREATE TABLE sales.deal (id integer PRIMARY KEY, stage sales.stage);
    INSERT INTO sales.deal VALUES (1, 'won');"
"$DBEXPORT" "$(pg_uri typed)" -f "$WORK/typed.json"
"$DBIMPORT" --no-origin "$WORK/typed.db" "$WORK/typed.json" 2>"$WORK/err"
check_eq "--no-origin into sqlite: exit 0" $? 0
check_eq "--no-origin into sqlite: no origin table" \
    "$("$SQLITE3" "$WORK/typed.db" "SELECT count(*) FROM sqlite_schema WHERE name = '_dbexport_origin'")" 0
check_contains "--no-origin into sqlite: said" "$(cat "$WORK/err")" \
    "things SQLite cannot declare (PostgreSQL types, schemas"
check_eq "--no-origin into sqlite: the row" "$("$SQLITE3" "$WORK/typed.db" 'SELECT stage FROM "sales.deal"')" won
"$DBIMPORT" "$WORK/kept.db" "$WORK/typed.json" 2>/dev/null
check_eq "without it, the origin table is there" \
    "$("$SQLITE3" "$WORK/kept.db" "SELECT count(*) > 0 FROM _dbexport_origin")" 1
report
