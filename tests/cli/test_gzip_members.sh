#!/usr/bin/env bash
# A gzip export larger than a MiB is a series of gzip members, compressed in
# parallel: gunzip reads it as the plain export, dbimport loads the same
# database from it, the bytes do not depend on the number of CPUs, and a
# file cut inside a member fails with the position and the compressed
# offset, leaving no target behind.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need gzip

# ~6 MB of JSON: text, numbers and incompressible blobs.
"$SQLITE3" "$WORK/src.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, b BLOB);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 4000)
    INSERT INTO t SELECT i, 'row ' || i || ' ' || hex(zeroblob(i % 200)),
        CASE WHEN i % 3 THEN randomblob(1000) END FROM n;"
"$DBEXPORT" --no-timestamp "$WORK/src.db" -f "$WORK/plain.json"
"$DBEXPORT" --no-timestamp -Z 1 "$WORK/src.db" -f "$WORK/z.json.gz"
check_eq "export -Z 1: exit 0" "$?" 0

# Members: gzip -l counts one file; count the headers gunzip walks instead.
members=$(gzip -dc "$WORK/z.json.gz" | wc -c)
check_eq "gunzip reads the whole document" "$members" "$(wc -c <"$WORK/plain.json")"
check "gunzip: the same bytes as the plain export" \
    cmp -s <(gzip -dc "$WORK/z.json.gz") "$WORK/plain.json"
check "gzip -t: a valid file" gzip -t "$WORK/z.json.gz"
check "more than one member" test "$(LC_ALL=C grep -c -a -o $'\x1f\x8b\x08' "$WORK/z.json.gz")" -gt 1

# One CPU (taskset) or all: the same file.
if command -v taskset >/dev/null; then
    taskset -c 0 "$DBEXPORT" --no-timestamp -Z 1 "$WORK/src.db" -f "$WORK/one.json.gz"
    check "one CPU: the same bytes" cmp -s "$WORK/one.json.gz" "$WORK/z.json.gz"
fi

"$DBIMPORT" "$WORK/from_gz.db" "$WORK/z.json.gz"
check_eq "dbimport of the members: exit 0" "$?" 0
"$DBIMPORT" "$WORK/from_plain.db" "$WORK/plain.json"
check_eq "dbimport of the members: the database the plain file gives" \
    "$(fingerprint "$WORK/from_gz.db")" "$(fingerprint "$WORK/from_plain.db")"
gzip -dc "$WORK/z.json.gz" | "$DBIMPORT" "$WORK/piped.db" -
check_eq "through gunzip on a pipe: the same database" \
    "$(fingerprint "$WORK/piped.db")" "$(fingerprint "$WORK/from_plain.db")"

# Cut in the middle of the file, inside a member.
size=$(wc -c <"$WORK/z.json.gz")
cut=$((size * 3 / 5))
head -c "$cut" "$WORK/z.json.gz" >"$WORK/cut.json.gz"
"$DBIMPORT" "$WORK/cut.db" "$WORK/cut.json.gz" 2>"$WORK/err"
check_eq "cut inside a member: exit 1" "$?" 1
check_contains "cut inside a member: the compressed offset" "$(cat "$WORK/err")" \
    "truncated gzip stream at compressed byte offset $cut"
check_contains "cut inside a member: the position in the document" "$(cat "$WORK/err")" \
    "dbimport: error: $WORK/cut.json.gz:"
check "cut inside a member: no target" test ! -e "$WORK/cut.db"
"$DBEXPORT" "$WORK/cut.json.gz" -f "$WORK/again.json" 2>"$WORK/err"
check_eq "cut inside a member, read by dbexport: exit 1" "$?" 1
check_contains "cut inside a member, read by dbexport: says so" "$(cat "$WORK/err")" \
    "truncated gzip stream at compressed byte offset $cut"

report
