#!/usr/bin/env bash
# Owners and grants travel when asked (format 1.3): dbexport --privileges
# carries each table's owner, its grants and its columns' grants, and
# dbimport --privileges gives them back to the tables it creates, so a
# PostgreSQL -> PostgreSQL copy keeps relowner, relacl and attacl exactly.
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
roles_sql() {
    for r in "$owner" "$reader" "$writer" "$importer"; do
        printf '%s ROLE "%s";\n' "$1" "$r"
    done
}
psql -X -q -d postgres -c "$(roles_sql CREATE)" >/dev/null
psql -X -q -d postgres -c "ALTER ROLE $importer LOGIN" >/dev/null
trap 'pg_cleanup; psql -X -q -d postgres -c "$(roles_sql "DROP ROLE IF EXISTS")" >/dev/null 2>&1; rm -rf "$WORK"' EXIT

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
  GRANT TRUNCATE, REFERENCES, TRIGGER ON events TO $reader;" >/dev/null
acl() {
    pgq "$1" "SELECT c.relname || ' ' || pg_get_userbyid(c.relowner) || ' ' || coalesce(c.relacl::text, '-')
                || coalesce(' ' || (SELECT string_agg(a.attname || '=' || a.attacl::text, ' ' ORDER BY a.attnum)
                                    FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attacl IS NOT NULL), '')
              FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'App Data') ORDER BY 1"
}
acl src >"$WORK/want"
check "fixture: four tables and a partition" test "$(wc -l <"$WORK/want")" -eq 5

# by default: nothing carried, one warning for the tables with grants
"$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/plain.json" 2>"$WORK/err"
check_eq "default export: exit 0" "$?" 0
check_eq "default export: no privileges in the file" \
    "$("$JQ" '[.tables[] | select(has("privileges"))] | length' "$WORK/plain.json")" 0
check_contains "default export: one warning with a count" "$(cat "$WORK/err")" \
    'grants are not carried (--privileges carries them): 3 times'

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

pg_create dst
"$DBIMPORT" --privileges "$(pg_uri dst)" "$WORK/a.json" 2>"$WORK/err"
check_eq "PostgreSQL -> PostgreSQL --privileges: exit 0" "$?" 0
acl dst >"$WORK/got"; diff "$WORK/want" "$WORK/got" >&2
check "owners, grants and column grants as they were" same_files "$WORK/want" "$WORK/got"
check_eq "the grants work: the writer may insert" \
    "$(pgq dst "GRANT USAGE ON SCHEMA \"App Data\" TO PUBLIC; SET ROLE \"$writer\"; INSERT INTO \"App Data\".\"Orders\" VALUES (2, 'b', 't'); SELECT count(*) FROM \"App Data\".\"Orders\"" 2>&1)" 2
check_contains "the grants work: PUBLIC reads id only" \
    "$(pgq dst "SET ROLE $importer; SELECT secret FROM \"App Data\".\"Orders\"" 2>&1)" 'permission denied'
"$DBEXPORT" --no-timestamp --privileges "$(pg_uri dst)" -f "$WORK/b.json"
pgq dst "DELETE FROM \"App Data\".\"Orders\" WHERE id = 2" >/dev/null
"$DBEXPORT" --no-timestamp --privileges "$(pg_uri dst)" -f "$WORK/b.json"
check "the copy exports to the same file" same_files <(grep -v '"database"' "$WORK/a.json") <(grep -v '"database"' "$WORK/b.json")

# dbimport without --privileges: the importer owns everything, said once
pg_create noapply
"$DBIMPORT" "$(pg_uri noapply)" "$WORK/a.json" 2>"$WORK/err"
check_eq "without --privileges: exit 0" "$?" 0
check_contains "without --privileges: one warning with a count" "$(cat "$WORK/err")" \
    'owner and grants not applied (--privileges applies them): 4 times'
check_eq "without --privileges: no table of the owner" \
    "$(pgq noapply "SELECT count(*) FROM pg_class WHERE relowner = '$owner'::regrole")" 0

# roles the target lacks are left out, never replaced
"$JQ" '.tables["App Data.Orders"].privileges.owner = "nosuch_owner"
       | .tables["App Data.Orders"].privileges.grants[0].grantee = "nosuch_reader"' "$WORK/a.json" >"$WORK/roles.json"
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

# an importing role that is not a member of the owner: the table stays its own
pg_create member
pgq member "GRANT CREATE ON DATABASE $(pg_name member) TO $importer; GRANT CREATE ON SCHEMA public TO $importer" >/dev/null
"$DBIMPORT" --privileges "postgresql:///$(pg_name member)?user=$importer" "$WORK/a.json" 2>"$WORK/err"
check_eq "not a member of the owner: exit 0" "$?" 0
check_contains "not a member of the owner: said" "$(cat "$WORK/err")" \
    "owner \"$owner\" not set: the importing role is not a member of it"
check_eq "not a member of the owner: its tables" \
    "$(pgq member "SELECT string_agg(DISTINCT pg_get_userbyid(relowner), ',') FROM pg_class WHERE relname IN ('Orders', 'plain', 'events')")" "$importer"

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

"$DBIMPORT" --privileges --untrusted "$(pg_uri bad)" "$WORK/a.json" 2>"$WORK/err"
check_eq "--privileges with --untrusted: exit 2" "$?" 2
check_contains "--privileges with --untrusted: why" "$(cat "$WORK/err")" 'not with --untrusted'
"$DBEXPORT" --privileges "$WORK/x.db" -f "$WORK/x.json" 2>"$WORK/err"
check_eq "dbexport --privileges of SQLite: exit 2" "$?" 2

# SQLite keeps neither, and says so once
"$DBIMPORT" "$WORK/a.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "PostgreSQL -> SQLite: exit 0" "$?" 0
check_contains "PostgreSQL -> SQLite: said once, with a count" "$(cat "$WORK/err")" \
    'owner and grants not carried: SQLite has no privileges: 4 times'
report
