#!/usr/bin/env bash
# dbimport --max-errors and --reject-file with foreign key orphans: a row
# whose foreign key names a parent the file does not have is left out like
# any other refused row, after the last row and before the foreign keys are
# created or checked; so is a row that referred to it (a chain: an order's
# lines), and a self-reference's. Each is warned about with its key and
# parent, counted against N, and written to the reject file with its row,
# line and byte; the reject file is valid and imports again once the parents
# are added with jq. Over N: exit 1 and the target as it was. Keys compared
# as the target compares them: text byte for byte, uuids in any case on
# PostgreSQL. A table that held rows before is never cleaned of orphans.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
schema="$(dirname "$0")/../../schemas/dbexport-1.schema.json"
validate="$(dirname "$0")/../schema/validate.sh"

"$SQLITE3" "$WORK/app.db" "PRAGMA foreign_keys = ON;
  CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));
  CREATE TABLE lines (id INTEGER PRIMARY KEY, order_id INTEGER NOT NULL REFERENCES orders (id), qty INTEGER);
  CREATE TABLE staff (id INTEGER PRIMARY KEY, boss INTEGER REFERENCES staff (id));
  CREATE TABLE cats (name TEXT PRIMARY KEY);
  CREATE TABLE pets (id INTEGER PRIMARY KEY, cat TEXT REFERENCES cats (name));
  CREATE TABLE devices (id UUID PRIMARY KEY);
  CREATE TABLE pings (id INTEGER PRIMARY KEY, device UUID REFERENCES devices (id));
  INSERT INTO users VALUES (1, 'a'), (2, 'b');
  INSERT INTO orders VALUES (10, 1), (11, 2), (12, NULL);
  INSERT INTO lines VALUES (100, 10, 1), (101, 11, 2);
  INSERT INTO staff VALUES (1, NULL), (2, 1), (3, 2);
  INSERT INTO cats VALUES ('Tom');
  INSERT INTO pets VALUES (1, 'Tom');
  INSERT INTO devices VALUES ('6f1c2a4e-0d3b-4c5a-9e8f-7a6b5c4d3e2f');
  INSERT INTO pings VALUES (1, '6f1c2a4e-0d3b-4c5a-9e8f-7a6b5c4d3e2f');"
"$DBEXPORT" --no-timestamp "$WORK/app.db" -f "$WORK/good.json"
# orphans: an order of user 7 and its two lines (a chain), a boss 9 and the
# staff under it (a self-reference), a pet of cat "tom" (text: not "Tom"),
# a ping of an unknown device given in upper case; and a row refused for a
# CHECK-like reason besides (a NULL in lines.order_id)
"$JQ" '.tables.orders.rows += [{"id": 13, "user_id": 7}]
    | .tables.lines.rows += [{"id": 102, "order_id": 13, "qty": 3}, {"id": 103, "order_id": null, "qty": 1},
        {"id": 104, "order_id": 13, "qty": 4}]
    | .tables.staff.rows += [{"id": 4, "boss": 9}, {"id": 5, "boss": 4}]
    | .tables.pets.rows += [{"id": 2, "cat": "tom"}]
    | .tables.pings.rows += [{"id": 2, "device": "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"}]' \
    "$WORK/good.json" >"$WORK/bad.json"
orphans='[["lines",3],["lines",4],["orders",4],["pets",2],["pings",2],["staff",4],["staff",5]]'

# each target: the good rows in, the orphans out, the reject file right
check_target() { # check_target NAME LOCATOR QUERY-COMMAND...
    local name=$1 target=$2
    shift 2
    "$DBIMPORT" -v --max-errors=20 --reject-file="$WORK/$name.rej.json" "$target" "$WORK/bad.json" 2>"$WORK/err"
    check_eq "$name: exit 4" "$?" 4
    check_eq "$name: the good rows stay" "$("$@" "SELECT count(*) FROM orders") $("$@" "SELECT count(*) FROM lines") $("$@" "SELECT count(*) FROM staff")" "3 2 3"
    check_eq "$name: the chain is out" "$("$@" "SELECT count(*) FROM lines WHERE id IN (102, 104)") $("$@" "SELECT count(*) FROM orders WHERE id = 13")" "0 0"
    check_eq "$name: the self-reference's orphans are out" "$("$@" "SELECT count(*) FROM staff WHERE id IN (4, 5)")" 0
    check_contains "$name: a warning names the row, its key and the parent" "$(cat "$WORK/err")" \
        'table "orders", row 4: key (user_id)=(7) is not present in table "users"'
    check_contains "$name: the row that referred to it too" "$(cat "$WORK/err")" \
        'table "lines", row 5: key (order_id)=(13) is not present in table "orders"'
    check_contains "$name: the count per table" "$(cat "$WORK/err")" 'table "lines": 3 rows refused and left out'
    check_contains "$name: the summary" "$(cat "$WORK/err")" '8 refused'
    check_eq "$name: the rejected list, in file order" \
        "$("$JQ" -c '[.rejected[] | [.table, .row]]' "$WORK/$name.rej.json")" \
        '[["lines",3],["lines",4],["lines",5],["orders",4],["pets",2],["pings",2],["staff",4],["staff",5]]'
    check_eq "$name: the reject file's rows" \
        "$("$JQ" -c '[.tables | to_entries[] | .key as $t | .value.rows[] | [$t, .id]]' "$WORK/$name.rej.json")" \
        '[["lines",102],["lines",103],["lines",104],["orders",13],["pets",2],["pings",2],["staff",4],["staff",5]]'
    check "$name: each orphan's line and byte" test "$("$JQ" '[.rejected[] | select(.line > 0 and .byte > 0)] | length' "$WORK/$name.rej.json")" -eq 8
    local out
    out=$(bash "$validate" "$schema" "$WORK/$name.rej.json" 2>&1)
    local rc=$?
    [ "$rc" = 77 ] || check_eq "$name: the reject file is valid ($out)" "$rc" 0
}

check_target sqlite "$WORK/t.db" "$SQLITE3" "$WORK/t.db"
check_eq "sqlite: the foreign keys hold" "$("$SQLITE3" "$WORK/t.db" "PRAGMA foreign_key_check")" ""
check_contains "sqlite: text keys compared byte for byte" "$(cat "$WORK/err")" \
    "key (cat)=(tom) is not present in table \"cats\""

# fixed with jq: the parents added, the NULL given its order, imported again
"$JQ" --slurpfile src "$WORK/bad.json" '.tables.users = ($src[0].tables.users | .rows = [{"id": 7, "name": "g"}])
    | .tables.cats = ($src[0].tables.cats | .rows = [{"name": "tom"}])
    | .tables.devices = ($src[0].tables.devices | .rows = [{"id": "0A1B2C3D-4E5F-4A6B-8C7D-9E0F1A2B3C4D"}])
    | .tables.staff.rows = [{"id": 9, "boss": null}] + .tables.staff.rows
    | .tables.lines.rows |= map(.order_id //= 10) | del(.rejected)' "$WORK/sqlite.rej.json" >"$WORK/fixed.json"
"$DBIMPORT" "$WORK/t.db" "$WORK/fixed.json" 2>"$WORK/err"
rc=$?
check_eq "sqlite: the fixed rows import again: exit 0 ($(cat "$WORK/err"))" "$rc" 0
check_eq "sqlite: every row is in" "$("$SQLITE3" "$WORK/t.db" "SELECT (SELECT count(*) FROM orders) || ' ' || (SELECT count(*) FROM lines) || ' ' || (SELECT count(*) FROM staff)")" "4 5 6"

# too small an N: exit 1, nothing written, the first orphans named
"$DBIMPORT" --max-errors=3 "$WORK/few.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "sqlite, over --max-errors: exit 1" "$?" 1
check "sqlite, over --max-errors: no database left" test ! -e "$WORK/few.db"
check_contains "sqlite, over --max-errors: the first orphan named" "$(cat "$WORK/err")" 'key ('
check_contains "sqlite, over --max-errors: said" "$(cat "$WORK/err")" 'more than 3 rows were refused (--max-errors=3)'

# the limit counts orphans with the other refused rows: 8 in all
"$DBIMPORT" --max-errors=8 "$WORK/eight.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "sqlite, --max-errors=8 for 8: exit 4" "$?" 4
"$DBIMPORT" --max-errors=7 "$WORK/seven.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "sqlite, --max-errors=7 for 8: exit 1" "$?" 1

# without --reject-file: the warnings still name each row
"$DBIMPORT" --max-errors=20 -v "$WORK/v.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "sqlite, no reject file: exit 4" "$?" 4
check_contains "sqlite, no reject file: the row named" "$(cat "$WORK/err")" 'table "staff", row 5: key (boss)=(4)'
# from standard input the file cannot be read again: key values only
"$DBIMPORT" --max-errors=20 "$WORK/stdin.db" - <"$WORK/bad.json" 2>"$WORK/err"
check_eq "sqlite, standard input: exit 4" "$?" 4
check_contains "sqlite, standard input: the table and key" "$(cat "$WORK/err")" \
    'table "orders": key (user_id)=(7) is not present in table "users" (row left out)'

# a --rows program changed an orphan's key: it cannot be found in the file,
# so the import is rolled back rather than the reject file written wrong
"$DBIMPORT" --max-errors=20 --reject-file="$WORK/changed.json" \
    --rows 'orders=if .id == 13 then .user_id = 8 else . end' "$WORK/changed.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "sqlite, an orphan changed by --rows: exit 1" "$?" 1
check_contains "sqlite, an orphan changed by --rows: said" "$(cat "$WORK/err")" \
    '--reject-file: 1 foreign key orphan was not found in'
check "sqlite, an orphan changed by --rows: no database, no reject file" test ! -e "$WORK/changed.db" -a ! -e "$WORK/changed.json"

# a table that held rows: its orphans are not taken out (they could be the
# target's own rows), the foreign key check fails as without the option
"$SQLITE3" "$WORK/held.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));
  INSERT INTO orders VALUES (50, 99);"
"$JQ" '{format, version, source, tables: {users: .tables.users, orders: .tables.orders}}' "$WORK/bad.json" >"$WORK/two.json"
"$DBIMPORT" --max-errors=20 -a "$WORK/held.db" "$WORK/two.json" 2>"$WORK/err"
check_eq "sqlite, a table that held rows: exit 1" "$?" 1
check_eq "sqlite, a table that held rows: its row stays" "$("$SQLITE3" "$WORK/held.db" "SELECT count(*) FROM orders WHERE id = 50")" 1

# existing tables whose own foreign keys the file does not declare (a SQLite
# file without them, into the application's schema): checked the same way
"$SQLITE3" "$WORK/nofk.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER);
  CREATE TABLE staff (id INTEGER PRIMARY KEY, boss INTEGER);
  INSERT INTO users VALUES (1, 'a');
  INSERT INTO orders VALUES (10, 1), (11, 7), (12, NULL);
  INSERT INTO staff VALUES (1, NULL), (2, 1), (3, 8), (4, 3);"
"$DBEXPORT" --no-timestamp "$WORK/nofk.db" | "$JQ" -S . >"$WORK/nofk.json"
app_schema="CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id));
  CREATE TABLE staff (id INTEGER PRIMARY KEY, boss INTEGER REFERENCES staff (id));"
"$SQLITE3" "$WORK/app2.db" "$app_schema"
"$DBIMPORT" -a --max-errors=5 --reject-file="$WORK/own.rej.json" "$WORK/app2.db" "$WORK/nofk.json" 2>"$WORK/err"
rc=$?
check_eq "sqlite, the target's own foreign keys: exit 4 ($(tail -1 "$WORK/err"))" "$rc" 4
check_eq "sqlite, the target's own foreign keys: the orphans out" \
    "$("$SQLITE3" "$WORK/app2.db" "SELECT group_concat(id) FROM (SELECT id FROM orders UNION ALL SELECT id FROM staff ORDER BY 1)")" "1,2,10,12"
check_eq "sqlite, the target's own foreign keys: the reject file" \
    "$("$JQ" -c '[.rejected[] | [.table, .row]]' "$WORK/own.rej.json")" '[["orders",2],["staff",3],["staff",4]]'

need_pg
pg_create t
check_target postgresql "$(pg_uri t)" pgq t
check_eq "postgresql: the foreign keys are created" \
    "$(pgq t "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace")" 5
check_contains "postgresql: a uuid key as the server writes it" "$(cat "$WORK/err")" \
    'table "pings", row 2: key (device)=(0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d) is not present'
"$DBIMPORT" "$(pg_uri t)" "$WORK/fixed.json" 2>"$WORK/err"
rc=$?
check_eq "postgresql: the fixed rows import again: exit 0 ($(cat "$WORK/err"))" "$rc" 0
check_eq "postgresql: every row is in" "$(pgq t "SELECT (SELECT count(*) FROM orders) || ' ' || (SELECT count(*) FROM lines) || ' ' || (SELECT count(*) FROM staff)")" "4 5 6"

pg_create nolimit
"$DBIMPORT" --reject-file="$WORK/nolimit.json" "$(pg_uri nolimit)" "$WORK/bad.json" 2>"$WORK/err"
check_eq "postgresql, --reject-file alone (no limit): exit 4" "$?" 4
check_eq "postgresql, --reject-file alone: every refused row" "$("$JQ" '.rejected | length' "$WORK/nolimit.json")" 8
pg_create seven
"$DBIMPORT" --max-errors=7 "$(pg_uri seven)" "$WORK/bad.json" 2>"$WORK/err"
check_eq "postgresql, --max-errors=7 for 8: exit 1" "$?" 1
pg_create few
"$DBIMPORT" --max-errors=3 "$(pg_uri few)" "$WORK/bad.json" 2>"$WORK/err"
check_eq "postgresql, over --max-errors: exit 1" "$?" 1
check_eq "postgresql, over --max-errors: nothing created" "$(pgq few "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0

# into existing tables (made by dbimport -s): the schema's foreign keys,
# set aside for the load, are added again over the rows that stayed
pg_create ex
"$DBIMPORT" -s "$(pg_uri ex)" "$WORK/good.json" 2>"$WORK/err"
check_eq "postgresql, existing tables: the schema" "$?" 0
"$JQ" -S . "$WORK/bad.json" >"$WORK/sorted.json"
"$DBIMPORT" -a --max-errors=20 --reject-file="$WORK/ex.rej.json" "$(pg_uri ex)" "$WORK/sorted.json" 2>"$WORK/err"
rc=$?
check_eq "postgresql, existing tables: exit 4 ($(tail -1 "$WORK/err"))" "$rc" 4
check_eq "postgresql, existing tables: the orphans out" "$(pgq ex "SELECT count(*) FROM orders") $(pgq ex "SELECT count(*) FROM lines")" "3 2"
check_eq "postgresql, existing tables: their foreign keys are back" \
    "$(pgq ex "SELECT count(*) FROM pg_constraint WHERE contype = 'f' AND connamespace = 'public'::regnamespace")" 5
check_eq "postgresql, existing tables: the reject file in the sorted file's order" \
    "$("$JQ" -c '[.rejected[] | .table] | unique' "$WORK/ex.rej.json")" '["lines","orders","pets","pings","staff"]'

pg_create own
pgq own "$app_schema" >/dev/null
"$DBIMPORT" -a --max-errors=5 --reject-file="$WORK/pgown.rej.json" "$(pg_uri own)" "$WORK/nofk.json" 2>"$WORK/err"
rc=$?
check_eq "postgresql, the target's own foreign keys: exit 4 ($(tail -1 "$WORK/err"))" "$rc" 4
check_eq "postgresql, the target's own foreign keys: the orphans out" \
    "$(pgq own "SELECT string_agg(id::text, ',' ORDER BY id) FROM (SELECT id FROM orders UNION ALL SELECT id FROM staff) x")" "1,2,10,12"
check_eq "postgresql, the target's own foreign keys: back as they were" \
    "$(pgq own "SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), '; ' ORDER BY conname) FROM pg_constraint WHERE contype = 'f'")" \
    "orders_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id); staff_boss_fkey FOREIGN KEY (boss) REFERENCES staff(id)"
check_contains "postgresql, the target's own foreign keys: the constraint named" "$(cat "$WORK/err")" \
    'table "orders", row 2: key (user_id)=(7) is not present in table "users" (foreign key "orders_user_id_fkey")'
check_eq "postgresql, the target's own foreign keys: the reject file" \
    "$("$JQ" -c '[.rejected[] | [.table, .row]]' "$WORK/pgown.rej.json")" '[["orders",2],["staff",3],["staff",4]]'
report
