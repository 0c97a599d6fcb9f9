#!/usr/bin/env bash
# Owners and grants travel when asked (format 1.3): dbexport --privileges
# carries each table's owner, its grants and its columns' grants, and
# dbimport --privileges gives them back to the tables it creates, so a
# PostgreSQL -> PostgreSQL copy keeps relowner, relacl and attacl exactly;
# so do a view's, a materialized view's, a sequence's, a function's and a
# procedure's owner and ACL (format 1.3, FORMAT.md 2.10), and only for the
# objects the import created.
# Without the options nothing is carried or applied, and one aggregated
# warning says so. A role the target lacks is left out (never created or
# replaced); an owner the importing role may not hand a table to stays the
# importer's; a privilege word outside the fixed list is a file error; a
# column privilege a column cannot have is refused; --untrusted refuses
# the option; SQLite says what it cannot keep.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need_pg

owner=${PG_PREFIX}_owner
reader=${PG_PREFIX}_reader
writer="${PG_PREFIX} Writer"
importer=${PG_PREFIX}_importer
roles_sql() { # roles_sql "CREATE ROLE" | "DROP ROLE IF EXISTS"
    for r in "$owner" "$reader" "$writer" "$importer"; do
        printf '%s "%s";\n' "$1" "$r"
    done
}
psql -X -q -d postgres -c "$(roles_sql "CREATE ROLE")" >/dev/null
psql -X -q -d postgres -c "ALTER ROLE $importer LOGIN" >/dev/null
trap 'pg_cleanup; psql -X -q -d postgres -c "$(roles_sql "DROP ROLE IF EXISTS")" >/dev/null; rm -rf "$WORK"' EXIT

pg_create src
pgq src "CREATE SCHEMA \"App Data\";
  CREATE TABLE \"App Data\".\"Orders\" (id int PRIMARY KEY, note text, secret text);
  INSERT INTO \"App Data\".\"Orders\" VALUES (1, 'a', 's');
  ALTER TABLE \"App Data\".\"Orders\" OWNER TO $owner;
  GRANT SELECT ON \"App Data\".\"Orders\" TO $reader;
  GRANT INSERT, UPDATE ON \"App Data\".\"Orders\" TO \"$writer\" WITH GRANT OPTION;
  GRANT DELETE ON \"App Data\".\"Orders\" TO \"$writer\";
  GRANT SELECT (id), UPDATE (note) ON \"App Data\".\"Orders\" TO PUBLIC;
  CREATE TABLE locked (id int PRIMARY KEY);
  REVOKE ALL ON locked FROM CURRENT_USER;
  CREATE TABLE plain (id int PRIMARY KEY);
  ALTER TABLE plain OWNER TO $owner;
  CREATE TABLE events (id int, at date) PARTITION BY RANGE (at);
  CREATE TABLE events_2024 PARTITION OF events FOR VALUES FROM ('2024-01-01') TO ('2025-01-01');
  ALTER TABLE events OWNER TO $owner; ALTER TABLE events_2024 OWNER TO $owner;
  GRANT TRUNCATE, REFERENCES, TRIGGER ON events TO $reader;
  CREATE VIEW \"App Data\".\"Order View\" AS SELECT id, note FROM \"App Data\".\"Orders\";
  ALTER VIEW \"App Data\".\"Order View\" OWNER TO $owner;
  GRANT SELECT ON \"App Data\".\"Order View\" TO $reader;
  GRANT SELECT, UPDATE ON \"App Data\".\"Order View\" TO \"$writer\" WITH GRANT OPTION;
  CREATE MATERIALIZED VIEW order_counts AS SELECT count(*) AS n FROM \"App Data\".\"Orders\";
  ALTER MATERIALIZED VIEW order_counts OWNER TO $owner;
  GRANT SELECT ON order_counts TO $reader;
  GRANT SELECT ON order_counts TO \"$writer\" WITH GRANT OPTION;
  CREATE SEQUENCE \"App Data\".tickets;
  ALTER SEQUENCE \"App Data\".tickets OWNER TO $owner;
  GRANT USAGE ON SEQUENCE \"App Data\".tickets TO $reader;
  GRANT SELECT, UPDATE ON SEQUENCE \"App Data\".tickets TO \"$writer\" WITH GRANT OPTION;
  CREATE FUNCTION \"App Data\".next_ticket(step int) RETURNS bigint LANGUAGE sql AS 'SELECT \$1::bigint';
  ALTER FUNCTION \"App Data\".next_ticket(int) OWNER TO $owner;
  REVOKE EXECUTE ON FUNCTION \"App Data\".next_ticket(int) FROM PUBLIC;
  GRANT EXECUTE ON FUNCTION \"App Data\".next_ticket(int) TO $reader;
  GRANT EXECUTE ON FUNCTION \"App Data\".next_ticket(int) TO \"$writer\" WITH GRANT OPTION;
  CREATE PROCEDURE bump() LANGUAGE sql AS 'SELECT 1';
  ALTER PROCEDURE bump() OWNER TO $owner;
  GRANT EXECUTE ON PROCEDURE bump() TO \"$writer\" WITH GRANT OPTION;
  ALTER SCHEMA \"App Data\" OWNER TO $owner;
  GRANT USAGE ON SCHEMA \"App Data\" TO PUBLIC;
  GRANT CREATE ON SCHEMA \"App Data\" TO \"$writer\" WITH GRANT OPTION;" >/dev/null
acl() {
    pgq "$1" "SELECT c.relname || ' ' || pg_get_userbyid(c.relowner) || ' ' || coalesce(c.relacl::text, '-')
                || coalesce(' ' || (SELECT string_agg(a.attname || '=' || a.attacl::text, ' ' ORDER BY a.attnum)
                                    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL), '')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'App Data') ORDER BY 1"
}
acl src >"$WORK/want"
check "fixture: four tables and a partition" test "$(wc -l <"$WORK/want")" -eq 5
# the other objects' owners and ACLs, as the catalogs hold them
oacl() {
    pgq "$1" "SELECT c.relkind::text || ' ' || n.nspname || '.' || c.relname || ' ' || pg_get_userbyid(c.relowner)
                || ' ' || coalesce(c.relacl::text, '-')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('v', 'm', 'S') AND n.nspname IN ('public', 'App Data')
              UNION ALL
              SELECT p.prokind::text || ' ' || n.nspname || '.' || p.proname || ' ' || pg_get_userbyid(p.proowner)
                || ' ' || coalesce(p.proacl::text, '-')
              FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
              WHERE n.nspname IN ('public', 'App Data') ORDER BY 1"
}
oacl src >"$WORK/owant"
check "fixture: a view, a materialized view, a sequence, a function, a procedure" \
    test "$(grep -c " $owner {" "$WORK/owant")" -eq 5

# by default: nothing carried, one warning for the tables with grants
"$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/plain.json" 2>"$WORK/err"
check_eq "default export: exit 0" "$?" 0
OBJECTS='.tables[], .views[], .materialized_views[], .sequences[], .functions[]'
check_eq "default export: no privileges in the file" \
    "$("$JQ" "[$OBJECTS | select(has(\"privileges\"))] | length" "$WORK/plain.json")" 0
check_contains "default export: one warning with a count, tables and objects" "$(cat "$WORK/err")" \
    'grants are not carried (--privileges carries them): 9 times'

"$DBEXPORT" --no-timestamp --privileges "$(pg_uri src)" -f "$WORK/a.json" 2>"$WORK/err"
check_eq "--privileges export: exit 0" "$?" 0
check "--privileges export: no grants warning" test "$(grep -c 'grants are not carried' "$WORK/err")" -eq 0
check_eq "the owner is in the file" "$("$JQ" -r '.tables["App Data.Orders"].privileges.owner' "$WORK/a.json")" "$owner"
check_eq "a grant with the grant option" \
    "$("$JQ" -c --arg w "$writer" '.tables["App Data.Orders"].privileges.grants[] | select(.grantee == $w and .with_grant_option)' "$WORK/a.json")" \
    "{\"grantee\":\"$writer\",\"privileges\":[\"insert\",\"update\"],\"with_grant_option\":true}"
check_eq "the columns' grants" \
    "$("$JQ" -c '.tables["App Data.Orders"].privileges.columns' "$WORK/a.json")" \
    '[{"column":"id","grants":[{"grantee":"public","privileges":["select"],"with_grant_option":false}]},{"column":"note","grants":[{"grantee":"public","privileges":["update"],"with_grant_option":false}]}]'
check_eq "default rights: no grants key" "$("$JQ" -c '.tables.plain.privileges | has("grants")' "$WORK/a.json")" false
check_eq "everything revoked: an empty list" "$("$JQ" -c '.tables.locked.privileges.grants' "$WORK/a.json")" '[]'
check_eq "the format is 1.3" "$("$JQ" -r '.format_version' "$WORK/a.json")" 1.3
check_eq "a view's grants, in the order of its ACL" \
    "$("$JQ" -c '.views[] | select(.name == "App Data.Order View") | .privileges' "$WORK/a.json")" \
    "{\"grants\":[{\"grantee\":\"$owner\",\"privileges\":[\"insert\",\"select\",\"update\",\"delete\",\"truncate\",\"references\",\"trigger\"],\"with_grant_option\":false},{\"grantee\":\"$reader\",\"privileges\":[\"select\"],\"with_grant_option\":false},{\"grantee\":\"$writer\",\"privileges\":[\"select\",\"update\"],\"with_grant_option\":true}],\"owner\":\"$owner\"}"
check_eq "a sequence's words" \
    "$("$JQ" -c '.sequences[0].privileges.grants | map(.privileges)' "$WORK/a.json")" \
    '[["select","update","usage"],["usage"],["select","update"]]'
check_eq "a function without PUBLIC's EXECUTE" \
    "$("$JQ" -c '.functions[] | select(.name == "next_ticket") | .privileges.grants | map(.grantee)' "$WORK/a.json")" \
    "[\"$owner\",\"$reader\",\"$writer\"]"
check_eq "a schema's owner and grants (1.3)" "$("$JQ" -c '.schemas' "$WORK/a.json")" \
    "[{\"name\":\"App Data\",\"privileges\":{\"grants\":[{\"grantee\":\"$owner\",\"privileges\":[\"usage\",\"create\"],\"with_grant_option\":false},{\"grantee\":\"public\",\"privileges\":[\"usage\"],\"with_grant_option\":false},{\"grantee\":\"$writer\",\"privileges\":[\"create\"],\"with_grant_option\":true}],\"owner\":\"$owner\"}}]"
check_eq "every object has an owner" \
    "$("$JQ" -r "[.views[], .materialized_views[], .sequences[], .functions[] | .privileges.owner] | unique | join(\",\")" "$WORK/a.json")" "$owner"

pg_create dst
"$DBIMPORT" --privileges "$(pg_uri dst)" "$WORK/a.json" 2>"$WORK/err"
check_eq "PostgreSQL -> PostgreSQL --privileges: exit 0" "$?" 0
acl dst >"$WORK/got"; diff "$WORK/want" "$WORK/got" >&2
check "owners, grants and column grants as they were" same_files "$WORK/want" "$WORK/got"
oacl dst >"$WORK/ogot"; diff "$WORK/owant" "$WORK/ogot" >&2
check "views, materialized views, sequences, functions: owners and ACLs as they were" \
    same_files "$WORK/owant" "$WORK/ogot"
sacl() { pgq "$1" "SELECT pg_get_userbyid(nspowner) || ' ' || nspacl::text FROM pg_namespace WHERE nspname = 'App Data'"; }
check_eq "the schema: its owner and ACL as they were" "$(sacl dst)" "$(sacl src)"
check_eq "the objects' grants work" \
    "$(pgq dst "SELECT has_table_privilege('$reader', '\"App Data\".\"Order View\"', 'SELECT'),
                       has_table_privilege('$reader', '\"App Data\".\"Order View\"', 'UPDATE'),
                       has_table_privilege('$reader', 'order_counts', 'SELECT'),
                       has_sequence_privilege('$reader', '\"App Data\".tickets', 'USAGE'),
                       has_sequence_privilege('$reader', '\"App Data\".tickets', 'UPDATE'),
                       has_sequence_privilege('$writer', '\"App Data\".tickets', 'UPDATE WITH GRANT OPTION'),
                       has_function_privilege('$reader', '\"App Data\".next_ticket(int)', 'EXECUTE'),
                       has_function_privilege('public', '\"App Data\".next_ticket(int)', 'EXECUTE'),
                       has_function_privilege('$writer', 'bump()', 'EXECUTE WITH GRANT OPTION')")" \
    "t|f|t|t|f|t|t|f|t"
check_eq "the grants work: the writer may insert" \
    "$(pgq dst "SET ROLE \"$writer\"; INSERT INTO \"App Data\".\"Orders\" VALUES (2, 'b', 't'); SELECT count(*) FROM \"App Data\".\"Orders\"" 2>&1)" 2
check_contains "the grants work: PUBLIC reads id only" \
    "$(pgq dst "SET ROLE $importer; SELECT secret FROM \"App Data\".\"Orders\"" 2>&1)" 'permission denied'
"$DBEXPORT" --no-timestamp --privileges "$(pg_uri dst)" -f "$WORK/b.json"
pgq dst "DELETE FROM \"App Data\".\"Orders\" WHERE id = 2" >/dev/null
"$DBEXPORT" --no-timestamp --privileges "$(pg_uri dst)" -f "$WORK/b.json"
check "the copy exports to the same file" same_files <(grep -v '"database"' "$WORK/a.json") <(grep -v '"database"' "$WORK/b.json")

# a sequence OWNED BY a column has its table's owner, and PostgreSQL allows
# no other: it follows its table to the file's owner, and a file that says
# otherwise is told so
pg_create linked
pgq linked "CREATE TABLE counters (id int PRIMARY KEY, n int); CREATE SEQUENCE counter_no OWNED BY counters.n;
  ALTER TABLE counters OWNER TO $owner; GRANT USAGE ON SEQUENCE counter_no TO $reader" >/dev/null
linked_acl() {
    pgq "$1" "SELECT relname || ' ' || pg_get_userbyid(relowner) || ' ' || coalesce(relacl::text, '-')
              FROM pg_class WHERE relname IN ('counters', 'counter_no') ORDER BY 1"
}
"$DBEXPORT" --no-timestamp --privileges "$(pg_uri linked)" -f "$WORK/linked.json"
check_eq "a sequence OWNED BY a column: exported with its owner" \
    "$("$JQ" -c '.sequences[0] | [.owned_by.table, .privileges.owner]' "$WORK/linked.json")" "[\"counters\",\"$owner\"]"
pg_create linked_dst
"$DBIMPORT" --privileges "$(pg_uri linked_dst)" "$WORK/linked.json" 2>"$WORK/err"
check_eq "a sequence OWNED BY a column of a table with an owner: exit 0 [$(cat "$WORK/err")]" "$?" 0
check_eq "a sequence OWNED BY a column: its table's owner, its grants" \
    "$(linked_acl linked_dst)" "$(linked_acl linked)"
"$JQ" --arg r "$reader" '.sequences[0].privileges.owner = $r' "$WORK/linked.json" >"$WORK/linked2.json"
pg_create linked_other
"$DBIMPORT" --privileges "$(pg_uri linked_other)" "$WORK/linked2.json" 2>"$WORK/err"
check_eq "a file giving it another owner: exit 0" "$?" 0
check_contains "a file giving it another owner: said" "$(cat "$WORK/err")" \
    "sequence \"counter_no\": owner \"$reader\" not set: it is OWNED BY a column, and has its table's owner \"$owner\""
check_eq "a file giving it another owner: its table's owner, its grants" \
    "$(linked_acl linked_other)" "$(linked_acl linked)"

# dbimport without --privileges: the importer owns everything, said once
pg_create noapply
"$DBIMPORT" "$(pg_uri noapply)" "$WORK/a.json" 2>"$WORK/err"
check_eq "without --privileges: exit 0" "$?" 0
check_contains "without --privileges: one warning with a count, tables and objects" "$(cat "$WORK/err")" \
    'owner and grants not applied (--privileges applies them): 10 times'
check_eq "without --privileges: no relation or function of the owner" \
    "$(pgq noapply "SELECT (SELECT count(*) FROM pg_class WHERE relowner = '$owner'::regrole)
                         + (SELECT count(*) FROM pg_proc WHERE proowner = '$owner'::regrole)")" 0
check_eq "without --privileges: a function keeps the default EXECUTE for PUBLIC" \
    "$(pgq noapply "SELECT proacl IS NULL FROM pg_proc WHERE proname = 'next_ticket'")" t

# roles the target lacks are left out, never replaced
"$JQ" --arg r "$reader" '.tables["App Data.Orders"].privileges.owner = "nosuch_owner"
       | .tables["App Data.Orders"].privileges.grants[0].grantee = "nosuch_reader"
       | (.views[], .materialized_views[], .sequences[], .functions[] | .privileges.grants[]
          | select(.grantee == $r) | .grantee) = "nosuch_reader"' "$WORK/a.json" >"$WORK/roles.json"
pg_create roles
"$DBIMPORT" --privileges "$(pg_uri roles)" "$WORK/roles.json" 2>"$WORK/err"
check_eq "missing roles: exit 0" "$?" 0
check_contains "a missing owner: said" "$(cat "$WORK/err")" \
    'table "App Data.Orders": owner "nosuch_owner" not set: the role does not exist in the target'
check_contains "a missing grantee: said" "$(cat "$WORK/err")" \
    'grant to "nosuch_reader" left out: the role does not exist in the target'
check_eq "a missing owner: the table stays the importer's, with its own rights" \
    "$(pgq roles "SELECT pg_get_userbyid(relowner) = current_user AND has_table_privilege(current_user, oid, 'SELECT') FROM pg_class WHERE relname = 'Orders'")" t
check_eq "a missing grantee: the others granted" \
    "$(pgq roles "SELECT has_table_privilege('$reader', '\"App Data\".\"Orders\"', 'SELECT')")" t
check_eq "a missing grantee of tables and objects: one summary line" \
    "$(grep -c 'grant to "nosuch_reader" left out: the role does not exist in the target' "$WORK/err")" 1
check_contains "a missing grantee of tables and objects: counted" "$(cat "$WORK/err")" \
    'grant to "nosuch_reader" left out: the role does not exist in the target: 5 times'
check_eq "a missing grantee: the objects' other grants made, the missing role's not replaced" \
    "$(pgq roles "SELECT has_table_privilege('$writer', '\"App Data\".\"Order View\"', 'UPDATE'),
                         has_function_privilege('$writer', '\"App Data\".next_ticket(int)', 'EXECUTE'),
                         has_sequence_privilege('$writer', '\"App Data\".tickets', 'SELECT'),
                         has_sequence_privilege('public', '\"App Data\".tickets', 'USAGE')")" \
    "t|t|t|f"

# an object the target has keeps its own owner and grants
pg_create own
pgq own "CREATE SCHEMA \"App Data\"; CREATE SEQUENCE \"App Data\".tickets;
  CREATE FUNCTION \"App Data\".next_ticket(step int) RETURNS bigint LANGUAGE sql AS 'SELECT 7::bigint'" >/dev/null
"$DBIMPORT" --privileges "$(pg_uri own)" "$WORK/a.json" 2>"$WORK/err"
check_eq "objects the target has: exit 0" "$?" 0
check_eq "objects the target has: their owner and ACL untouched" \
    "$(pgq own "SELECT pg_get_userbyid(relowner) = current_user AND relacl IS NULL FROM pg_class WHERE relname = 'tickets';
                SELECT pg_get_userbyid(proowner) = current_user AND proacl IS NULL FROM pg_proc WHERE proname = 'next_ticket'")" \
    "$(printf 't\nt')"
check_eq "objects the target has: the others get theirs" \
    "$(pgq own "SELECT pg_get_userbyid(relowner) FROM pg_class WHERE relname = 'Order View'")" "$owner"

# an importing role that is not a member of the owner: the table stays its own
pg_create member
pgq member "GRANT CREATE ON DATABASE $(pg_name member) TO $importer; GRANT CREATE ON SCHEMA public TO $importer" >/dev/null
"$DBIMPORT" --privileges "postgresql:///$(pg_name member)?user=$importer" "$WORK/a.json" 2>"$WORK/err"
check_eq "not a member of the owner: exit 0" "$?" 0
check_contains "not a member of the owner: said" "$(cat "$WORK/err")" \
    "owner \"$owner\" not set: the importing role is not a member of it"
check_eq "not a member of the owner: its tables" \
    "$(pgq member "SELECT string_agg(DISTINCT pg_get_userbyid(relowner), ',') FROM pg_class WHERE relname IN ('Orders', 'plain', 'events')")" "$importer"
check_eq "not a member of the owner: its objects" \
    "$(pgq member "SELECT string_agg(DISTINCT o, ',') FROM (SELECT pg_get_userbyid(relowner) o FROM pg_class
                     WHERE relname IN ('Order View', 'order_counts', 'tickets')
                   UNION ALL SELECT pg_get_userbyid(proowner) FROM pg_proc WHERE proname IN ('next_ticket', 'bump')) x")" "$importer"
check_eq "not a member of the owner: the objects' grants made, the importer's rights kept" \
    "$(pgq member "SELECT has_sequence_privilege('$reader', '\"App Data\".tickets', 'USAGE'),
                          has_sequence_privilege('$importer', '\"App Data\".tickets', 'UPDATE'),
                          has_function_privilege('$importer', '\"App Data\".next_ticket(int)', 'EXECUTE')")" "t|t|t"

# bad privileges in the file: refused with the position, nothing created
"$JQ" '.tables["App Data.Orders"].privileges.grants[0].privileges = ["select; DROP TABLE plain"]' "$WORK/a.json" >"$WORK/bad.json"
pg_create bad
"$DBIMPORT" --privileges "$(pg_uri bad)" "$WORK/bad.json" 2>"$WORK/err"
check_eq "a privilege outside the list: exit 1" "$?" 1
check_contains "a privilege outside the list: named with its position" "$(cat "$WORK/err")" \
    'a privilege must be one of select, insert'
check_contains "a privilege outside the list: the position" "$(cat "$WORK/err")" '(byte '
check_eq "a privilege outside the list: nothing created" "$(pgq bad "SELECT count(*) FROM pg_tables WHERE schemaname IN ('public', 'App Data')")" 0
"$JQ" '.tables["App Data.Orders"].privileges.columns[0].grants[0].privileges = ["delete"]' "$WORK/a.json" >"$WORK/col.json"
"$DBIMPORT" --privileges "$(pg_uri bad)" "$WORK/col.json" 2>"$WORK/err"
check_eq "a column privilege a column cannot have: exit 1" "$?" 1
check_contains "a column privilege a column cannot have: named" "$(cat "$WORK/err")" \
    '"delete" is not a privilege a column can have'
"$JQ" '.tables["App Data.Orders"].privileges.columns[0].column = "nosuch"' "$WORK/a.json" >"$WORK/col.json"
"$DBIMPORT" --privileges "$(pg_uri bad)" "$WORK/col.json" 2>"$WORK/err"
check_eq "grants of a column the table lacks: exit 1" "$?" 1
check_contains "grants of a column the table lacks: named" "$(cat "$WORK/err")" 'privileges of column "nosuch": no such column'
"$JQ" --arg r "$reader" '.tables["App Data.Orders"].privileges.grants |= map(if .grantee == $r then .grantee = "x\" TO PUBLIC; --" else . end)' \
    "$WORK/a.json" >"$WORK/quote.json"
"$DBIMPORT" --privileges "$(pg_uri bad)" "$WORK/quote.json" 2>"$WORK/err"
check_eq "a grantee with quotes: a name, not SQL" "$?" 0
check_contains "a grantee with quotes: a missing role" "$(cat "$WORK/err")" 'grant to "x" TO PUBLIC; --" left out'
check_eq "a grantee with quotes: PUBLIC got nothing more" \
    "$(pgq bad "SELECT has_table_privilege('public', '\"App Data\".\"Orders\"', 'SELECT')")" f

# an object's privilege word outside its kind's list: a file error, before
# anything is created (sequences and functions are in the header), or the
# whole import undone (views come after the tables)
nothing_in() {
    pgq "$1" "SELECT (SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                      WHERE n.nspname IN ('public', 'App Data'))
                   + (SELECT count(*) FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
                      WHERE n.nspname IN ('public', 'App Data'))"
}
bad_word() { # NAME JQ WANT
    "$JQ" "$2" "$WORK/a.json" >"$WORK/word.json"
    "$DBIMPORT" --privileges "$(pg_uri badobj)" "$WORK/word.json" 2>"$WORK/err"
    check_eq "$1: exit 1" "$?" 1
    check_contains "$1: named" "$(cat "$WORK/err")" "$3"
    check_contains "$1: its position" "$(cat "$WORK/err")" '(byte '
    check_eq "$1: the target left unchanged" "$(nothing_in badobj)" 0
}
pg_create badobj
bad_word "a schema with select" '.schemas[0].privileges.grants[0].privileges = ["select"]' \
    "a schema's privilege must be one of usage, create"
bad_word "a sequence with execute" '.sequences[0].privileges.grants[0].privileges = ["execute"]' \
    "a sequence's privilege must be one of usage, select, update"
bad_word "a function with select" \
    '(.functions[] | select(.name == "next_ticket") | .privileges.grants[0].privileges) = ["select"]' \
    "a function's privilege must be one of execute"
bad_word "a view with SQL for a word" \
    '.views[0].privileges.grants[0].privileges = ["select ON plain TO PUBLIC; --"]' \
    'a privilege must be one of select, insert'
bad_word "a sequence's column grants" '.sequences[0].privileges.columns = []' \
    "a sequence's privileges have no \"columns\""

# an injection in an object's role names: a quoted name, which no role has
"$JQ" --arg r "$reader" '(.views[], .materialized_views[], .sequences[], .functions[] | .privileges.grants[]
                          | select(.grantee == $r) | .grantee) = "x\" TO PUBLIC; --"
       | .sequences[0].privileges.owner = "x\"; DROP TABLE plain; --"' "$WORK/a.json" >"$WORK/quote.json"
pg_create quote
"$DBIMPORT" --privileges "$(pg_uri quote)" "$WORK/quote.json" 2>"$WORK/err"
check_eq "an object's grantee with quotes: a name, not SQL" "$?" 0
check_contains "an object's grantee with quotes: a missing role" "$(cat "$WORK/err")" \
    'grant to "x" TO PUBLIC; --" left out: the role does not exist in the target'
check_contains "an object's owner with quotes: a missing role" "$(cat "$WORK/err")" \
    'sequence "App Data.tickets": owner "x"; DROP TABLE plain; --" not set: the role does not exist in the target'
check_eq "an object's role with quotes: PUBLIC got nothing more, nothing dropped" \
    "$(pgq quote "SELECT has_table_privilege('public', '\"App Data\".\"Order View\"', 'SELECT'),
                         has_table_privilege('public', 'order_counts', 'SELECT'),
                         has_sequence_privilege('public', '\"App Data\".tickets', 'USAGE'),
                         has_function_privilege('public', '\"App Data\".next_ticket(int)', 'EXECUTE'),
                         to_regclass('public.plain') IS NOT NULL")" "f|f|f|f|t"

"$DBIMPORT" --privileges --untrusted "$(pg_uri bad)" "$WORK/a.json" 2>"$WORK/err"
check_eq "--privileges with --untrusted: exit 2" "$?" 2
check_contains "--privileges with --untrusted: why" "$(cat "$WORK/err")" 'not with --untrusted'
"$DBEXPORT" --privileges "$WORK/x.db" -f "$WORK/x.json" 2>"$WORK/err"
check_eq "dbexport --privileges of SQLite: exit 2" "$?" 2

# SQLite keeps neither, and says so once
"$DBIMPORT" "$WORK/a.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "PostgreSQL -> SQLite: exit 0" "$?" 0
check_contains "PostgreSQL -> SQLite: said once, with a count of tables and objects" "$(cat "$WORK/err")" \
    'owner and grants not carried: SQLite has no privileges: 10 times'
check_eq "PostgreSQL -> SQLite: one line" "$(grep -c 'owner and grants not carried' "$WORK/err")" 1
report
