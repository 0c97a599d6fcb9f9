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

# Views and triggers follow the tables: with -t/-T a view goes only when
# every table it reads goes (SQLite would create the others, which then fail
# when used, and no PostgreSQL target could create them), a trigger only with
# its table or view, and an INSTEAD OF trigger on a view of the file is
# created with the view.
"$SQLITE3" "$WORK/views.db" "CREATE TABLE a (id INTEGER PRIMARY KEY);
    CREATE TABLE b (id INTEGER PRIMARY KEY, x INTEGER); INSERT INTO b VALUES (1, 2);
    CREATE VIEW va AS SELECT id FROM a;
    CREATE VIEW vb AS SELECT count(*) AS n FROM b;
    CREATE VIEW vab AS SELECT * FROM va, vb;
    CREATE TRIGGER tb AFTER INSERT ON b BEGIN SELECT 1; END;
    CREATE TRIGGER vb_ins INSTEAD OF INSERT ON vb BEGIN INSERT INTO b (x) VALUES (NEW.n); END;
    CREATE TRIGGER va_ins INSTEAD OF INSERT ON va BEGIN INSERT INTO a VALUES (NEW.id); END;"
objects() { "$SQLITE3" "$1" "SELECT group_concat(type || ':' || name, ' ') FROM (SELECT * FROM sqlite_master WHERE type IN ('view', 'trigger') ORDER BY type, name)"; }
"$DBIMPORT" "$WORK/views_all.db" <("$DBEXPORT" "$WORK/views.db")
check_eq "every view and trigger, INSTEAD OF ones too" "$(objects "$WORK/views_all.db")" \
    "trigger:tb trigger:va_ins trigger:vb_ins view:va view:vab view:vb"
check_eq "an INSTEAD OF trigger works after the trip" \
    "$("$SQLITE3" "$WORK/views_all.db" "INSERT INTO vb VALUES (5); SELECT x FROM b ORDER BY id")" "$(printf '2\n5')"
"$DBEXPORT" -t a "$WORK/views.db" -f "$WORK/views_a.json" 2>"$WORK/err"
check_eq "export -t: exit 0" "$?" 0
check_eq "export -t: the views that read only what goes" "$("$JQ" -c '[.views[].name]' "$WORK/views_a.json")" '["va"]'
check_eq "export -t: the triggers of what goes" "$("$JQ" -c '[.triggers[]?.name]' "$WORK/views_a.json")" '["va_ins"]'
check_contains "export -t: one warning names the views left out" "$(cat "$WORK/err")" \
    'dbexport: warning: 2 views not exported: they read a table -t/-T left out: "vab" (reads "b"), "vb" (reads "b")'
"$DBIMPORT" "$WORK/views_a.db" "$WORK/views_a.json"
check_eq "export -t: the file imports" "$(objects "$WORK/views_a.db")" "trigger:va_ins view:va"
"$DBEXPORT" "$WORK/views.db" -f "$WORK/views_all.json"
"$DBIMPORT" -t a "$WORK/views_ia.db" "$WORK/views_all.json" 2>"$WORK/err"
check_eq "import -t: exit 0" "$?" 0
check_eq "import -t: the views that read what was imported, their triggers" \
    "$(objects "$WORK/views_ia.db")" "trigger:va_ins view:va"
check_contains "import -t: a warning per view left out" "$(cat "$WORK/err")" \
    'dbimport: warning: view "vb" not created: no such table: main.b (left out by -t/-T/-n/-N)'
check_eq "import -t: every view left works" "$("$SQLITE3" "$WORK/views_ia.db" "SELECT count(*) FROM va")" 0
check_eq "a view's reads: the tables, through the views it reads" \
    "$("$JQ" -c '[.views[] | [.name, .reads]]' "$WORK/views_all.json")" \
    '[["va",["a"]],["vab",["a","b"]],["vb",["b"]]]'
"$DBEXPORT" -t a "$WORK/views_all.json" -f "$WORK/views_fa.json" 2>"$WORK/err"
check_eq "export -t of a file: exit 0" $? 0
check_eq "export -t of a file: the views that read only what goes, their triggers" \
    "$("$JQ" -c '[.views[].name, .triggers[].name]' "$WORK/views_fa.json")" '["va","va_ins"]'
check_contains "export -t of a file: one warning names the views left out" "$(cat "$WORK/err")" \
    'dbexport: warning: 2 views not exported: they read a relation the export leaves out: vab (reads b), vb (reads b)'
"$JQ" 'del(.tables.b)' "$WORK/views_all.json" >"$WORK/nob.json"
"$DBEXPORT" "$WORK/nob.json" -f "$WORK/views_nob.json" 2>"$WORK/err"
check_eq "a table jq took out: its views go too" "$("$JQ" -c '[.views[].name]' "$WORK/views_nob.json")" '["va"]'
"$JQ" 'del(.views[].reads)' "$WORK/views_all.json" >"$WORK/old.json"
"$DBEXPORT" -t a "$WORK/old.json" -f "$WORK/views_old.json" 2>"$WORK/err"
check_eq "a file without reads (older): every view goes, as before" \
    "$("$JQ" -c '[.views[].name]' "$WORK/views_old.json")" '["va","vab","vb"]'
report
