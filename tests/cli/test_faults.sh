#!/usr/bin/env bash
# Faults: a signal while the input pipe is stalled, kill -9 in the middle of
# an import, a full disk during an export, a reader that goes away. Each ends
# with a clear message, a non-zero exit, and the target as it was.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
chinook="$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite"
"$DBEXPORT" --no-timestamp "$chinook" -f "$WORK/c.json"

# An existing target with data of its own.
"$SQLITE3" "$WORK/target.db" "CREATE TABLE keep (x); INSERT INTO keep VALUES (42);"
fingerprint "$WORK/target.db" >"$WORK/target.fp"

for sig in TERM INT; do
    start_stalled_import "$WORK/target.db" "$WORK/c.json"
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    exec 3>&-
    check_eq "SIG$sig on a stalled pipe: exit 1" "$rc" 1
    check_contains "SIG$sig: message" "$(cat "$WORK/err")" "interrupted by signal"
    fingerprint "$WORK/target.db" >"$WORK/after.fp"
    check "SIG$sig: target unchanged" same_files "$WORK/target.fp" "$WORK/after.fp"
done

# kill -9 cannot be caught: the existing target is restored from SQLite's
# journal the next time it is opened; a new target never appears.
start_stalled_import "$WORK/target.db" "$WORK/c.json"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
exec 3>&-
fingerprint "$WORK/target.db" >"$WORK/after.fp"
check "kill -9: existing target as it was" same_files "$WORK/target.fp" "$WORK/after.fp"
check_eq "kill -9: the target's own rows" "$("$SQLITE3" "$WORK/target.db" "SELECT x FROM keep")" 42
start_stalled_import "$WORK/new.db" "$WORK/c.json"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
exec 3>&-
check "kill -9: a new target never appears" test ! -e "$WORK/new.db"
rm -f "$WORK"/new.db.dbimport-*

# A full disk during the export: the write fails (RLIMIT_FSIZE stands in for
# ENOSPC), the message says so, and no output file is left.
(
    trap '' XFSZ
    ulimit -f 200
    "$DBEXPORT" "$chinook" -f "$WORK/full.json" 2>"$WORK/err"
)
check_eq "disk full: exit 1" "$?" 1
check_contains "disk full: message" "$(cat "$WORK/err")" "full.json: write failed: File too large (writing table"
check "disk full: no output file" test ! -e "$WORK/full.json"
check_eq "disk full: no temporary file" "$(ls "$WORK" | grep -c '^full.json' || true)" 0

# The reader of the output goes away: an error, not a hang or a crash.
"$DBEXPORT" "$chinook" 2>"$WORK/err" | head -c 100 >/dev/null
check_eq "closed pipe: exit 1" "${PIPESTATUS[0]}" 1
check_contains "closed pipe: message" "$(cat "$WORK/err")" "Broken pipe"

report
