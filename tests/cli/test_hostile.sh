#!/usr/bin/env bash
# An export file is untrusted input (docs/SECURITY.md), SQLite side: hostile
# files against a SQLite target that holds an application's own tables,
# view, trigger and AUTOINCREMENT counter. Each is refused with exit 1 and
# a message naming what was refused, and the target file is byte for byte
# as it was. --untrusted runs no SQL text from the file at all.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"

"$SQLITE3" "$WORK/src.db" <<'SQL'
CREATE TABLE posts (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL DEFAULT 'untitled',
                    score INTEGER CHECK (score >= 0), slug TEXT GENERATED ALWAYS AS (lower(title)));
CREATE INDEX posts_title ON posts (title);
CREATE INDEX posts_lower ON posts (lower(title));
INSERT INTO posts (title, score) VALUES ('A', 1), ('B', 2);
CREATE VIEW posts_v AS SELECT id, title FROM posts;
CREATE TRIGGER posts_touch AFTER UPDATE ON posts BEGIN SELECT 1; END;
SQL
"$DBEXPORT" "$WORK/src.db" -f "$WORK/base.json"

"$SQLITE3" "$WORK/app.db" <<'SQL'
CREATE TABLE accounts (id INTEGER PRIMARY KEY AUTOINCREMENT, email TEXT NOT NULL);
INSERT INTO accounts (email) VALUES ('a@x'), ('b@x');
UPDATE sqlite_sequence SET seq = 1000 WHERE name = 'accounts';
CREATE VIEW app_view AS SELECT id FROM accounts;
CREATE TRIGGER app_touch AFTER UPDATE ON accounts BEGIN SELECT 1; END;
SQL
sum=$(sha256sum <"$WORK/app.db")

# hostile NAME JQ-FILTER WANT [DBIMPORT OPTION...]
hostile() {
    local name=$1 filter=$2 want=$3 err rc
    shift 3
    "$JQ" "$filter" "$WORK/base.json" >"$WORK/$name.json" || { not_ok "$name: jq"; return; }
    err=$("$DBIMPORT" "$@" "$WORK/app.db" "$WORK/$name.json" 2>&1); rc=$?
    check_eq "$name: exit 1" "$rc" 1
    check_contains "$name: says why" "$err" "$want"
    check_eq "$name: target unchanged" "$(sha256sum <"$WORK/app.db")" "$sum"
}

hostile view-is-a-table '.views = [{"name": "pwn", "sql": "CREATE TABLE pwn AS SELECT 1"}]' 'view "pwn": sql'
hostile view-other-name '.views = [{"name": "v2", "sql": "CREATE VIEW app_view2 AS SELECT 1"}]' 'view "v2": sql'
hostile view-temp '.views = [{"name": "v3", "sql": "CREATE TEMP VIEW v3 AS SELECT 1"}]' 'view "v3": sql'
hostile trigger-on-app-table '.triggers = [{"name": "evil", "table": "accounts",
    "sql": "CREATE TRIGGER evil AFTER INSERT ON accounts BEGIN DELETE FROM accounts; END"}]' 'trigger "evil": its table "accounts" is not one this import created'
hostile trigger-says-other-table '.triggers = [{"name": "evil", "table": "posts",
    "sql": "CREATE TRIGGER evil AFTER INSERT ON accounts BEGIN DELETE FROM accounts; END"}]' 'trigger "evil": sql'
hostile index-on-app-table '(.tables.posts.indexes[] | select(.name == "posts_title") | .sql) = "CREATE INDEX posts_title ON accounts (email)"' 'index "posts_title": sql'
hostile default-breaks-out '.tables.posts.columns[1].default = "1), evil TEXT DEFAULT (2"' 'column "title": default'
hostile check-breaks-out '.tables.posts.constraints.checks[0].expression = "1) , CHECK (1"' 'expression'
hostile sqlite-sequence '.tables = {"sqlite_sequence": ({name: "sqlite_sequence"} + .tables.posts)}' 'SQLite keeps for itself'
hostile sqlite-sequence-data-only '.tables = {"sqlite_sequence": ({name: "sqlite_sequence"} + .tables.posts)}' 'SQLite keeps for itself' -a

# A name with a carriage return and a terminal escape cannot print over its
# own failure: control characters in messages are escaped.
"$JQ" '.tables = {"x\u001b[2K\rdbimport: imported 11 tables": ({name: "x\u001b[2K\rdbimport: imported 11 tables"} + .tables.posts | .rows[0].score = "bad")}' \
    "$WORK/base.json" >"$WORK/escape.json"
err=$("$DBIMPORT" "$WORK/escape.db" "$WORK/escape.json" 2>&1); rc=$?
check_eq "escape: exit 1" "$rc" 1
check_contains "escape: the name is shown escaped" "$err" 'x\x1b[2K\rdbimport: imported 11 tables'
case $err in *$'\r'* | *$'\e'*) not_ok "escape: no raw control character in [$err]" ;; *) ok ;; esac

# Appending to the application's table: rows arrive, nothing else of the
# file is added to it, and its AUTOINCREMENT counter is not pushed to the
# file's value.
"$JQ" '.tables = {"accounts": {"columns": [{"name": "id", "type": "int64", "native_type": "INTEGER",
         "nullable": false, "identity": "autoincrement", "last_value": 9000000},
        {"name": "email", "type": "text", "native_type": "TEXT", "nullable": false}],
        "constraints": {"primary_key": {"columns": ["id"]}},
        "indexes": [{"name": "accounts_email", "unique": false, "parts": [{"column": "email"}]}],
        "rows": [{"id": 7, "email": "c@x"}]}}
       | .views = [] | .triggers = []' "$WORK/base.json" >"$WORK/append.json"
cp "$WORK/app.db" "$WORK/append.db"
check "append: exit 0" "$DBIMPORT" "$WORK/append.db" "$WORK/append.json"
check_eq "append: the row arrived" "$("$SQLITE3" "$WORK/append.db" "SELECT email FROM accounts WHERE id = 7")" "c@x"
check_eq "append: no index added to the application's table" \
    "$("$SQLITE3" "$WORK/append.db" "SELECT count(*) FROM sqlite_schema WHERE name = 'accounts_email'")" 0
check_eq "append: the counter is the application's" \
    "$("$SQLITE3" "$WORK/append.db" "SELECT seq FROM sqlite_sequence WHERE name = 'accounts'")" 1000

# --untrusted: tables, keys and plain indexes; no SQL text from the file.
err=$("$DBIMPORT" --untrusted "$WORK/untrusted.db" "$WORK/base.json" 2>&1); rc=$?
check_eq "untrusted: exit 0" "$rc" 0
schema=$("$SQLITE3" "$WORK/untrusted.db" "SELECT group_concat(type || ' ' || name, ', ') FROM (SELECT * FROM sqlite_schema ORDER BY name)")
check_eq "untrusted: tables and plain indexes only" "$schema" "table posts, index posts_title, table sqlite_sequence"
ddl=$("$SQLITE3" "$WORK/untrusted.db" "SELECT sql FROM sqlite_schema WHERE name = 'posts'")
case $ddl in *DEFAULT* | *CHECK* | *GENERATED*) not_ok "untrusted: no expression in the table: [$ddl]" ;; *) ok ;; esac
check_eq "untrusted: the rows" "$("$SQLITE3" "$WORK/untrusted.db" "SELECT group_concat(title) FROM posts")" "A,B"
check_contains "untrusted: defaults counted" "$err" "--untrusted: 1 column defaults left out"
check_contains "untrusted: checks counted" "$err" "--untrusted: 1 CHECK constraints left out"
check_contains "untrusted: views counted" "$err" "--untrusted: 1 views left out"
check_contains "untrusted: triggers counted" "$err" "--untrusted: 1 triggers left out"
check_contains "untrusted: expression indexes counted" "$err" "--untrusted: 1 expression, partial, non-btree or operator-class indexes left out"

report
