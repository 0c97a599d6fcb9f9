#!/usr/bin/env bash
# kill -9 at random points of an export to a file, an import into a new
# SQLite file and one into an existing SQLite file. Afterwards the user's
# path holds the old bytes or the complete new ones, never a part; any
# temporary file left is one the next run removes (and says so); an
# existing target, once SQLite has rolled back its journal, is
# byte-identical to what it was. The delays are random (the seed is
# printed), spread over one uninterrupted run's duration.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
TRIALS=${KILL9_TRIALS:-20}
seed=${KILL9_SEED:-$$}
RANDOM=$seed
echo "kill9: $TRIALS trials per case, seed $seed" >&2
chinook="$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite"
"$DBEXPORT" --no-timestamp "$chinook" -f "$WORK/c.json"
mkdir "$WORK/x" "$WORK/n" "$WORK/e"

now_us() { echo $(($(date +%s%N) / 1000)); }
# timed COMMAND...: runs it; $span = its duration in microseconds
timed() {
    local t0
    t0=$(now_us)
    "$@"
    span=$(($(now_us) - t0 + 1))
}
# kill_after SPAN COMMAND...: starts it, kills it with SIGKILL at a random
# point within 1.2 x SPAN microseconds; $rc = its status, $pid its pid.
kill_after() {
    local limit=$(($1 * 12 / 10)) d
    shift
    d=$(((RANDOM * 32768 + RANDOM) % limit))
    "$@" 2>/dev/null &
    pid=$!
    sleep "$(printf '%d.%06d' $((d / 1000000)) $((d % 1000000)))"
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null # no "Killed" line from the shell
    rc=$?
}
# others DIR NAME: the entries of DIR other than NAME, one a line.
others() { ls -A "$1" | grep -vx "$2" || true; }

# ---- export to a file: a new one on odd trials, replacing one on even ----
timed "$DBEXPORT" --no-timestamp "$chinook" -f "$WORK/x/out.json"
check "export: reference" same_files "$WORK/c.json" "$WORK/x/out.json"
killed=0 leftovers=0
for ((i = 0; i < TRIALS; i++)); do
    rm -f "$WORK/x/out.json"
    [ $((i % 2)) -eq 0 ] && printf 'old\n' >"$WORK/x/out.json"
    kill_after "$span" "$DBEXPORT" --no-timestamp "$chinook" -f "$WORK/x/out.json"
    [ "$rc" -eq 137 ] && killed=$((killed + 1))
    if [ -e "$WORK/x/out.json" ] && [ "$(cat "$WORK/x/out.json")" != old ]; then
        check "export trial $i: out.json complete" same_files "$WORK/c.json" "$WORK/x/out.json"
    elif [ $((i % 2)) -eq 1 ]; then
        check "export trial $i: no out.json" test ! -e "$WORK/x/out.json"
    fi
    left=$(others "$WORK/x" out.json)
    if [ -n "$left" ]; then
        leftovers=$((leftovers + 1))
        check_eq "export trial $i: only this process's temporary file" \
            "$(echo "$left" | grep -cvx "out\.json\.tmp\.$pid\.[A-Za-z0-9]\{6\}")" 0
        "$DBEXPORT" --no-timestamp "$chinook" -f "$WORK/x/out.json"
        check_eq "export trial $i: the next export removes it" "$(others "$WORK/x" out.json)" ""
    fi
done
check "export: some trials were killed ($killed of $TRIALS)" test "$killed" -gt 0
echo "kill9: export: $killed killed, $leftovers left a temporary file" >&2

# ---- import into a new SQLite file ----
timed "$DBIMPORT" "$WORK/n/new.db" "$WORK/c.json"
fingerprint "$WORK/n/new.db" >"$WORK/full.fp"
killed=0 leftovers=0
for ((i = 0; i < TRIALS; i++)); do
    rm -f "$WORK/n/new.db"
    kill_after "$span" "$DBIMPORT" "$WORK/n/new.db" "$WORK/c.json"
    [ "$rc" -eq 137 ] && killed=$((killed + 1))
    if [ -e "$WORK/n/new.db" ]; then
        fingerprint "$WORK/n/new.db" >"$WORK/got.fp"
        check "new trial $i: new.db complete" same_files "$WORK/full.fp" "$WORK/got.fp"
        rm -f "$WORK/n/new.db"
    fi
    left=$(others "$WORK/n" new.db)
    if [ -n "$left" ]; then
        leftovers=$((leftovers + 1))
        check_eq "new trial $i: only this process's work file" \
            "$(echo "$left" | grep -cvx "new\.db\.dbimport-$pid-[A-Za-z0-9]\{6\}\(-journal\)\?")" 0
        "$DBIMPORT" "$WORK/n/new.db" "$WORK/c.json" 2>"$WORK/err"
        check_eq "new trial $i: the next import succeeds" "$?" 0
        check_contains "new trial $i: and says what it removed" "$(cat "$WORK/err")" \
            "dbimport: warning: removed \"$WORK/n/new.db.dbimport-$pid-"
        check_eq "new trial $i: and removes it" "$(others "$WORK/n" new.db)" ""
    fi
done
check "new: some trials were killed ($killed of $TRIALS)" test "$killed" -gt 0
echo "kill9: new file: $killed killed, $leftovers left a work file" >&2

# ---- import into an existing SQLite file ----
"$SQLITE3" "$WORK/orig.db" "CREATE TABLE keep (x); INSERT INTO keep VALUES (42);"
cp "$WORK/orig.db" "$WORK/e/target.db"
timed "$DBIMPORT" "$WORK/e/target.db" "$WORK/c.json"
fingerprint "$WORK/e/target.db" >"$WORK/full.fp"
killed=0 unchanged=0
for ((i = 0; i < TRIALS; i++)); do
    cp "$WORK/orig.db" "$WORK/e/target.db"
    kill_after "$span" "$DBIMPORT" "$WORK/e/target.db" "$WORK/c.json"
    [ "$rc" -eq 137 ] && killed=$((killed + 1))
    # The next reader rolls a hot journal back. A transaction killed before
    # its journal was synced leaves one whose magic is still zero: not hot,
    # SQLite's to reuse, and nothing of the import in it.
    "$SQLITE3" "$WORK/e/target.db" "SELECT count(*) FROM keep" >/dev/null
    left=$(others "$WORK/e" target.db)
    if [ "$left" = target.db-journal ] &&
        [ "$(head -c 8 "$WORK/e/target.db-journal" | od -An -tx1 | tr -d ' ')" = 0000000000000000 ]; then
        left=
    fi
    check_eq "existing trial $i: no hot journal or other file left" "$left" ""
    if same_files "$WORK/orig.db" "$WORK/e/target.db"; then
        unchanged=$((unchanged + 1))
    else
        fingerprint "$WORK/e/target.db" >"$WORK/got.fp"
        check "existing trial $i: unchanged or complete" same_files "$WORK/full.fp" "$WORK/got.fp"
    fi
done
check "existing: some trials were killed ($killed of $TRIALS)" test "$killed" -gt 0
check "existing: some trials left it byte-identical ($unchanged of $TRIALS)" test "$unchanged" -gt 0
echo "kill9: existing file: $killed killed, $unchanged byte-identical" >&2
# After the last trial (a cold journal may be there) the next import works
# and leaves no journal.
cp "$WORK/orig.db" "$WORK/e/target.db"
"$DBIMPORT" "$WORK/e/target.db" "$WORK/c.json"
check_eq "existing: the next import succeeds" "$?" 0
fingerprint "$WORK/e/target.db" >"$WORK/got.fp"
check "existing: and is complete" same_files "$WORK/full.fp" "$WORK/got.fp"
check_eq "existing: and leaves no journal" "$(others "$WORK/e" target.db)" ""

report
