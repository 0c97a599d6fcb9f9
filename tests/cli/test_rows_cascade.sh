#!/usr/bin/env bash
# dbimport --rows-cascade: deleting a tenant's users with --rows deletes
# their orders and the orders' lines too, following the file's foreign keys
# down the chain (a self-reference included), whatever the file's table
# order; each table's count is reported. Without it the orphans fail the
# import, as before; a row whose key is NULL refers to nothing and stays.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

"$SQLITE3" "$WORK/prod.db" "PRAGMA foreign_keys = ON;
  CREATE TABLE users (id INTEGER PRIMARY KEY, tenant INTEGER NOT NULL, manager_id INTEGER REFERENCES users);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users);
  CREATE TABLE lines (order_id INTEGER NOT NULL REFERENCES orders, n INTEGER, PRIMARY KEY (order_id, n));
  CREATE TABLE audit (id INTEGER PRIMARY KEY, what TEXT);
  INSERT INTO users VALUES (1, 1, NULL), (2, 2, NULL), (3, 1, 2), (4, 1, 3);
  INSERT INTO orders VALUES (10, 1), (11, 2), (12, 3), (13, NULL), (14, 4);
  INSERT INTO lines VALUES (10, 1), (11, 1), (11, 2), (12, 1), (14, 1);
  INSERT INTO audit VALUES (1, 'x');"
"$DBEXPORT" --no-timestamp "$WORK/prod.db" -f "$WORK/a.json"

"$DBIMPORT" --rows='users=select(.tenant != 2)' "$WORK/plain.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "without --rows-cascade: the orphans fail the import" "$?" 1
check_contains "without --rows-cascade: named" "$(cat "$WORK/err")" 'foreign key'

"$DBIMPORT" --rows-cascade --rows='users=select(.tenant != 2)' "$WORK/s.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "SQLite --rows-cascade: exit 0" "$?" 0
q() { "$SQLITE3" "$WORK/s.db" "$1"; }
check_eq "SQLite: the users a manager chain led to tenant 2 went too" "$(q "SELECT group_concat(id) FROM users")" "1"
check_eq "SQLite: their orders, not the one with no user" "$(q "SELECT group_concat(id) FROM orders")" "10,13"
check_eq "SQLite: the orders' lines" "$(q "SELECT group_concat(order_id || '.' || n) FROM lines")" "10.1"
check_eq "SQLite: an unrelated table whole" "$(q "SELECT count(*) FROM audit")" 1
check_contains "SQLite: each table's count" "$(cat "$WORK/err")" \
    'table "orders": 3 rows deleted with the rows they referred to (--rows-cascade)'
check_contains "SQLite: the self-reference's count" "$(cat "$WORK/err")" \
    'table "users": 2 rows deleted with the rows they referred to (--rows-cascade)'
check_eq "SQLite: every foreign key holds" "$(q "PRAGMA foreign_key_check")" ""

"$DBIMPORT" --rows-cascade "$WORK/x.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "--rows-cascade without --rows: exit 2" "$?" 2

need_pg
pg_create c
"$DBIMPORT" --rows-cascade --rows='users=select(.tenant != 2)' "$(pg_uri c)" "$WORK/a.json" 2>"$WORK/err"
check_eq "PostgreSQL --rows-cascade: exit 0" "$?" 0
check_eq "PostgreSQL: users" "$(pgq c "SELECT string_agg(id::text, ',' ORDER BY id) FROM users")" "1"
check_eq "PostgreSQL: orders" "$(pgq c "SELECT string_agg(id::text, ',' ORDER BY id) FROM orders")" "10,13"
check_eq "PostgreSQL: lines" "$(pgq c "SELECT string_agg(order_id || '.' || n, ',') FROM lines")" "10.1"
check_eq "PostgreSQL: the foreign keys are in place" \
    "$(pgq c "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace")" 3
report
