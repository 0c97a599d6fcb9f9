#!/usr/bin/env bash
# Faults: a signal while the input pipe is stalled, kill -9 in the middle of
# an import, a full disk during an export and an import, a reader that goes
# away. Each ends with a clear message, a non-zero exit, and the target as it
# was.
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

# A full disk during an import into a new SQLite file: a clear message, exit
# 1, neither the file nor its work file left.
(
    trap '' XFSZ
    ulimit -f 100
    "$DBIMPORT" "$WORK/full.db" "$WORK/c.json" 2>"$WORK/err"
)
check_eq "disk full, new SQLite file: exit 1" "$?" 1
check_contains "disk full, new SQLite file: message" "$(cat "$WORK/err")" \
    "cannot commit to \"$WORK/full.db\": disk I/O error: File too large"
check_eq "disk full, new SQLite file: nothing left" "$(ls "$WORK" | grep -c '^full\.db' || true)" 0

# The tools ignore SIGXFSZ themselves: without the trap above, a file-size
# limit is still an error to report, not a death.
(
    ulimit -f 100
    "$DBIMPORT" "$WORK/full.db" "$WORK/c.json" 2>"$WORK/err"
)
check_eq "file-size limit, SIGXFSZ not ignored by the caller: exit 1" "$?" 1
check_contains "file-size limit: message" "$(cat "$WORK/err")" "File too large"
check_eq "file-size limit: nothing left" "$(ls "$WORK" | grep -c '^full\.db' || true)" 0

# kill -9 of an import into a new file leaves its work file; the next import
# into the same path removes it and says so.
start_stalled_import "$WORK/full.db" "$WORK/c.json"
kill -KILL "$pid"
wait "$pid" 2>/dev/null
exec 3>&-
check_eq "kill -9: a work file left" "$(ls "$WORK" | grep -c '^full\.db\.dbimport-[0-9]*-......$')" 1
"$DBIMPORT" "$WORK/full.db" "$WORK/c.json" 2>"$WORK/err"
check_eq "kill -9: the next import succeeds" "$?" 0
check_contains "kill -9: and says what it removed" "$(cat "$WORK/err")" \
    "dbimport: warning: removed \"$WORK/full.db.dbimport-"
check_eq "kill -9: only the database is left" "$(ls "$WORK" | grep '^full\.db')" full.db

# An export killed where it could leave a named temporary file (no
# O_TMPFILE, or between link and rename): the next export to the same file
# removes it and says so. (A pid that no process has stands for the killed
# export.)
dead=4000000
while kill -0 "$dead" 2>/dev/null; do dead=$((dead + 1)); done
printf 'partial' >"$WORK/again.json.tmp.$dead.AbCdEf"
"$DBEXPORT" "$chinook" -f "$WORK/again.json" 2>"$WORK/err"
check_eq "stale export temporary: the export succeeds" "$?" 0
check_contains "stale export temporary: says what it removed" "$(cat "$WORK/err")" \
    "removed $WORK/again.json.tmp.$dead.AbCdEf"
check_eq "stale export temporary: gone" "$(ls "$WORK" | grep -c '^again\.json\.tmp' || true)" 0

# A work file whose pid looks dead but that a process holds a lock on (an
# import in another PID namespace) is in use: left alone.
rm -f "$WORK/full.db"
sh -c 'exit 0' &
wait $!
dead=$!
busy="$WORK/full.db.dbimport-$dead-abcdef"
rm -f "$WORK/hold"
mkfifo "$WORK/hold"
"$SQLITE3" "$busy" <"$WORK/hold" >/dev/null &
holder=$!
exec 4>"$WORK/hold"
echo "BEGIN IMMEDIATE; CREATE TABLE x (y);" >&4
for ((i = 0; i < 200; i++)); do # until the holder has its lock and journal
    [ -e "$busy-journal" ] && break
    sleep 0.05
done
check "locked work file: fixture" test -e "$busy-journal"
"$DBIMPORT" "$WORK/full.db" "$WORK/c.json" 2>"$WORK/err"
check_eq "locked work file: the import succeeds" "$?" 0
check_eq "locked work file: nothing said" "$(cat "$WORK/err")" ""
check "locked work file: kept" test -e "$busy" -a -e "$busy-journal"
exec 4>&-
wait "$holder"

# The reader of the output goes away: an error, not a hang or a crash.
"$DBEXPORT" "$chinook" 2>"$WORK/err" | head -c 100 >/dev/null
check_eq "closed pipe: exit 1" "${PIPESTATUS[0]}" 1
check_contains "closed pipe: message" "$(cat "$WORK/err")" "Broken pipe"

report
