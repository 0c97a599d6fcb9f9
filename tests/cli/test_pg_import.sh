#!/usr/bin/env bash
# Importing into existing PostgreSQL databases: --on-conflict=skip and update,
# --dry-run, --require-empty, an incompatible vector dimension, a duplicate
# key, and two imports into one database at the same time. Whenever an import
# fails, every table of the target is as it was (row checksums, and no new
# tables).
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
need_pg

"$SQLITE3" "$WORK/src.db" <<'SQL'
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE);
CREATE TABLE tags (id INTEGER PRIMARY KEY, label TEXT);
CREATE TABLE items (id INTEGER PRIMARY KEY, owner INTEGER REFERENCES users (id), vec F32_BLOB(3));
INSERT INTO users VALUES (1, 'ann', 'ann@x'), (2, 'bob', 'bob@x');
INSERT INTO tags VALUES (1, 'red');
-- [1, 2, -3] and [-0.0, 0.0, 1.4e-45]
INSERT INTO items VALUES (1, 1, X'0000803F00000040000040C0'), (2, 2, X'000000800000000001000000');
SQL
"$DBEXPORT" "$WORK/src.db" -f "$WORK/a.json"
check_eq "fixture: file has 3 tables" "$("$JQ" -r '.tables | keys | join(",")' "$WORK/a.json")" "items,tags,users"

# The target: the file imported once, plus a row of its own.
pg_create t
check "first import" "$DBIMPORT" "$(pg_uri t)" "$WORK/a.json"
pgq t "INSERT INTO users (id, name, email) VALUES (10, 'own', 'own@x')" >/dev/null 2>&1
check_eq "target has its rows" "$(pgq t "SELECT string_agg(name, ',' ORDER BY id) FROM users" 2>&1)" "ann,bob,own"
pg_checksums t >"$WORK/t.sum"

# A duplicate key (the default --on-conflict=error): a clear error, nothing written.
err=$("$DBIMPORT" "$(pg_uri t)" "$WORK/a.json" 2>&1); rc=$?
check_eq "duplicate key: exit 1" "$rc" 1
check_contains "duplicate key: names the table" "$err" 'table "'
case $err in *uplicate* | *UNIQUE* | *unique*) ok ;; *) not_ok "duplicate key: message says duplicate/unique: [$err]" ;; esac
check "duplicate key: target unchanged" same_files "$WORK/t.sum" <(pg_checksums t)

# --on-conflict=skip: nothing written, the skipped rows reported.
err=$("$DBIMPORT" --on-conflict=skip "$(pg_uri t)" "$WORK/a.json" 2>&1); rc=$?
check_eq "skip: exit 0" "$rc" 0
check_contains "skip: reported" "$err" "skipped"
check_contains "skip: the count (2 users + 1 tag + 2 items)" "$err" "5 skipped"
check "skip: target unchanged" same_files "$WORK/t.sum" <(pg_checksums t)

# --on-conflict=update: the file's values win, other rows stay.
"$JQ" '.tables.users.rows[0].name = "ANN" | .tables.tags.rows[0].label = "blue"
       | .tables.items.rows[1].vec = "AACAPwAAAEAAAEBA"' "$WORK/a.json" >"$WORK/upd.json"
check "update: exit 0" "$DBIMPORT" --on-conflict=update "$(pg_uri t)" "$WORK/upd.json"
check_eq "update: users converged" "$(pgq t "SELECT string_agg(id || ':' || name, ',' ORDER BY id) FROM users" 2>&1)" "1:ANN,2:bob,10:own"
check_eq "update: tags converged" "$(pgq t "SELECT label FROM tags" 2>&1)" "blue"
check_eq "update: vector converged" "$(pgq t "SELECT vec::text FROM items WHERE id = 2" 2>&1)" "[1,2,3]"
pg_checksums t >"$WORK/t2.sum"
check "update again: exit 0" "$DBIMPORT" --on-conflict=update "$(pg_uri t)" "$WORK/upd.json"
check "update again: idempotent" same_files "$WORK/t2.sum" <(pg_checksums t)
"$JQ" '.tables.users.rows += [{"id": 99, "name": "zed"}]' "$WORK/upd.json" >"$WORK/upd2.json"
err=$("$DBIMPORT" -v --on-conflict=update "$(pg_uri t)" "$WORK/upd2.json" 2>&1)
check_contains "update: the summary separates inserted and updated" "$err" "(1 inserted, 5 updated), 0 skipped"
check_contains "update: per table" "$err" 'table "users": 3 rows: 1 inserted, 2 updated, 0 skipped'
pgq t "DELETE FROM users WHERE id = 99" >/dev/null

# --dry-run: per-table counts on stdout, nothing written or created.
pg_create dry
out=$("$DBIMPORT" --dry-run "$(pg_uri dry)" "$WORK/a.json" 2>"$WORK/err"); rc=$?
check_eq "dry run: exit 0" "$rc" 0
check_eq "dry run: counts" "$out" "$(printf 'items\t2\ntags\t1\nusers\t2')"
check_eq "dry run: no table created" "$(pgq dry "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
    WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r', 'p', 'S', 'v')")" 0
out=$("$DBIMPORT" --dry-run --on-conflict=update "$(pg_uri t)" "$WORK/upd.json" 2>"$WORK/err"); rc=$?
check_eq "dry run on a populated target: exit 0" "$rc" 0
check "dry run on a populated target: nothing written" same_files "$WORK/t2.sum" <(pg_checksums t)

# --require-empty: refuses a target that has rows, accepts an empty one.
err=$("$DBIMPORT" --require-empty --on-conflict=skip "$(pg_uri t)" "$WORK/a.json" 2>&1); rc=$?
check_eq "require-empty: refused (exit 1)" "$rc" 1
check_contains "require-empty: says why" "$err" "empty"
check "require-empty: target unchanged" same_files "$WORK/t2.sum" <(pg_checksums t)
pg_create empty
check "require-empty: an empty database is accepted" "$DBIMPORT" --require-empty "$(pg_uri empty)" "$WORK/a.json"
check_eq "require-empty: rows arrived" "$(pgq empty "SELECT count(*) FROM users" 2>&1)" 2

# An existing table whose vector column has another dimension: error naming
# the table and the column, before anything is written.
pg_create dim
pgq dim "CREATE EXTENSION vector; CREATE TABLE items (id bigint PRIMARY KEY, owner bigint, vec vector(4));
         INSERT INTO items VALUES (7, NULL, '[1,2,3,4]')" >/dev/null
pg_checksums dim >"$WORK/dim.sum"
err=$("$DBIMPORT" "$(pg_uri dim)" "$WORK/a.json" 2>&1); rc=$?
check_eq "vector dimension: exit 1" "$rc" 1
check_contains "vector dimension: names the table" "$err" "items"
check_contains "vector dimension: names the column" "$err" "vec"
check "vector dimension: target unchanged, no table created" same_files "$WORK/dim.sum" <(pg_checksums dim)

# Two imports into one database at the same time must not interleave: either
# both succeed (the second skips what the first wrote), or one reports the
# conflict clearly; in every case the target holds exactly one copy.
chinook="$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite"
"$DBEXPORT" "$chinook" -f "$WORK/chinook.json"
pg_create ref
check "concurrent: reference import" "$DBIMPORT" "$(pg_uri ref)" "$WORK/chinook.json"
pg_checksums ref >"$WORK/ref.sum"
# (Chinook's 11, and _dbexport_origin: what PostgreSQL cannot keep of SQLite's schema)
check_eq "concurrent: reference has 12 tables" "$(wc -l <"$WORK/ref.sum")" 12
for mode in skip error; do
    pg_create "conc_$mode"
    "$DBIMPORT" --on-conflict=$mode "$(pg_uri "conc_$mode")" "$WORK/chinook.json" 2>"$WORK/err1" &
    p1=$!
    "$DBIMPORT" --on-conflict=$mode "$(pg_uri "conc_$mode")" "$WORK/chinook.json" 2>"$WORK/err2" &
    p2=$!
    wait $p1; rc1=$?
    wait $p2; rc2=$?
    check "concurrent ($mode): target holds exactly one copy" same_files "$WORK/ref.sum" <(pg_checksums "conc_$mode")
    if [ "$rc1" = 0 ] && [ "$rc2" = 0 ]; then
        check_eq "concurrent ($mode): both succeeded, which only --on-conflict=skip allows" "$mode" skip
    elif [ "$rc1" = 0 ] || [ "$rc2" = 0 ]; then
        [ "$rc1" = 0 ] && loser="$WORK/err2" || loser="$WORK/err1"
        check_eq "concurrent ($mode): the other exits 1" "$((rc1 + rc2))" 1
        msg=$(cat "$loser")
        case $msg in
        *"dbimport: error: "*) ok ;;
        *) not_ok "concurrent ($mode): the failing import says why: [$msg]" ;;
        esac
        case $msg in
        *uplicate* | *onflict* | *lock* | *oncurrent* | *exists* | *UNIQUE* | *unique*) ok ;;
        *) not_ok "concurrent ($mode): the message names the conflict: [$msg]" ;;
        esac
    else
        not_ok "concurrent ($mode): both imports failed: [$(cat "$WORK/err1")] [$(cat "$WORK/err2")]"
    fi
done

# SQL text in a file runs as exactly one statement: a default that tries to
# append a second one is refused, and the target keeps its table.
pg_create inject
pgq inject "CREATE TABLE victim (x int); INSERT INTO victim VALUES (1)"
cat >"$WORK/inject.json" <<'JSON'
{"format":"dbexport","format_version":"1.0",
 "source":{"backend":"postgresql","version":"15","database":"x"},
 "tables":{"t":{"columns":[{"name":"c","type":"int32","native_type":"integer","nullable":true,
   "default":"0); DROP TABLE victim; --"}],"rows":[{"c":1}]}}}
JSON
"$DBIMPORT" "$(pg_uri inject)" "$WORK/inject.json" 2>"$WORK/inject.err"
check_eq "a default with a second statement: exit 1" "$?" 1
check_eq "the victim table is still there" "$(pgq inject "SELECT count(*) FROM victim")" 1
check_eq "and t was not created" "$(pgq inject "SELECT count(*) FROM pg_class WHERE relname = 't'")" 0

# A value the server rejects is found when its COPY batch ends, rows later:
# the message still names the row's line in the file, so sed -n shows it.
{
    printf '{"format":"dbexport","format_version":"1.0","source":{"backend":"sqlite","version":"3","database":"x"},\n'
    printf '"tables":{"big":{"columns":[{"name":"id","type":"int64","native_type":"INTEGER","nullable":false},{"name":"n","type":"int64","native_type":"INTEGER","nullable":true}],\n"rows":[\n'
    awk 'BEGIN { for (i = 1; i <= 20000; i++) printf "{\"id\":%d,\"n\":%s}%s\n", i, (i == 15000 ? "{\"$text\":\"x15000\"}" : i), (i < 20000 ? "," : "") }'
    printf ']}}}\n'
} >"$WORK/late.json"
pg_create late
err=$("$DBIMPORT" "$(pg_uri late)" "$WORK/late.json" 2>&1)
check_eq "a late row error: exit 1" "$?" 1
check_contains "a late row error: table, row and column" "$err" 'table "big", row 15000, column "n"'
line=$(echo "$err" | sed -n 's/.*late.json:\([0-9]*\):.*/\1/p')
check_contains "a late row error: the line named holds the row" "$(sed -n "${line}p" "$WORK/late.json")" '"id":15000,'
check_eq "a late row error: nothing imported" "$(pgq late "SELECT count(*) FROM pg_class WHERE relname = 'big'")" 0

# --on-invalid: values the target cannot hold, found by the server (bigint
# from 'x...', several across two COPY batches) or before sending (text
# with a NUL byte): set to NULL, or their rows left out; counted.
{
    printf '{"format":"dbexport","format_version":"1.0","source":{"backend":"sqlite","version":"3","database":"x"},\n'
    printf '"tables":{"inv":{"columns":[{"name":"id","type":"int64","native_type":"INTEGER","nullable":false},{"name":"n","type":"int64","native_type":"INTEGER","nullable":true},{"name":"t","type":"text","native_type":"TEXT","nullable":true}],\n"rows":[\n'
    awk 'BEGIN { for (i = 1; i <= 12000; i++)
        printf "{\"id\":%d,\"n\":%s,\"t\":%s}%s\n", i,
            (i % 4000 == 7 ? "{\"$text\":\"bad\"}" : i),
            (i == 9999 ? "\"nul\\u0000byte\"" : "\"ok\""), (i < 12000 ? "," : "") }'
    printf ']}}}\n'
} >"$WORK/invalid.json"
pg_create inv_null
err=$("$DBIMPORT" --on-invalid=null "$(pg_uri inv_null)" "$WORK/invalid.json" 2>&1)
check_eq "--on-invalid=null: exit 0" "$?" 0
check_contains "--on-invalid=null: counted" "$err" 'table "inv": 4 values the target cannot hold set to NULL'
check_contains "--on-invalid=null: the first named" "$err" 'the first: row 7, column "n"'
check_eq "--on-invalid=null: every row, the bad values NULL" \
    "$(pgq inv_null "SELECT count(*), count(*) FILTER (WHERE n IS NULL), count(*) FILTER (WHERE t IS NULL) FROM inv")" "12000|3|1"
check_eq "--on-invalid=null: the others as they were" \
    "$(pgq inv_null "SELECT n FROM inv WHERE id IN (6, 8, 4008, 11999) ORDER BY id" | tr '\n' ' ')" "6 8 4008 11999 "
pg_create inv_skip
err=$("$DBIMPORT" --on-invalid=skip-row "$(pg_uri inv_skip)" "$WORK/invalid.json" 2>&1)
check_eq "--on-invalid=skip-row: exit 0" "$?" 0
check_contains "--on-invalid=skip-row: counted" "$err" '4 rows with a value the target cannot hold left out'
check_eq "--on-invalid=skip-row: those rows left out" \
    "$(pgq inv_skip "SELECT count(*), count(*) FILTER (WHERE id IN (7, 4007, 8007, 9999)) FROM inv")" "11996|0"
pg_create inv_err
"$DBIMPORT" "$(pg_uri inv_err)" "$WORK/invalid.json" 2>/dev/null
check_eq "without --on-invalid: an error" "$?" 1

# --on-invalid=null with rejected values of 0 and 1 bytes: \N is longer than
# they are (this used to loop for ever); a NOT NULL column that refuses the
# NULL too is an error, not another try.
"$SQLITE3" "$WORK/short.db" <<'SQL'
CREATE TABLE t (id INTEGER PRIMARY KEY, n INTEGER);
INSERT INTO t VALUES (1, 'x'), (2, ''), (3, 5);
CREATE TABLE u (id INTEGER PRIMARY KEY, n INTEGER NOT NULL);
INSERT INTO u VALUES (1, 'y');
SQL
"$DBEXPORT" -t t "$WORK/short.db" -f "$WORK/short_t.json"
"$DBEXPORT" -t u "$WORK/short.db" -f "$WORK/short_u.json"
pg_create short_t
err=$(timeout 120 "$DBIMPORT" --on-invalid=null "$(pg_uri short_t)" "$WORK/short_t.json" 2>&1)
check_eq "--on-invalid=null, short values: exit 0" "$?" 0
check_eq "--on-invalid=null, short values: NULLs" \
    "$(pgq short_t "SELECT string_agg(id || ':' || coalesce(n::text, 'null'), ',' ORDER BY id) FROM t")" "1:null,2:null,3:5"
pg_create short_u
err=$(timeout 120 "$DBIMPORT" --on-invalid=null "$(pg_uri short_u)" "$WORK/short_u.json" 2>&1)
check_eq "--on-invalid=null, NOT NULL: exit 1, not a hang" "$?" 1
check_contains "--on-invalid=null, NOT NULL: says why" "$err" "not-null"
check_eq "--on-invalid=null, NOT NULL: nothing created" \
    "$(pgq short_u "SELECT count(*) FROM pg_tables WHERE tablename = 'u'")" 0

# With --on-conflict the rows go through a staging table and the server
# judges them together: a refused row must not have its contents (here a
# secret) printed in the message ("Failing row contains (...)").
"$JQ" '.tables = {users: (.tables.users | .columns[1].nullable = true
         | .rows = [{"id": 77, "name": null, "email": "s3cret-token@x"}])}' "$WORK/a.json" >"$WORK/secret.json"
pg_checksums t >"$WORK/t3.sum"
err=$("$DBIMPORT" --on-conflict=skip "$(pg_uri t)" "$WORK/secret.json" 2>&1); rc=$?
check_eq "refused row under --on-conflict: exit 1" "$rc" 1
check_contains "refused row under --on-conflict: says why" "$err" "not-null"
case $err in *s3cret* | *"Failing row"*) not_ok "refused row under --on-conflict: no row contents in [$err]" ;; *) ok ;; esac
check "refused row under --on-conflict: target unchanged" same_files "$WORK/t3.sum" <(pg_checksums t)

# A partition's namespace is absent for the default schema, as a table's:
# a partition in public of a table in another schema comes back in public,
# with its own index (it used to be created in its parent's schema).
pg_create part
pgq part 'CREATE SCHEMA "Sales"; CREATE TABLE "Sales".m (id int, at date) PARTITION BY RANGE (at);
  CREATE TABLE "Sales".m_2023 PARTITION OF "Sales".m FOR VALUES FROM ($$2023-01-01$$) TO ($$2024-01-01$$);
  CREATE TABLE public.m_2024 PARTITION OF "Sales".m FOR VALUES FROM ($$2024-01-01$$) TO ($$2025-01-01$$);
  CREATE INDEX ON public.m_2024 (id); INSERT INTO "Sales".m VALUES (1, $$2023-05-01$$), (2, $$2024-05-01$$)' >/dev/null
"$DBEXPORT" --no-timestamp "$(pg_uri part)" -f "$WORK/part.json" 2>/dev/null
pg_create part2
check "a partition in the default schema: import" "$DBIMPORT" "$(pg_uri part2)" "$WORK/part.json"
check_eq "a partition in the default schema: each in its schema, with its index" \
    "$(pgq part2 "SELECT string_agg(c.relnamespace::regnamespace || '.' || c.relname || ':' || (SELECT count(*) FROM pg_index i WHERE i.indrelid = c.oid), ',' ORDER BY c.relname) FROM pg_class c WHERE c.relname LIKE 'm\_2%' AND c.relkind = 'r'")" \
    '"Sales".m_2023:0,public.m_2024:1'

report
