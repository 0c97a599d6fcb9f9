#!/usr/bin/env bash
# --commit=table --privileges into PostgreSQL, killed with -9 after its
# first commit, then --resume --privileges: the resumed run knows from the
# record which schemas, sequences and functions the killed one created, and
# treats them as its own, so the target ends exactly as after an import that
# was never killed: the same pg_dump --schema-only (owners, grants,
# comments), the same ACLs, sequence values and OWNED BY; a later table's
# default may still draw on a sequence, and call a function, that the
# killed run created; a table it created gets its owner, grants and row
# security. A SQLite file's user_version, kept beside the tables the killed
# run created, is not said to be lost, and a table resumed in its rows gets
# its unnamed CHECK and its index (under --max-errors too). A SQLite target resumed
# so ends as one import. And --dry-run --privileges meets the roles a
# view's, a sequence's, a function's and a schema's owner and grants name
# as the real run does, with the same warnings.
. "$(dirname "$0")/lib.sh"
need_pg
need "$JQ"
need pg_dump
need "$SQLITE3"

owner=${PG_PREFIX}_owner
reader=${PG_PREFIX}_reader
psql -X -q -d postgres -c "CREATE ROLE \"$owner\"; CREATE ROLE \"$reader\"" >/dev/null
trap 'pg_cleanup; psql -X -q -d postgres -c "DROP ROLE IF EXISTS \"$owner\"; DROP ROLE IF EXISTS \"$reader\"" >/dev/null; rm -rf "$WORK"' EXIT

# Tables in key order: app.a, app.b, app.c. app.b's default draws on the
# stand-alone sequence app.tickets, app.c's on app.a's serial sequence, and
# both app.a and app.c have a default calling the file's app.double_it.
pg_create src
pgq src "CREATE SCHEMA app;
  COMMENT ON SCHEMA app IS 'the application';
  ALTER SCHEMA app OWNER TO $owner;
  GRANT USAGE ON SCHEMA app TO $reader;
  CREATE SEQUENCE app.tickets START 100;
  ALTER SEQUENCE app.tickets OWNER TO $owner;
  GRANT USAGE ON SEQUENCE app.tickets TO $reader;
  CREATE FUNCTION app.double_it(x int) RETURNS int LANGUAGE sql IMMUTABLE AS 'SELECT x * 2';
  COMMENT ON FUNCTION app.double_it(int) IS 'twice x';
  ALTER FUNCTION app.double_it(int) OWNER TO $owner;
  REVOKE EXECUTE ON FUNCTION app.double_it(int) FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION app.double_it(int) TO $reader;
  CREATE TABLE app.a (id serial PRIMARY KEY, n int DEFAULT app.double_it(21));
  CREATE TABLE app.b (id bigint DEFAULT nextval('app.tickets') PRIMARY KEY, note text);
  CREATE TABLE app.c (id int DEFAULT nextval('app.a_id_seq') PRIMARY KEY, twice int DEFAULT app.double_it(2));
  CREATE SEQUENCE app.counter OWNED BY app.a.n;
  ALTER TABLE app.a OWNER TO $owner;
  GRANT SELECT ON app.a TO $reader;
  ALTER TABLE app.a ENABLE ROW LEVEL SECURITY;
  CREATE POLICY small ON app.a USING (n < 100);
  CREATE VIEW app.v AS SELECT id, n FROM app.a;
  COMMENT ON VIEW app.v IS 'a view';
  ALTER VIEW app.v OWNER TO $owner;
  GRANT SELECT ON app.v TO $reader;
  SELECT setval('app.tickets', 4242);
  INSERT INTO app.a (n) SELECT g FROM generate_series(1, 30) g;
  INSERT INTO app.b (note) SELECT 'note ' || g FROM generate_series(1, 400) g;
  INSERT INTO app.c (twice) SELECT g FROM generate_series(1, 20) g;
  SELECT setval('app.counter', 77);" >/dev/null
"$DBEXPORT" --privileges "$(pg_uri src)" -f "$WORK/src.json"
check_eq "fixture: a schema, two stand-alone sequences, a function and a view, all with privileges" \
    "$("$JQ" -r '[.schemas[], .sequences[], .functions[], .views[] | select(.privileges) | .name] | sort | join(",")' "$WORK/src.json")" \
    "app,app.v,counter,double_it,tickets"

record() { pgq "$1" "SELECT string_agg(name || ' ' || rows_done || ' ' || left(done::text, 1), ',' ORDER BY name)
                     FROM public.dbimport_progress WHERE kind = 'table'" 2>/dev/null; }
record_uri() { record "${1##*/${PG_PREFIX}_}"; }
idle() {
    for _ in $(seq 1 100); do
        [ "$(pgq "$1" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'dbimport'")" = 0 ] && break
        sleep 0.1
    done
}
rows_line() { grep -n '^      "rows": \[' "$1" | sed -n "$2p" | cut -d: -f1; }

# What must be equal: the schema as pg_dump writes it (owners, grants,
# comments, defaults, OWNED BY), and what it leaves out: the sequences' values.
state() {
    pg_dump --schema-only --no-tablespaces -d "$(pg_name "$1")" | grep -v '^-- Dumped' | grep -v '^\\\(un\)\?restrict '
    pgq "$1" "SELECT 'acl ' || nspname || ' ' || pg_get_userbyid(nspowner) || ' ' || coalesce(nspacl::text, '-')
                FROM pg_namespace WHERE nspname = 'app'
              UNION ALL SELECT 'acl ' || c.oid::regclass || ' ' || pg_get_userbyid(c.relowner) || ' ' || coalesce(c.relacl::text, '-')
                FROM pg_class c WHERE c.relnamespace = 'app'::regnamespace
              UNION ALL SELECT 'acl ' || p.oid::regprocedure || ' ' || pg_get_userbyid(p.proowner) || ' ' || coalesce(p.proacl::text, '-')
                FROM pg_proc p WHERE p.pronamespace = 'app'::regnamespace
              UNION ALL SELECT 'comment ' || coalesce(obj_description('app'::regnamespace, 'pg_namespace'), '-')
                || ' ' || coalesce(obj_description('app.double_it(int)'::regprocedure, 'pg_proc'), '-')
                || ' ' || coalesce(obj_description('app.v'::regclass, 'pg_class'), '-')
              ORDER BY 1"
    local q
    for q in $(pgq "$1" "SELECT c.oid::regclass FROM pg_class c WHERE c.relkind = 'S'
                         AND c.relnamespace = 'app'::regnamespace ORDER BY 1"); do
        pgq "$1" "SELECT 'sequence $q ' || last_value || ' ' || is_called FROM $q"
    done
}

# The import never killed.
pg_create whole
"$DBIMPORT" --commit=table --privileges "$(pg_uri whole)" "$WORK/src.json" 2>"$WORK/whole.err"
check_eq "never killed: exit 0" "$?" 0
state whole >"$WORK/whole.state"
check_contains "never killed: the schema's owner and grants" "$(cat "$WORK/whole.state")" \
    "acl app $owner {$owner=UC/$owner,$reader=U/$owner}"
check_contains "never killed: the sequence's value" "$(cat "$WORK/whole.state")" "sequence app.tickets 4642 true"

# Killed once app.a is committed, in app.b's rows; then resumed.
pg_create resumed
b_at=$(rows_line "$WORK/src.json" 2)
kill_import_at "$(pg_uri resumed)" "$WORK/src.json" $((b_at + 200)) "app.a 30 t" record_uri --commit=table --privileges
idle resumed
check_eq "killed after the first commit: the record says app.a" "$got" "app.a 30 t"
check_eq "killed after the first commit: the record names what it created" \
    "$(pgq resumed "SELECT string_agg(kind, ',' ORDER BY kind, name) FROM public.dbimport_progress WHERE kind LIKE 'created_%'")" \
    "created_function,created_schema,created_sequence,created_sequence,created_sequence"
"$DBIMPORT" --commit=table --resume --privileges "$(pg_uri resumed)" "$WORK/src.json" 2>"$WORK/resume.err"
check_eq "resumed: exit 0" "$?" 0
check_contains "resumed: app.a skipped" "$(cat "$WORK/resume.err")" \
    'table "app.a": loaded by the unfinished import (30 rows): skipped'
state resumed >"$WORK/resumed.state"
if same_files "$WORK/whole.state" "$WORK/resumed.state"; then ok; else
    not_ok "resumed: pg_dump --schema-only, ACLs, comments and sequence values as never killed"
    diff "$WORK/whole.state" "$WORK/resumed.state" >&2
fi
"$DBDIFF" "$(pg_uri src)" "$(pg_uri resumed)" >/dev/null 2>&1
check_eq "resumed: dbdiff source target: equal" "$?" 0
check_eq "resumed: the file's schema, sequences and function are this import's, not the target's" \
    "$(grep -c 'the target has it\|OWNED BY .* not set\|owner and grants not applied' "$WORK/resume.err")" 0
check_eq "resumed: the same warnings as never killed" \
    "$(grep 'warning:' "$WORK/resume.err" | sort)" "$(grep 'warning:' "$WORK/whole.err" | sort)"
check_eq "resumed: the owners and grants, one by one" \
    "$(pgq resumed "SELECT pg_get_userbyid(nspowner), has_schema_privilege('$reader', 'app', 'USAGE')
                      FROM pg_namespace WHERE nspname = 'app';
                    SELECT pg_get_userbyid(relowner), has_sequence_privilege('$reader', 'app.tickets', 'USAGE')
                      FROM pg_class WHERE oid = 'app.tickets'::regclass;
                    SELECT pg_get_userbyid(proowner), has_function_privilege('$reader', 'app.double_it(int)', 'EXECUTE'),
                           has_function_privilege('public', 'app.double_it(int)', 'EXECUTE')
                      FROM pg_proc WHERE oid = 'app.double_it(int)'::regprocedure")" \
    "$(printf '%s|t\n%s|t\n%s|t|f' "$owner" "$owner" "$owner")"
check_eq "resumed: the stand-alone sequences' values, OWNED BY too" \
    "$(pgq resumed "SELECT last_value FROM app.tickets; SELECT last_value FROM app.counter;
                    SELECT d.refobjid::regclass || '.' || a.attname FROM pg_depend d JOIN pg_attribute a
                      ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                      WHERE d.objid = 'app.counter'::regclass AND d.deptype = 'a'")" \
    "$(printf '4642\n77\napp.a.n')"
check_eq "resumed: the next values" \
    "$(pgq resumed "INSERT INTO app.b (note) VALUES ('x') RETURNING id; INSERT INTO app.c DEFAULT VALUES RETURNING id, twice" | grep -v '^INSERT')" \
    "$(printf '4643\n51|4')"
check_eq "resumed: the progress table is gone" \
    "$(pgq resumed "SELECT to_regclass('public.dbimport_progress') IS NULL")" t

# A SQLite file's user_version is kept in _dbexport_origin beside the
# tables; killed in the last table, every table is the killed run's.
"$SQLITE3" "$WORK/s.db" "PRAGMA user_version = 7;
  CREATE TABLE t1 (id INTEGER PRIMARY KEY, v TEXT);
  CREATE TABLE t2 (id INTEGER PRIMARY KEY, v TEXT CHECK (v <> ''), w TEXT);
  CREATE INDEX t2_w ON t2 (w);
  WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 1500)
  INSERT INTO t2 SELECT i, 'v' || i, 'w' || i FROM g;
  INSERT INTO t1 SELECT id, v FROM t2 WHERE id <= 100;"
"$DBEXPORT" "$WORK/s.db" -f "$WORK/s.json"
origin() { pgq "$1" "SELECT string_agg(kind || ' ' || tbl || ' ' || name || ' ' || value::text, ',' ORDER BY kind, tbl, name)
                     FROM public._dbexport_origin"; }
pg_create swhole
"$DBIMPORT" "$(pg_uri swhole)" "$WORK/s.json" 2>/dev/null
pg_create sresumed
t2_at=$(rows_line "$WORK/s.json" 2)
kill_import_at "$(pg_uri sresumed)" "$WORK/s.json" $((t2_at + 1200)) "t1 100 t,t2 1000 f" record_uri
idle sresumed
check_eq "SQLite file: killed in the last table" "$got" "t1 100 t,t2 1000 f"
"$DBIMPORT" --commit=500 --resume "$(pg_uri sresumed)" "$WORK/s.json" 2>"$WORK/sresume.err"
check_eq "SQLite file resumed: exit 0" "$?" 0
check_eq "SQLite file resumed: user_version not said to be lost" \
    "$(grep -c 'user_version' "$WORK/sresume.err")" 0
check_eq "SQLite file resumed: _dbexport_origin as never killed" "$(origin sresumed)" "$(origin swhole)"
check_contains "SQLite file resumed: user_version kept" "$(origin sresumed)" 'database   {"user_version": 7}'
# t2, resumed in its rows, gets its unnamed CHECK and its index at its end
# as one created now (under --max-errors, its key and CHECK came before its
# rows, in the killed run, and its index after them)
post() { pgq "$1" "SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), ', ' ORDER BY conname)
                     || ' ' || (SELECT string_agg(indexname, ',' ORDER BY indexname) FROM pg_indexes
                                WHERE tablename = 't2') FROM pg_constraint WHERE conrelid = 'public.t2'::regclass"; }
check_eq "SQLite file resumed: the keys, CHECKs and indexes of the table resumed in its rows" \
    "$(post sresumed)" "$(post swhole)"
check_contains "SQLite file resumed: ... the unnamed CHECK too" "$(post sresumed)" "CHECK ((v <> ''::text))"
pg_create smax
kill_import_at "$(pg_uri smax)" "$WORK/s.json" $((t2_at + 1200)) "t1 100 t,t2 1000 f" record_uri --max-errors=10
idle smax
"$DBIMPORT" --commit=500 --max-errors=10 --resume "$(pg_uri smax)" "$WORK/s.json" 2>"$WORK/smax.err"
check_eq "--max-errors, resumed in the rows: exit 0" "$?" 0
check_eq "--max-errors, resumed in the rows: the keys, CHECKs and indexes" "$(post smax)" "$(post swhole)"

# A SQLite target resumed ends as one import (its views and triggers come
# at the end, and it has no schemas, sequences or functions to remember).
"$DBIMPORT" "$WORK/whole.db" "$WORK/src.json" 2>/dev/null
srecord() { "$SQLITE3" "$1" "SELECT group_concat(name || ' ' || rows_done || ' ' || done, ',') FROM
                             (SELECT * FROM dbimport_progress WHERE kind = 'table' ORDER BY name)" 2>/dev/null; }
kill_import_at "$WORK/resumed.db" "$WORK/src.json" $((b_at + 200)) "app.a 30 1" srecord --commit=table
check_eq "SQLite target: killed after the first commit" "$got" "app.a 30 1"
"$DBIMPORT" --commit=table --resume "$WORK/resumed.db" "$WORK/src.json" 2>"$WORK/lite.err"
check_eq "SQLite target resumed: exit 0" "$?" 0
check_eq "SQLite target resumed: the schema as one import's" \
    "$("$SQLITE3" "$WORK/resumed.db" .schema)" "$("$SQLITE3" "$WORK/whole.db" .schema)"
check_eq "SQLite target resumed: the rows and counters as one import's" \
    "$(fingerprint "$WORK/resumed.db")" "$(fingerprint "$WORK/whole.db")"

# --dry-run --privileges: the roles the objects' owners and grants name,
# which the target lacks, are met as by the real run.
"$JQ" --arg r "$reader" '(.schemas[], .sequences[], .functions[], .views[] | select(.privileges) | .privileges.owner) = "nosuch_owner"
       | (.schemas[], .sequences[], .functions[], .views[] | .privileges.grants[]? | select(.grantee == $r) | .grantee) = "nosuch_reader"' \
    "$WORK/src.json" >"$WORK/roles.json"
pg_create dry
"$DBIMPORT" --dry-run --privileges -v "$(pg_uri dry)" "$WORK/roles.json" >/dev/null 2>"$WORK/dry.err"
check_eq "--dry-run, missing roles: exit 0" "$?" 0
check_eq "--dry-run, missing roles: nothing written" "$(pgq dry "SELECT to_regnamespace('app') IS NULL")" t
pg_create real
"$DBIMPORT" --privileges -v "$(pg_uri real)" "$WORK/roles.json" >/dev/null 2>"$WORK/real.err"
check_eq "the real run, missing roles: exit 0" "$?" 0
for subject in 'schema "app"' 'sequence "app.tickets"' 'function "app.double_it(integer)"' 'view "app.v"'; do
    check_contains "--dry-run: $subject's missing owner said" "$(cat "$WORK/dry.err")" \
        "$subject: owner \"nosuch_owner\" not set: the role does not exist in the target"
    check_contains "--dry-run: $subject's missing grantee said" "$(cat "$WORK/dry.err")" \
        "$subject: grant to \"nosuch_reader\" left out: the role does not exist in the target"
done
check_eq "--dry-run: the real run's warnings" \
    "$(grep 'warning:' "$WORK/dry.err" | sort)" "$(grep 'warning:' "$WORK/real.err" | sort)"
"$DBIMPORT" --dry-run -v "$(pg_uri dry)" "$WORK/src.json" >/dev/null 2>"$WORK/dry.err"
pg_create plain
"$DBIMPORT" -v "$(pg_uri plain)" "$WORK/src.json" >/dev/null 2>"$WORK/plain.err"
check_contains "--dry-run without --privileges: a function's owner and grants not applied, said" \
    "$(cat "$WORK/dry.err")" 'function "app.double_it(integer)": owner and grants not applied (--privileges applies them)'
check_eq "--dry-run without --privileges: the real run's warnings" \
    "$(grep 'warning:' "$WORK/dry.err" | sort)" "$(grep 'warning:' "$WORK/plain.err" | sort)"

report
