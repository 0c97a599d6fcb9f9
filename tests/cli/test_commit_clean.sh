#!/usr/bin/env bash
# --commit=table --clean, then --resume --clean, into SQLite and
# PostgreSQL targets that hold the file's tables (rows changed since), a
# view over one and a table of the application's own with a foreign key to
# one. Killed with -9 after the first table's commit: that table is the
# file's, the other one is as it was (its drop was rolled back with the
# rest of its transaction), and the record keeps the view and the foreign
# key that the drops set aside. --resume --clean does not drop again what
# the first run loaded, drops the table it had not, and at the end the
# view is back (PostgreSQL: from the record, with its comment), the
# application's foreign key holds again, and the file's tables equal the
# source (dbdiff).
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

"$SQLITE3" "$WORK/app.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, age INTEGER);
  CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), body TEXT NOT NULL);
  WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 1000)
  INSERT INTO users SELECT i, 'u' || i || '@x', i % 90 FROM g;
  WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 1000)
  INSERT INTO notes SELECT i, i, 'note ' || i FROM g;"
"$DBEXPORT" --no-timestamp "$WORK/app.db" -f "$WORK/app.json"
rows_line() { grep -n '^      "rows": \[' "$WORK/app.json" | sed -n "$1p" | cut -d: -f1; }
users_at=$(rows_line 2) # notes first, then users
changes="UPDATE users SET email = email || '.old'; DELETE FROM notes WHERE id > 500;
  CREATE VIEW adults AS SELECT id, email FROM users WHERE age >= 18;
  CREATE TABLE app_audit (id INTEGER PRIMARY KEY, user_id INTEGER CONSTRAINT app_audit_user REFERENCES users (id));
  INSERT INTO app_audit VALUES (1, 5);"

# SQLite
t="$WORK/t.db"
"$DBIMPORT" "$t" "$WORK/app.json" 2>"$WORK/err"
"$SQLITE3" "$t" "$changes"
kill_import_at "$t" "$WORK/app.json" $((users_at + 500)) "notes 1000 1" sqlite_record --commit=table --clean
check_eq "SQLite: killed after the first table's commit" "$got" "notes 1000 1"
check_eq "SQLite: ... the committed table is the file's" "$("$SQLITE3" "$t" "SELECT count(*) FROM notes")" 1000
check_eq "SQLite: ... the other one as it was" \
    "$("$SQLITE3" "$t" "SELECT count(*) FROM users WHERE email LIKE '%.old'")" 1000
"$DBIMPORT" --commit=table --clean --resume "$t" "$WORK/app.json" 2>"$WORK/err"
check_eq "SQLite --resume --clean: exit 0" "$?" 0
check_contains "SQLite: ... the table loaded before is not dropped again" "$(cat "$WORK/err")" \
    'table "notes": loaded by the unfinished import (1000 rows): skipped'
check_eq "SQLite: the view is there and reads the new rows" \
    "$("$SQLITE3" "$t" "SELECT count(*) FROM adults WHERE email NOT LIKE '%.old'")" \
    "$("$SQLITE3" "$WORK/app.db" "SELECT count(*) FROM users WHERE age >= 18")"
check_eq "SQLite: the application's table kept" "$("$SQLITE3" "$t" "SELECT user_id FROM app_audit")" 5
check_eq "SQLite: no record left" \
    "$("$SQLITE3" "$t" "SELECT count(*) FROM sqlite_schema WHERE name = 'dbimport_progress'")" 0
"$DBDIFF" -t users -t notes "$WORK/app.db" "$t" >"$WORK/diff.out" 2>&1
check_eq "SQLite: the file's tables equal the source (dbdiff)" "$?" 0
# an orphan in the application's table, made while the import was stopped,
# is found at the end although the resumed run dropped nothing itself
t2="$WORK/t2.db"
"$DBIMPORT" "$t2" "$WORK/app.json" 2>"$WORK/err"
"$SQLITE3" "$t2" "$changes"
kill_import_at "$t2" "$WORK/app.json" $((users_at + 1002)) "notes 1000 1,users 1000 1" sqlite_record --commit=table --clean
"$SQLITE3" "$t2" "INSERT INTO app_audit VALUES (2, 4242)"
"$DBIMPORT" --commit=table --clean --resume "$t2" "$WORK/app.json" 2>"$WORK/err"
check_eq "SQLite: an orphan of the application's table after the drops: exit 1" "$?" 1
check_contains "SQLite: ... named" "$(cat "$WORK/err")" 'app_audit'

need_pg
pg_create src
"$DBIMPORT" "$(pg_uri src)" "$WORK/app.json" 2>"$WORK/err"
pg_create t
"$DBIMPORT" "$(pg_uri t)" "$WORK/app.json" 2>"$WORK/err"
pgq t "${changes//INTEGER/bigint}
  COMMENT ON VIEW adults IS 'grown-ups'; COMMENT ON CONSTRAINT app_audit_user ON app_audit IS 'kept'" >/dev/null
kill_import_at "$(pg_uri t)" "$WORK/app.json" $((users_at + 500)) "notes 1000 1" pg_record --commit=table --clean
check_eq "PostgreSQL: killed after the first table's commit" "$got" "notes 1000 1"
check_eq "PostgreSQL: ... the committed table is the file's" "$(pgq t "SELECT count(*) FROM notes")" 1000
check_eq "PostgreSQL: ... the other one as it was, the view over it too" \
    "$(pgq t "SELECT count(*) FROM users WHERE email LIKE '%.old'"),$(pgq t "SELECT count(*) FROM pg_views WHERE viewname = 'adults'")" "1000,1"
check_eq "PostgreSQL: the record keeps the drop and the foreign key it set aside" \
    "$(pgq t "SELECT string_agg(kind || ' ' || name, ',' ORDER BY kind, name) FROM dbimport_progress WHERE kind IN ('cleaned', 'foreign_key')")" \
    'cleaned "public"."notes"'
"$DBIMPORT" --commit=table --clean --resume "$(pg_uri t)" "$WORK/app.json" 2>"$WORK/err"
check_eq "PostgreSQL --resume --clean: exit 0" "$?" 0
check_contains "PostgreSQL: ... the table loaded before is not dropped again" "$(cat "$WORK/err")" \
    'table "notes": loaded by the unfinished import (1000 rows): skipped'
check_contains "PostgreSQL: ... the view made again, with a warning" "$(cat "$WORK/err")" \
    'view "adults" depended on a table --clean dropped: created again from its definition'
check_eq "PostgreSQL: the view is back, with its comment, over the new rows" \
    "$(pgq t "SELECT obj_description('adults'::regclass) || ' ' || count(*) FROM adults WHERE email NOT LIKE '%.old'")" \
    "grown-ups $(pgq src "SELECT count(*) FROM users WHERE age >= 18")"
check_eq "PostgreSQL: the application's foreign key is back, with its comment" \
    "$(pgq t "SELECT pg_get_constraintdef(oid) || ' ' || obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = 'app_audit_user'")" \
    'FOREIGN KEY (user_id) REFERENCES users(id) kept'
check_eq "PostgreSQL: no record left" "$(pgq t "SELECT to_regclass('public.dbimport_progress') IS NULL")" t
"$DBDIFF" -t users -t notes "$(pg_uri src)" "$(pg_uri t)" >"$WORK/diff.out" 2>&1
check_eq "PostgreSQL: the file's tables equal the source (dbdiff)" "$?" 0

# killed after both tables' commits: the view and the foreign key come
# from the record alone
pg_create t3
"$DBIMPORT" "$(pg_uri t3)" "$WORK/app.json" 2>"$WORK/err"
pgq t3 "${changes//INTEGER/bigint}
  COMMENT ON VIEW adults IS 'grown-ups'" >/dev/null
kill_import_at "$(pg_uri t3)" "$WORK/app.json" $((users_at + 1002)) "notes 1000 1,users 1000 1" pg_record --commit=table --clean
check_eq "PostgreSQL: killed after both commits" "$got" "notes 1000 1,users 1000 1"
check_eq "PostgreSQL: ... the view is gone until the end, kept in the record" \
    "$(pgq t3 "SELECT count(*) FROM pg_views WHERE viewname = 'adults'") $(pgq t3 "SELECT count(*) FROM dbimport_progress WHERE kind = 'view'")" "0 1"
"$DBIMPORT" --commit=table --clean --resume "$(pg_uri t3)" "$WORK/app.json" 2>"$WORK/err"
check_eq "PostgreSQL, resumed after both commits: exit 0" "$?" 0
check_eq "PostgreSQL: ... the view is back, with its comment" \
    "$(pgq t3 "SELECT obj_description('adults'::regclass)")" grown-ups
check_eq "PostgreSQL: ... and the foreign key" \
    "$(pgq t3 "SELECT count(*) FROM pg_constraint WHERE conname = 'app_audit_user'")" 1
"$DBDIFF" -t users -t notes "$(pg_uri src)" "$(pg_uri t3)" >"$WORK/diff.out" 2>&1
check_eq "PostgreSQL: ... the file's tables equal the source (dbdiff)" "$?" 0
report
