#!/usr/bin/env bash
# Row-level security travels (format 1.2): a PostgreSQL -> PostgreSQL copy
# used to turn tenant isolation off. ENABLE, FORCE and the policies
# (permissive and restrictive, per command, per role, USING and WITH CHECK)
# come back as they were, and the isolation holds for an ordinary role on
# the copy; a policy's expression may call only what a CHECK may; a role the
# target lacks is left out with a warning (never widened); --untrusted keeps
# row-level security on without the policies (rows hidden, not shown);
# SQLite says what it cannot keep.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need_pg

reader=${PG_PREFIX}_reader
psql -X -q -d postgres -c "CREATE ROLE $reader LOGIN" >/dev/null
trap 'pg_cleanup; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $reader" >/dev/null 2>&1; rm -rf "$WORK"' EXIT

pg_create src
pgq src "CREATE SCHEMA \"Tenant Data\";
  CREATE TABLE \"Tenant Data\".docs (id int PRIMARY KEY, tenant text NOT NULL, body text);
  ALTER TABLE \"Tenant Data\".docs ENABLE ROW LEVEL SECURITY;
  ALTER TABLE \"Tenant Data\".docs FORCE ROW LEVEL SECURITY;
  CREATE POLICY tenant_isolation ON \"Tenant Data\".docs
      USING (tenant = current_setting('app.tenant', true))
      WITH CHECK (tenant = current_setting('app.tenant', true));
  CREATE POLICY \"no deletes\" ON \"Tenant Data\".docs AS RESTRICTIVE FOR DELETE TO $reader USING (false);
  CREATE POLICY readers ON \"Tenant Data\".docs FOR SELECT TO $reader USING (body <> 'y');
  INSERT INTO \"Tenant Data\".docs VALUES (1, 'a', 'x'), (2, 'b', 'y'), (3, 'a', 'z');
  GRANT USAGE ON SCHEMA \"Tenant Data\" TO $reader; GRANT SELECT ON \"Tenant Data\".docs TO $reader;
  CREATE TABLE open (id int PRIMARY KEY);" >/dev/null
rls() {
    pgq "$1" "SELECT c.relname || ' ' || c.relrowsecurity || ' ' || c.relforcerowsecurity FROM pg_class c
              WHERE c.relname IN ('docs', 'open') ORDER BY 1"
    pgq "$1" "SELECT polname || ' ' || polcmd::text || ' ' || polpermissive || ' ' || polroles::regrole[]::text || ' '
              || coalesce(pg_get_expr(polqual, polrelid), '-') || ' ' || coalesce(pg_get_expr(polwithcheck, polrelid), '-')
              FROM pg_policy ORDER BY 1"
}
rls src >"$WORK/want"
check "fixture: three policies" test "$(wc -l <"$WORK/want")" -eq 5
"$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/a.json"
check_eq "the file holds them" "$("$JQ" '.tables["Tenant Data.docs"].row_security.policies | length' "$WORK/a.json")" 3

pg_create dst
"$DBIMPORT" "$(pg_uri dst)" "$WORK/a.json"
check_eq "PostgreSQL -> PostgreSQL: exit 0" "$?" 0
rls dst >"$WORK/got"
check "row-level security as it was" same_files "$WORK/want" "$WORK/got"
pgq dst "GRANT USAGE ON SCHEMA \"Tenant Data\" TO $reader; GRANT SELECT ON \"Tenant Data\".docs TO $reader" >/dev/null
check_eq "the isolation holds for an ordinary role" \
    "$(PGOPTIONS='-c app.tenant=a' psql -X -q -At -U "$reader" -d "$(pg_name dst)" -c "SELECT string_agg(id::text, ',' ORDER BY id) FROM \"Tenant Data\".docs" 2>&1)" "1,3"
"$DBEXPORT" --no-timestamp "$(pg_uri dst)" -f "$WORK/b.json"
check "the copy exports to the same file" same_files <(grep -v '"database"' "$WORK/a.json") <(grep -v '"database"' "$WORK/b.json")

# a policy's expression is checked as a CHECK's is
"$JQ" '.tables["Tenant Data.docs"].row_security.policies[0].using = "length(pg_read_file($$/etc/hostname$$)) > 0"' \
    "$WORK/a.json" >"$WORK/evil.json"
pg_create evil
"$DBIMPORT" "$(pg_uri evil)" "$WORK/evil.json" 2>"$WORK/err"
check_eq "a policy reading a server file: exit 1" "$?" 1
check_contains "a policy reading a server file: refused, named" "$(cat "$WORK/err")" \
    'policy "no deletes": its USING calls pg_read_file(text)'
check_eq "a policy reading a server file: nothing created" "$(pgq evil "SELECT count(*) FROM pg_tables WHERE tablename = 'docs'")" 0

# a role the target lacks: left out, never widened
"$JQ" --arg r "$reader" '.tables["Tenant Data.docs"].row_security.policies |= map(if .roles == [$r] then .roles = ["nosuch_role"] else . end)' \
    "$WORK/a.json" >"$WORK/roles.json"
pg_create roles
"$DBIMPORT" "$(pg_uri roles)" "$WORK/roles.json" 2>"$WORK/err"
check_eq "a missing role: exit 0" "$?" 0
check_contains "a missing role: said" "$(cat "$WORK/err")" 'role "nosuch_role" does not exist in the target: left out of it'
check_contains "a policy with no role left: not created" "$(cat "$WORK/err")" 'policy "readers" not created: none of its roles exists'
check_eq "a missing role: the other policy is there" "$(pgq roles "SELECT string_agg(polname, ',') FROM pg_policy")" "tenant_isolation"

# --untrusted: row-level security stays on, without the policies
pg_create untrusted
"$DBIMPORT" --untrusted "$(pg_uri untrusted)" "$WORK/a.json" 2>"$WORK/err"
check_eq "--untrusted: row-level security on and forced" \
    "$(pgq untrusted "SELECT relrowsecurity || ' ' || relforcerowsecurity FROM pg_class WHERE relname = 'docs'")" "true true"
check_eq "--untrusted: no policy" "$(pgq untrusted "SELECT count(*) FROM pg_policy")" 0
check_contains "--untrusted: counted" "$(cat "$WORK/err")" "3 row-level security policies"

"$DBIMPORT" "$WORK/c.db" "$WORK/a.json" 2>"$WORK/err"
check_contains "into SQLite: said" "$(cat "$WORK/err")" \
    'table "Tenant Data.docs": row-level security (enabled, forced, 3 policies) not carried: SQLite has none'

report
