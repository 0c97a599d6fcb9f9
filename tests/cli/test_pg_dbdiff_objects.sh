#!/usr/bin/env bash
# dbdiff compares everything the format carries, each as its own kind:
# functions and procedures, comments (tables, columns, views, types,
# functions), row-level security and policies, owners and grants of tables,
# views, materialized views, sequences and functions (with --privileges, or
# when both files carry them), stand-alone sequences and
# an identity's options, exclusion constraints, INCLUDE and NULLS NOT
# DISTINCT, a partition's own indexes, domains' constraint names
# (pg/routines*.sql and pg/dbdiff_objects.sql, awkward names in several
# schemas). A PostgreSQL -> PostgreSQL copy is equal (exit 0); then each
# change in the target is found and named, in the text and in
# --format=json (exit 1); through SQLite, which has none of them, they are
# expected across backends, not differences.
. "$(dirname "$0")/lib.sh"
: "${DBDIFF:?}"
need "$JQ"
need "$SQLITE3"
need_pg
PGFIX=$(cd "$(dirname "$0")/pg" && pwd)

reader=${PG_PREFIX}_reader
psql -X -q -d postgres -c "CREATE ROLE $reader" >/dev/null
trap 'pg_cleanup; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $reader" >/dev/null 2>&1; rm -rf "$WORK"' EXIT

run() { # run NAME ARGS...: dbdiff ARGS; sets $rc, $out, $err
    local name=$1
    shift
    set +e
    "$DBDIFF" "$@" >"$WORK/$name.out" 2>"$WORK/$name.err"
    rc=$?
    set -e
    out=$(cat "$WORK/$name.out")
    err=$(cat "$WORK/$name.err")
}
set -e

pg_create src
psql -X -q -v ON_ERROR_STOP=1 -v reader="$reader" -d "$(pg_name src)" \
    -f "$PGFIX/routines.sql" -f "$PGFIX/routines_functions.sql" -f "$PGFIX/dbdiff_objects.sql" >/dev/null
"$DBEXPORT" --privileges --no-timestamp "$(pg_uri src)" -f "$WORK/a.json"
check_eq "fixture: the file carries functions, a sequence, policies, grants" \
    "$("$JQ" -c '[(.functions | length), (.sequences | length),
        (.tables["Tenant Data.docs \"x\""] | .row_security.policies | length),
        (.tables["Tenant Data.docs \"x\""] | .privileges.grants | length > 0)]' "$WORK/a.json")" '[6,1,2,true]'
pg_create dst
"$DBIMPORT" -q --privileges "$(pg_uri dst)" "$WORK/a.json"

# ---- equal -------------------------------------------------------------------
run eq --privileges "$(pg_uri src)" "$(pg_uri dst)"
check_eq "PG -> PG, --privileges: equal, exit 0 [$out$err]" "$rc" 0
check_contains "PG -> PG: nothing expected either" "$out" "0 schema differences; 0 expected"
run eq "$(pg_uri src)" "$(pg_uri dst)"
check_eq "PG -> PG: equal, exit 0 [$out$err]" "$rc" 0
run eq "$WORK/a.json" "$(pg_uri dst)"
check_eq "the file and the copy (grants on one side only: not compared): exit 0 [$out$err]" "$rc" 0
run eq --privileges "$WORK/a.json" "$(pg_uri dst)"
check_eq "the file and the copy, --privileges: exit 0 [$out$err]" "$rc" 0

# ---- each change in the target, found ------------------------------------------
docs='"Tenant Data"."docs ""x"""'
T='table "Tenant Data.docs "x"": '
# change NAME SQL WANT: apply SQL to the target; dbdiff --privileges finds WANT
# (a line of the report), exits 1, and names WANT's kind in --format=json.
change() {
    local name=$1 sql=$2 want=$3 kind=$4
    pgq dst "$sql" >/dev/null
    run "$name" --privileges "$(pg_uri src)" "$(pg_uri dst)"
    check_eq "$name: exit 1 [$err]" "$rc" 1
    check_contains "$name: found" "$out" "$want"
    run "$name.json" --privileges --format=json "$(pg_uri src)" "$(pg_uri dst)"
    check_eq "$name: --format=json: exit 1 [$err]" "$rc" 1
    check_eq "$name: --format=json names the kind \"$kind\"" \
        "$("$JQ" --arg k "$kind" '[(.tables[].schema // [])[], (.objects // [])[] | select(.kind == $k)] | length > 0' "$WORK/$name.json.out")" true
}
change "a dropped procedure" "DROP PROCEDURE \"Odd \"\"Schema\"\"\".\"reset it\"" \
    'procedure "Odd "Schema".reset it(IN keep integer)": only in A' procedure
change "a changed function" "CREATE OR REPLACE FUNCTION app.\"twice \"\"x\"\"\"(x integer) RETURNS integer
        LANGUAGE sql IMMUTABLE RETURN x * 3" \
    'function "app.twice "x"(x integer)": its definition differs' function
change "a function's comment" "COMMENT ON FUNCTION app.\"twice \"\"x\"\"\"(integer) IS 'changed'" \
    'comment "function app.twice "x"(x integer)": "twice, as SQL says it" -> "changed"' comment
change "a table's comment" "COMMENT ON TABLE $docs IS NULL" \
    "${T}comment: \"one tenant's documents\" -> (none)" comment
change "a column's comment" "COMMENT ON COLUMN $docs.body IS 'b'" \
    "${T}comment \"body\": \"the text\\x0aitself\" -> \"b\"" comment
change "a view's comment" "COMMENT ON VIEW app.\"things \"\"view\"\"\" IS 'v'" \
    "comment \"view app.things \"view\"\": \"a view: x'); DROP VIEW app.x; --\" -> \"v\"" comment
change "a type's comment" "COMMENT ON TYPE app.outer_t IS NULL" \
    "comment \"composite type app.outer_t\": \"nested: x'); DROP TABLE app.things; --\" -> (none)" comment
change "a dropped policy" "DROP POLICY readers ON $docs" \
    "${T}policy \"readers\": permissive for select to $reader using ((body <> 'y'::text)) only in A" policy
change "a changed policy" "ALTER POLICY \"tenant isolation\" ON $docs USING (true)" \
    "${T}policy \"tenant isolation\": permissive for all to public using ((tenant = " policy
change "row security no longer forced" "ALTER TABLE $docs NO FORCE ROW LEVEL SECURITY" \
    "${T}row security: enabled, forced -> enabled" "row security"
change "a revoked grant" "REVOKE UPDATE ON $docs FROM $reader" \
    "${T}privileges: grants: $reader: select, update; " privileges
change "a revoked column grant" "REVOKE SELECT (body) ON $docs FROM PUBLIC" \
    "${T}privileges \"body\": column grants: public: select -> (none)" privileges
change "a sequence's option" "ALTER SEQUENCE \"Tenant Data\".\"ticket no\" INCREMENT 3" \
    'sequence "Tenant Data.ticket no": as integer start 1000 increment 7 ' sequence
change "a sequence's value" "SELECT setval('\"Tenant Data\".\"ticket no\"', 1021)" \
    'cycle owned by docs "x".id, last value 1014 -> ' sequence
change "an identity's increment" "ALTER TABLE $docs ALTER COLUMN id SET INCREMENT BY 2" \
    "${T}sequence \"id\": sequence name docs \"x\"_id_seq start 100 increment 5 " sequence
change "a dropped exclusion constraint" "ALTER TABLE $docs DROP CONSTRAINT \"no overlap\"" \
    "${T}exclusion \"no overlap\": exclude using gist (during with pg_catalog.&&) only in A" exclusion
change "an index without its INCLUDE" "DROP INDEX \"Tenant Data\".\"docs by tenant\";
        CREATE INDEX \"docs by tenant\" ON $docs (tenant)" \
    "${T}index \"docs by tenant\": (tenant) include (body) -> (tenant)" index
change "a unique key without NULLS NOT DISTINCT" "ALTER TABLE $docs DROP CONSTRAINT \"tenant body\";
        ALTER TABLE $docs ADD CONSTRAINT \"tenant body\" UNIQUE (tenant, body) INCLUDE (id)" \
    "${T}key \"tenant body\": unique (tenant, body) include (id) nulls not distinct -> (tenant, body) include (id)" key
change "a partition's index dropped" "DROP INDEX app.\"events_2024 by at\"" \
    "table \"app.events\": partitioning: partition app.events_2024: FOR VALUES FROM ('2024-01-01') TO ('2025-01-01'); check positive id ((id > 0)); index events_2024 by at (at) -> " partitioning
change "a sub-partition detached" "ALTER TABLE app.events_2025 DETACH PARTITION app.events_2025_odd" \
    "partitioned by list id: [app.events_2025_odd FOR VALUES IN (1, 3, 5), app.events_2025_rest DEFAULT] -> FOR VALUES FROM ('2025-01-01') TO ('2026-01-01'); partitioned by list id: [app.events_2025_rest DEFAULT]" partitioning
change "a materialized view's index" "DROP INDEX app.\"things count n\"" \
    'materialized view "app.things count": its indexes differ' "materialized view"
change "a materialized view's comment" "COMMENT ON MATERIALIZED VIEW app.\"things count\" IS NULL" \
    'comment "materialized view app.things count": "counted" -> (none)' comment
change "a domain's constraint renamed" "ALTER DOMAIN \"Odd \"\"Schema\"\"\".pos RENAME CONSTRAINT small TO little" \
    'domain "Odd "Schema".pos": domain over integer constraint pos is positive check ((VALUE > 0)) constraint small' domain
# (1.3) owners and grants outside the tables
change "a view's grant option revoked" "REVOKE GRANT OPTION FOR SELECT ON app.\"things \"\"view\"\"\" FROM $reader" \
    "privileges \"view app.things \"view\"\": grants: $reader: select (with grant option); " privileges
check_contains "a view's grant option revoked: what it became" "$(cat "$WORK/a view's grant option revoked.out")" \
    " -> $reader: select; "
change "a materialized view's grant revoked" "REVOKE SELECT ON app.\"things count\" FROM $reader" \
    "privileges \"materialized view app.things count\": grants: " privileges
change "a sequence's grant" "GRANT UPDATE ON SEQUENCE \"Tenant Data\".\"ticket no\" TO $reader" \
    "privileges \"sequence Tenant Data.ticket no\": grants: " privileges
check_contains "a sequence's grant: what it became" "$(cat "$WORK/a sequence's grant.out")" \
    " -> $reader: update, usage; "
change "a function's owner" "ALTER FUNCTION app.\"twice \"\"x\"\"\"(integer) OWNER TO $reader" \
    "privileges \"function app.twice \"x\"(x integer)\": owner: " privileges
run all --privileges "$(pg_uri src)" "$(pg_uri dst)"
check_contains "all of them at once: counted" "$out" "different: 4 tables: 1 equal, 2 different, 0 only in A, 1 only in B; 1 row differences, 27 schema differences"

# ---- through SQLite: expected, not differences -----------------------------------
"$DBIMPORT" -q "$WORK/x.db" "$WORK/a.json"
run sqlite --show-expected "$(pg_uri src)" "$WORK/x.db"
check_eq "PG vs its SQLite copy: exit 0 [$err]" "$rc" 0
for want in 'expected: function "app.touch()": only in A' \
    'expected: procedure "Odd "Schema".reset it(IN keep integer)": only in A' \
    'expected: sequence "Tenant Data.ticket no": as integer start 1000 ' \
    "${T}expected: comment: \"one tenant's documents\" -> (none)" \
    "${T}expected: comment \"body\": " \
    "${T}expected: row security: enabled, forced -> disabled" \
    "${T}expected: policy \"readers\": " \
    "${T}expected: exclusion \"no overlap\": " \
    "${T}expected: sequence \"id\": " \
    "${T}expected: index \"docs by tenant\": (tenant) include (body) -> (tenant)"; do
    check_contains "PG vs SQLite: $want" "$out" "$want"
done
run sqlite --privileges "$WORK/a.json" "$WORK/x.db"
check_eq "the file vs its SQLite copy, --privileges (SQLite has none: not compared): exit 0 [$out$err]" "$rc" 0

report
