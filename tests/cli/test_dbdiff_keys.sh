#!/usr/bin/env bash
# Numeric primary keys, matched across backends and beyond a double's
# precision. A PostgreSQL numeric key becomes a SQLite "DECIMAL TEXT"
# column (exact, so held as text: "1" for 1, and sorted "10" before "2");
# its copy and that copy's export are in text order, the original in
# numeric order. dbdiff must find them equal (and find a change), not call
# every row "only in A" and "only in B", nor stop with an order error; keys
# a double cannot tell apart (10^20 + 1 and + 2) are distinct keys.
. "$(dirname "$0")/lib.sh"
: "${DBDIFF:?}"
need "$SQLITE3"

run() { # run ARGS...: dbdiff ARGS; sets $rc and $out (stdout and stderr)
    out=$("$DBDIFF" "$@" 2>&1)
    rc=$?
}

# ---- SQLite alone: a DECIMAL TEXT key against its own export -----------------
"$SQLITE3" "$WORK/text.db" 'CREATE TABLE n (id DECIMAL TEXT PRIMARY KEY, v TEXT);
    INSERT INTO n VALUES ('"'1'"', '"'a'"'), ('"'2'"', '"'b'"'), ('"'10'"', '"'c'"'), ('"'1.5'"', '"'d'"'),
        ('"'100000000000000000001'"', '"'e'"'), ('"'100000000000000000002'"', '"'f'"');'
"$DBEXPORT" -q "$WORK/text.db" -f "$WORK/text.json"
run "$WORK/text.db" "$WORK/text.json"
check_eq "a DECIMAL TEXT key against its own export: equal [$out]" "$rc" 0
check_contains "merged by key: no note" "$out" "equal: 1 tables: 1 equal"
cp "$WORK/text.db" "$WORK/text2.db"
"$SQLITE3" "$WORK/text2.db" "UPDATE n SET v = 'changed' WHERE id = '10'; DELETE FROM n WHERE id = '100000000000000000001'"
run "$WORK/text.json" "$WORK/text2.db"
check_eq "a change and a deleted row found: exit 1" "$rc" 1
check_contains "the changed row, named by its key" "$out" 'table "n": changed: id=10: v: "c" -> "changed"'
check_contains "the deleted row, a key beyond a double" "$out" 'table "n": only in A: id=100000000000000000001'

# ---- PostgreSQL numeric keys and their SQLite copy ---------------------------
if [ "${DB_TEST_PG:-}" = 1 ]; then
    need_pg
    pg_create src
    pgq src "CREATE TABLE n (id numeric PRIMARY KEY, v text);
        INSERT INTO n VALUES (1, 'a'), (2, 'b'), (10, 'c'), (1.5, 'd'), (2.50, 'e'), (-3, 'f'),
            (100000000000000000001, 'g'), (100000000000000000002, 'h');
        CREATE TABLE scaled (id numeric(10, 2) PRIMARY KEY, v text);
        INSERT INTO scaled VALUES (1, 'a'), (2.5, 'b'), (10, 'c');
        CREATE TABLE big (id bigint PRIMARY KEY, v text);
        INSERT INTO big VALUES (9007199254740992, 'a'), (9007199254740993, 'b');"
    "$DBEXPORT" -q "$(pg_uri src)" -f "$WORK/pg.json"
    "$DBIMPORT" -q "$WORK/copy.db" "$WORK/pg.json"
    check_eq "the copy holds the key as text" "$("$SQLITE3" "$WORK/copy.db" "SELECT typeof(id) FROM n WHERE v = 'c'")" text
    "$DBEXPORT" -q "$WORK/copy.db" -f "$WORK/copy.json"
    pg_create copy
    "$DBIMPORT" -q "$(pg_uri copy)" "$WORK/pg.json"

    for pair in "$(pg_uri src)|$WORK/copy.db" "$(pg_uri src)|$WORK/copy.json" "$WORK/pg.json|$WORK/copy.db" \
        "$WORK/copy.db|$(pg_uri src)" "$(pg_uri src)|$(pg_uri copy)" "$WORK/pg.json|$(pg_uri copy)"; do
        run "${pair%%|*}" "${pair#*|}"
        check_eq "numeric keys: ${pair%%|*} vs ${pair#*|}: equal [$out]" "$rc" 0
    done
    run "$(pg_uri src)" "$WORK/copy.db"
    check_contains "across backends the note says why rows are not paired by key" "$out" \
        'table "n": key column "id" sorts as text in B (SQLite DECIMAL TEXT) and by value in A'
    run "$(pg_uri src)" "$(pg_uri copy)"
    check_contains "PostgreSQL to PostgreSQL: merged by key, no note" "$out" "equal: 3 tables: 3 equal"

    # One change, in each copy.
    "$SQLITE3" "$WORK/copy.db" "UPDATE n SET v = 'changed' WHERE id = '100000000000000000002'"
    run "$(pg_uri src)" "$WORK/copy.db"
    check_eq "a changed row in the SQLite copy: exit 1" "$rc" 1
    check_contains "found in table n, as multisets" "$out" 'table "n": key column "id" sorts as text in B (SQLite DECIMAL TEXT) and by value in A, so rows cannot be paired by key: the rows differ'
    check_contains "the other tables are equal" "$out" "different: 3 tables: 2 equal, 1 different"
    pgq copy "DELETE FROM n WHERE id = 100000000000000000001; DELETE FROM big WHERE id = 9007199254740993"
    run "$(pg_uri src)" "$(pg_uri copy)"
    check_eq "rows deleted in the PostgreSQL copy: exit 1" "$rc" 1
    check_contains "the numeric key beyond a double, named" "$out" 'table "n": only in A: id=100000000000000000001'
    check_contains "the bigint key beyond a double, named" "$out" 'table "big": only in A: id=9007199254740993'
    check_contains "nothing else" "$out" "2 row differences, 0 schema differences"
fi

report
