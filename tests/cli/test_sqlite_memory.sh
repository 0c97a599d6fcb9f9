#!/usr/bin/env bash
# dbimport into SQLite holds a bounded amount of memory whatever the size of
# the file (issue #11: flat memory, "the page cache is not a reason to
# grow"): the page cache of its connection, and the sorter of each CREATE
# INDEX after the data, which SQLite sizes by the same cache_size. A 20 MB
# table with an index on 20 MB of keys goes through both; -v reports SQLite's
# own high-water mark of the memory it allocated (sqlite3_memory_highwater),
# which is exact and does not depend on the sanitizers. The old 64 MiB cache
# reached 78 MiB here, and more with a larger file. tools/bench-app.sh measures the peak RSS at
# 400 MB and 1.6 GB, on purpose.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"

rows=22000
"$SQLITE3" "$WORK/src.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, k TEXT NOT NULL);
    CREATE INDEX t_k ON t (k);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
    INSERT INTO t SELECT i, hex(randomblob(450)) FROM n;"
"$DBEXPORT" -q "$WORK/src.db" -f "$WORK/doc.json"
size_mb=$(($(stat -c %s "$WORK/doc.json") / 1048576))
check "the file is larger than the bound (${size_mb} MB)" test "$size_mb" -ge 19

"$DBIMPORT" -v "$WORK/dst.db" "$WORK/doc.json" 2>"$WORK/err"
check_eq "the import succeeds" "$?" 0
check_eq "every row is in" "$("$SQLITE3" "$WORK/dst.db" "SELECT count(*) FROM t")" "$rows"
check_eq "the index is built and sound" \
    "$("$SQLITE3" "$WORK/dst.db" "PRAGMA integrity_check; SELECT count(*) FROM t INDEXED BY t_k WHERE k > ''")" \
    "$(printf 'ok\n%s' "$rows")"
note=$(grep 'SQLite: at most' "$WORK/err")
check_contains "-v notes SQLite's memory" "$note" "dbimport: SQLite: at most "
mib=$(sed -n 's/.*at most \([0-9]*\)\.[0-9] MiB.*/\1/p' <<<"$note")
check "SQLite held at most 36 MiB for a ${size_mb} MB file (${mib:-?} MiB)" test "${mib:-999}" -le 36
check_eq "the fingerprints match" "$("$FINGERPRINT" "$WORK/dst.db")" "$("$FINGERPRINT" "$WORK/src.db")"

"$DBIMPORT" "$WORK/dst2.db" "$WORK/doc.json" 2>"$WORK/err"
check_eq "without -v: no note" "$(grep -c 'SQLite: at most' "$WORK/err")" 0
report
