#!/usr/bin/env bash
# Warnings by kind: what concerns several tables is said once, with a count
# and the first few names ("grants are not carried (--privileges carries them): 6 times: ..."); -v says
# each one; a kind that concerns one table is said as it is.
. "$(dirname "$0")/lib.sh"
need_pg

reader=${PG_PREFIX}_reader
psql -X -q -d postgres -c "CREATE ROLE $reader" >/dev/null
trap 'pg_cleanup; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $reader" >/dev/null 2>&1; rm -rf "$WORK"' EXIT
pg_create src
pgq src "DO \$\$ BEGIN FOR i IN 1..6 LOOP
    EXECUTE format('CREATE TABLE t%s (id int PRIMARY KEY)', i);
    EXECUTE format('GRANT SELECT ON t%s TO $reader', i); END LOOP; END \$\$;
  CREATE UNLOGGED TABLE u (id int PRIMARY KEY);" >/dev/null

"$DBEXPORT" "$(pg_uri src)" -f "$WORK/a.json" 2>"$WORK/err"
check_eq "one line for the six grants" "$(grep -c 'grants are not carried' "$WORK/err")" 1
check_contains "with the count and the first three" "$(cat "$WORK/err")" \
    'dbexport: warning: grants are not carried (--privileges carries them): 6 times: table "t1", table "t2", table "t3" and 3 more (-v lists them)'
check_contains "a kind of one table: as it is" "$(cat "$WORK/err")" \
    'dbexport: warning: table "u": unlogged, carried as an ordinary table'
"$DBEXPORT" -v "$(pg_uri src)" -f "$WORK/a.json" 2>"$WORK/err"
check_eq "-v: each one" "$(grep -c ': grants are not carried (--privileges carries them)$' "$WORK/err")" 6

report
