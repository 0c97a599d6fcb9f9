#!/usr/bin/env bash
# An export file is untrusted input (docs/SECURITY.md). Hostile files of
# each class the threat model names, against a PostgreSQL target that holds
# an application's own tables, view, sequences and trigger, imported as the
# superuser and as an ordinary database owner: every import fails with a
# message naming what was refused, or (extensions) succeeds without doing
# what the file asked, and nothing outside the file's own new objects
# changes: schema (pg_dump --schema-only), rows, sequences, roles and
# extensions are exactly as they were.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need pg_dump
need_pg

# ---- the source: a small application, exported once -------------------------
pg_create src
pgq src "CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RETURN NEW; END\$\$;
  CREATE TABLE things (id serial PRIMARY KEY, name text NOT NULL DEFAULT 'n',
                       score int CHECK (score > 0));
  CREATE INDEX things_lower ON things (lower(name));
  INSERT INTO things (name, score) VALUES ('a', 1), ('b', 2);
  CREATE VIEW things_v AS SELECT id, name FROM things;
  CREATE TRIGGER things_touch BEFORE UPDATE ON things FOR EACH ROW EXECUTE FUNCTION touch();
  CREATE TABLE parts (id int, k text) PARTITION BY LIST (lower(k));
  CREATE TABLE parts_a PARTITION OF parts FOR VALUES IN ('a', 'b');
  CREATE TABLE ranges (id int) PARTITION BY RANGE (id);
  CREATE TABLE ranges_lo PARTITION OF ranges FOR VALUES FROM (MINVALUE) TO ((1 + 1) * 5);
  INSERT INTO parts VALUES (1, 'A'); INSERT INTO ranges VALUES (3);" >/dev/null
check "fixture: export the source" "$DBEXPORT" "$(pg_uri src)" -f "$WORK/base.json"

# ---- the target: an application's own objects --------------------------------
app_schema="CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS \$\$BEGIN RETURN NEW; END\$\$;
  CREATE TABLE app_accounts (id serial PRIMARY KEY, email text NOT NULL);
  INSERT INTO app_accounts (email) SELECT 'u' || g || '@x' FROM generate_series(1, 5) g;
  SELECT setval('app_accounts_id_seq', 1000);
  CREATE VIEW app_view AS SELECT id FROM app_accounts;
  CREATE SEQUENCE app_seq START 500; SELECT nextval('app_seq');
  CREATE TRIGGER app_touch BEFORE UPDATE ON app_accounts FOR EACH ROW EXECUTE FUNCTION touch();
  CREATE FUNCTION app_secret(text) RETURNS text LANGUAGE sql IMMUTABLE AS \$\$SELECT \$1\$\$;
  CREATE FUNCTION app_eq(text, text) RETURNS bool LANGUAGE sql IMMUTABLE AS \$\$SELECT \$1 = \$2\$\$;
  CREATE OPERATOR public.=== (LEFTARG = text, RIGHTARG = text, FUNCTION = app_eq);"

# state NAME: everything a hostile import must leave as it was.
state() {
    pg_dump --schema-only -d "$(pg_name "$1")" | grep -v '^\\\(un\)\{0,1\}restrict'
    pg_checksums "$1"
    pgq "$1" "SELECT 'seq', last_value, is_called FROM app_seq
              UNION ALL SELECT 'acc', last_value, is_called FROM app_accounts_id_seq"
    pgq "$1" "SELECT string_agg(rolname, ',' ORDER BY rolname) FROM pg_roles"
    pgq "$1" "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension"
}

# hostile NAME JQ-FILTER WANT [DBIMPORT OPTION...]: the file is refused with
# exit 1, the message contains WANT, and the target is as it was.
hostile() {
    local name=$1 filter=$2 want=$3 err rc
    shift 3
    "$JQ" "$filter" "$WORK/base.json" >"$WORK/$name.json" || { not_ok "$name: jq"; return; }
    err=$("$DBIMPORT" "$@" "$target_uri" "$WORK/$name.json" 2>&1); rc=$?
    check_eq "$as: $name: exit 1" "$rc" 1
    check_contains "$as: $name: says why" "$err" "$want"
    state "$target" >"$WORK/after"
    if ! same_files "$WORK/before" "$WORK/after"; then
        not_ok "$as: $name: target unchanged"
        reset_target # so that the next case starts from the application alone
    fi
}

# reset_target: the target database again as the application made it.
reset_target() {
    psql -X -q -d postgres -c "DROP ROLE IF EXISTS pwn" -c "DROP ROLE IF EXISTS pwn2" >/dev/null
    dropdb --force "$(pg_name "$target")"
    createdb -O "$role" "$(pg_name "$target")"
    PGUSER=$role pgq "$target" "$app_schema" >/dev/null
    state "$target" >"$WORK/before"
}

run_all() { # run_all LABEL DATABASE URI ROLE
    as=$1 target=$2 target_uri=$3 role=$4
    state "$target" >"$WORK/before"

    # Native objects that are not what they claim.
    hostile view-replaces-app-view '.views = [{"name": "app_view",
        "sql": "CREATE OR REPLACE VIEW public.app_view AS SELECT 666 AS id"}]' 'view "app_view"'
    hostile view-is-a-table '.views = [{"name": "pwn", "sql": "CREATE TABLE public.pwn AS SELECT 1"}]' 'view "pwn"'
    hostile view-is-a-role '.views = [{"name": "pwn", "sql": "CREATE ROLE pwn SUPERUSER"}]' 'view "pwn"'
    hostile view-is-a-function '.views = [{"name": "pwn",
        "sql": "CREATE FUNCTION public.pwn() RETURNS int LANGUAGE sql AS $$SELECT 1$$"}]' 'view "pwn"'
    hostile view-materialized '.views = [{"name": "m",
        "sql": "CREATE MATERIALIZED VIEW public.m AS SELECT pg_read_file($$/etc/hostname$$)"}]' 'view "m"'
    hostile view-elsewhere '.views = [{"name": "v2", "sql": "CREATE VIEW pg_temp.v2 AS SELECT 1"}]' 'view "v2"'
    hostile trigger-on-app-table '.triggers = [{"name": "evil", "table": "app_accounts",
        "sql": "CREATE TRIGGER evil BEFORE INSERT ON public.app_accounts FOR EACH ROW EXECUTE FUNCTION touch()"}]' 'trigger "evil"'
    hostile trigger-says-other-table '.triggers = [{"name": "evil", "table": "things",
        "sql": "CREATE TRIGGER evil BEFORE INSERT ON public.app_accounts FOR EACH ROW EXECUTE FUNCTION touch()"}]' 'trigger "evil"'
    hostile index-on-app-table '.tables.things.indexes[0].sql = "CREATE INDEX things_lower ON public.app_accounts USING btree (lower(email))"' 'index "things_lower"'

    # Names and types are never pasted.
    hostile type-with-default '.tables.things.columns[1].native_type = "text DEFAULT pg_read_file($$/etc/hostname$$)"' 'native_type'
    hostile type-with-statement '.tables.things.columns[1].native_type = "text); CREATE ROLE pwn2 SUPERUSER; --"' 'native_type'
    hostile collation-injection '.tables.things.columns[1].collation = "\"C\", evil text DEFAULT pg_read_file($$/etc/hostname$$)"' 'collation'
    # (header keys precede "tables": jq appends new keys, so tables go last again)
    hostile domain-base-injection '.tables as $t | del(.tables) + {domains: [{"name": "d1", "nullable": true,
        "base_type": "text DEFAULT pg_read_file($$/etc/hostname$$)"}], tables: $t}' 'base_type'
    hostile composite-attribute-injection '.tables as $t | del(.tables) + {composites: [{"name": "c1",
        "attributes": [{"name": "a", "type": "int); CREATE ROLE pwn SUPERUSER; CREATE TYPE c2 AS (b int"}]}], tables: $t}' 'composite type "c1": attribute "a"'
    hostile composite-attribute-collation '.tables as $t | del(.tables) + {composites: [{"name": "c1",
        "attributes": [{"name": "a", "type": "text", "collation": "\"C\", b text DEFAULT pg_read_file($$/etc/hostname$$)"}]}], tables: $t}' 'cannot create type "public.c1": collation'
    # (a check's name is quoted, so only its length can be wrong: PostgreSQL
    # would cut it into another's name)
    hostile domain-check-name-too-long '.tables as $t | del(.tables) + {domains: [{"name": "d3", "nullable": true,
        "base_type": "int", "checks": ["VALUE > 0"], "check_names": ["c\u0022 CHECK (true); CREATE ROLE pwn; -- and more and more and more words"]}], tables: $t}' 'check name'
    hostile header-after-tables '.extensions = ["dblink"]' '"extensions" comes after "tables"'
    hostile check-breaks-out '.tables.things.constraints.checks[0].expression = "true) NOT VALID, CONSTRAINT c2 CHECK (true"' 'expression'
    hostile default-breaks-out '.tables.things.columns[1].default = "$$n$$ CHECK (pg_read_file($$/etc/hostname$$) <> $$$$)"' 'default'
    hostile index-expression-breaks-out '.tables.things.indexes[0] |= (del(.sql) | .parts[0].expression = "lower(name)), (pg_read_file($$/etc/hostname$$)")' 'expression'

    # What expressions call: only built-in functions that change nothing.
    hostile default-reads-a-file '.tables.things.columns[1] |= (.default = "pg_read_file($$/etc/hostname$$)")
        | .tables.things.rows |= map(del(.name))' 'calls pg_read_file'
    hostile check-writes-a-file '.tables.things.constraints.checks[0].expression = "lo_export(0, $$/tmp/pwn$$) > 0"' 'calls lo_export'
    hostile index-calls-app-function '.tables.things.indexes[0] |= (del(.sql) | .parts[0].expression = "public.app_secret(name)")' 'calls public.app_secret(text)'
    hostile domain-check-reads-a-file '.tables as $t | del(.tables) + {domains: [{"name": "d2", "nullable": true,
        "base_type": "text", "checks": ["length(pg_read_file($$/etc/hostname$$)) > 0"]}], tables: $t}' 'calls pg_read_file'

    # Functions (1.3): one CREATE of the declared function, nothing else;
    # what an expression calls of them is checked like the expression.
    fn() { # fn NAME SQL [LANGUAGE]: a functions entry, public schema, no arguments
        printf '{"name": "%s", "kind": "function", "arguments": "", "result": "integer", "language": "%s", "sql": "%s"}' \
            "$1" "${3:-sql}" "$2"
    }
    hostile function-security-definer ".functions = [$(fn f1 'CREATE FUNCTION public.f1() RETURNS integer LANGUAGE sql SECURITY DEFINER AS $$SELECT 1$$')]" 'SECURITY DEFINER'
    hostile function-other-name ".functions = [$(fn f1 'CREATE OR REPLACE FUNCTION public.app_secret(text) RETURNS text LANGUAGE sql AS $$SELECT 666::text$$')]" 'a name other than the one declared'
    hostile function-second-statement ".functions = [$(fn f1 'CREATE FUNCTION public.f1() RETURNS integer LANGUAGE sql AS $$SELECT 1$$; CREATE ROLE pwn SUPERUSER')]" 'a second statement'
    hostile function-language-c ".functions = [$(fn f1 'CREATE FUNCTION public.f1() RETURNS integer LANGUAGE c AS $$/lib/x.so$$, $$f$$')]" 'LANGUAGE is not the declared one'
    hostile function-declared-c ".functions = [$(fn f1 'CREATE FUNCTION public.f1() RETURNS integer LANGUAGE c AS $$x$$' c)]" 'expected one of sql, plpgsql'
    hostile function-sets-role ".functions = [$(fn f1 'CREATE FUNCTION public.f1() RETURNS integer LANGUAGE sql SET role TO postgres AS $$SELECT 1$$')]" 'a SET other than search_path'
    hostile function-is-a-view ".functions = [$(fn f1 'CREATE VIEW public.f1 AS SELECT 1')]" 'not CREATE FUNCTION'
    hostile function-in-system-schema ".functions = [$(fn f1 'CREATE FUNCTION pg_catalog.f1() RETURNS integer LANGUAGE sql AS $$SELECT 1$$') | .namespace = \"pg_catalog\"]" 'system schema'
    hostile function-body-reads-a-file ".functions = [$(fn peek 'CREATE FUNCTION public.peek() RETURNS integer LANGUAGE sql STABLE AS $$SELECT length(pg_read_file($q$/etc/hostname$q$))$$')]
        | .tables.things.indexes[0] |= (del(.sql) | .parts[0].expression = \"public.peek() + id\")" 'calls public.peek(), whose body calls pg_read_file'
    hostile function-body-deletes ".functions = [$(fn wipe 'CREATE FUNCTION public.wipe() RETURNS integer LANGUAGE sql AS $$DELETE FROM public.app_accounts RETURNING 1$$')]
        | .tables.things.columns[1] |= (.default = \"public.wipe()::text\") | .tables.things.rows |= map(del(.name))" 'its body changes data'
    hostile function-plpgsql-in-default ".functions = [$(fn pl 'CREATE FUNCTION public.pl() RETURNS integer LANGUAGE plpgsql AS $$BEGIN PERFORM pg_read_file($q$/etc/hostname$q$); RETURN 1; END$$' plpgsql)]
        | .tables.things.columns[1] |= (.default = \"public.pl()::text\") | .tables.things.rows |= map(del(.name))" 'hint: --trust-function=pl lets it run'

    # (1.3) An exclusion constraint: names, one expression per element and
    # predicate, an operator that is an operator name, and what all of them
    # call, the operator's function included.
    ex='.tables.things.constraints.exclusion = [{"name": "ex", "using": "btree", "deferrable": false,
        "initially_deferred": false, "elements": [{"column": "name", "operator": "="}]}] | .tables.things.constraints.exclusion[0]'
    hostile exclusion-expression-breaks-out "$ex.elements[0] = {\"expression\": \"lower(name)) WITH =, (pg_read_file(\$\$/etc/hostname\$\$)\", \"operator\": \"=\"}" \
        'exclusion constraint "ex": expression'
    hostile exclusion-operator-injection "$ex.elements[0].operator = \"=) WHERE (pg_read_file(\$\$/etc/hostname\$\$) IS NULL\"" \
        'is not an operator name'
    hostile exclusion-where-reads-a-file "$ex.where = \"pg_read_file(\$\$/etc/hostname\$\$) IS NOT NULL\"" \
        'exclusion constraint "ex" calls pg_read_file'
    hostile exclusion-calls-app-function "$ex.elements[0] = {\"expression\": \"public.app_secret(name)\", \"operator\": \"=\"}" \
        'exclusion constraint "ex" calls public.app_secret(text)'
    hostile exclusion-app-operator "$ex.elements[0] += {\"operator\": \"===\", \"operator_namespace\": \"public\"}" \
        'exclusion constraint "ex" calls public.app_eq(text,text)'

    # (1.3) A materialized view's query runs at REFRESH: one query, in its
    # parentheses, calling only what a CHECK may; its indexes on itself.
    mv() { echo ".materialized_views = [{\"name\": \"m\", \"populated\": true, $1}]"; }
    hostile matview-reads-a-file "$(mv '"sql": "SELECT pg_read_file($$/etc/hostname$$) AS f"')" \
        'materialized view "m" calls pg_read_file'
    hostile matview-calls-app-function "$(mv '"sql": "SELECT public.app_secret($$x$$) AS s"')" \
        'materialized view "m" calls public.app_secret(text)'
    hostile matview-breaks-out "$(mv '"sql": "SELECT 1) WITH DATA; CREATE ROLE pwn SUPERUSER; --"')" \
        'materialized view "m": sql: '
    hostile matview-not-a-query "$(mv '"sql": "DELETE FROM public.app_accounts RETURNING id"')" \
        'not a query'
    hostile matview-modifying-cte "$(mv '"sql": "WITH d AS (DELETE FROM public.app_accounts RETURNING id) SELECT id FROM d"')" \
        'materialized view "m": '
    hostile matview-index-on-app-table "$(mv '"sql": "SELECT 1 AS id", "indexes": [{"name": "i", "unique": false,
        "parts": [{"column": "id"}], "sql": "CREATE INDEX i ON public.app_accounts USING btree (id)"}]')" \
        'materialized view "m": index "i": sql: '
    hostile matview-index-calls-a-file "$(mv '"sql": "SELECT $$a$$::text AS t", "indexes": [{"name": "i", "unique": false,
        "parts": [{"expression": "pg_read_file(t)"}], "sql": "CREATE INDEX i ON public.m USING btree (pg_read_file(t))"}]')" \
        'index "i" calls pg_read_file'
    hostile matview-system-schema "$(mv '"namespace": "pg_catalog", "sql": "SELECT 1 AS one"')" 'system schema'

    # A partition bound runs once, when the partition is created; a key for
    # every row.
    hostile bound-reads-a-file '.tables.parts.partitioning.partitions[0].bound =
        "FOR VALUES IN ($$a$$, (pg_read_file($$/etc/hostname$$)))"' 'partition "parts_a": its bound calls pg_read_file(text)'
    hostile range-bound-imports-a-file '.tables.ranges.partitioning.partitions[0].bound =
        "FOR VALUES FROM (MINVALUE) TO ((lo_import($$/etc/hostname$$))::int)"' 'partition "ranges_lo": its bound calls lo_import(text)'
    hostile key-calls-app-function '.tables.parts.partitioning.key = "public.app_secret(k)"' \
        'table "parts": its partition key calls public.app_secret(text)'

    # (1.3) A partition's own CHECKs, a sub-partition's key and bounds.
    pa='.tables.parts.partitioning.partitions[0]'
    hostile partition-check-reads-a-file "$pa.constraints = {\"checks\": [{\"name\": \"c\",
        \"expression\": \"pg_read_file(\$\$/etc/hostname\$\$) IS NOT NULL\"}]}" 'check "c" calls pg_read_file'
    hostile partition-check-breaks-out "$pa.constraints = {\"checks\": [{\"name\": \"c\",
        \"expression\": \"true) NOT VALID, CHECK (false\"}]}" 'check "c": expression'
    hostile subpartition-key-calls-app-function "$pa.partitioning = {\"strategy\": \"list\",
        \"key\": \"public.app_secret(k)\", \"partitions\": []}" 'its partition key calls public.app_secret(text)'
    hostile subpartition-bound-reads-a-file "$pa.partitioning = {\"strategy\": \"list\", \"key\": \"k\",
        \"partitions\": [{\"name\": \"parts_a1\", \"bound\": \"FOR VALUES IN ((pg_read_file(\$\$/etc/hostname\$\$)))\"}]}" \
        'partition "parts_a1": its bound calls pg_read_file(text)'

    # No system schema, however asked; no name the server would truncate.
    # (a table's "name" and "namespace" come before its "rows")
    hostile system-schema '.tables["pg_catalog.pg_pwn"] = ({name: "pg_pwn", namespace: "pg_catalog"} + .tables.things)' 'system schema'
    hostile system-schema-data-only '.tables = {"pg_catalog.pg_authid": ({name: "pg_authid", namespace: "pg_catalog"} + .tables.things)}' 'system schema' -a
    long=$(printf 'x%.0s' $(seq 1 70))
    hostile long-name ".tables = {\"${long}1\": ({name: \"${long}1\"} + .tables.things), \"${long}2\": ({name: \"${long}2\"} + .tables.things)} | del(.views) | del(.triggers)" 'too long'
    # (1.3) an identity's sequence name, INCLUDE columns, OWNED BY: names too
    hostile identity-sequence-long-name ".tables.things.columns[0].sequence = {name: \"${long}\",
        start: 1, increment: 1, min: 1, max: 10, cache: 1, cycle: false}" 'column "id": sequence: '
    hostile include-not-a-column ".tables.things.constraints.primary_key.include = [\"${long}\"]" "the primary key's include names"
    hostile owned-by-long-name ".tables as \$t | del(.tables) + {sequences: [{name: \"s9\", type: \"bigint\",
        start: 1, increment: 1, min: 1, max: 10, cache: 1, cycle: false,
        owned_by: {table: \"things\", column: \"${long}\"}}], tables: \$t}" 'sequence "s9": owned_by: '

    # OWNED BY a column of the application's table: not set, said.
    "$JQ" '.tables as $t | del(.tables) + {sequences: [{name: "s8", type: "bigint", start: 1, increment: 1,
        min: 1, max: 10, cache: 1, cycle: false, owned_by: {table: "app_accounts", column: "email"}}], tables: $t}' \
        "$WORK/base.json" >"$WORK/own.json"
    createdb -O "$role" "$(pg_name "own_$as")"
    PGUSER=$role pgq "own_$as" "$app_schema" >/dev/null
    err=$("$DBIMPORT" "${target_uri%/*}/$(pg_name "own_$as")" "$WORK/own.json" 2>&1); rc=$?
    check_eq "$as: owned by the application's table: the import succeeds" "$rc" 0
    check_contains "$as: owned by the application's table: not set, said" "$err" \
        'sequence "public"."s8": OWNED BY "public"."app_accounts"."email" not set: this import did not create the table'
    check_eq "$as: owned by the application's table: nothing depends on its column" \
        "$(pgq "own_$as" "SELECT count(*) FROM pg_depend WHERE refobjid = 'app_accounts'::regclass AND deptype = 'a'
                          AND classid = 'pg_class'::regclass AND objid = 's8'::regclass")" 0

    # Extensions: only what the column types need. A listed dblink would let
    # a default escape the transaction.
    "$JQ" '.tables as $t | del(.tables) + {extensions: ["adminpack", "btree_gist", "dblink", "file_fdw", "lo",
        "plperlu", "postgres_fdw"], tables: $t}' "$WORK/base.json" >"$WORK/ext.json"
    createdb -O "$role" "$(pg_name "ext_$as")"
    PGUSER=$role pgq "ext_$as" "$app_schema" >/dev/null
    err=$("$DBIMPORT" "${target_uri%/*}/$(pg_name "ext_$as")" "$WORK/ext.json" 2>&1); rc=$?
    check_eq "$as: listed extension: the import succeeds" "$rc" 0
    check_eq "$as: listed extension: dblink not created" \
        "$(pgq "ext_$as" "SELECT count(*) FROM pg_extension WHERE extname = 'dblink'")" 0
    check_contains "$as: listed extension: says it was not created" "$err" 'extension "dblink"'
    check_eq "$as: listed extensions: only the harmless one (btree_gist) created" \
        "$(pgq "ext_$as" "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension")" "btree_gist,plpgsql"
    for ext in adminpack file_fdw lo plperlu postgres_fdw; do
        check_contains "$as: listed extension: $ext not created, said" "$err" "extension \"$ext\" listed by the file is not created"
    done
}

# ---- --untrusted: no SQL text from the file runs at all --------------------------
# A default that reads a server file, for a column the rows leave out, a
# CHECK, an expression index, a view and a trigger: with --untrusted the
# tables, keys and rows arrive and none of the SQL text runs or is installed.
untrusted_filter='.tables.things.columns[1] |= (.default = "pg_read_file($$/etc/hostname$$)" | .nullable = true)
    | .tables.things.rows |= map(del(.name))'
"$JQ" "$untrusted_filter" "$WORK/base.json" >"$WORK/untrusted.json"
pg_create untrusted
err=$("$DBIMPORT" --untrusted "$(pg_uri untrusted)" "$WORK/untrusted.json" 2>&1); rc=$?
check_eq "untrusted: exit 0" "$rc" 0
check_eq "untrusted: rows arrived, the default did not run" \
    "$(pgq untrusted "SELECT count(*) || ':' || count(name) FROM things")" "2:0"
check_eq "untrusted: no default, check or expression index" \
    "$(pgq untrusted "SELECT (SELECT count(*) FROM pg_attrdef d JOIN pg_class c ON c.oid = d.adrelid
                              WHERE c.relname = 'things' AND pg_get_expr(d.adbin, d.adrelid) NOT LIKE 'nextval%')
                          || ':' || (SELECT count(*) FROM pg_constraint WHERE contype = 'c' AND conrelid = 'public.things'::regclass)
                          || ':' || (SELECT count(*) FROM pg_indexes WHERE indexname = 'things_lower')")" "0:0:0"
check_eq "untrusted: no view, no trigger" \
    "$(pgq untrusted "SELECT (SELECT count(*) FROM pg_views WHERE schemaname = 'public')
                          || ':' || (SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal)")" "0:0"
check_eq "untrusted: the primary key is there" \
    "$(pgq untrusted "SELECT count(*) FROM pg_constraint WHERE contype = 'p' AND conname = 'things_pkey'")" 1
check_contains "untrusted: says what it left out" "$err" "--untrusted: 1 views left out"
check_contains "untrusted: counts the checks" "$err" "--untrusted: 1 CHECK constraints left out"

# ---- as the superuser ----------------------------------------------------------
pg_create app
pgq app "$app_schema" >/dev/null
run_all superuser app "$(pg_uri app)" "$PGUSER"

# ---- as an ordinary owner of the database ---------------------------------------
owner=${PG_PREFIX}_owner
psql -X -q -d postgres -c "CREATE ROLE $owner LOGIN" >/dev/null
trap 'pg_cleanup; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
createdb -O "$owner" "$(pg_name owned)"
PGUSER=$owner pgq owned "$app_schema" >/dev/null
run_all owner owned "postgresql://$owner@/$(pg_name owned)" "$owner"

report
