#!/usr/bin/env bash
# The prod-to-dev path: export, sanitise with jq (any layout jq writes),
# import. Also the recipes docs/jq.md shows.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"
chinook="$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite"
"$DBEXPORT" --no-timestamp "$chinook" -f "$WORK/c.json.gz"

for style in pretty -c -S; do
    n=${style#-}
    flag=$style
    [ "$style" = pretty ] && flag=
    # shellcheck disable=SC2086 # $flag is empty or one option
    zcat "$WORK/c.json.gz" | "$JQ" $flag . | "$DBIMPORT" "$WORK/jq_$n.db" -
    check_eq "jq $style: import succeeds" "$?" 0
    "$DBEXPORT" --no-timestamp "$WORK/jq_$n.db" -f "$WORK/jq_$n.json"
    zcat "$WORK/c.json.gz" | "$JQ" -S 'del(.source.database)' >"$WORK/want.json"
    "$JQ" -S 'del(.source.database)' "$WORK/jq_$n.json" >"$WORK/got.json"
    check "jq $style: same content after the round trip" same_files "$WORK/want.json" "$WORK/got.json"
done

# jq output gzip-compressed again on the way in.
zcat "$WORK/c.json.gz" | "$JQ" -c . | gzip -c >"$WORK/c2.json.gz"
check "gzip between jq and dbimport" "$DBIMPORT" "$WORK/gz.db" "$WORK/c2.json.gz"

# Redact a column, delete rows by predicate, drop a table: the docs' recipes.
zcat "$WORK/c.json.gz" |
    "$JQ" '.tables.Customer.rows[].Email = "redacted@example.com"
           | .tables.Invoice.rows |= map(select(.Total | tonumber > 10))
           | del(.tables.Playlist, .tables.PlaylistTrack)' >"$WORK/sanitised.json"
err=$("$DBIMPORT" "$WORK/sanitised.db" "$WORK/sanitised.json" 2>&1); rc=$?
# InvoiceLine rows of dropped invoices violate their foreign key: reported.
# (Decimals are strings, exact: compare them with tonumber.)
check_eq "FK violation after deleting parents exits 1" "$rc" 1
check_contains "FK violation names the table" "$err" 'InvoiceLine'
check "failed import leaves no target file" test ! -e "$WORK/sanitised.db"

zcat "$WORK/c.json.gz" |
    "$JQ" '.tables.Customer.rows[].Email = "redacted@example.com"
           | (.tables.Invoice.rows | map(select(.Total | tonumber > 10)) | map(.InvoiceId)) as $keep
           | .tables.Invoice.rows |= map(select(.Total | tonumber > 10))
           | .tables.InvoiceLine.rows |= map(select(.InvoiceId as $i | $keep | index($i)))
           | del(.tables.Playlist, .tables.PlaylistTrack)' >"$WORK/sanitised.json"
check "sanitised import" "$DBIMPORT" "$WORK/sanitised.db" "$WORK/sanitised.json"
check_eq "emails redacted" "$("$SQLITE3" "$WORK/sanitised.db" "SELECT DISTINCT Email FROM Customer")" "redacted@example.com"
check_eq "invoices filtered" "$("$SQLITE3" "$WORK/sanitised.db" "SELECT count(*), min(Total) > 10 FROM Invoice")" "64|1"
check_eq "tables dropped" "$("$SQLITE3" "$WORK/sanitised.db" "SELECT count(*) FROM sqlite_schema WHERE name LIKE 'Playlist%'")" 0
check_eq "other tables whole" "$("$SQLITE3" "$WORK/sanitised.db" "SELECT count(*) FROM Track")" 3503

# Deleting a column from rows: the column takes its default (NULL here).
zcat "$WORK/c.json.gz" | "$JQ" 'del(.tables.Customer.rows[].Company)' | "$DBIMPORT" "$WORK/nocompany.db"
check_eq "deleted column becomes NULL" "$("$SQLITE3" "$WORK/nocompany.db" "SELECT count(Company) FROM Customer")" 0

report
