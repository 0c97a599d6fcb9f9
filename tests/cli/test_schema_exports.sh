#!/usr/bin/env bash
# What dbexport writes validates against the JSON Schema: Chinook, the torture
# database, a schema-only and a data-only export, plain and gzip.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
schema="$(dirname "$0")/../../schemas/dbexport-1.schema.json"
validate="$(dirname "$0")/../schema/validate.sh"
chinook="$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite"
"$SQLITE3" "$WORK/torture.db" <"$(dirname "$0")/torture.sql"
"$DBEXPORT" "$chinook" -f "$WORK/chinook.json.gz"
"$DBEXPORT" "$WORK/torture.db" -f "$WORK/torture.json"
"$DBEXPORT" -s "$WORK/torture.db" -f "$WORK/schema-only.json"
"$DBEXPORT" -a "$WORK/torture.db" -f "$WORK/data-only.json"
out=$(bash "$validate" "$schema" "$WORK"/*.json "$WORK"/*.json.gz 2>&1); rc=$?
[ "$rc" -eq 77 ] && exit 77
check_eq "exports validate against the schema" "$rc" 0
[ "$rc" -eq 0 ] || echo "$out" >&2
report
