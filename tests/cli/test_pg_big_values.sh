#!/usr/bin/env bash
# Large values: tens of MiB load exactly (COPY rows longer than libpq's
# chunks, escapes included), and a value beyond what a target can hold is an
# error that names the table, row and column, with the target unchanged;
# --on-invalid=null sets it to NULL. The reader's own 1 GiB limit on a string
# names its position. (A 1 GiB value once ended in "connection lost".)
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need base64
need md5sum
need_pg

# doc TYPE FILE < value-text: a one-table document whose row 1 holds the
# JSON string content read from stdin, row 2 a small value.
doc() {
    {
        printf '{"format":"dbexport","format_version":"1.0","source":{"backend":"sqlite"},\n'
        printf '"tables":{"t":{"columns":[{"name":"id","type":"int64","nullable":false},'
        printf '{"name":"v","type":"%s","nullable":true}],\n' "$1"
        printf '"constraints":{"primary_key":{"columns":["id"]}},"rows":[\n{"id":1,"v":"'
        cat
        printf '"},\n{"id":2,"v":"%s"}\n]}}}\n' "$([ "$1" = bytes ] && echo eA== || echo x)"
    } >"$2"
}

md5() { md5sum | cut -d' ' -f1; }

# ---- tens of MiB, exactly ----------------------------------------------------
head -c 41943040 /dev/urandom >"$WORK/blob.bin"
base64 -w 0 "$WORK/blob.bin" | doc bytes "$WORK/bytes.json"
# text whose every 1000 bytes end in a backslash and a newline (COPY escapes)
head -c 37748736 /dev/urandom | base64 -w 1000 | sed 's/$/\\/' >"$WORK/text.txt"
sed 's/\\$/\\\\\\n/' "$WORK/text.txt" | tr -d '\n' | doc text "$WORK/text.json"
want_bytes=$(md5 <"$WORK/blob.bin")
want_text=$(md5 <"$WORK/text.txt")

"$DBIMPORT" "$WORK/bytes.db" "$WORK/bytes.json"
check_eq "SQLite: a 40 MiB blob loads" "$?" 0
"$SQLITE3" "$WORK/bytes.db" "SELECT writefile('$WORK/got.bin', v) FROM t WHERE id = 1" >/dev/null
check_eq "SQLite: the blob's bytes are exact" "$(md5 <"$WORK/got.bin")" "$want_bytes"
"$DBIMPORT" "$WORK/text.db" "$WORK/text.json"
"$SQLITE3" "$WORK/text.db" "SELECT writefile('$WORK/got.txt', v) FROM t WHERE id = 1" >/dev/null
check_eq "SQLite: the text is exact" "$(md5 <"$WORK/got.txt")" "$want_text"

# ---- beyond a target's limit -------------------------------------------------
# 1 GiB less one byte: within the reader's limit, beyond both targets'.
head -c $(((1 << 30) - 1)) /dev/zero | tr '\0' a | doc text "$WORK/huge.json"
"$DBIMPORT" "$WORK/huge.db" "$WORK/huge.json" 2>"$WORK/err"
check_eq "SQLite: a value beyond SQLite's limit fails" "$?" 1
check_contains "SQLite: the message names row, column and limit" "$(cat "$WORK/err")" \
    'huge.json:4:1 (byte 250): table "t", row 1, column "v": value of 1073741823 bytes too large for SQLite (its limit is 1000000000)'
check "SQLite: no target file is left" test ! -e "$WORK/huge.db"

# just over the reader's limit
head -c $(((1 << 30) + 1)) /dev/zero | tr '\0' a | doc text "$WORK/over.json"
"$DBIMPORT" "$WORK/over.db" "$WORK/over.json" 2>"$WORK/err"
check_eq "a string over 1 GiB is refused" "$?" 1
check_contains "the reader names the position and the limit" "$(cat "$WORK/err")" \
    'over.json:4:13 (byte 262): table "t", row 1, column "v": value of 1073741825 bytes is over the limit of 1073741824 bytes'
rm -f "$WORK/over.json"

pg_create exact
"$DBIMPORT" "$(pg_uri exact)" "$WORK/bytes.json"
check_eq "PostgreSQL: a 40 MiB bytea loads" "$?" 0
check_eq "PostgreSQL: the bytea is exact" "$(pgq exact "SELECT md5(v) FROM t WHERE id = 1")" "$want_bytes"
check_eq "PostgreSQL: the next row too" "$(pgq exact "SELECT encode(v, 'escape') FROM t WHERE id = 2")" x
pgq exact "DROP TABLE t"
"$DBIMPORT" "$(pg_uri exact)" "$WORK/text.json"
check_eq "PostgreSQL: the text is exact" "$(pgq exact "SELECT md5(v) FROM t WHERE id = 1")" "$want_text"

pg_create huge
pgq huge "CREATE TABLE app (id int); INSERT INTO app VALUES (7)"
"$DBIMPORT" "$(pg_uri huge)" "$WORK/huge.json" 2>"$WORK/err"
check_eq "PostgreSQL: a row beyond COPY's limit fails" "$?" 1
check_contains "PostgreSQL: the message names row and column, and why" "$(cat "$WORK/err")" \
    'huge.json:4:1 (byte 250): table "t", row 1, column "v": row too large for PostgreSQL: with this value its COPY line is 1073741826 bytes or more, over the server'"'"'s limit of 1073741819'
check_eq "PostgreSQL: the target is as it was" \
    "$(pgq huge "SELECT string_agg(tablename, ',') FROM pg_tables WHERE schemaname = 'public'")/$(pgq huge "SELECT id FROM app")" "app/7"
"$DBIMPORT" --on-invalid=null "$(pg_uri huge)" "$WORK/huge.json" 2>"$WORK/err"
check_eq "PostgreSQL: --on-invalid=null loads the rest" "$?" 0
check_eq "PostgreSQL: the value is NULL, the next row kept" \
    "$(pgq huge "SELECT id || ':' || coalesce(v, 'NULL') FROM t ORDER BY id" | tr '\n' ' ')" "1:NULL 2:x "
check_contains "PostgreSQL: and says so" "$(cat "$WORK/err")" 'row 1, column "v": row too large'

report
