#!/usr/bin/env bash
# With -v and stderr not a terminal (| tee import.log, a CI log), a long
# import prints whole progress lines every few seconds, so it shows it is
# alive; a table name's control characters are escaped there as in every
# message. The input pauses for longer than the interval in the middle, so
# a line must appear after it whatever the machine's speed. dbdiff too,
# and on a terminal (script(1)) the line it rewrites in place.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"

"$SQLITE3" "$WORK/src.db" "CREATE TABLE \"t$(printf '\033')[2Jx\" (id INTEGER PRIMARY KEY, v TEXT);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
    INSERT INTO \"t$(printf '\033')[2Jx\" SELECT i, 'value ' || i FROM n;"
"$DBEXPORT" "$WORK/src.db" -f "$WORK/doc.json"
first_row=$(grep -n '^ *{"id":1,' "$WORK/doc.json" | cut -d: -f1)
cut_at=$((first_row + 2100))

{ sed -n "1,${cut_at}p" "$WORK/doc.json"; sleep 6; sed -n "$((cut_at + 1)),\$p" "$WORK/doc.json"; } |
    "$DBIMPORT" -v "$WORK/dst.db" - 2>"$WORK/err"
check_eq "a paused import succeeds" "$?" 0
check_contains "a progress line after the pause, escaped" "$(cat "$WORK/err")" \
    'dbimport: table "t\x1b[2Jx": 3072 rows, '
check_eq "no raw escape reaches the log" "$(grep -c "$(printf '\033')" "$WORK/err")" 0
check_eq "no carriage-return line rewriting in a log" "$(tr -cd '\r' <"$WORK/err" | wc -c)" 0

{ sed -n "1,${cut_at}p" "$WORK/doc.json"; sleep 6; sed -n "$((cut_at + 1)),\$p" "$WORK/doc.json"; } |
    "$DBIMPORT" "$WORK/dst2.db" - 2>"$WORK/err"
check_eq "without -v: no progress lines in a log" "$(grep -c 'rows, ' "$WORK/err")" 0

# dbdiff, the same way: A is the paused pipe, B the database it came from.
{ sed -n "1,${cut_at}p" "$WORK/doc.json"; sleep 6; sed -n "$((cut_at + 1)),\$p" "$WORK/doc.json"; } |
    "$DBDIFF" -v - "$WORK/src.db" >"$WORK/out" 2>"$WORK/err"
check_eq "a paused dbdiff finds the two equal" "$?" 0
check_contains "dbdiff: a progress line after the pause, escaped" "$(cat "$WORK/err")" \
    'dbdiff: table "t\x1b[2Jx": 3072 rows, '
check_contains "dbdiff -v: a line per table with its rows" "$(cat "$WORK/err")" \
    'dbdiff: table "t\x1b[2Jx": 5000 rows in A, 5000 in B'
check_eq "dbdiff: no raw escape reaches the log" "$(grep -c "$(printf '\033')" "$WORK/err")" 0
check_eq "dbdiff: no carriage-return line rewriting in a log" "$(tr -cd '\r' <"$WORK/err" | wc -c)" 0
check_contains "dbdiff: the report is on stdout, alone" "$(cat "$WORK/out")" "equal: 1 tables"
{ sed -n "1,${cut_at}p" "$WORK/doc.json"; sleep 6; sed -n "$((cut_at + 1)),\$p" "$WORK/doc.json"; } |
    "$DBDIFF" - "$WORK/src.db" >/dev/null 2>"$WORK/err"
check_eq "dbdiff without -v: nothing on stderr of a log" "$(cat "$WORK/err")" ""
err=$("$DBDIFF" -q -v "$WORK/src.db" "$WORK/src.db" 2>&1); rc=$?
check_eq "dbdiff -q -v exits 2" "$rc" 2
check_contains "dbdiff -q -v says why" "$err" "--verbose and --quiet cannot be used together"

# On a terminal (script(1) gives dbdiff one): a line rewritten in place,
# with the share of A read and an ETA (A is a file of known size, B a
# pipe that pauses), cleared
# before the report's lines, which share the terminal; -q shows none.
if command -v script >/dev/null 2>&1; then
    "$SQLITE3" "$WORK/tty.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 5000)
        INSERT INTO t SELECT i, 'value ' || i || hex(zeroblob(150)) FROM n;"
    "$DBEXPORT" "$WORK/tty.db" -f "$WORK/tty.json"
    "$SQLITE3" "$WORK/tty.db" "UPDATE t SET v = 'changed' WHERE id = 4000"
    "$DBEXPORT" "$WORK/tty.db" -f "$WORK/tty2.json"
    first_row=$(grep -n '^ *{"id":1,' "$WORK/tty.json" | cut -d: -f1)
    cut_at=$((first_row + 2100))
    cat >"$WORK/tty.sh" <<TTY
{ sed -n "1,${cut_at}p" "$WORK/tty.json"; sleep 1; sed -n "$((cut_at + 1)),\\\$p" "$WORK/tty.json"; } |
    "$DBDIFF" \$1 "$WORK/tty2.json" -
echo "rc=\$?"
TTY
    out=$(on_tty "$WORK/tty.sh")
    check_contains "dbdiff on a terminal: a progress line, ETA included" "$out" \
        $'\033[Kdbdiff: table "t": 3072 rows, '
    # (A is 1.5 MB, read 256 kB at a time: well inside it at row 3072)
    share=$(grep -o ' [0-9]*%, [0-9]*:[0-9][0-9] left' <<<"$out" | head -1 | grep -o '[0-9]*%')
    check "dbdiff on a terminal: the share of A read and the time left ($share)" \
        test "${share%\%}" -gt 0 -a "${share%\%}" -lt 100
    check_contains "dbdiff on a terminal: the line is cleared before a report line" "$out" \
        $'\033[Ktable "t": changed: id=4000: v: "changed" -> "value 4000'
    check_contains "dbdiff on a terminal: the exit status says different" "$out" "rc=1"
    out=$(script -qfec "bash $WORK/tty.sh -q" /dev/null </dev/null)
    check_eq "dbdiff -q on a terminal: no progress line" "$(grep -c 'rows, ' <<<"$out")" 0
    check_contains "dbdiff -q on a terminal: the exit status still says it" "$out" "rc=1"

    # A side that is a database: its source's estimate of the rows gives
    # the ETA (a small SQLite database is counted: 5000 rows), here with A
    # a pipe that pauses, so no size to go by: 3072 of 5000 rows is 61%.
    cat >"$WORK/tty_db.sh" <<TTY
{ sed -n "1,${cut_at}p" "$WORK/tty.json"; sleep 1; sed -n "$((cut_at + 1)),\\\$p" "$WORK/tty.json"; } |
    "$DBDIFF" - "$WORK/tty.db"
echo "rc=\$?"
TTY
    out=$(on_tty "$WORK/tty_db.sh")
    check_contains "dbdiff, B a database: an ETA from its row estimate" "$out" \
        'dbdiff: table "t": 3072 rows, '
    check_eq "dbdiff, B a database: 3072 of its 5000 rows" \
        "$(grep -o '3072 rows, [^%]*, 61%, [0-9]*:[0-9][0-9] left' <<<"$out" | wc -l)" 1
    check_contains "dbdiff, B a database: the exit status says different" "$out" "rc=1"

    # In a database over 16 MB nothing is counted: a rowid table's rows are
    # max(rowid) - min(rowid) + 1 (ids 11 to 5010 here), a WITHOUT ROWID
    # table's what ANALYZE left in sqlite_stat1.
    "$SQLITE3" "$WORK/big.db" "CREATE TABLE pad (b BLOB);
        WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 17)
        INSERT INTO pad SELECT zeroblob(1048576) FROM n;
        CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
        CREATE TABLE w (id INTEGER PRIMARY KEY, v TEXT) WITHOUT ROWID;
        WITH RECURSIVE n(i) AS (SELECT 11 UNION ALL SELECT i + 1 FROM n WHERE i < 5010)
        INSERT INTO t SELECT i, 'value ' || i || hex(zeroblob(150)) FROM n;
        INSERT INTO w SELECT * FROM t; ANALYZE w;"
    for table in t w; do
        "$DBEXPORT" -t "$table" "$WORK/big.db" -f "$WORK/big_$table.json"
        first_row=$(grep -n '^ *{"id":11,' "$WORK/big_$table.json" | cut -d: -f1)
        cut_at=$((first_row + 2100))
        out=$(dbdiff_paused_on_tty "$table" "$WORK/big_$table.json" "$cut_at" "$WORK/big.db")
        check_eq "dbdiff -t $table, B a database over 16 MB: 3072 of its 5000 rows" \
            "$(grep -o '3072 rows, [^%]*, 61%, [0-9]*:[0-9][0-9] left' <<<"$out" | wc -l)" 1
        check_contains "dbdiff -t $table, B a database over 16 MB: equal" "$out" "rc=0"
    done

    # dbexport of a database, and of a file, into a pipe that pauses: an
    # ETA from the source's row estimate, from the file's size.
    eta_share() { # the first share of an ETA in a terminal's output
        grep -o ' [0-9]*%, [0-9]*:[0-9][0-9] left' | head -1 | grep -o '[0-9]*%' | tr -d %
    }
    for src in tty.db tty.json; do
        cat >"$WORK/tty_export.sh" <<TTY
"$DBEXPORT" "$WORK/$src" | { sleep 1; cat >/dev/null; }
echo "rc=\$?"
TTY
        out=$(on_tty "$WORK/tty_export.sh")
        share=$(eta_share <<<"$out")
        check "dbexport $src on a terminal: a share and the time left ($share)" \
            test "${share:-0}" -gt 0 -a "${share:-100}" -lt 100
        check_contains "dbexport $src on a terminal: the progress line" "$out" \
            $'\033[Kdbexport: table "t": '
        check_contains "dbexport $src on a terminal: exit 0" "$out" "rc=0"
    done
fi

report
