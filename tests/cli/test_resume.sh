#!/usr/bin/env bash
# --commit=N and --resume into SQLite: the new file is made in place, so
# that an import killed with -9 (inside a table, at a table's end, in the
# last table) leaves its commits, and --resume makes it the source exactly:
# the fingerprint of every table, no row twice in a table without a key,
# AUTOINCREMENT's counter, the indexes; the progress table gone. Also: a
# failed import resumes once the file is fixed with jq; a record without
# --resume, and --resume with another file, are refused and change nothing.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

"$SQLITE3" "$WORK/src.db" "CREATE TABLE users (id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT NOT NULL);
  CREATE TABLE docs (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users, body TEXT,
                     score REAL CHECK (score >= 0));
  CREATE INDEX docs_user ON docs (user_id);
  CREATE TABLE events (user_id INTEGER REFERENCES users, kind TEXT, n INTEGER);
  WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 1800)
  INSERT INTO users (name) SELECT 'user ' || i FROM g;
  DELETE FROM users WHERE id = 1800;
  WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 3200)
  INSERT INTO docs SELECT i, 1 + i % 1799, substr('body body body body', 1, i % 19) || i, i / 10.0 FROM g;
  WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 2600)
  INSERT INTO events SELECT 1 + i % 1799, 'kind ' || (i % 3), i % 5 FROM g;
  WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 40)
  INSERT INTO events SELECT 1, 'same', 1 FROM g;"
"$DBEXPORT" "$WORK/src.db" -f "$WORK/src.json"

rows_line() { grep -n '^      "rows": \[' "$WORK/src.json" | sed -n "$1p" | cut -d: -f1; }
docs_at=$(rows_line 1) # tables in key order: docs, events, users
events_at=$(rows_line 2)
users_at=$(rows_line 3)

record() { "$SQLITE3" "$1" "SELECT group_concat(name || ' ' || rows_done || ' ' || done, ',')
                            FROM (SELECT * FROM dbimport_progress WHERE kind = 'table' ORDER BY name)" 2>/dev/null; }

# kill_at DB LINES WANT [OPTION...]: killed once the record says WANT.
kill_at() {
    local db=$1 lines=$2 want=$3
    shift 3
    kill_import_at "$db" "$WORK/src.json" "$lines" "$want" record "$@"
    check_eq "$(basename "$db"): killed at line $lines, the record of the last commit" "$got" "$want"
}

resumed() {
    local db=$1
    shift
    "$DBIMPORT" --commit=500 --resume "$@" "$db" "$WORK/src.json" 2>"$WORK/resume.err"
    check_eq "$(basename "$db"): the resumed import succeeds" "$?" 0
    cp "$db" "$WORK/copy.db"
    "$SQLITE3" "$WORK/copy.db" "DROP TABLE IF EXISTS notes" # the application's own, below
    check "$(basename "$db"): every table as the source's" same_files <(fingerprint "$WORK/src.db") <(fingerprint "$WORK/copy.db")
    "$DBDIFF" "$WORK/src.db" "$db" >/dev/null 2>&1
    check_eq "$(basename "$db"): dbdiff: equal" "$?" 0
    check_eq "$(basename "$db"): no row twice in the table without a key" \
        "$("$SQLITE3" "$db" "SELECT count(*) FROM events")" 2640
    check_eq "$(basename "$db"): AUTOINCREMENT goes on after the deleted id" \
        "$("$SQLITE3" "$db" "SELECT seq FROM sqlite_sequence WHERE name = 'users'")" 1800
    check_eq "$(basename "$db"): the index, and no progress table" \
        "$("$SQLITE3" "$db" "SELECT group_concat(name) FROM sqlite_schema WHERE name IN ('docs_user', 'dbimport_progress')")" \
        docs_user
}

kill_at "$WORK/inside.db" $((docs_at + 1234)) "docs 1000 0"
check_eq "inside: the committed rows are in the file" "$("$SQLITE3" "$WORK/inside.db" "SELECT count(*) FROM docs")" 1000
resumed "$WORK/inside.db"
check_contains "inside: --resume says where it goes on" "$(cat "$WORK/resume.err")" \
    'table "docs": resuming after row 1000'
check_contains "inside: ... and what the run before did" "$(cat "$WORK/resume.err")" \
    'note: --resume: the runs before this one did 1000 of the file'"'"'s rows'

kill_at "$WORK/boundary.db" $((events_at - 2)) "docs 3200 1"
resumed "$WORK/boundary.db"

kill_at "$WORK/last.db" $((users_at + 1700)) "docs 3200 1,events 2640 1,users 1500 0"
resumed "$WORK/last.db"
check_contains "last: the runs before did the tables done and the rows begun" "$(cat "$WORK/resume.err")" \
    'the runs before this one did 7340 of the file'"'"'s rows'

kill_at "$WORK/pertable.db" $((users_at + 1700)) "docs 3200 1,events 2640 1" --commit=table
resumed "$WORK/pertable.db" --commit=table

# A record, and an import without --resume: refused, the file unchanged.
kill_at "$WORK/refuse.db" $((docs_at + 800)) "docs 500 0"
cp "$WORK/refuse.db" "$WORK/refuse.before"
"$DBIMPORT" "$WORK/refuse.db" "$WORK/src.json" 2>"$WORK/err"
check_eq "a record without --resume: exit 1" "$?" 1
check_contains "... says what to do" "$(cat "$WORK/err")" "run the same command with --resume to continue it"
sleep 1.1 # another second in the header's "created"
"$DBEXPORT" "$WORK/src.db" -f "$WORK/other.json"
"$DBIMPORT" --resume --commit=500 "$WORK/refuse.db" "$WORK/other.json" 2>"$WORK/err"
check_eq "--resume with another file: exit 1" "$?" 1
check_contains "... says so" "$(cat "$WORK/err")" "--resume: the unfinished import read another file"
check "... and the file is unchanged" same_files "$WORK/refuse.before" "$WORK/refuse.db"

# A failed import keeps its commits; fixed with jq, the file resumes.
"$JQ" '.tables.docs.rows[2699].score = "not a number"' "$WORK/src.json" >"$WORK/bad.json"
"$DBIMPORT" --commit=500 "$WORK/failed.db" "$WORK/bad.json" 2>"$WORK/err"
check_eq "a bad value: exit 1" "$?" 1
check_contains "... named by table and row" "$(cat "$WORK/err")" 'table "docs", row 2700, column "score"'
check_eq "... the file keeps the commits before it" "$(record "$WORK/failed.db")" "docs 2500 0"
"$JQ" '.tables.docs.rows[2699].score = 270.0' "$WORK/bad.json" >"$WORK/fixed.json"
"$DBIMPORT" --commit=500 --resume "$WORK/failed.db" "$WORK/fixed.json" 2>"$WORK/err"
check_eq "the fixed file resumes" "$?" 0
check "... and the target is the source" same_files <(fingerprint "$WORK/src.db") <(fingerprint "$WORK/failed.db")

# A failure before the first commit leaves no file behind.
"$JQ" '.tables.docs.rows[10].score = "not a number"' "$WORK/src.json" >"$WORK/early.json"
"$DBIMPORT" --commit=500 "$WORK/early.db" "$WORK/early.json" 2>/dev/null
check_eq "a failure before the first commit: exit 1" "$?" 1
check "... and no file" test ! -e "$WORK/early.db"

# Into an existing database with the application's own table: it stays.
"$SQLITE3" "$WORK/app.db" "CREATE TABLE notes (id INTEGER PRIMARY KEY, body TEXT); INSERT INTO notes VALUES (1, 'keep')"
kill_at "$WORK/app.db" $((events_at + 600)) "docs 3200 1,events 500 0"
resumed "$WORK/app.db"
check_eq "the application's table is untouched" "$("$SQLITE3" "$WORK/app.db" "SELECT body FROM notes")" keep

"$DBIMPORT" --commit=rows "$WORK/x.db" "$WORK/src.json" 2>"$WORK/err"
check_eq "--commit=rows: exit 2" "$?" 2
check_contains "... says what it takes" "$(cat "$WORK/err")" "give all, table or a number of rows"
check "... and no file" test ! -e "$WORK/x.db"
report
