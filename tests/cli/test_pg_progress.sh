#!/usr/bin/env bash
# The progress line's ETA when a side is a PostgreSQL database: its source
# estimates each table's rows from the catalog's statistics (a table never
# analyzed, counted when small; a partitioned one by its leaves), so dbdiff with the other side a pipe (no
# size to go by) and dbexport into a pipe that pauses show the share done
# and the time left, on a terminal (script(1) gives them one).
. "$(dirname "$0")/lib.sh"
: "${DBDIFF:?}"
need "$SQLITE3"
need script
need_pg

pg_create eta
# t: analyzed (dbimport runs ANALYZE); u: made here, never analyzed.
"$SQLITE3" "$WORK/src.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
    INSERT INTO t SELECT i, 'value ' || i || hex(zeroblob(150)) FROM n;"
"$DBEXPORT" "$WORK/src.db" | "$DBIMPORT" -q "$(pg_uri eta)" -
pgq eta "CREATE TABLE u (id integer PRIMARY KEY, v text) WITH (autovacuum_enabled = false);
    INSERT INTO u SELECT i, 'value ' || i || repeat('x', 300) FROM generate_series(1, 5000) i"
check_eq "u has no statistics" "$(pgq eta "SELECT reltuples FROM pg_class WHERE relname = 'u'")" -1
# p: partitioned, one leaf analyzed and one not: the leaves count, not the parent.
pgq eta "CREATE TABLE p (id integer PRIMARY KEY, v text) PARTITION BY RANGE (id);
    CREATE TABLE p1 PARTITION OF p FOR VALUES FROM (1) TO (2000) WITH (autovacuum_enabled = false);
    CREATE TABLE p2 PARTITION OF p FOR VALUES FROM (2000) TO (10000) WITH (autovacuum_enabled = false);
    INSERT INTO p SELECT i, 'value ' || i || repeat('x', 300) FROM generate_series(1, 5000) i;
    ANALYZE p1"

for table in t u p; do
    "$DBEXPORT" -t "$table" "$(pg_uri eta)" -f "$WORK/$table.json"
    first_row=$(grep -n '^ *{"id":1,' "$WORK/$table.json" | cut -d: -f1)
    cut_at=$((first_row + 2100))
    out=$(dbdiff_paused_on_tty "$table" "$WORK/$table.json" "$cut_at" "$(pg_uri eta)")
    check_contains "dbdiff -t $table, B PostgreSQL: a progress line" "$out" \
        "dbdiff: table \"$table\": 3072 rows, "
    check_eq "dbdiff -t $table, B PostgreSQL: 3072 of its 5000 rows, and the time left" \
        "$(grep -o '3072 rows, [^%]*, 61%, [0-9]*:[0-9][0-9] left' <<<"$out" | wc -l)" 1
    check_contains "dbdiff -t $table, B PostgreSQL: equal" "$out" "rc=0"
done

# dbexport: into a pipe that pauses, the rows of t, u and p (15000) are
# the whole; after the pause a share between.
cat >"$WORK/tty_export.sh" <<TTY
"$DBEXPORT" "$(pg_uri eta)" | { sleep 1; cat >/dev/null; }
echo "rc=\$?"
TTY
out=$(on_tty "$WORK/tty_export.sh")
share=$(grep -o ' [0-9]*%, [0-9]*:[0-9][0-9] left' <<<"$out" | head -1 | grep -o '[0-9]*%' | tr -d %)
check "dbexport of PostgreSQL on a terminal: a share and the time left ($share)" \
    test "${share:-0}" -gt 0 -a "${share:-100}" -lt 100
check_contains "dbexport of PostgreSQL on a terminal: exit 0" "$out" "rc=0"
check_eq "the estimates changed nothing: u still has no statistics" \
    "$(pgq eta "SELECT reltuples FROM pg_class WHERE relname = 'u'")" -1

report
