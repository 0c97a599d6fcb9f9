#!/usr/bin/env bash
# dbimport --max-errors with --on-conflict into existing tables: a row the
# merge refuses (another unique key, a trigger's check) is left out like
# any other refused row, the good rows merge (their inserted and updated
# counts right), the reject file holds the refused ones with their place;
# over N, exit 1 and the target as it was. Two rows of the file with one
# key merge one after the other, on PostgreSQL as on SQLite. An orphan
# whose parent is a table of the target the file does not hold is taken
# out too; the existing table's own DELETE triggers fire for it (they are
# the counterpart of the INSERT triggers its load fired) and stay as they
# were. Both targets.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
schema="$(dirname "$0")/../../schemas/dbexport-1.schema.json"
validate="$(dirname "$0")/../schema/validate.sh"

valid() { # valid NAME FILE: the reject file against the JSON Schema
    local out rc
    out=$(bash "$validate" "$schema" "$2" 2>&1)
    rc=$?
    [ "$rc" = 77 ] || check_eq "$1: the reject file is valid ($out)" "$rc" 0
}

# 100 users; 50 of them in the target already, with another unique key
# (email) and a CHECK on age. Rows 60 and 70 take the emails of users 5 and
# 7, row 80 has a negative age.
"$SQLITE3" "$WORK/src.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE,
    age INTEGER CHECK (age >= 0), name TEXT);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100)
  INSERT INTO users SELECT i, 'e' || i || '@x', i, 'file' || i FROM n;"
"$DBEXPORT" --no-timestamp "$WORK/src.db" -f "$WORK/good.json"
"$JQ" '.tables.users.rows |= map(if .id == 60 then .email = "e5@x" elif .id == 70 then .email = "e7@x"
    elif .id == 80 then .age = -1 else . end)' "$WORK/good.json" >"$WORK/email.json"
# the same, but rows 60 and 70 are refused by the application's trigger
"$JQ" '.tables.users.rows |= map(if .id == 60 or .id == 70 then .name = "refused"
    elif .id == 80 then .age = -1 else . end)' "$WORK/good.json" >"$WORK/trigger.json"
# ids 5 and 30 twice, the later row different
"$JQ" '.tables.users.rows |= (.[0:20] + [{"id": 5, "email": "e5@x", "age": 55, "name": "second5"},
    {"id": 30, "email": "e30@x", "age": 1, "name": "first30"},
    {"id": 30, "email": "e30@x", "age": 2, "name": "second30"},
    {"id": 90, "email": "e90@x", "age": 1, "name": "first90"},
    {"id": 90, "email": "e90@x", "age": 2, "name": "second90"}])' "$WORK/good.json" >"$WORK/dup.json"

sqlite_users="CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE,
    age INTEGER CHECK (age >= 0), name TEXT);
  CREATE TRIGGER users_check BEFORE INSERT ON users WHEN NEW.name = 'refused'
    BEGIN SELECT RAISE(ABORT, 'refused by the application'); END;
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 50)
  INSERT INTO users SELECT i, 'e' || i || '@x', i, 'old' || i FROM n;"
pg_users="CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE,
    age integer CHECK (age >= 0), name text);
  CREATE FUNCTION users_check() RETURNS trigger LANGUAGE plpgsql AS \$\$
    BEGIN IF NEW.name = 'refused' THEN
      RAISE EXCEPTION 'refused by the application' USING ERRCODE = 'check_violation';
    END IF; RETURN NEW; END \$\$;
  CREATE TRIGGER users_check BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION users_check();
  INSERT INTO users SELECT i, 'e' || i || '@x', i, 'old' || i FROM generate_series(1, 50) i;"

# merge_case NAME MODE FILE TARGET REFUSED SUMMARY QUERY-COMMAND...
merge_case() {
    local name=$1 mode=$2 file=$3 target=$4 refused=$5 summary=$6
    shift 6
    "$DBIMPORT" -a --on-conflict="$mode" --max-errors=5 --reject-file="$WORK/$name.rej.json" \
        "$target" "$WORK/$file" 2>"$WORK/err"
    rc=$?
    check_eq "$name: exit 4 ($(tail -1 "$WORK/err"))" "$rc" 4
    check_contains "$name: the summary" "$(cat "$WORK/err")" "$summary"
    check_eq "$name: the refused rows' numbers" "$("$JQ" -c '[.rejected[] | .row]' "$WORK/$name.rej.json")" "$refused"
    check_eq "$name: the reject file's rows" \
        "$("$JQ" -c '[.tables.users.rows[] | .id]' "$WORK/$name.rej.json")" "$refused"
    check "$name: each with its line and byte" test "$("$JQ" '[.rejected[] | select(.line > 0 and .byte > 0)] | length' "$WORK/$name.rej.json")" -eq 3
    check_eq "$name: the rows refused are not in the target" \
        "$("$@" "SELECT count(*) FROM users WHERE id IN (60, 70, 80) AND name LIKE 'file%'")" 0
    valid "$name" "$WORK/$name.rej.json"
}

# where row 60 starts in the file: its "{", the line before its "id"
row60_line=$(($(grep -n '"id": 60,' "$WORK/email.json" | head -1 | cut -d: -f1) - 1))
check_eq "the row's first line is its brace" "$(sed -n "${row60_line}p" "$WORK/email.json" | tr -d ' ')" '{'

# ---- SQLite: one upsert a row, already consistent ------------------------
"$SQLITE3" "$WORK/su.db" "$sqlite_users"
merge_case "sqlite, update" update email.json "$WORK/su.db" '[60,70,80]' \
    '97 rows written (47 inserted, 50 updated), 0 skipped, 3 refused' "$SQLITE3" "$WORK/su.db"
check_contains "sqlite, update: the other unique key named" "$(cat "$WORK/err")" 'row 60'
check_eq "sqlite, update: the file's rows are in" "$("$SQLITE3" "$WORK/su.db" "SELECT count(*) FROM users WHERE name LIKE 'file%'")" 97
"$SQLITE3" "$WORK/st.db" "$sqlite_users"
merge_case "sqlite, skip" skip trigger.json "$WORK/st.db" '[60,70,80]' \
    '47 rows written (47 inserted, 0 updated), 50 skipped, 3 refused' "$SQLITE3" "$WORK/st.db"
"$SQLITE3" "$WORK/se.db" "$sqlite_users"
"$DBIMPORT" -a --on-conflict=skip --max-errors=5 "$WORK/se.db" "$WORK/email.json" 2>"$WORK/err"
check_eq "sqlite, skip: a row meeting another unique key is skipped: exit 4" "$?" 4
check_contains "sqlite, skip: counted as skipped" "$(cat "$WORK/err")" '47 rows written (47 inserted, 0 updated), 52 skipped, 1 refused'
"$SQLITE3" "$WORK/sf.db" "$sqlite_users"
"$SQLITE3" "$WORK/sf.db" .dump >"$WORK/sf.before"
"$DBIMPORT" -a --on-conflict=update --max-errors=2 "$WORK/sf.db" "$WORK/email.json" 2>"$WORK/err"
check_eq "sqlite, --max-errors=2 for 3: exit 1" "$?" 1
check "sqlite, --max-errors=2 for 3: the target unchanged" same_files "$WORK/sf.before" <("$SQLITE3" "$WORK/sf.db" .dump)
"$SQLITE3" "$WORK/sd.db" "$sqlite_users"
"$DBIMPORT" -a --on-conflict=update "$WORK/sd.db" "$WORK/dup.json" 2>"$WORK/err"
rc=$?
check_eq "sqlite, the key twice in the file: exit 0 ($(tail -1 "$WORK/err"))" "$rc" 0
check_contains "sqlite, the key twice: one after the other" "$(cat "$WORK/err")" '25 rows written (1 inserted, 24 updated)'
sqlite_dup=$("$SQLITE3" "$WORK/sd.db" "SELECT group_concat(id || ':' || age || ':' || name, ' ') FROM (SELECT * FROM users ORDER BY id)")
check_contains "sqlite, the key twice: the later row wins" "$sqlite_dup" '5:55:second5'
check_contains "sqlite, a new key twice: the later row wins" "$sqlite_dup" '90:2:second90'

# ---- orphans whose parent is a table the file does not hold ---------------
# The file holds orders only; its foreign key names users, which the target
# has (with user 1 only). Order 2 names user 7, order 3 no one.
"$SQLITE3" "$WORK/shop.db" "CREATE TABLE users (id INTEGER PRIMARY KEY);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), note TEXT);
  CREATE TABLE lines (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders (id));
  INSERT INTO users VALUES (1);
  INSERT INTO orders VALUES (1, 1, 'a'), (2, 7, 'b'), (3, NULL, 'c');
  INSERT INTO lines VALUES (1, 1), (2, 2);"
"$DBEXPORT" --no-timestamp -t orders -t lines "$WORK/shop.db" -f "$WORK/orders.json"
# the same rows without the file's foreign key to users: the target's own
"$JQ" '.tables.orders.constraints.foreign_keys = []' "$WORK/orders.json" >"$WORK/orders_nofk.json"
sqlite_shop="CREATE TABLE users (id INTEGER PRIMARY KEY);
  INSERT INTO users VALUES (1);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users, note TEXT);
  CREATE TABLE lines (id INTEGER PRIMARY KEY, order_id INTEGER REFERENCES orders (id));
  CREATE TABLE order_count (n INTEGER);
  INSERT INTO order_count VALUES (0);
  CREATE TRIGGER orders_in AFTER INSERT ON orders BEGIN UPDATE order_count SET n = n + 1; END;
  CREATE TRIGGER orders_out AFTER DELETE ON orders BEGIN UPDATE order_count SET n = n - 1; END;"

# orphan_case NAME TARGET FILE QUERY-COMMAND...: into the existing tables
orphan_case() {
    local name=$1 target=$2 file=$3
    shift 3
    "$DBIMPORT" -a "$target" "$WORK/$file" 2>"$WORK/err"
    check_eq "$name: without --max-errors: exit 1" "$?" 1
    check_contains "$name: without --max-errors: the orphan named" "$(cat "$WORK/err")" '7'
    check_eq "$name: without --max-errors: nothing loaded" "$("$@" "SELECT count(*) FROM orders")" 0
    "$DBIMPORT" -a --max-errors=2 --reject-file="$WORK/$name.rej.json" "$target" "$WORK/$file" 2>"$WORK/err"
    rc=$?
    check_eq "$name: exit 4 ($(tail -1 "$WORK/err"))" "$rc" 4
    check_eq "$name: the orphan and its line out" \
        "$("$@" "SELECT count(*) FROM orders WHERE id IN (1, 3)") $("$@" "SELECT count(*) FROM orders") $("$@" "SELECT count(*) FROM lines")" "2 2 1"
    check_contains "$name: the warning names the parent the file lacks" "$(cat "$WORK/err")" \
        'table "orders", row 2: key (user_id)=(7) is not present in table "users"'
    check_eq "$name: the reject file" "$("$JQ" -c '[.rejected[] | [.table, .row, (.line > 0), (.byte > 0)]]' "$WORK/$name.rej.json")" \
        '[["lines",2,true,true],["orders",2,true,true]]'
    valid "$name" "$WORK/$name.rej.json"
    check_eq "$name: the parent as it was" "$("$@" "SELECT count(*) FROM users")" 1
    # the table's own DELETE trigger fired for the orphan, as its INSERT
    # trigger did when the orphan was loaded: the count is the rows'
    check_eq "$name: the application's DELETE trigger fired" "$("$@" "SELECT n FROM order_count")" 2
}

"$SQLITE3" "$WORK/shop1.db" "$sqlite_shop"
orphan_case "sqlite, the target's own foreign key" "$WORK/shop1.db" orders_nofk.json "$SQLITE3" "$WORK/shop1.db"
check_eq "sqlite: the foreign keys hold" "$("$SQLITE3" "$WORK/shop1.db" "PRAGMA foreign_key_check")" ""
"$SQLITE3" "$WORK/shop2.db" "$sqlite_shop"
orphan_case "sqlite, the file's foreign key" "$WORK/shop2.db" orders.json "$SQLITE3" "$WORK/shop2.db"
# a new table, its file's foreign key to the target's users
"$SQLITE3" "$WORK/shop3.db" "CREATE TABLE users (id INTEGER PRIMARY KEY); INSERT INTO users VALUES (1);"
"$DBIMPORT" --max-errors=2 "$WORK/shop3.db" "$WORK/orders.json" 2>"$WORK/err"
rc=$?
check_eq "sqlite, a new table: exit 4 ($(tail -1 "$WORK/err"))" "$rc" 4
check_eq "sqlite, a new table: the orphan out" "$("$SQLITE3" "$WORK/shop3.db" "SELECT group_concat(id) FROM orders")" "1,3"
# a parent the target does not have either: nothing to compare with, so
# the check fails as without the option
"$SQLITE3" "$WORK/shop4.db" "CREATE TABLE other (id INTEGER PRIMARY KEY);"
"$DBIMPORT" --max-errors=2 "$WORK/shop4.db" "$WORK/orders.json" 2>"$WORK/err"
check_eq "sqlite, a parent nowhere: exit 1" "$?" 1

orphans_pg() {
    local db
    for db in own file; do
        pg_create "shop_$db"
        pgq "shop_$db" "CREATE TABLE users (id integer PRIMARY KEY);
          INSERT INTO users VALUES (1);
          CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users, note text);
          CREATE TABLE lines (id integer PRIMARY KEY, order_id integer REFERENCES orders (id));
          CREATE TABLE order_count (n integer);
          INSERT INTO order_count VALUES (0);
          CREATE FUNCTION count_orders() RETURNS trigger LANGUAGE plpgsql AS \$\$
            BEGIN UPDATE public.order_count SET n = n + CASE TG_OP WHEN 'INSERT' THEN 1 ELSE -1 END;
            RETURN NULL; END \$\$;
          CREATE TRIGGER orders_in AFTER INSERT ON orders FOR EACH ROW EXECUTE FUNCTION count_orders();
          CREATE TRIGGER orders_out AFTER DELETE ON orders FOR EACH ROW EXECUTE FUNCTION count_orders();
          CREATE TRIGGER orders_off AFTER DELETE ON orders FOR EACH ROW EXECUTE FUNCTION count_orders();
          ALTER TABLE orders DISABLE TRIGGER orders_off;" >/dev/null
    done
    local triggers="SELECT string_agg(tgname || ':' || tgenabled::text, ' ' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal"
    local before
    before=$(pgq shop_own "$triggers")
    orphan_case "postgresql, the target's own foreign key" "$(pg_uri shop_own)" orders_nofk.json pgq shop_own
    check_contains "postgresql, the target's own foreign key: named" "$(cat "$WORK/err")" '(foreign key "orders_user_id_fkey")'
    check_eq "postgresql: the triggers as they were (one disabled stays so)" "$(pgq shop_own "$triggers")" "$before"
    check_eq "postgresql: the target's foreign keys are back" \
        "$(pgq shop_own "SELECT count(*) FROM pg_constraint WHERE contype = 'f'")" 2
    orphan_case "postgresql, the file's foreign key" "$(pg_uri shop_file)" orders.json pgq shop_file
    pg_create shop_new
    pgq shop_new "CREATE TABLE users (id integer PRIMARY KEY); INSERT INTO users VALUES (1);" >/dev/null
    "$DBIMPORT" --max-errors=2 "$(pg_uri shop_new)" "$WORK/orders.json" 2>"$WORK/err"
    rc=$?
    check_eq "postgresql, a new table: exit 4 ($(tail -1 "$WORK/err"))" "$rc" 4
    check_eq "postgresql, a new table: the orphan out, the file's foreign key made" \
        "$(pgq shop_new "SELECT string_agg(id::text, ',' ORDER BY id) FROM orders") $(pgq shop_new "SELECT count(*) FROM pg_constraint WHERE contype = 'f'")" "1,3 2"
    pg_create shop_none
    "$DBIMPORT" --max-errors=2 "$(pg_uri shop_none)" "$WORK/orders.json" 2>"$WORK/err"
    check_eq "postgresql, a parent nowhere: exit 1" "$?" 1
    check_contains "postgresql, a parent nowhere: said" "$(cat "$WORK/err")" 'relation "public.users" does not exist'
}

need_pg

# ---- PostgreSQL: the merge of the staged rows -----------------------------
pg_create pu
pgq pu "$pg_users" >/dev/null
merge_case "postgresql, update" update email.json "$(pg_uri pu)" '[60,70,80]' \
    '97 rows written (47 inserted, 50 updated), 0 skipped, 3 refused' pgq pu
check_eq "postgresql, update: the file's rows are in" "$(pgq pu "SELECT count(*) FROM users WHERE name LIKE 'file%'")" 97
check_eq "postgresql, update: the old rows are updated" "$(pgq pu "SELECT count(*) FROM users WHERE id <= 50 AND name LIKE 'file%'")" 50
check_contains "postgresql, update: the warning names the row, the column and the key" "$(cat "$WORK/err")" \
    "email.json:$row60_line:9 (byte "
check_contains "postgresql, update: ... and why" "$(cat "$WORK/err")" \
    'table "users", row 60, column "email": duplicate key value violates unique constraint "users_email_key": Key (email)=(e5@x) already exists (row left out)'
check_eq "postgresql, update: the reject file's entry" \
    "$("$JQ" -c '.rejected[0] | [.row, .line, .column]' "$WORK/postgresql, update.rej.json")" "[60,$row60_line,\"email\"]"
check_eq "postgresql, update: the staging table is gone" \
    "$(pgq pu "SELECT count(*) FROM pg_class WHERE relname LIKE 'dbimport_staging%'")" 0

pg_create pt
pgq pt "$pg_users" >/dev/null
merge_case "postgresql, skip" skip trigger.json "$(pg_uri pt)" '[60,70,80]' \
    '47 rows written (47 inserted, 0 updated), 50 skipped, 3 refused' pgq pt
check_contains "postgresql, skip: the trigger's reason" "$(cat "$WORK/err")" 'row 70: refused by the application'
pg_create pe
pgq pe "$pg_users" >/dev/null
"$DBIMPORT" -a --on-conflict=skip --max-errors=5 "$(pg_uri pe)" "$WORK/email.json" 2>"$WORK/err"
check_eq "postgresql, skip: a row meeting another unique key is skipped: exit 4" "$?" 4
check_contains "postgresql, skip: counted as skipped, as SQLite does" "$(cat "$WORK/err")" '47 rows written (47 inserted, 0 updated), 52 skipped, 1 refused'

# a long table: a row refused by the merge far from the table's end still
# has its place (the staged rows merge a COPY batch at a time, while the
# driver remembers where they stood)
"$SQLITE3" "$WORK/long.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, age INTEGER, name TEXT);
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 30000)
  INSERT INTO users SELECT i, 'e' || i || '@x', i, 'file' || i FROM n;
  UPDATE users SET email = 'e1@x' WHERE id IN (5, 29000);"
"$DBEXPORT" --no-timestamp "$WORK/long.db" -f "$WORK/long.json"
pg_create pl
pgq pl "CREATE TABLE users (id integer PRIMARY KEY, email text NOT NULL UNIQUE, age integer, name text);
  INSERT INTO users VALUES (1, 'e1@x', 1, 'old1');" >/dev/null
"$DBIMPORT" -a --on-conflict=update --max-errors=5 --reject-file="$WORK/long.rej.json" "$(pg_uri pl)" "$WORK/long.json" 2>"$WORK/err"
rc=$?
check_eq "postgresql, a long table: exit 4 ($(tail -1 "$WORK/err"))" "$rc" 4
check_contains "postgresql, a long table: the counts" "$(cat "$WORK/err")" '29998 rows written (29997 inserted, 1 updated), 0 skipped, 2 refused'
for r in 5 29000; do
    line=$(grep -n "{\"id\":$r," "$WORK/long.json" | head -1 | cut -d: -f1) # dbexport: a row a line
    check_eq "postgresql, a long table: row $r's line" "$("$JQ" ".rejected[] | select(.row == $r) | .line" "$WORK/long.rej.json")" "$line"
    check_contains "postgresql, a long table: row $r's warning has its place" "$(cat "$WORK/err")" "long.json:$line:"
done

# a role that may insert but not alter the table: the target's foreign key
# stays in place, checked at once, so the merge meets the orphan
inserter=${PG_PREFIX}_inserter
psql -X -q -d postgres -c "CREATE ROLE $inserter LOGIN" >/dev/null
trap 'pg_cleanup; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $inserter" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
pg_create pk
pgq pk "CREATE TABLE users (id integer PRIMARY KEY); INSERT INTO users VALUES (1);
  CREATE TABLE orders (id integer PRIMARY KEY, user_id integer REFERENCES users, note text);
  INSERT INTO orders VALUES (1, 1, 'old');
  GRANT SELECT ON users TO $inserter; GRANT SELECT, INSERT, UPDATE ON orders TO $inserter;" >/dev/null
"$JQ" 'del(.tables.lines)' "$WORK/orders.json" >"$WORK/orders_only.json"
"$DBIMPORT" -a --on-conflict=update "postgresql:///$(pg_name pk)?user=$inserter" "$WORK/orders_only.json" 2>"$WORK/err"
check_eq "postgresql, a foreign key checked at once, without --max-errors: exit 1" "$?" 1
check_contains "postgresql, a foreign key checked at once, without --max-errors: said" "$(cat "$WORK/err")" \
    'violates foreign key constraint "orders_user_id_fkey"'
"$DBIMPORT" -a --on-conflict=update --max-errors=1 --reject-file="$WORK/pk.rej.json" \
    "postgresql:///$(pg_name pk)?user=$inserter" "$WORK/orders_only.json" 2>"$WORK/err"
rc=$?
check_eq "postgresql, a foreign key checked at once: exit 4 ($(tail -1 "$WORK/err"))" "$rc" 4
check_eq "postgresql, a foreign key checked at once: the others merged" \
    "$(pgq pk "SELECT string_agg(id || ':' || coalesce(user_id::text, '-') || ':' || note, ' ' ORDER BY id) FROM orders")" "1:1:a 3:-:c"
check_contains "postgresql, a foreign key checked at once: the row named" "$(cat "$WORK/err")" \
    'table "orders", row 2, column "user_id": insert or update on table "orders" violates foreign key constraint "orders_user_id_fkey"'
check_eq "postgresql, a foreign key checked at once: the reject file" "$("$JQ" -c '[.rejected[] | [.row, .line > 0]]' "$WORK/pk.rej.json")" '[[2,true]]'

# over N: exit 1, the target as it was; without --max-errors as before
pg_create pf
pgq pf "$pg_users" >/dev/null
pg_dump -d "$(pg_name pf)" | grep -v restrict >"$WORK/pf.before"
"$DBIMPORT" -a --on-conflict=update --max-errors=2 "$(pg_uri pf)" "$WORK/email.json" 2>"$WORK/err"
check_eq "postgresql, --max-errors=2 for 3: exit 1" "$?" 1
check_contains "postgresql, --max-errors=2 for 3: said" "$(cat "$WORK/err")" 'more than 2 rows were refused (--max-errors=2)'
check "postgresql, --max-errors=2 for 3: the target unchanged" same_files "$WORK/pf.before" <(pg_dump -d "$(pg_name pf)" | grep -v restrict)
"$DBIMPORT" -a --on-conflict=skip --max-errors=2 "$(pg_uri pf)" "$WORK/trigger.json" 2>"$WORK/err"
check_eq "postgresql, skip, --max-errors=2 for 3: exit 1" "$?" 1
check "postgresql, skip, --max-errors=2 for 3: the target unchanged" same_files "$WORK/pf.before" <(pg_dump -d "$(pg_name pf)" | grep -v restrict)
"$DBIMPORT" -a --on-conflict=update "$(pg_uri pf)" "$WORK/email.json" 2>"$WORK/err"
check_eq "postgresql, without --max-errors: exit 1" "$?" 1
check_contains "postgresql, without --max-errors: the first refusal" "$(cat "$WORK/err")" 'users_age_check'

# the key twice in the file: one statement cannot update a row twice, so
# PostgreSQL merges the last row of each key, where merging them one after
# the other ends, as into SQLite; with --max-errors they merge one after
# the other
pg_create pd
pgq pd "$pg_users" >/dev/null
"$DBIMPORT" -a --on-conflict=update "$(pg_uri pd)" "$WORK/dup.json" 2>"$WORK/err"
rc=$?
check_eq "postgresql, the key twice, without --max-errors: exit 0 ($(tail -1 "$WORK/err"))" "$rc" 0
check_contains "postgresql, the key twice, without --max-errors: counted as SQLite counts" \
    "$(cat "$WORK/err")" '25 rows written (1 inserted, 24 updated)'
check_eq "postgresql, the key twice, without --max-errors: the same rows as SQLite" \
    "$(pgq pd "SELECT string_agg(id || ':' || age || ':' || name, ' ' ORDER BY id) FROM users")" "$sqlite_dup"
pg_create pd2
pgq pd2 "$pg_users" >/dev/null
"$DBIMPORT" -a --on-conflict=update --max-errors=1 "$(pg_uri pd2)" "$WORK/dup.json" 2>"$WORK/err"
rc=$?
check_eq "postgresql, the key twice, --max-errors: exit 0 ($(tail -1 "$WORK/err"))" "$rc" 0
check_contains "postgresql, the key twice: counted as SQLite counts" "$(cat "$WORK/err")" '25 rows written (1 inserted, 24 updated)'
check_eq "postgresql, the key twice: the same rows as SQLite" \
    "$(pgq pd2 "SELECT string_agg(id || ':' || age || ':' || name, ' ' ORDER BY id) FROM users")" "$sqlite_dup"

orphans_pg
report
