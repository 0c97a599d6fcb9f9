#!/usr/bin/env bash
# A dry run that tells the truth: --dry-run is the import itself, rolled
# back. For each way a file fails on a real import (a duplicate key in the
# file or against the rows already there, a foreign key orphan, a CHECK, an
# invalid uuid, a NaN in a vector, an application's own foreign key that the
# file's table order would trip), the dry run fails first, with the same
# message; a good file's dry run changes nothing, not even an existing
# table's sequence. PostgreSQL and SQLite targets.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"
need_pg

pg_create src
pgq src "CREATE EXTENSION vector;
  CREATE TABLE parent (id serial PRIMARY KEY, name text NOT NULL);
  CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent,
                      qty int CHECK (qty > 0), u uuid, v vector(2));
  INSERT INTO parent (name) VALUES ('a'), ('b');
  INSERT INTO child VALUES (1, 1, 5, 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11', '[1,2]'),
                           (2, 2, 7, NULL, '[3,4]');" >/dev/null
"$DBEXPORT" "$(pg_uri src)" -f "$WORK/good.json"

bad() { # bad NAME FILTER
    "$JQ" "$2" "$WORK/good.json" >"$WORK/$1.json" || not_ok "$1: jq"
}
bad dup-in-file '.tables.child.rows += [.tables.child.rows[0]]'
bad orphan '.tables.child.rows[1].parent_id = 999'
bad check '.tables.child.rows[0].qty = -1'
bad uuid '.tables.child.rows[1].u = "not-a-uuid"'
bad nan-vector '.tables.child.rows[0].v = "AADAfwAAwH8="'

# same_failure LABEL TARGET FILE [OPTION...]: the dry run and the real
# import both exit 1 with the same error, and the dry run left TARGET as it
# was (STATE_CMD prints what must not change).
same_failure() {
    local label=$1 target=$2 file=$3 dry real
    shift 3
    $state_cmd >"$WORK/before"
    "$DBIMPORT" --dry-run "$@" "$target" "$file" 2>"$WORK/dry.err" >/dev/null
    check_eq "$label: the dry run fails" "$?" 1
    $state_cmd >"$WORK/after"
    check "$label: the dry run changed nothing" same_files "$WORK/before" "$WORK/after"
    "$DBIMPORT" "$@" "$target" "$file" 2>"$WORK/real.err"
    check_eq "$label: the import fails too" "$?" 1
    dry=$(grep 'error' "$WORK/dry.err")
    real=$(grep 'error' "$WORK/real.err")
    check_eq "$label: with the same error" "$dry" "$real"
    [ -n "$real" ] || not_ok "$label: an error is printed"
}

# ---- PostgreSQL ----------------------------------------------------------------
pg_create dst
pg_state() {
    pg_checksums dst
    pgq dst "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace"
    pgq dst "SELECT coalesce((SELECT last_value || '/' || is_called FROM app_seq), 'none')" 2>/dev/null
}
state_cmd=pg_state
for f in dup-in-file orphan check uuid nan-vector; do
    same_failure "PostgreSQL, $f" "$(pg_uri dst)" "$WORK/$f.json"
done

# against rows already there: the target has parent and child with id 1
pgq dst "CREATE EXTENSION vector; CREATE SEQUENCE app_seq;
  CREATE TABLE parent (id serial PRIMARY KEY, name text NOT NULL);
  CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent,
                      qty int CHECK (qty > 0), u uuid, v vector(2));
  INSERT INTO parent (name) VALUES ('x'); INSERT INTO child (id, parent_id, qty) VALUES (1, 1, 1);" >/dev/null
same_failure "PostgreSQL, a key already there" "$(pg_uri dst)" "$WORK/good.json" -a

# the application's own foreign key, child -> parent, and a file that lists
# child first (jq -S sorts the tables, and "child" < "parent")
pg_create app
pgq app "CREATE TABLE parent (id int PRIMARY KEY, name text NOT NULL);
  CREATE TABLE child (id int PRIMARY KEY, parent_id int REFERENCES parent,
                      qty int, u uuid, v float4[]);" >/dev/null
"$JQ" 'del(.extensions) | .tables.child.columns |= map(if .name == "v" then .type = "array(float32)" | del(.native_type) else . end)
    | .tables.child.rows |= map(del(.v))' "$WORK/good.json" >"$WORK/order.json"
pg_state_app() { pg_checksums app; }
state_cmd=pg_state_app
# (the target's foreign keys are checked after the last row: the order works)
"$DBIMPORT" --dry-run -a "$(pg_uri app)" "$WORK/order.json" >/dev/null 2>"$WORK/dry.err"
check_eq "PostgreSQL, the application's foreign key, children first: the dry run succeeds" "$?" 0
check_eq "PostgreSQL, the application's foreign key: the dry run wrote nothing" \
    "$(pgq app "SELECT (SELECT count(*) FROM child) + (SELECT count(*) FROM parent)")" 0
"$DBIMPORT" -a "$(pg_uri app)" "$WORK/order.json" 2>"$WORK/real.err"
check_eq "PostgreSQL, the application's foreign key: so does the import" "$?" 0
check_eq "PostgreSQL, the application's foreign key: every row" \
    "$(pgq app "SELECT (SELECT count(*) FROM child) || ',' || (SELECT count(*) FROM parent)")" "2,2"

# a good file: the dry run succeeds, counts, and moves no existing sequence
pg_create seq
pgq seq "CREATE TABLE parent (id serial PRIMARY KEY, name text NOT NULL);
  INSERT INTO parent (name) VALUES ('x');" >/dev/null
"$JQ" '.tables = {parent: .tables.parent}' "$WORK/good.json" >"$WORK/parents.json"
"$JQ" '.tables.parent.rows = [{"id": 500, "name": "far"}]' "$WORK/parents.json" >"$WORK/far.json"
before=$(pgq seq "SELECT last_value FROM parent_id_seq")
out=$("$DBIMPORT" --dry-run -a "$(pg_uri seq)" "$WORK/far.json" 2>"$WORK/err"); rc=$?
check_eq "PostgreSQL, a good file: the dry run succeeds" "$rc" 0
check_eq "PostgreSQL, a good file: counts" "$out" "$(printf 'parent\t1')"
check_contains "PostgreSQL, a good file: says it rolled back" "$(cat "$WORK/err")" "imported and rolled back; nothing was written"
check_eq "PostgreSQL, a good file: the existing sequence did not move" \
    "$(pgq seq "SELECT last_value FROM parent_id_seq")" "$before"
check_eq "PostgreSQL, a good file: no row" "$(pgq seq "SELECT count(*) FROM parent")" 1

# ---- SQLite ----------------------------------------------------------------------
"$DBEXPORT" "$(pg_uri src)" -t parent -t child -f "$WORK/sqlite.json"
"$JQ" '.tables.child.rows[1].parent_id = 999' "$WORK/sqlite.json" >"$WORK/sqlite-orphan.json"
"$JQ" '.tables.child.rows += [.tables.child.rows[0]]' "$WORK/sqlite.json" >"$WORK/sqlite-dup.json"
"$SQLITE3" "$WORK/app.db" "CREATE TABLE app (id INTEGER PRIMARY KEY); INSERT INTO app VALUES (1);"
sqlite_state() { fingerprint "$WORK/app.db"; ls "$WORK" | grep -c dbimport-; }
state_cmd=sqlite_state
same_failure "SQLite, orphan" "$WORK/app.db" "$WORK/sqlite-orphan.json"
same_failure "SQLite, dup" "$WORK/app.db" "$WORK/sqlite-dup.json"
"$DBIMPORT" --dry-run "$WORK/new.db" "$WORK/sqlite-orphan.json" 2>/dev/null
check "SQLite: a failed dry run into a new file leaves none" test ! -e "$WORK/new.db"
"$DBIMPORT" --dry-run "$WORK/new.db" "$WORK/sqlite.json" >/dev/null 2>&1
check_eq "SQLite: a good dry run into a new file: exit 0" "$?" 0
check "SQLite: and leaves no file" test ! -e "$WORK/new.db"
check_eq "SQLite: nor a work file" "$(ls "$WORK" | grep -c 'new.db')" 0

report
