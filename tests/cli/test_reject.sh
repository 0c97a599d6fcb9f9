#!/usr/bin/env bash
# dbimport --max-errors and --reject-file: rows the target refuses (a
# CHECK, a duplicate key, a NULL in a NOT NULL column, a value it cannot
# hold) are left out while the good rows load, up to N; the refused rows go
# to a document of their own, with each row's error and position, that can
# be fixed with jq and imported again; exit 4 says rows were left out. Over
# N the import is rolled back. A refused row deep in a big COPY batch is
# found and only it is left out.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

"$SQLITE3" "$WORK/app.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE,
    age INTEGER CHECK (age >= 0));
  CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT);
  INSERT INTO users VALUES (1, 'a@x', 30); INSERT INTO notes VALUES (1, 'n1'), (2, 'n2');"
"$DBEXPORT" --no-timestamp "$WORK/app.db" -f "$WORK/good.json"
"$JQ" '.tables.users.rows += [{"id": 2, "email": "b@x", "age": -1}, {"id": 3, "email": "a@x", "age": 5},
    {"id": 4, "email": null, "age": 1}, {"id": 5, "email": "c@x", "age": 40}]' "$WORK/good.json" >"$WORK/bad.json"

# SQLite target
"$DBIMPORT" "$WORK/all.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "SQLite, all or nothing: exit 1" "$?" 1
"$DBIMPORT" --max-errors=10 --reject-file="$WORK/r1.json.gz" "$WORK/t.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "SQLite --max-errors: exit 4" "$?" 4
check_eq "SQLite --max-errors: the good rows" "$("$SQLITE3" "$WORK/t.db" "SELECT group_concat(id) FROM users")" "1,5"
check_eq "SQLite --max-errors: the other table whole" "$("$SQLITE3" "$WORK/t.db" "SELECT count(*) FROM notes")" 2
check_contains "SQLite --max-errors: a warning per table" "$(cat "$WORK/err")" \
    'table "users": 3 rows refused and left out (first: row 2: CHECK constraint failed: age >= 0)'
check_contains "SQLite --max-errors: each row, with its position" "$(cat "$WORK/err")" \
    'table "users", row 3, column "email": UNIQUE constraint failed: users.email (row left out)'
check_eq "SQLite reject file: the refused rows" "$(zcat "$WORK/r1.json.gz" | "$JQ" -c '[.tables.users.rows[].id]')" '[2,3,4]'
check_eq "SQLite reject file: only their table" "$(zcat "$WORK/r1.json.gz" | "$JQ" -c '.tables | keys')" '["users"]'
check_eq "SQLite reject file: the errors" \
    "$(zcat "$WORK/r1.json.gz" | "$JQ" -c '[.rejected[] | [.table, .row, .column]]')" '[["users",2,null],["users",3,"email"],["users",4,"email"]]'
check "SQLite reject file: each error has its line" test "$(zcat "$WORK/r1.json.gz" | "$JQ" '[.rejected[] | select(.line > 0 and .byte > 0)] | length')" -eq 3
# fixed with jq, imported again
zcat "$WORK/r1.json.gz" | "$JQ" '.tables.users.rows |= map(.age = (if .age < 0 then 0 else .age end)
    | .email = (.email // "none") + ".\(.id)")' >"$WORK/fixed.json"
"$DBIMPORT" "$WORK/t.db" "$WORK/fixed.json" 2>"$WORK/err"
check_eq "the fixed rows import: exit 0" "$?" 0
check_eq "the fixed rows import: every user" "$("$SQLITE3" "$WORK/t.db" "SELECT count(*) FROM users")" 5

"$DBIMPORT" --max-errors=2 "$WORK/two.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "over --max-errors: exit 1" "$?" 1
check_contains "over --max-errors: said" "$(cat "$WORK/err")" 'more than 2 rows were refused (--max-errors=2): the import is rolled back'
check "over --max-errors: no database left" test ! -e "$WORK/two.db"
"$DBIMPORT" --reject-file="$WORK/x.json" "$WORK/x.db" - <"$WORK/bad.json" 2>"$WORK/err"
check_eq "--reject-file with standard input: exit 2" "$?" 2
"$DBIMPORT" --max-errors=many "$WORK/x.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "--max-errors=many: exit 2" "$?" 2
"$DBIMPORT" --max-errors=10 "$WORK/good.db" "$WORK/good.json" 2>"$WORK/err"
check_eq "nothing refused: exit 0" "$?" 0

need_pg
pg_create all
"$DBIMPORT" "$(pg_uri all)" "$WORK/bad.json" 2>"$WORK/err"
check_eq "PostgreSQL, all or nothing: exit 1" "$?" 1
# a NUL byte PostgreSQL text cannot hold, and a refused row deep in a batch
"$JQ" '.tables.notes.rows += [{"id": 3, "body": {"$text_base64": "YQBi"}}]
    | .tables.users.rows += ([range(6; 20001)] | map({"id": ., "email": "u\(.)@x", "age": 1}))
    | .tables.users.rows[15000].email = "a@x"' "$WORK/bad.json" >"$WORK/big.json"
pg_create t
"$DBIMPORT" --max-errors=10 --reject-file="$WORK/r2.json" "$(pg_uri t)" "$WORK/big.json" 2>"$WORK/err"
check_eq "PostgreSQL --max-errors: exit 4" "$?" 4
check_eq "PostgreSQL --max-errors: every good row" "$(pgq t "SELECT count(*) FROM users")" 19996
check_eq "PostgreSQL --max-errors: the refused ones are not there" \
    "$(pgq t "SELECT count(*) FROM users WHERE id IN (2, 3, 4, 15001)")" 0
check_eq "PostgreSQL --max-errors: the NUL row left out" "$(pgq t "SELECT string_agg(id::text, ',' ORDER BY id) FROM notes")" "1,2"
check_eq "PostgreSQL reject file: the refused rows" \
    "$("$JQ" -c '[.tables[] | .rows[].id]' "$WORK/r2.json")" '[3,2,3,4,15001]'
check_contains "PostgreSQL reject file: the duplicate's error" "$("$JQ" -r '.rejected[] | select(.row == 15001) | .error' "$WORK/r2.json")" 'duplicate key value violates unique constraint'
check_contains "PostgreSQL reject file: the CHECK's error" "$("$JQ" -r '.rejected[] | select(.row == 2) | .error' "$WORK/r2.json")" 'violates check constraint'
check_eq "PostgreSQL: the keys and CHECKs are in place" \
    "$(pgq t "SELECT count(*) FROM pg_constraint WHERE conrelid = 'users'::regclass AND contype IN ('p', 'u', 'c')")" 3
pg_create two
"$DBIMPORT" --max-errors=2 "$(pg_uri two)" "$WORK/bad.json" 2>"$WORK/err"
check_eq "PostgreSQL, over --max-errors: exit 1" "$?" 1
check_eq "PostgreSQL, over --max-errors: nothing created" "$(pgq two "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0
report
