#!/usr/bin/env bash
# An object with the same key twice is an error (docs/FORMAT.md section 1,
# docs/SECURITY.md rule 7): jq shows the last of the two values, so a file
# reviewed with jq must not import as anything else. Each file is refused
# with exit 1 and a message naming the key and where the second one is,
# an existing target is byte for byte as it was and a new one is not made.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"

"$SQLITE3" "$WORK/src.db" <<'SQL'
CREATE TABLE posts (id INTEGER PRIMARY KEY, title TEXT NOT NULL, score INTEGER);
INSERT INTO posts VALUES (1, 'A', 1), (2, 'B', 2);
CREATE VIEW posts_v AS SELECT id, title FROM posts;
SQL
"$DBEXPORT" "$WORK/src.db" -f "$WORK/base.json"
# One line, so that a sed edit below changes the first occurrence only.
"$JQ" -c . "$WORK/base.json" >"$WORK/compact.json"

"$SQLITE3" "$WORK/app.db" <<'SQL'
CREATE TABLE accounts (id INTEGER PRIMARY KEY, email TEXT NOT NULL);
INSERT INTO accounts (email) VALUES ('a@x'), ('b@x');
SQL
sum=$(sha256sum <"$WORK/app.db")

# The unedited file imports: what fails below fails for its duplicate.
"$DBIMPORT" "$WORK/fresh.db" "$WORK/compact.json" 2>"$WORK/err"
check_eq "unedited file imports" "$?" 0

# duplicate NAME SED-EXPRESSION WANT: the edited file is refused.
duplicate() {
    local name=$1 edit=$2 want=$3 err rc
    sed "$edit" "$WORK/compact.json" >"$WORK/$name.json"
    if cmp -s "$WORK/$name.json" "$WORK/compact.json"; then
        not_ok "$name: the edit changed nothing"
        return
    fi
    "$JQ" -e . "$WORK/$name.json" >/dev/null || not_ok "$name: jq reads the file"
    err=$("$DBIMPORT" "$WORK/app.db" "$WORK/$name.json" 2>&1); rc=$?
    check_eq "$name: exit 1" "$rc" 1
    check_contains "$name: says why" "$err" "$want"
    check_contains "$name: says where" "$err" "$name.json:1:"
    check_eq "$name: target unchanged" "$(sha256sum <"$WORK/app.db")" "$sum"
    err=$("$DBIMPORT" "$WORK/$name.db" "$WORK/$name.json" 2>&1); rc=$?
    check_eq "$name: new target: exit 1" "$rc" 1
    check "$name: new target not created" test ! -e "$WORK/$name.db"
    gzip -c "$WORK/$name.json" >"$WORK/$name.json.gz"
    err=$("$DBIMPORT" "$WORK/app.db" "$WORK/$name.json.gz" 2>&1); rc=$?
    check_eq "$name: gzip: exit 1" "$rc" 1
    check_contains "$name: gzip: says why" "$err" "$want"
}

# jq sees one view here (the second "views"); an import must not create
# another set than the one a reviewer saw, nor pick between them.
duplicate two-views 's/"views":\[/"views":[],"views":[/' 'duplicate key "views" in an object'
check_eq "two-views: jq shows the last" "$("$JQ" '.views | length' "$WORK/two-views.json")" 1
duplicate row-column-twice 's/"rows":\[{"id":1,/"rows":[{"id":1,"id":5,/' \
    'table "posts", row 1: duplicate key "id" in an object'
check_eq "row-column-twice: jq shows the last" "$("$JQ" '.tables.posts.rows[0].id' "$WORK/row-column-twice.json")" 5
duplicate columns-twice 's/"columns":\[/"columns":[],"columns":[/' \
    'table "posts": duplicate key "columns" in an object'
duplicate source-twice 's/"source":{/"source":{"backend":"postgresql",/' \
    'duplicate key "backend" in an object'
# Keys are compared decoded: an escape is the same key.
duplicate escaped-twice 's/"views":\[/"\\u0076iews":[],"views":[/' 'duplicate key "views" in an object'

report
