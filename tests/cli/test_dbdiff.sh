#!/usr/bin/env bash
# dbdiff without a server: the command line, Chinook and the SQLite
# torture database compared across database, plain file, gzip file and
# standard input (equal: exit 0); then one changed value, one deleted row,
# one extra row, one changed default and one dropped index, each found and
# named by table and key (exit 1); rows out of key order, and corrupt and
# truncated files (exit 2, with the position).
. "$(dirname "$0")/lib.sh"
: "${DBDIFF:?}"
need "$SQLITE3"
need "$JQ"
chinook="$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite"
torture_sql="$(dirname "$0")/torture.sql"

# run NAME ARGS...: dbdiff ARGS with stdout in $WORK/NAME.out, stderr in
# $WORK/NAME.err; sets $rc, $out, $err.
run() {
    local name=$1
    shift
    set +e
    "$DBDIFF" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    rc=$?
    set -e
    out=$(cat "$WORK/$name.out")
    err=$(cat "$WORK/$name.err")
}
set -e

# ---- the command line -------------------------------------------------------
run help --help
check_eq "--help exits 0" "$rc" 0
check_contains "--help shows the synopsis" "$out" "dbdiff [OPTION]... A B"
check_contains "--help lists --max-rows" "$out" "--max-rows=N"
run version --version
check_contains "--version" "$out" "dbdiff 0."
run none
check_eq "no operands: exit 2" "$rc" 2
check_contains "no operands: says so" "$err" "dbdiff: error: two operands needed"
run bad --no-such-option a b
check_eq "an unknown option: exit 2" "$rc" 2
run badfmt --format=xml "$chinook" "$chinook"
check_eq "--format=xml: exit 2" "$rc" 2
check_contains "--format=xml: says so" "$err" 'invalid --format "xml"'
run both -a -s "$chinook" "$chinook"
check_eq "-a with -s: exit 2" "$rc" 2
run missing "$chinook" "$WORK/no-such.json"
check_eq "a missing operand: exit 2" "$rc" 2

# ---- Chinook: every pair equal ----------------------------------------------
cp "$chinook" "$WORK/chinook.db"
"$DBEXPORT" --no-timestamp "$WORK/chinook.db" -f "$WORK/c.json"
"$DBEXPORT" --no-timestamp "$WORK/chinook.db" -f "$WORK/c.json.gz"
"$DBIMPORT" "$WORK/copy.db" "$WORK/c.json.gz"
sides=("$WORK/chinook.db" "$WORK/c.json" "$WORK/c.json.gz" "$WORK/copy.db")
for a in "${sides[@]}"; do
    for b in "${sides[@]}"; do
        run pair "$a" "$b"
        check_eq "chinook $(basename "$a") vs $(basename "$b"): exit 0 [$err]" "$rc" 0
    done
done
check_contains "equal: the summary says so" "$out" "equal: 11 tables: 11 equal, 0 different"
run stdin - "$WORK/copy.db" <"$WORK/c.json.gz"
check_eq "a gzip file on standard input: exit 0" "$rc" 0
run sqlite_prefix "sqlite:$WORK/chinook.db" "$WORK/c.json"
check_eq "sqlite:PATH: exit 0" "$rc" 0
run quiet_equal -q "$WORK/chinook.db" "$WORK/copy.db"
check_eq "-q, equal: exit 0" "$rc" 0
check_eq "-q prints nothing" "$out$err" ""

# ---- Chinook: one change of each kind in the copy ---------------------------
"$SQLITE3" "$WORK/copy.db" "UPDATE Track SET Name = 'Changed by dbdiff test' WHERE TrackId = 5;
    DELETE FROM InvoiceLine WHERE InvoiceLineId = 7;
    INSERT INTO Genre (GenreId, Name) VALUES (26, 'Extra');
    DROP INDEX IFK_TrackGenreId;"
run changed "$WORK/c.json.gz" "$WORK/copy.db"
check_eq "changes: exit 1" "$rc" 1
check_contains "a changed value: table, key and column" "$out" \
    'table "Track": changed: TrackId=5: Name: "Princess of the Dawn" -> "Changed by dbdiff test"'
check_contains "a deleted row: table and key" "$out" 'table "InvoiceLine": only in A: InvoiceLineId=7'
check_contains "an extra row: table and key" "$out" 'table "Genre": only in B: GenreId=26'
check_contains "a dropped index" "$out" 'table "Track": index "IFK_TrackGenreId": (GenreId) only in A'
check_contains "the row counts" "$out" \
    'table "InvoiceLine": rows: 2240 in A, 2239 in B: 1 only in A, 0 only in B, 0 changed'
check_contains "the summary" "$out" \
    "different: 11 tables: 8 equal, 3 different, 0 only in A, 0 only in B; 3 row differences, 1 schema differences"
# A changed default, made in a file with jq: a file against a database.
"$JQ" '(.tables.Genre.columns[] | select(.name == "Name")).default = "'"'none'"'"' \
    "$WORK/c.json" >"$WORK/default.json"
run default "$WORK/chinook.db" "$WORK/default.json"
check_eq "a changed default: exit 1" "$rc" 1
check_contains "a changed default: named" "$out" "table \"Genre\": default \"Name\": default: (none) -> 'none'"
run quiet -q "$WORK/c.json.gz" "$WORK/copy.db"
check_eq "-q, different: exit 1" "$rc" 1
check_eq "-q, different: prints nothing" "$out$err" ""
run data_only --data-only "$WORK/c.json.gz" "$WORK/copy.db"
check_eq "--data-only: exit 1" "$rc" 1
case $out in *IFK_TrackGenreId*) not_ok "--data-only reports an index" ;; *) ok ;; esac
run schema_only --schema-only "$WORK/c.json.gz" "$WORK/copy.db"
check_eq "--schema-only: the index is still a difference" "$rc" 1
case $out in *TrackId=5*) not_ok "--schema-only reports rows" ;; *) ok ;; esac
run only_genre -t Genre "$WORK/c.json.gz" "$WORK/copy.db"
check_contains "-t Genre: the extra genre" "$out" 'table "Genre": only in B: GenreId=26'
check_contains "-t Genre: one table" "$out" "1 tables"
run not_changed -T Track -T InvoiceLine -T Genre "$WORK/c.json.gz" "$WORK/copy.db"
check_eq "-T the changed tables: exit 0" "$rc" 0
run json --format=json "$WORK/c.json.gz" "$WORK/copy.db"
check_eq "--format=json: exit 1" "$rc" 1
check_eq "--format=json: one document, its summary" \
    "$("$JQ" -c '.summary | [.equal, .tables, .row_differences, .schema_differences]' "$WORK/json.out")" \
    "[false,11,3,1]"
check_eq "--format=json: the changed row" \
    "$("$JQ" -c '.tables[] | select(.table == "Track") | [.changed, .rows[0].key, .rows[0].key_text]' "$WORK/json.out")" \
    '[1,{"TrackId":5},"TrackId=5"]'

# --max-rows: 15 changed rows, 3 shown, all counted.
cp "$WORK/chinook.db" "$WORK/many.db"
"$SQLITE3" "$WORK/many.db" "UPDATE Artist SET Name = Name || '!' WHERE ArtistId <= 15"
run max_rows --max-rows=3 "$WORK/chinook.db" "$WORK/many.db"
check_eq "--max-rows=3: three rows shown" "$(grep -c 'table "Artist": changed:' "$WORK/max_rows.out")" 3
check_contains "--max-rows=3: all counted" "$out" "15 changed (not all shown: --max-rows)"

# ---- values by meaning: a boolean 1 is true, 1.50 is 1.5, jsonb key order ----
"$SQLITE3" "$WORK/meaning.db" "CREATE TABLE m (id INTEGER PRIMARY KEY, flag BOOLEAN, price NUMERIC(10,2), doc JSONB);
    INSERT INTO m VALUES (1, 1, 1.5, '{\"a\":1,\"b\":[2,3]}'), (2, 0, 2, NULL);"
"$DBEXPORT" "$WORK/meaning.db" -f "$WORK/meaning.json"
"$JQ" '.tables.m.rows[0].price = "1.50" | .tables.m.rows[1].price = "2.0"' \
    "$WORK/meaning.json" >"$WORK/meaning2.json"
run meaning "$WORK/meaning.db" "$WORK/meaning2.json"
check_eq "1.50 is 1.5 and 2.0 is 2: exit 0 [$out]" "$rc" 0
"$JQ" '.tables.m.rows[0].price = "1.51"' "$WORK/meaning.json" >"$WORK/meaning3.json"
run meaning3 "$WORK/meaning.db" "$WORK/meaning3.json"
check_contains "1.51 is not 1.5" "$out" 'table "m": changed: id=1: price: 1.5 -> 1.51'

# ---- the torture database: SQLite -> file -> SQLite --------------------------
"$SQLITE3" "$WORK/torture.db" <"$torture_sql"
"$DBEXPORT" "$WORK/torture.db" -f "$WORK/t.json" 2>/dev/null
"$DBIMPORT" "$WORK/t2.db" "$WORK/t.json" 2>/dev/null
run torture "$WORK/torture.db" "$WORK/t2.db"
check_eq "torture: SQLite vs its copy: exit 0 [$out]" "$rc" 0
run torture_file "$WORK/t.json" "$WORK/t2.db"
check_eq "torture: file vs copy: exit 0 [$out]" "$rc" 0
# A changed default in the database itself (SQLite alters a default only
# by its schema text).
"$SQLITE3" "$WORK/t2.db" "PRAGMA writable_schema = ON;
    UPDATE sqlite_schema SET sql = replace(sql, 'DEFAULT 0', 'DEFAULT 7') WHERE name = 'wr';"
run torture_default "$WORK/torture.db" "$WORK/t2.db"
check_eq "torture: a changed default: exit 1" "$rc" 1
check_contains "torture: the default named" "$out" 'table "wr": default "qty": default: 0 -> 7'

# A table without a primary key: compared as a multiset of rows.
"$SQLITE3" "$WORK/nokey.db" "CREATE TABLE log (at TEXT, n INTEGER);
    INSERT INTO log VALUES ('a', 1), ('b', 2), ('a', 1);"
"$SQLITE3" "$WORK/nokey2.db" "CREATE TABLE log (at TEXT, n INTEGER);
    INSERT INTO log VALUES ('b', 2), ('a', 1), ('a', 1);"
run nokey "$WORK/nokey.db" "$WORK/nokey2.db"
check_eq "no primary key, the same rows in another order: exit 0" "$rc" 0
"$SQLITE3" "$WORK/nokey2.db" "UPDATE log SET n = 3 WHERE at = 'b'"
run nokey_changed "$WORK/nokey.db" "$WORK/nokey2.db"
check_eq "no primary key, a changed row: exit 1" "$rc" 1
check_contains "no primary key: the rows differ" "$out" 'table "log": no primary key: the rows differ'

# A name holding a carriage return cannot fake a line of the report.
"$SQLITE3" "$WORK/cr.db" "CREATE TABLE \"x$(printf '\r')equal: 0 tables\" (id INTEGER PRIMARY KEY)"
run cr "$WORK/cr.db" "$WORK/meaning.db"
check_contains "a carriage return in a name is escaped" "$out" 'table "x\x0dequal: 0 tables": only in A'

# ---- exit 2: what dbdiff cannot compare -------------------------------------
if [ -w /dev/full ]; then
    set +e
    "$DBDIFF" "$WORK/chinook.db" "$WORK/copy.db" >/dev/full 2>"$WORK/full.err"
    rc=$?
    set -e
    check_eq "a report that cannot be written: exit 2" "$rc" 2
    check_contains "a report that cannot be written: says so" "$(cat "$WORK/full.err")" \
        "dbdiff: error: stdout: could not write the report"
fi
"$JQ" '.tables.Genre.rows |= reverse' "$WORK/c.json" >"$WORK/reversed.json"
run reversed "$WORK/chinook.db" "$WORK/reversed.json"
check_eq "rows out of key order: exit 2" "$rc" 2
check_contains "rows out of key order: says so" "$err" 'table "Genre", row 2: the key (GenreId=24) does not come after the row before it'
head -c 200000 "$WORK/c.json" >"$WORK/truncated.json"
run truncated "$WORK/chinook.db" "$WORK/truncated.json"
check_eq "a truncated file: exit 2" "$rc" 2
check_contains "a truncated file: the position" "$err" "truncated.json:"
case $err in *"(byte "*) ok ;; *) not_ok "a truncated file: no byte offset in [$err]" ;; esac
head -c 20000 "$WORK/c.json.gz" >"$WORK/truncated.json.gz"
run truncated_gz "$WORK/truncated.json.gz" "$WORK/chinook.db"
check_eq "a truncated gzip file: exit 2" "$rc" 2
check_contains "a truncated gzip file: says so" "$err" "dbdiff: error:"
: >"$WORK/empty.json"
run empty "$WORK/empty.json" "$WORK/chinook.db"
check_eq "an empty export file: exit 2" "$rc" 2
check_contains "an empty export file: its position" "$err" "empty.json:1:1"
line=$(grep -n '"TrackId":77,' "$WORK/c.json" | cut -d: -f1)
sed "${line}s/\"Milliseconds\":/\"Milliseconds\":x/" "$WORK/c.json" >"$WORK/corrupt.json"
run corrupt "$WORK/chinook.db" "$WORK/corrupt.json"
check_eq "a corrupt file: exit 2" "$rc" 2
check_contains "a corrupt file: line and column" "$err" "corrupt.json:$line:"
check_contains "a corrupt file: the table and row" "$err" 'table "Track", row 77'

# SQLite's user_version and application_id: they travel (docs/FORMAT.md
# 2.7), and a copy whose user_version moved would make an application run
# its migrations again.
"$SQLITE3" "$WORK/pragmas.db" "PRAGMA user_version = 7; PRAGMA application_id = 1234;
    CREATE TABLE t (id INTEGER PRIMARY KEY); INSERT INTO t VALUES (1);"
"$DBEXPORT" "$WORK/pragmas.db" | "$DBIMPORT" -q "$WORK/pragmas2.db" -
run pragmas "$WORK/pragmas.db" "$WORK/pragmas2.db"
check_eq "user_version and application_id copied: exit 0 [$out$err]" "$rc" 0
"$SQLITE3" "$WORK/pragmas2.db" "PRAGMA user_version = 8; PRAGMA application_id = 0"
run pragmas "$WORK/pragmas.db" "$WORK/pragmas2.db"
check_eq "a changed user_version: exit 1" "$rc" 1
check_contains "a changed user_version: found" "$out" 'pragma "user_version": 7 -> 8'
check_contains "an application_id gone: found" "$out" 'pragma "application_id": 1234 -> 0'
run pragmas --format=json "$WORK/pragmas.db" "$WORK/pragmas2.db"
check_eq "a changed user_version, --format=json: the object" \
    "$("$JQ" -c '.objects[0] | [.kind, .name, .what, .expected]' <<<"$out")" '["pragma","user_version","7 -> 8",false]'

report
