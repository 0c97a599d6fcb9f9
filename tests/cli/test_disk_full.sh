#!/usr/bin/env bash
# A real full disk (ENOSPC, not RLIMIT_FSIZE): a 1 MiB tmpfs mounted in a
# private mount namespace (unshare; as an ordinary user through a user
# namespace). An export to it fails with a message naming the file and no
# file is left, and an existing file of that name keeps its bytes; an import
# into a new SQLite file on it leaves nothing, and into an existing one
# leaves it exactly as it was.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need unshare

# in_small_fs COMMAND...: runs COMMAND with $WORK/full a 1 MiB tmpfs that
# starts with the files of $WORK/seed; what it holds after comes back into
# $WORK/seed for the checks.
in_small_fs() {
    # shellcheck disable=SC2016
    unshare -rm bash -c 'mount -t tmpfs -o size=1m tmpfs "$0" || exit 99
        cp -a "$1"/. "$0"/; seed=$1; shift; "$@"; rc=$?
        rm -rf "$seed"; mkdir "$seed"; cp -a "$0"/. "$seed"/; exit $rc' \
        "$WORK/full" "$WORK/seed" "$@"
}

mkdir -p "$WORK/full" "$WORK/seed"
if ! unshare -rm bash -c 'mount -t tmpfs -o size=1m tmpfs "$0"' "$WORK/full" 2>"$WORK/err"; then
    echo "SKIP: cannot mount a tmpfs in a private namespace: $(cat "$WORK/err")" >&2
    exit 77
fi

# ~4 MB of rows: more than the file system holds
"$SQLITE3" "$WORK/big.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, b BLOB);
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
    INSERT INTO t SELECT i, randomblob(3000) FROM n;"
"$DBEXPORT" "$WORK/big.db" -f "$WORK/big.json"

# ---- export ------------------------------------------------------------------
in_small_fs "$DBEXPORT" "$WORK/big.db" -f "$WORK/full/out.json" 2>"$WORK/err"
check_eq "export to a full disk: exit 1" "$?" 1
check_contains "export to a full disk: the message names the file and why" "$(cat "$WORK/err")" \
    "$WORK/full/out.json: write failed: No space left on device"
check_eq "export to a full disk: no file left" "$(ls -A "$WORK/seed")" ""

printf 'yesterday\n' >"$WORK/seed/out.json"
in_small_fs "$DBEXPORT" "$WORK/big.db" -f "$WORK/full/out.json" 2>"$WORK/err"
check_eq "export over an existing file: exit 1" "$?" 1
check_eq "export over an existing file: it keeps its bytes" "$(cat "$WORK/seed/out.json")" yesterday
check_eq "export over an existing file: nothing else left" "$(ls -A "$WORK/seed")" out.json
rm -f "$WORK/seed/out.json"

# ---- import into SQLite ------------------------------------------------------
in_small_fs "$DBIMPORT" "$WORK/full/new.db" "$WORK/big.json" 2>"$WORK/err"
check_eq "import into a new file on a full disk: exit 1" "$?" 1
check_contains "import into a new file: the message says why" "$(cat "$WORK/err")" "database or disk is full"
check_eq "import into a new file: nothing left" "$(ls -A "$WORK/seed")" ""

"$SQLITE3" "$WORK/seed/app.db" "CREATE TABLE app (id INTEGER PRIMARY KEY, name TEXT);
    INSERT INTO app VALUES (1, 'kept'); PRAGMA user_version = 7;"
before=$(fingerprint "$WORK/seed/app.db")
in_small_fs "$DBIMPORT" "$WORK/full/app.db" "$WORK/big.json" 2>"$WORK/err"
check_eq "import into an existing file on a full disk: exit 1" "$?" 1
check_contains "import into an existing file: the message says why" "$(cat "$WORK/err")" "database or disk is full"
check_eq "import into an existing file: it is as it was" "$(fingerprint "$WORK/seed/app.db")" "$before"
check_eq "import into an existing file: no journal or work file left" "$(ls -A "$WORK/seed")" app.db

report
