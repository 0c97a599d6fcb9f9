#!/usr/bin/env bash
# dbimport --rename-table / --rename-schema into SQLite: the table arrives
# under its new name with its rows; foreign keys, indexes and triggers
# follow; SQL text that names the old table where no rewrite can be proven
# is refused, naming the object; a collision or a rename that matches
# nothing exits 2 and leaves the target as it was; -t/-T and --rows match
# the file's names, messages and the summary the new ones, and the reject
# file keeps the file's.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

"$SQLITE3" "$WORK/src.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users(id),
                        title TEXT CHECK (length(title) > 0));
    CREATE INDEX posts_user ON posts(user_id);
    CREATE TABLE log (msg TEXT);
    CREATE TRIGGER posts_log AFTER INSERT ON posts BEGIN INSERT INTO log VALUES ('post'); END;
    INSERT INTO users VALUES (1, 'ann'), (2, 'bob');
    INSERT INTO posts VALUES (1, 1, 'hello'), (2, 2, 'world');"
"$DBEXPORT" --no-timestamp "$WORK/src.db" -f "$WORK/a.json"
cp "$WORK/src.db" "$WORK/src0.db"
tables() { "$SQLITE3" "$1" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_master
    WHERE type = 'table' AND name NOT IN ('_dbexport_origin', 'sqlite_sequence') ORDER BY name)"; }

# ---- a table referenced by a foreign key ------------------------------------------
"$DBIMPORT" -v --rename-table=users:members "$WORK/m.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "rename users: exit 0" "$?" 0
check_eq "rename users: the tables" "$(tables "$WORK/m.db")" "log members posts"
check_eq "rename users: its rows" "$("$SQLITE3" "$WORK/m.db" "SELECT group_concat(name) FROM members")" "ann,bob"
check_eq "rename users: the foreign key follows" \
    "$("$SQLITE3" "$WORK/m.db" "SELECT \"table\" FROM pragma_foreign_key_list('posts')")" members
check_contains "rename users: -v names the new table" "$(cat "$WORK/err")" 'dbimport: table "members": 2 rows'
"$SQLITE3" "$WORK/m.db" "PRAGMA foreign_keys = ON; INSERT INTO posts VALUES (3, 9, 'orphan')" 2>"$WORK/err"
check_contains "rename users: the foreign key holds" "$(cat "$WORK/err")" "FOREIGN KEY constraint failed"

# ---- the table with the index and the trigger -----------------------------------
"$DBIMPORT" --rename-table=main.posts:articles "$WORK/p.db" "$WORK/a.json"
check_eq "rename posts (main.posts): exit 0" "$?" 0
check_eq "rename posts: the tables" "$(tables "$WORK/p.db")" "articles log users"
check_eq "rename posts: the index is on the new table" \
    "$("$SQLITE3" "$WORK/p.db" "SELECT tbl_name FROM sqlite_master WHERE name = 'posts_user'")" articles
check_eq "rename posts: the trigger is on the new table" \
    "$("$SQLITE3" "$WORK/p.db" "SELECT tbl_name FROM sqlite_master WHERE name = 'posts_log'")" articles
"$SQLITE3" "$WORK/p.db" "INSERT INTO articles VALUES (3, 1, 'again')"
check_eq "rename posts: the trigger fires" "$("$SQLITE3" "$WORK/p.db" "SELECT count(*) FROM log")" 3
check_eq "rename posts: the CHECK holds" \
    "$("$SQLITE3" "$WORK/p.db" "INSERT INTO articles VALUES (4, 1, '')" 2>&1 | grep -c 'CHECK constraint failed')" 1

# ---- --dry-run, --sql-file and -t name what they should ----------------------------
out=$("$DBIMPORT" --dry-run --rename-table=posts:articles "$WORK/dry.db" "$WORK/a.json" 2>/dev/null)
check_eq "--dry-run: counts under the new name" "$(echo "$out" | tr '\t\n' ': ')" "log:2 articles:2 users:2 "
check "--dry-run: no target" test ! -e "$WORK/dry.db"
"$DBIMPORT" --dry-run --sql-file="$WORK/s.sql" --rename-table=posts:articles "$WORK/dry.db" \
    "$WORK/a.json" 2>/dev/null >/dev/null
check_contains "--sql-file: CREATE TABLE under the new name" "$(cat "$WORK/s.sql")" 'CREATE TABLE "articles"'
check_contains "--sql-file: the trigger on the new name" "$(cat "$WORK/s.sql")" 'AFTER INSERT ON articles BEGIN'
"$DBIMPORT" -t posts -t users --rename-table=posts:articles "$WORK/t.db" "$WORK/a.json"
check_eq "-t matches the file's name, before the rename" "$(tables "$WORK/t.db")" "articles users"
"$DBIMPORT" -t articles --rename-table=posts:articles "$WORK/t2.db" "$WORK/a.json" 2>"$WORK/err"
check_contains "-t does not match the new name" "$(cat "$WORK/err")" '-t pattern "articles" matches no table'
"$DBIMPORT" -T posts --rename-table=posts:articles "$WORK/t3.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "a rename of a table -T leaves out: exit 2" "$?" 2
check_contains "a rename of a table -T leaves out: matches nothing" "$(cat "$WORK/err")" \
    '--rename-table=posts:articles matches no table in the file'
"$DBIMPORT" --rows 'posts=select(.id == 1)' --rename-table=posts:articles "$WORK/r.db" "$WORK/a.json"
check_eq "--rows matches the file's name" "$("$SQLITE3" "$WORK/r.db" "SELECT group_concat(id) FROM articles")" 1

# ---- refused: a collision, no match, exit 2, the target unchanged -----------------------
"$SQLITE3" "$WORK/keep.db" "CREATE TABLE keep (x); INSERT INTO keep VALUES (42)"
cp "$WORK/keep.db" "$WORK/keep.orig"
"$DBIMPORT" --rename-table=posts:users "$WORK/keep.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "a rename onto a table of the file: exit 2" "$?" 2
check_contains "a rename onto a table of the file: said" "$(cat "$WORK/err")" \
    '--rename-table=posts:users: the file already has a table "users"; a rename must not take a name the file has'
check "a rename onto a table of the file: the target unchanged" same_files "$WORK/keep.db" "$WORK/keep.orig"
"$DBIMPORT" --rename-table=users:posts "$WORK/keep.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "the other order (the rename comes first): exit 2" "$?" 2
check_contains "the other order: names the rename" "$(cat "$WORK/err")" '--rename-table=users:posts: the file already has a table "posts"'
check "the other order: the target unchanged" same_files "$WORK/keep.db" "$WORK/keep.orig"
"$DBIMPORT" --rename-table=sesions:s "$WORK/keep.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "a rename that matches nothing: exit 2" "$?" 2
check_contains "a rename that matches nothing: said" "$(cat "$WORK/err")" '--rename-table=sesions:s matches no table in the file'
check "a rename that matches nothing: the target unchanged" same_files "$WORK/keep.db" "$WORK/keep.orig"
"$DBIMPORT" --rename-schema=nosuch:x "$WORK/new.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "a schema rename that matches nothing: exit 2" "$?" 2
check "a schema rename that matches nothing: no target" test ! -e "$WORK/new.db"
for bad in users users: :x users:a.b; do
    "$DBIMPORT" --rename-table="$bad" "$WORK/new.db" "$WORK/a.json" 2>"$WORK/err"
    check_eq "--rename-table=$bad: bad usage" "$?" 2
done
check_contains "a bad spec says the form" "$(cat "$WORK/err")" 'give OLD:NEW, OLD a table or schema.table, NEW a bare table name'
"$DBIMPORT" --verify --rename-table=users:m "$WORK/new.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "--verify with a rename: bad usage" "$?" 2

# ---- SQL text that names the table where no rewrite can be proven -------------------------
"$SQLITE3" "$WORK/src.db" "CREATE VIEW titles AS SELECT title FROM posts"
"$DBEXPORT" --no-timestamp "$WORK/src.db" -f "$WORK/v.json"
"$DBIMPORT" --rename-table=posts:articles "$WORK/keep.db" "$WORK/v.json" 2>"$WORK/err"
check_eq "a view naming the renamed table: exit 2" "$?" 2
check_contains "a view naming the renamed table: names the view and why" "$(cat "$WORK/err")" \
    'view "titles": it names table "posts" in SQLite text (bare names: nothing proves which uses are the table)'
check "a view naming the renamed table: the target unchanged" same_files "$WORK/keep.db" "$WORK/keep.orig"
"$DBIMPORT" --rename-table=users:members "$WORK/v.db" "$WORK/v.json"
check_eq "a view that does not name it: carried as it is" \
    "$("$SQLITE3" "$WORK/v.db" "SELECT count(*) FROM titles")" 2

# ---- schemas: a SQLite target names a schema's table "schema.table" -------------------------
"$JQ" '.tables = {"app.users": ({name: "users", namespace: "app"} + .tables.users),
    "app.posts": ({name: "posts", namespace: "app"} + .tables.posts
                  | .constraints.foreign_keys[0].references.namespace = "app"),
    "auth.log": ({name: "log", namespace: "auth"} + .tables.log)} | del(.triggers)' \
    "$WORK/a.json" >"$WORK/schemas.json"
"$DBIMPORT" -v --rename-schema=app:shop "$WORK/s.db" "$WORK/schemas.json" 2>"$WORK/err"
check_eq "rename a schema: exit 0" "$?" 0
check_eq "rename a schema: its tables" "$(tables "$WORK/s.db")" "auth.log shop.posts shop.users"
check_eq "rename a schema: the foreign key follows" \
    "$("$SQLITE3" "$WORK/s.db" "SELECT \"table\" FROM pragma_foreign_key_list('shop.posts')")" shop.users
check_contains "rename a schema: -v names the schema" "$(cat "$WORK/err")" 'dbimport: table "shop.users": 2 rows'
"$DBIMPORT" --rename-schema=app:auth "$WORK/s2.db" "$WORK/schemas.json" 2>"$WORK/err"
check_eq "a schema rename onto a schema of the file: exit 2" "$?" 2
check_contains "a schema rename onto a schema of the file: said" "$(cat "$WORK/err")" \
    '--rename-schema=app:auth: the file already has a schema "auth"; a rename does not merge schemas'
check "a schema rename onto a schema of the file: no target" test ! -e "$WORK/s2.db"
"$DBIMPORT" --rename-schema=app:shop --rename-table=app.posts:articles "$WORK/s3.db" "$WORK/schemas.json"
check_eq "both: OLD names the file's schema" "$(tables "$WORK/s3.db")" "auth.log shop.articles shop.users"
"$DBIMPORT" --rename-table=users:accounts --rename-table=posts:users "$WORK/s4.db" "$WORK/a.json"
check_eq "a name a rename frees may be taken" "$(tables "$WORK/s4.db")" "accounts log users"

# ---- a row error names the new table and the old; the reject file keeps the file's -------------
"$SQLITE3" "$WORK/e.db" "CREATE TABLE articles (id INTEGER PRIMARY KEY, user_id INTEGER, title TEXT);
    INSERT INTO articles VALUES (2, 0, 'taken')"
cp "$WORK/e.db" "$WORK/e.orig"
"$DBIMPORT" -a -t posts --rename-table=posts:articles "$WORK/e.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "a row error: exit 1" "$?" 1
check_contains "a row error: names the new table and the old" "$(cat "$WORK/err")" \
    'table "articles" (renamed from "posts"), row 2, column "id": UNIQUE constraint failed: articles.id'
check "a row error: the target unchanged" same_files "$WORK/e.db" "$WORK/e.orig"
"$DBIMPORT" -a -t posts --rename-table=posts:articles --reject-file="$WORK/rej.json" \
    "$WORK/e.db" "$WORK/a.json" 2>"$WORK/err"
check_eq "--reject-file: exit 4" "$?" 4
check_contains "--reject-file: the summary names the new table" "$(cat "$WORK/err")" \
    'table "articles": 1 row refused and left out'
check_eq "--reject-file: it holds the file's names" "$("$JQ" -c '[(.tables | keys[]), .rejected[0].table]' "$WORK/rej.json")" \
    '["posts","posts"]'
"$DBIMPORT" -a --rename-table=posts:articles --on-conflict=skip "$WORK/e.db" "$WORK/rej.json"
check_eq "--reject-file: imported again with the same rename" "$?" 0

# ---- dbexport writes under the new names, from a database and from a file ------------------
"$DBEXPORT" --no-timestamp --rename-table=posts:articles "$WORK/src0.db" -f "$WORK/x.json"
check_eq "dbexport --rename-table: exit 0" "$?" 0
check_eq "dbexport --rename-table: the file's tables" "$("$JQ" -c '.tables | keys' "$WORK/x.json")" '["articles","log","users"]'
check_eq "dbexport --rename-table: the trigger's table" "$("$JQ" -c '[.triggers[].table, (.triggers[].sql | test("ON articles"))]' "$WORK/x.json")" '["articles",true]'
"$DBIMPORT" "$WORK/x.db" "$WORK/x.json"
"$DBIMPORT" --rename-table=posts:articles "$WORK/p2.db" "$WORK/a.json"
check_eq "dbexport --rename-table: imports as an import with the rename does" \
    "$(fingerprint "$WORK/x.db")" "$(fingerprint "$WORK/p2.db")"
"$DBEXPORT" --no-timestamp --rename-table=users:members "$WORK/a.json" -f "$WORK/y.json"
check_eq "dbexport FILE --rename-table: the foreign key follows" \
    "$("$JQ" -c '[(.tables | keys[]), .tables.posts.constraints.foreign_keys[0].references.table]' "$WORK/y.json")" \
    '["log","members","posts","members"]'
"$DBEXPORT" --rename-table=nosuch:x "$WORK/src0.db" -f "$WORK/z.json" 2>"$WORK/err"
check_eq "dbexport: a rename that matches nothing: exit 2" "$?" 2
check_contains "dbexport: a rename that matches nothing: said" "$(cat "$WORK/err")" '--rename-table=nosuch:x matches no table in the database'
check "dbexport: a rename that matches nothing: no file" test ! -e "$WORK/z.json"
"$DBEXPORT" --rename-table=posts:users "$WORK/a.json" -f "$WORK/z.json" 2>"$WORK/err"
check_eq "dbexport FILE: a collision: exit 2" "$?" 2
check "dbexport FILE: a collision: no file" test ! -e "$WORK/z.json"


# ---- --commit and --resume: the record names the new tables, and a resume ------
# ---- must rename as the import it continues did --------------------------------
"$SQLITE3" "$WORK/big.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
    WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 2000)
    INSERT INTO users SELECT i, 'user ' || i FROM g;"
"$DBEXPORT" "$WORK/big.db" -f "$WORK/big.json"
record() { "$SQLITE3" "$1" "SELECT group_concat(name || ' ' || rows_done, ',') FROM dbimport_progress
                            WHERE kind = 'table'" 2>/dev/null; }
kill_import_at "$WORK/resumed.db" "$WORK/big.json" 1200 "members 1000" record --rename-table=users:members
check_eq "--commit with a rename: the record names the new table" "$got" "members 1000"
"$DBIMPORT" --commit=500 --resume "$WORK/resumed.db" "$WORK/big.json" 2>"$WORK/err"
check_eq "--resume without the rename: exit 1" "$?" 1
check_contains "--resume without the rename: said" "$(cat "$WORK/err")" "renamed table users:members"
check_eq "--resume without the rename: the target as it was" "$(record "$WORK/resumed.db")" "members 1000"
"$DBIMPORT" --commit=500 --resume --rename-table=users:members "$WORK/resumed.db" "$WORK/big.json" 2>"$WORK/err"
check_eq "--resume with the rename: exit 0" "$?" 0
check_eq "--resume with the rename: every row once" \
    "$("$SQLITE3" "$WORK/resumed.db" "SELECT count(*), count(DISTINCT id), sum(id) FROM members")" "2000|2000|2001000"
check_eq "--resume with the rename: no record left" "$(tables "$WORK/resumed.db")" "members"

report
