#!/usr/bin/env bash
# Importing into an existing database: appending, incompatible tables,
# --on-conflict, --dry-run, table filters.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"

"$SQLITE3" "$WORK/src.db" <<'SQL'
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE);
CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT);
INSERT INTO users VALUES (1, 'ann', 'ann@x'), (2, 'bob', 'bob@x');
INSERT INTO tags VALUES (1, 'red');
SQL
"$DBEXPORT" "$WORK/src.db" -f "$WORK/a.json"

# --dry-run: counts on stdout, nothing written, no file created.
out=$("$DBIMPORT" --dry-run "$WORK/dry.db" "$WORK/a.json" 2>"$WORK/err"); rc=$?
check_eq "dry run exits 0" "$rc" 0
check_eq "dry run counts" "$out" "$(printf 'tags\t1\nusers\t2')"
check "dry run creates no file" test ! -e "$WORK/dry.db"
"$JQ" '.tables.users.rows[0].id = "x"' "$WORK/a.json" >"$WORK/bad.json"
"$DBIMPORT" --dry-run "$WORK/dry.db" "$WORK/bad.json" 2>/dev/null
check_eq "dry run finds bad values" "$?" 1

# Appending to a compatible existing table.
cp "$WORK/src.db" "$WORK/t.db"
"$JQ" '.tables.users.rows = [{"id": 3, "name": "cy", "email": "cy@x"}] | del(.tables.tags)' \
    "$WORK/a.json" >"$WORK/more.json"
check "append to an existing table" "$DBIMPORT" "$WORK/t.db" "$WORK/more.json"
check_eq "appended" "$("$SQLITE3" "$WORK/t.db" "SELECT group_concat(name) FROM users")" "ann,bob,cy"

# Duplicate keys: error (default), skip, update.
sum=$(sha256sum <"$WORK/t.db")
err=$("$DBIMPORT" "$WORK/t.db" "$WORK/a.json" 2>&1); rc=$?
check_eq "duplicate key is an error" "$rc" 1
check_contains "duplicate key message" "$err" 'table "tags", row 1, column "id": UNIQUE constraint failed: tags.id'
check_eq "target unchanged after the error" "$(sha256sum <"$WORK/t.db")" "$sum"
err=$("$DBIMPORT" --on-conflict=skip "$WORK/t.db" "$WORK/a.json" 2>&1); rc=$?
check_eq "--on-conflict=skip exits 0" "$rc" 0
check_contains "skip is reported" "$err" "3 skipped"
check_eq "skip wrote nothing" "$("$SQLITE3" "$WORK/t.db" "SELECT count(*) FROM users")" 3
"$JQ" '.tables.users.rows[0].name = "ANN" | .tables.tags.rows[0].label = "blue"' \
    "$WORK/a.json" >"$WORK/upd.json"
check "--on-conflict=update" "$DBIMPORT" --on-conflict=update "$WORK/t.db" "$WORK/upd.json"
check_eq "update converged" "$("$SQLITE3" "$WORK/t.db" "SELECT name FROM users WHERE id = 1; SELECT label FROM tags")" "$(printf 'ANN\nblue')"
check "update again is idempotent" "$DBIMPORT" --on-conflict=update "$WORK/t.db" "$WORK/upd.json"
check_eq "still converged" "$("$SQLITE3" "$WORK/t.db" "SELECT count(*) FROM users")" 3
"$JQ" '.tables.users.rows += [{"id": 99, "name": "zed"}]' "$WORK/upd.json" >"$WORK/upd2.json"
err=$("$DBIMPORT" -v --on-conflict=update "$WORK/t.db" "$WORK/upd2.json" 2>&1)
check_contains "update: the summary separates inserted and updated" "$err" \
    "4 rows written (1 inserted, 3 updated), 0 skipped"
check_contains "update: per table" "$err" 'table "users": 3 rows: 1 inserted, 2 updated, 0 skipped'
"$SQLITE3" "$WORK/t.db" "DELETE FROM users WHERE id = 99"

# An incompatible existing table: error before any row, naming the column.
"$SQLITE3" "$WORK/inc.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, fullname TEXT NOT NULL);"
sum=$(sha256sum <"$WORK/inc.db")
err=$("$DBIMPORT" "$WORK/inc.db" "$WORK/a.json" 2>&1); rc=$?
check_eq "incompatible table exits 1" "$rc" 1
check_contains "incompatible table names the column" "$err" 'table "users"'
check_eq "incompatible: target unchanged" "$(sha256sum <"$WORK/inc.db")" "$sum"

# -t / -T on import.
check "import -t" "$DBIMPORT" -t tags "$WORK/only.db" "$WORK/a.json"
check_eq "only tags imported" "$("$SQLITE3" "$WORK/only.db" "SELECT group_concat(name) FROM sqlite_schema WHERE type = 'table'")" "tags"

# --on-invalid into a STRICT table, which refuses a value of another type.
cat >"$WORK/strict.json" <<'JSON'
{"format":"dbexport","format_version":"1.0","source":{"backend":"sqlite","version":"3","database":"x"},
 "tables":{"t":{"columns":[{"name":"id","type":"int64","native_type":"INTEGER","nullable":false},
   {"name":"n","type":"int64","native_type":"INTEGER","nullable":true}],
 "rows":[{"id":1,"n":5},{"id":2,"n":{"$text":"abc"}},{"id":3,"n":7}]}}}
JSON
for policy in error null skip-row; do
    rm -f "$WORK/strict.db"
    "$SQLITE3" "$WORK/strict.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER) STRICT;"
    err=$("$DBIMPORT" --on-invalid="$policy" -a "$WORK/strict.db" "$WORK/strict.json" 2>&1)
    rc=$?
    got=$("$SQLITE3" "$WORK/strict.db" "SELECT group_concat(id || ':' || ifnull(n, 'NULL'), ' ') FROM t")
    case $policy in
    error)
        check_eq "STRICT, no policy: exit 1" "$rc" 1
        check_contains "STRICT, no policy: the row named" "$err" 'strict.json:4:25 (byte 299): table "t", row 2, column "n"'
        check_eq "STRICT, no policy: nothing written" "$got" "" ;;
    null)
        check_eq "STRICT, null: exit 0" "$rc" 0
        check_eq "STRICT, null: the value is NULL" "$got" "1:5 2:NULL 3:7"
        check_contains "STRICT, null: reported" "$err" "1 values of a type STRICT refuses set to NULL" ;;
    skip-row)
        check_eq "STRICT, skip-row: exit 0" "$rc" 0
        check_eq "STRICT, skip-row: the row left out" "$got" "1:5 3:7" ;;
    esac
done

report
