#!/usr/bin/env bash
# A WAL-mode SQLite database on read-only media (here a read-only directory
# and file) exports: SQLite cannot create its -shm there, so the source
# reopens it immutable. File permissions do not stop root, so as root the
# tool runs as nobody (setpriv, or su); without either the test is skipped.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"

if [ "$(id -u)" -ne 0 ]; then
    as_user() { "$@"; }
elif setpriv --reuid=nobody --regid=nogroup --clear-groups true 2>/dev/null; then
    as_user() { setpriv --reuid=nobody --regid=nogroup --clear-groups "$@"; }
elif su nobody -s /bin/sh -c true 2>/dev/null; then
    as_user() { su nobody -s /bin/sh -c '"$0" "$@"' "$@"; }
else
    echo "SKIP: running as root and cannot run as nobody (no setpriv or su)" >&2
    exit 77
fi
if ! as_user test -x "$DBEXPORT"; then
    echo "SKIP: nobody cannot run $DBEXPORT" >&2
    exit 77
fi
chmod 711 "$WORK" # nobody passes through, lists nothing

# ro/: a directory nobody cannot write, holding a WAL database.
make_wal_db() { # make_wal_db DIR
    mkdir -p "$1"
    "$SQLITE3" "$1/w.db" "PRAGMA journal_mode=WAL; CREATE TABLE t (x INTEGER PRIMARY KEY, y TEXT);
        INSERT INTO t VALUES (1, 'one'), (2, 'two');" >/dev/null
}
make_wal_db "$WORK/ro"
check_eq "fixture: WAL mode" "$("$SQLITE3" "$WORK/ro/w.db" "PRAGMA journal_mode")" wal
"$DBEXPORT" --no-timestamp "$WORK/ro/w.db" -f "$WORK/expected.json"
# A read-only connection leaves an empty -wal and the -shm behind; as they
# would be on media written elsewhere, they are not there.
check "fixture: the -wal holds nothing" test ! -s "$WORK/ro/w.db-wal"
rm -f "$WORK/ro/w.db-wal" "$WORK/ro/w.db-shm"
chmod 444 "$WORK/ro/w.db"
chmod 555 "$WORK/ro"
if as_user sh -c ': >"$1"' sh "$WORK/ro/w.db-shm" 2>/dev/null; then
    not_ok "fixture: nobody can create files in ro/"
    rm -f "$WORK/ro/w.db-shm"
else
    ok
fi

as_user "$DBEXPORT" --no-timestamp "$WORK/ro/w.db" >"$WORK/got.json" 2>"$WORK/err"
check_eq "read-only WAL: exit 0" "$?" 0
check "read-only WAL: the same document as a writable export" same_files "$WORK/expected.json" "$WORK/got.json"
check_eq "read-only WAL, read-only file: no warning" "$(cat "$WORK/err")" ""
check "read-only WAL: nothing created beside it" test ! -e "$WORK/ro/w.db-shm"

# A file that someone can still write: immutable reading is said.
chmod 644 "$WORK/ro/w.db"
as_user "$DBEXPORT" --no-timestamp "$WORK/ro/w.db" >"$WORK/got.json" 2>"$WORK/err"
check_eq "writable file in a read-only directory: exit 0" "$?" 0
check "writable file: same document" same_files "$WORK/expected.json" "$WORK/got.json"
check_contains "writable file: warning" "$(cat "$WORK/err")" \
    "dbexport: warning: \"$WORK/ro/w.db\" is a WAL database"

# Committed changes still in the -wal cannot be read without a -shm: a clear
# error, never a document that silently lacks them.
make_wal_db "$WORK/pending"
"$SQLITE3" "$WORK/pending/w.db" "PRAGMA wal_autocheckpoint = 0; INSERT INTO t VALUES (3, 'three');" \
    ".shell cp $WORK/pending/w.db $WORK/pending/w.db-wal $WORK/pending/copy/ 2>/dev/null || \
        (mkdir $WORK/pending/copy && cp $WORK/pending/w.db $WORK/pending/w.db-wal $WORK/pending/copy/)" \
    >/dev/null
check "fixture: a -wal with changes" test -s "$WORK/pending/copy/w.db-wal"
chmod 444 "$WORK/pending/copy/w.db" "$WORK/pending/copy/w.db-wal"
chmod 555 "$WORK/pending/copy"
as_user "$DBEXPORT" --no-timestamp "$WORK/pending/copy/w.db" >"$WORK/got.json" 2>"$WORK/err"
check_eq "pending -wal: exit 1" "$?" 1
check_contains "pending -wal: message" "$(cat "$WORK/err")" "its -wal file holds changes"

chmod 755 "$WORK/ro" "$WORK/pending/copy" # so that the EXIT trap can remove them
report
