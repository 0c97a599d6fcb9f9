#!/usr/bin/env bash
# Choosing what moves: -t/-T/-n/-N on both tools, one set of rules; a
# pattern that matches nothing is an error before anything is written (a
# typo in -T must not move the table it meant to leave out); counts name
# the schema.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

"$SQLITE3" "$WORK/src.db" "CREATE TABLE sessions (id INTEGER PRIMARY KEY);
    CREATE TABLE users (id INTEGER PRIMARY KEY); INSERT INTO users VALUES (1), (2);
    INSERT INTO sessions VALUES (7);"

# ---- dbexport ------------------------------------------------------------------
"$DBEXPORT" "$WORK/src.db" -T sesions -f "$WORK/out.json" 2>"$WORK/err"
check_eq "export: a -T typo: exit 1" "$?" 1
check_contains "export: a -T typo: names the pattern" "$(cat "$WORK/err")" \
    'dbexport: error: -T pattern "sesions" matches no table in the database'
check "export: a -T typo: no file" test ! -e "$WORK/out.json"
"$DBEXPORT" "$WORK/src.db" -t users -t nosuch -f "$WORK/out.json" 2>"$WORK/err"
check_contains "export: each -t must match" "$(cat "$WORK/err")" '-t pattern "nosuch" matches no table'
"$DBEXPORT" "$WORK/src.db" -t 'u*' -T 'sess*' -f "$WORK/out.json"
check_eq "export: -T matches a table -t left out: fine" "$?" 0
check_eq "export: -t chose" "$("$JQ" -c '.tables | keys' "$WORK/out.json")" '["users"]'

# ---- dbimport --------------------------------------------------------------------
"$DBEXPORT" "$WORK/src.db" -f "$WORK/all.json"
"$DBIMPORT" -T sesions "$WORK/dst.db" "$WORK/all.json" 2>"$WORK/err"
check_eq "import: a -T typo: exit 1" "$?" 1
check_contains "import: a -T typo: names the pattern" "$(cat "$WORK/err")" \
    'dbimport: error: -T pattern "sesions" matches no table in the file'
check "import: a -T typo: no target" test ! -e "$WORK/dst.db"

# a file whose tables live in schemas, as a PostgreSQL export's do (a SQLite
# target names such a table "schema.table")
# (a table's "namespace" must come before its "rows")
"$JQ" '.tables = {"app.users": ({name: "users", namespace: "app"} + .tables.users),
    "auth.sessions": ({name: "sessions", namespace: "auth"} + .tables.sessions)}' \
    "$WORK/all.json" >"$WORK/schemas.json"
"$DBIMPORT" -v -n app "$WORK/app.db" "$WORK/schemas.json" 2>"$WORK/err"
check_eq "import -n: exit 0" "$?" 0
check_contains "import -n: counts name the schema" "$(cat "$WORK/err")" 'dbimport: table "app.users": 2 rows'
check_eq "import -n: only that schema's tables" \
    "$("$SQLITE3" "$WORK/app.db" "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table' AND name <> '_dbexport_origin'")" app.users
"$DBIMPORT" -N 'au*' "$WORK/noauth.db" "$WORK/schemas.json"
check_eq "import -N: the other schema's tables" \
    "$("$SQLITE3" "$WORK/noauth.db" "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table' AND name <> '_dbexport_origin'")" app.users
"$DBIMPORT" -T auth.sessions "$WORK/t.db" "$WORK/schemas.json"
check_eq "import -T schema.table" \
    "$("$SQLITE3" "$WORK/t.db" "SELECT group_concat(name) FROM sqlite_master WHERE type = 'table' AND name <> '_dbexport_origin'")" app.users
"$DBIMPORT" -n ap "$WORK/typo.db" "$WORK/schemas.json" 2>"$WORK/err"
check_contains "import: an -n typo" "$(cat "$WORK/err")" '-n pattern "ap" matches no schema of a table in the file'
check "import: an -n typo: no target" test ! -e "$WORK/typo.db"
check_eq "import --dry-run: counts name the schema" \
    "$("$DBIMPORT" --dry-run "$WORK/dry.db" "$WORK/schemas.json" 2>/dev/null | tr '\t\n' ': ')" \
    "app.users:2 auth.sessions:1 "

report
