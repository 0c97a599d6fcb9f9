#!/usr/bin/env bash
# Safe to run by hand at 2 a.m.: dbexport never replaces its source database
# (also through a link) or a file that is not an export (unless --force);
# dbimport says when a bare name becomes a new SQLite file, and what a file
# that is not an export is.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

"$SQLITE3" "$WORK/app.db" "CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT); INSERT INTO t VALUES (1, 'a');"
before=$(fingerprint "$WORK/app.db")

# ---- dbexport: the output path ---------------------------------------------------
"$DBEXPORT" "$WORK/app.db" -f "$WORK/app.db" 2>"$WORK/err"
check_eq "export onto its source: exit 1" "$?" 1
check_contains "export onto its source: says so" "$(cat "$WORK/err")" \
    "$WORK/app.db is the source database; an export cannot replace it"
check_eq "export onto its source: the database is untouched" "$(fingerprint "$WORK/app.db")" "$before"
ln -s app.db "$WORK/link.db"
"$DBEXPORT" "$WORK/app.db" -f "$WORK/link.db" --force 2>"$WORK/err"
check_eq "export onto its source through a link, even with --force: exit 1" "$?" 1
check_eq "through a link: the database is untouched" "$(fingerprint "$WORK/app.db")" "$before"
cd "$WORK" && "$DBEXPORT" sqlite:app.db -f ./app.db 2>"$WORK/err"
check_eq "export onto its source by another spelling: exit 1" "$?" 1
cd - >/dev/null || exit 1

printf 'my notes\n' >"$WORK/notes.txt"
"$DBEXPORT" "$WORK/app.db" -f "$WORK/notes.txt" 2>"$WORK/err"
check_eq "export over a file that is not an export: exit 1" "$?" 1
check_contains "it says what the file is and what to do" "$(cat "$WORK/err")" \
    "$WORK/notes.txt exists and is not an export (it is not a dbexport file); not replacing it"
check_contains "and hints at --force" "$(cat "$WORK/err")" "give --force to replace it"
check_eq "the file keeps its bytes" "$(cat "$WORK/notes.txt")" "my notes"
cp "$WORK/app.db" "$WORK/other.db"
"$DBEXPORT" "$WORK/app.db" -f "$WORK/other.db" 2>"$WORK/err"
check_contains "over another SQLite database: named as one" "$(cat "$WORK/err")" "(it is a SQLite database)"
"$DBEXPORT" "$WORK/app.db" -f "$WORK/notes.txt" --force
check_eq "--force replaces it" "$?" 0
check_eq "with an export" "$("$JQ" -r .format "$WORK/notes.txt")" dbexport

for f in plain.json packed.json.gz; do
    "$DBEXPORT" "$WORK/app.db" -f "$WORK/$f" && "$DBEXPORT" --no-timestamp "$WORK/app.db" -f "$WORK/$f"
    check_eq "$f: an export replaces an earlier export" "$?" 0
done
"$JQ" -S . "$WORK/plain.json" >"$WORK/sorted.json"
"$DBEXPORT" "$WORK/app.db" -f "$WORK/sorted.json"
check_eq "an export jq rewrote is still an export" "$?" 0
: >"$WORK/empty.json"
"$DBEXPORT" "$WORK/app.db" -f "$WORK/empty.json"
check_eq "an empty file is replaced" "$?" 0
"$DBEXPORT" "$WORK/app.db" -f /dev/null
check_eq "/dev/null is written" "$?" 0

# ---- dbimport: what TARGET and FILE are ----------------------------------------------
cd "$WORK" || exit 1
"$DBIMPORT" appdb "$WORK/plain.json" 2>"$WORK/err"
check_eq "a bare name: the import goes on" "$?" 0
check_contains "a bare name: says a SQLite file is made" "$(cat "$WORK/err")" \
    'no file "appdb" here: creating a new SQLite database of that name'
check_contains "a bare name: and how PostgreSQL is named" "$(cat "$WORK/err")" "postgresql:///appdb or dbname=appdb"
check_eq "a bare name: the file is a database" "$("$SQLITE3" appdb "SELECT v FROM t")" a
"$DBIMPORT" appdb2.db "$WORK/plain.json" 2>"$WORK/err"
check_eq "a path with an extension: no note" "$(cat "$WORK/err")" ""
cd - >/dev/null || exit 1

"$DBIMPORT" "$WORK/new.db" "$WORK/app.db" 2>"$WORK/err"
check_eq "a SQLite database as FILE: exit 1" "$?" 1
check_contains "a SQLite database as FILE: says what it is and what to do" "$(cat "$WORK/err")" \
    "$WORK/app.db is a SQLite database, not an export file"
check_contains "with the command" "$(cat "$WORK/err")" "dbexport $WORK/app.db | dbimport TARGET"
check "a SQLite database as FILE: no target made" test ! -e "$WORK/new.db"
printf 'PGDMP\001\016\000' >"$WORK/dump.custom"
"$DBIMPORT" "$WORK/new.db" "$WORK/dump.custom" 2>"$WORK/err"
check_contains "a pg_dump archive as FILE: named as one" "$(cat "$WORK/err")" "is a pg_dump archive, not an export file"

report
