#!/usr/bin/env bash
# dbdiff against PostgreSQL: Chinook SQLite -> PG -> SQLite and Chinook PG
# -> PG -> file, with dbdiff between every pair (equal: exit 0); the torture
# database PG -> SQLite -> PG, where what SQLite cannot hold is expected,
# not a difference; then one changed value, one deleted row, one extra row,
# one changed default and one dropped index in a PostgreSQL target, found
# against the same backend and across backends (exit 1); a password is
# never shown.
. "$(dirname "$0")/lib.sh"
: "${DBDIFF:?}"
need "$SQLITE3"
need "$JQ"
need_pg
PGFIX=$(cd "$(dirname "$0")/pg" && pwd)

run() { # run NAME ARGS...: dbdiff ARGS; sets $rc, $out, $err
    local name=$1
    shift
    set +e
    "$DBDIFF" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    rc=$?
    set -e
    out=$(cat "$WORK/$name.out")
    err=$(cat "$WORK/$name.err")
}
# all_equal WHAT SIDE...: dbdiff between every pair of the sides exits 0.
all_equal() {
    local what=$1 a b
    shift
    for a; do
        for b; do
            [ "$a" = "$b" ] && continue
            run pair "$a" "$b"
            check_eq "$what: $a vs $b: exit 0 [$out$err]" "$rc" 0
        done
    done
}
set -e

# ---- Chinook: SQLite -> PG -> SQLite ----------------------------------------
cp "$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite" "$WORK/chinook.db"
"$DBEXPORT" "$WORK/chinook.db" -f "$WORK/c.json.gz"
pg_create s2p
"$DBIMPORT" "$(pg_uri s2p)" "$WORK/c.json.gz"
"$DBEXPORT" "$(pg_uri s2p)" -f "$WORK/s2p.json"
"$DBIMPORT" "$WORK/back.db" "$WORK/s2p.json" 2>/dev/null
all_equal "SQLite -> PG -> SQLite" "$WORK/chinook.db" "$WORK/c.json.gz" "$(pg_uri s2p)" \
    "$WORK/s2p.json" "$WORK/back.db"
run expected --show-expected "$WORK/chinook.db" "$(pg_uri s2p)"
check_eq "SQLite vs PG: a rowid key stays a rowid key (kept in _dbexport_origin)" \
    "$(printf '%s\n' "$out" | grep -c 'column "AlbumId": identity')" 0

# ---- Chinook: PG -> PG -> file ----------------------------------------------
sed '1,/^\\c chinook;/d' "$DB_TESTDATA/chinook/Chinook_PostgreSql.sql" >"$WORK/chinook_pg.sql"
pg_create p1
pg_load p1 "$WORK/chinook_pg.sql"
"$DBEXPORT" "$(pg_uri p1)" -f "$WORK/p1.json.gz"
pg_create p2
"$DBIMPORT" "$(pg_uri p2)" "$WORK/p1.json.gz"
"$DBEXPORT" "$(pg_uri p2)" -f "$WORK/p2.json"
all_equal "PG -> PG -> file" "$(pg_uri p1)" "$WORK/p1.json.gz" "$(pg_conninfo p2)" "$WORK/p2.json"
check_contains "PG vs PG: the summary" "$out" "equal: 11 tables: 11 equal"

# ---- docs/DBDIFF.md's jq recipe across backends, run as written ----------------
root=$(cd "$(dirname "$0")/../.." && pwd)
recipe=$(sed -n '/^portable() {/,/^}/p' "$root/docs/DBDIFF.md")
check "the recipe is in DBDIFF.md" test -n "$recipe"
eval "$recipe"
zcat "$WORK/c.json.gz" >"$WORK/c.json"
check_eq "jq recipe: SQLite -> PG -> SQLite diffs empty" \
    "$(diff <(portable "$WORK/c.json") <(portable "$WORK/s2p.json") | wc -l)" 0
check "jq recipe: ... where the whole documents differ" \
    test "$(diff <("$JQ" -S . "$WORK/c.json") <("$JQ" -S . "$WORK/s2p.json") | wc -l)" -gt 100
"$DBIMPORT" "$WORK/p1.db" "$WORK/p1.json.gz" 2>/dev/null
"$DBEXPORT" "$WORK/p1.db" -f "$WORK/p1b.json"
zcat "$WORK/p1.json.gz" >"$WORK/p1.json"
check_eq "jq recipe: PG -> SQLite diffs empty" \
    "$(diff <(portable "$WORK/p1.json") <(portable "$WORK/p1b.json") | wc -l)" 0
"$JQ" '.tables.album.rows[3].title = "Changed" | del(.tables.album.indexes[0])' "$WORK/p1b.json" \
    >"$WORK/p1c.json"
out=$(diff <(portable "$WORK/p1.json") <(portable "$WORK/p1c.json") || true)
check_contains "jq recipe: a changed value shows" "$out" '>         "title": "Changed"'
check_contains "jq recipe: a dropped index shows" "$out" '<             "column": "artist_id"'

# ---- the torture database: PG -> SQLite -> PG -------------------------------
pg_create torture
pg_load torture "$PGFIX/torture.sql"
"$DBEXPORT" "$(pg_uri torture)" -f "$WORK/t.json"
"$DBIMPORT" "$WORK/t.db" "$WORK/t.json" 2>/dev/null
"$DBEXPORT" "$WORK/t.db" -f "$WORK/t2.json"
pg_create t3
"$DBIMPORT" "$(pg_uri t3)" "$WORK/t2.json" 2>/dev/null
all_equal "torture PG -> SQLite -> PG" "$(pg_uri torture)" "$WORK/t.json" "$WORK/t.db" "$WORK/t2.json"
run t3 "$WORK/t.db" "$(pg_uri t3)"
check_eq "torture: SQLite copy vs the PG made from it: exit 0 [$out]" "$rc" 0
run torture_expected --show-expected "$(pg_uri torture)" "$WORK/t.db"
check_contains "torture: a -0 that SQLite keeps as 0 is expected" "$out" \
    'table "All Types": expected: changed: id=5: c_real: -0.0 -> 0.0'
check_contains "torture: a view SQLite does not get is expected" "$out" \
    'expected: view "Sales Dept.Big Orders": only in A'
run torture_same "$(pg_uri torture)" "$(pg_uri t3)"
check_eq "torture PG vs PG through SQLite: what SQLite dropped is a difference" "$rc" 1
check_contains "torture PG vs PG through SQLite: the generated column" "$out" \
    'table "Sales Dept.Order "Items"": column "total": only in A'
run json --format=json --show-expected "$(pg_uri torture)" "$WORK/t.db"
check_eq "--format=json across backends: equal, expected counted" \
    "$("$JQ" -c '.summary | [.equal, .tables, .expected > 0]' "$WORK/json.out")" "[true,5,true]"

run only_public -n public "$(pg_uri torture)" "$WORK/t.json"
check_contains "-n public: the public tables, PG against its file" "$out" "equal: 2 tables: 2 equal"
run no_sales -N 'Sales*' "$(pg_uri torture)" "$WORK/t.json"
check_contains "-N 'Sales*': PG against its file" "$out" "equal: 2 tables: 2 equal"
# In SQLite the schema is part of the table's name: across backends -T
# with a dotted pattern is what selects a schema on both sides.
run no_sales_t -T 'Sales Dept.*' "$(pg_uri torture)" "$WORK/t.db"
check_contains "-T 'Sales Dept.*' matches schema.table on both sides" "$out" "equal: 2 tables: 2 equal"

# ---- changes in a PostgreSQL target -----------------------------------------
pgq p2 "UPDATE track SET name = 'Changed by dbdiff test' WHERE track_id = 5;
    DELETE FROM invoice_line WHERE invoice_line_id = 7;
    INSERT INTO genre (genre_id, name) VALUES (26, 'Extra');
    ALTER TABLE genre ALTER COLUMN name SET DEFAULT 'none';
    DROP INDEX track_genre_id_idx;"
run pg_changes "$(pg_uri p1)" "$(pg_uri p2)"
check_eq "PG vs PG, changed: exit 1" "$rc" 1
check_contains "PG: a changed value" "$out" \
    'table "track": changed: track_id=5: name: "Princess of the Dawn" -> "Changed by dbdiff test"'
check_contains "PG: a deleted row" "$out" 'table "invoice_line": only in A: invoice_line_id=7'
check_contains "PG: an extra row" "$out" 'table "genre": only in B: genre_id=26'
check_contains "PG: a changed default" "$out" "table \"genre\": default \"name\": default: (none) -> 'none'::character varying"
check_contains "PG: a dropped index" "$out" 'table "track": index "track_genre_id_idx": (genre_id) only in A'
run pg_file "$WORK/p1.json.gz" "$(pg_uri p2)"
check_eq "file vs PG, changed: exit 1" "$rc" 1
check_contains "file vs PG: the changed value" "$out" 'table "track": changed: track_id=5'

pgq s2p "UPDATE \"Track\" SET \"Name\" = 'Changed by dbdiff test' WHERE \"TrackId\" = 5;
    DELETE FROM \"InvoiceLine\" WHERE \"InvoiceLineId\" = 7;
    INSERT INTO \"Genre\" (\"GenreId\", \"Name\") VALUES (26, 'Extra');
    ALTER TABLE \"Genre\" ALTER COLUMN \"Name\" SET DEFAULT 'none';
    DROP INDEX \"IFK_TrackGenreId\";"
run across "$WORK/chinook.db" "$(pg_uri s2p)"
check_eq "SQLite vs PG, changed: exit 1" "$rc" 1
check_contains "across: a changed value" "$out" \
    'table "Track": changed: TrackId=5: Name: "Princess of the Dawn" -> "Changed by dbdiff test"'
check_contains "across: a deleted row" "$out" 'table "InvoiceLine": only in A: InvoiceLineId=7'
check_contains "across: an extra row" "$out" 'table "Genre": only in B: GenreId=26'
check_contains "across: a changed default" "$out" "table \"Genre\": default \"Name\": default: (none) -> 'none'::character varying"
check_contains "across: a dropped index" "$out" 'table "Track": index "IFK_TrackGenreId": (GenreId) only in A'
check_contains "across: the summary" "$out" "3 row differences, 2 schema differences"
run back "$WORK/back.db" "$(pg_uri s2p)"
check_eq "the SQLite copy vs the changed PG: exit 1" "$rc" 1

# An enum's labels are compared (docs/DBDIFF.md: the header's types).
pg_create t4
"$DBIMPORT" "$(pg_uri t4)" "$WORK/t.json" 2>/dev/null
pgq t4 "ALTER TYPE mood ADD VALUE 'zzz'"
run enum "$(pg_uri torture)" "$(pg_uri t4)"
check_eq "an enum with one more label: exit 1" "$rc" 1
check_contains "an enum with one more label: named" "$out" \
    "enum \"mood\": enum ('sad', 'ok', 'happy') -> enum ('sad', 'ok', 'happy', 'zzz')"
# (the enum travels through SQLite since _dbexport_origin: not even expected)
check_eq "torture vs SQLite: the enum came back" \
    "$(grep -c 'enum "mood"' "$WORK/torture_expected.out")" 0

# A check is carried to PostgreSQL: one dropped there is a difference,
# while one SQLite could not parse is expected the other way.
"$SQLITE3" "$WORK/check.db" "CREATE TABLE item (id INTEGER PRIMARY KEY, qty INTEGER CHECK (qty > 0))"
"$DBEXPORT" "$WORK/check.db" -f "$WORK/check.json"
pg_create checks
"$DBIMPORT" "$(pg_uri checks)" "$WORK/check.json"
run check_equal "$WORK/check.db" "$(pg_uri checks)"
check_eq "a check in SQLite and PostgreSQL: exit 0 [$out]" "$rc" 0
pgq checks "ALTER TABLE item DROP CONSTRAINT item_qty_check"
run check_dropped "$WORK/check.db" "$(pg_uri checks)"
check_eq "a check dropped in PostgreSQL: exit 1" "$rc" 1
check_contains "a check dropped in PostgreSQL: named" "$out" 'constraint "check": check qty > 0 only in A'

# ---- a password never shows -------------------------------------------------
run password "$WORK/c.json.gz" "postgresql://someone:s3cret@127.0.0.1:1/nothing"
check_eq "an unreachable server: exit 2" "$rc" 2
case $out$err in *s3cret*) not_ok "the password shows: [$err]" ;; *) ok ;; esac

report
