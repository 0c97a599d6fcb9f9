#!/usr/bin/env bash
# With -v and stderr not a terminal (| tee import.log, a CI log), a long
# import prints whole progress lines every few seconds, so it shows it is
# alive; a table name's control characters are escaped there as in every
# message. The input pauses for longer than the interval in the middle, so
# a line must appear after it whatever the machine's speed.
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

report
