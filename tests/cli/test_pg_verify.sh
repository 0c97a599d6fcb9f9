#!/usr/bin/env bash
# dbimport --verify: after the commit, the target is compared with the file
# as dbdiff does (tables of the file only: the target may hold others), the
# report printed; exit 0 when they hold the same, 3 when not (the import is
# committed either way). Into SQLite and PostgreSQL.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need_pg

"$SQLITE3" "$WORK/src.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL, admin BOOLEAN NOT NULL DEFAULT 0);
  INSERT INTO users VALUES (1, 'a@x', 1), (2, 'b@x', 0);
  CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users, body TEXT);
  INSERT INTO notes VALUES (10, 1, 'hi');"
"$DBEXPORT" "$WORK/src.db" -f "$WORK/a.json.gz"

out=$("$DBIMPORT" --verify "$WORK/copy.db" "$WORK/a.json.gz" 2>"$WORK/err"); rc=$?
check_eq "SQLite: exit 0" "$rc" 0
check_contains "SQLite: the report says equal" "$out" "equal: 2 tables: 2 equal"

pg_create dst
out=$("$DBIMPORT" --verify "$(pg_uri dst)" "$WORK/a.json.gz" 2>"$WORK/err"); rc=$?
check_eq "PostgreSQL: exit 0" "$rc" 0
check_contains "PostgreSQL: equal, what one backend cannot hold expected" "$out" "equal: 2 tables: 2 equal"

# a target that already holds a row of its own under one of the file's keys
pg_create own
"$DBIMPORT" -s "$(pg_uri own)" "$WORK/a.json.gz" 2>/dev/null
pgq own "INSERT INTO users VALUES (2, 'mine@x', true); CREATE TABLE app_only (x int)"
out=$("$DBIMPORT" --verify --on-conflict=skip -a "$(pg_uri own)" "$WORK/a.json.gz" 2>"$WORK/err"); rc=$?
check_eq "a different target: exit 3" "$rc" 3
check_contains "a different target: the row named by its key" "$out" 'id=2'
check_contains "a different target: said, committed" "$(cat "$WORK/err")" \
    "--verify: the target does not hold what the file holds (the import is committed)"
check_eq "the import itself committed" "$(pgq own "SELECT count(*) FROM notes")" 1
check_eq "the target's own table is not reported" "$(grep -c app_only <<<"$out")" 0

"$DBIMPORT" --verify --dry-run "$WORK/x.db" "$WORK/a.json.gz" 2>"$WORK/err"
check_eq "with --dry-run: bad usage" "$?" 2
zcat "$WORK/a.json.gz" | "$DBIMPORT" --verify "$WORK/x.db" - 2>"$WORK/err"
check_eq "from standard input: bad usage" "$?" 2
check_contains "from standard input: says why" "$(cat "$WORK/err")" "give a file, not standard input"

report
