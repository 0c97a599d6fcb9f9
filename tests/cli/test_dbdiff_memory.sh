#!/usr/bin/env bash
# dbdiff's memory does not grow with the tables (issue #10: constant memory
# at any size): the peak RSS of a comparison of N rows and of 4N rows, for
# each kind of side (SQLite database, plain and gzip export file, and a
# PostgreSQL database when the suite has a server), with a primary key and
# without one (the multiset digest), equal and with every row changed,
# stays within a fixed bound while the data grows by about 20 MB a side.
# Measured by getrusage of the child (tests/cli/peak_rss.c), not by time;
# tools/bench-dbdiff.sh measures it at 400 MB and more, on purpose.
. "$(dirname "$0")/lib.sh"
: "${DBDIFF:?}" "${PEAK_RSS:?}"
need "$SQLITE3"

# AddressSanitizer holds freed memory in a quarantine of up to 256 MB, which
# grows with the rows read however little is live: measure without it.
export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=0:thread_local_quarantine_size_kb=0"
bound_kb=4096
small=8000
large=$((4 * small))

make_db() { # make_db FILE ROWS: ~900 bytes a row, in a keyed and a keyless table
    "$SQLITE3" "$1" "CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT, body BLOB, score REAL);
        CREATE TABLE events (at INTEGER, what TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $2)
        INSERT INTO docs SELECT i, 'doc ' || i || hex(randomblob(150)), randomblob(300), i * 0.25 FROM n;
        INSERT INTO events SELECT id, title FROM docs;"
}
for n in $small $large; do
    make_db "$WORK/a$n.db" "$n"
    cp "$WORK/a$n.db" "$WORK/b$n.db"
    "$DBEXPORT" -q "$WORK/a$n.db" -f "$WORK/a$n.json"
    "$DBEXPORT" -q "$WORK/a$n.db" -f "$WORK/a$n.json.gz"
    cp "$WORK/a$n.db" "$WORK/c$n.db"
    "$SQLITE3" "$WORK/c$n.db" "UPDATE docs SET score = score + 1; UPDATE events SET what = what || 'x'"
done
grown=$((($(stat -c %s "$WORK/a$large.db") - $(stat -c %s "$WORK/a$small.db")) / 1024))
check "the large side is at least 5 bounds larger (${grown} kB more)" test "$grown" -gt $((5 * bound_kb))

# peak WANT_RC A B: runs dbdiff -q A B, checks its exit status, prints kB.
peak() {
    "$PEAK_RSS" "$WORK/rss" "$DBDIFF" -q "$2" "$3"
    check_eq "dbdiff $2 $3 exits $1" "$?" "$1"
    cat "$WORK/rss"
}
# flat WHAT WANT_RC A B: A and B name sides with N in them, as a@, b@.
flat() {
    local small_kb large_kb
    small_kb=$(peak "$2" "${3//@/$small}" "${4//@/$small}")
    large_kb=$(peak "$2" "${3//@/$large}" "${4//@/$large}")
    check "$1: $large rows take at most $bound_kb kB more than $small ($small_kb -> $large_kb kB)" \
        test "$large_kb" -le $((small_kb + bound_kb))
}
flat "SQLite vs SQLite" 0 "$WORK/a@.db" "$WORK/b@.db"
flat "file vs SQLite" 0 "$WORK/a@.json" "$WORK/b@.db"
flat "file vs gzip file" 0 "$WORK/a@.json" "$WORK/a@.json.gz"
flat "every row changed" 1 "$WORK/a@.json.gz" "$WORK/c@.db"

# PostgreSQL sides, when the suite has a server.
if [ "${DB_TEST_PG:-}" = 1 ]; then
    need_pg
    for n in $small $large; do
        pg_create "p$n"
        "$DBIMPORT" -q "$(pg_uri "p$n")" "$WORK/a$n.json"
    done
    flat "PostgreSQL vs file" 0 "$(pg_uri p@)" "$WORK/a@.json.gz"
    flat "PostgreSQL vs SQLite, every row changed" 1 "$(pg_uri p@)" "$WORK/c@.db"
fi

report
