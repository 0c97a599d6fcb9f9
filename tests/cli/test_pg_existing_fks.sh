#!/usr/bin/env bash
# Loading into an application's own schema, whatever the file's table order:
# the schema's migrations made the tables with their foreign keys (a
# parent, a child, a self-reference, a cycle), owned by an ordinary role;
# the file comes from SQLite through jq -S (so children come before their
# parents). The import, as that role, loads every row; the foreign keys are
# exactly as before; a row whose parent is missing fails the import, naming
# the table, the key and the parent, and leaves everything as it was. A
# column the file lacks is reported once, with the rows it affected.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"
need_pg

owner=${PG_PREFIX}_owner
psql -X -q -d postgres -c "CREATE ROLE $owner LOGIN" >/dev/null
trap 'pg_cleanup; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1; rm -rf "$WORK"' EXIT

schema="CREATE TABLE users (id int PRIMARY KEY, email text NOT NULL UNIQUE,
                            created timestamptz NOT NULL DEFAULT now());
  CREATE TABLE accounts (id int PRIMARY KEY, user_id int NOT NULL REFERENCES users ON DELETE CASCADE);
  COMMENT ON CONSTRAINT accounts_user_id_fkey ON accounts IS 'every account has its user';
  CREATE TABLE employees (id int PRIMARY KEY, manager_id int REFERENCES employees);
  CREATE TABLE a (id int PRIMARY KEY, b_id int);
  CREATE TABLE b (id int PRIMARY KEY, a_id int REFERENCES a DEFERRABLE INITIALLY DEFERRED);
  ALTER TABLE a ADD CONSTRAINT a_b_fkey FOREIGN KEY (b_id) REFERENCES b NOT VALID;"
"$SQLITE3" "$WORK/src.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
  CREATE TABLE accounts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL);
  CREATE TABLE employees (id INTEGER PRIMARY KEY, manager_id INTEGER);
  CREATE TABLE a (id INTEGER PRIMARY KEY, b_id INTEGER);
  CREATE TABLE b (id INTEGER PRIMARY KEY, a_id INTEGER);
  INSERT INTO users VALUES (1, 'a@x'), (2, 'b@x');
  INSERT INTO accounts VALUES (10, 1), (11, 2);
  INSERT INTO employees VALUES (3, 2), (2, 1), (1, NULL);
  INSERT INTO a VALUES (1, 1); INSERT INTO b VALUES (1, 1);"
"$DBEXPORT" "$WORK/src.db" | "$JQ" -S . >"$WORK/sorted.json"
check_eq "fixture: children come first" "$("$JQ" -r '.tables | keys | join(",")' "$WORK/sorted.json")" "a,accounts,b,employees,users"

fks() { # the foreign keys, as the catalog has them
    pgq "$1" "SELECT conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid) || ' '
              || convalidated || ' ' || coalesce(obj_description(oid, 'pg_constraint'), '-')
              FROM pg_constraint WHERE contype = 'f' ORDER BY 1"
}

createdb -O "$owner" "$(pg_name app)"
PGUSER=$owner pgq app "$schema" >/dev/null
fks app >"$WORK/fks.before"
check "fixture: four foreign keys" test "$(wc -l <"$WORK/fks.before")" -eq 4
uri="postgresql://$owner@/$(pg_name app)"

"$DBIMPORT" -a "$uri" "$WORK/sorted.json" 2>"$WORK/err"
check_eq "as the owner, in any order: exit 0" "$?" 0
check_eq "every row loaded" \
    "$(pgq app "SELECT (SELECT count(*) FROM users) || ',' || (SELECT count(*) FROM accounts) || ',' || (SELECT count(*) FROM employees) || ',' || (SELECT count(*) FROM a) || ',' || (SELECT count(*) FROM b)")" "2,2,3,1,1"
fks app >"$WORK/fks.after"
check "the foreign keys are exactly as they were" same_files "$WORK/fks.before" "$WORK/fks.after"
check_contains "the column the file lacks is reported, with its default" "$(cat "$WORK/err")" \
    'table "users": column "created" (now()) is not in the file: the rows loaded got its default (2 rows)'

# a row whose parent is missing
createdb -O "$owner" "$(pg_name orphan)"
PGUSER=$owner pgq orphan "$schema" >/dev/null
"$JQ" '.tables.accounts.rows[1].user_id = 99' "$WORK/sorted.json" >"$WORK/orphan.json"
"$DBIMPORT" -a "postgresql://$owner@/$(pg_name orphan)" "$WORK/orphan.json" 2>"$WORK/err"
check_eq "an orphan: exit 1" "$?" 1
check_contains "an orphan: the table, the key and the parent" "$(cat "$WORK/err")" \
    'table "accounts": the target'"'"'s foreign key accounts_user_id_fkey does not hold with the rows loaded'
check_contains "an orphan: and the key" "$(cat "$WORK/err")" 'Key (user_id)=(99) is not present in table "users"'
fks orphan >"$WORK/fks.orphan"
check "an orphan: the foreign keys are as they were" same_files "$WORK/fks.before" "$WORK/fks.orphan"
check_eq "an orphan: no row loaded" "$(pgq orphan "SELECT count(*) FROM users")" 0
"$DBIMPORT" --dry-run -a "postgresql://$owner@/$(pg_name orphan)" "$WORK/orphan.json" 2>"$WORK/err" >/dev/null
check_contains "the dry run finds it too" "$(cat "$WORK/err")" 'accounts_user_id_fkey does not hold'

# -s then -a of the same file, into a fresh database, as the owner
createdb -O "$owner" "$(pg_name twice)"
"$DBIMPORT" -s "postgresql://$owner@/$(pg_name twice)" "$WORK/sorted.json" 2>/dev/null
"$DBIMPORT" -a "postgresql://$owner@/$(pg_name twice)" "$WORK/sorted.json"
check_eq "-s then -a: exit 0" "$?" 0

report
