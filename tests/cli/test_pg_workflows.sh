#!/usr/bin/env bash
# docs/migrations.md, run as written: every ```sh block, in order, in a
# directory holding the app.db and schema.sql it describes, with the three
# programs and jq on PATH and the databases it names created; then what
# each job promises is checked: dev to prod with casts, a dry run that
# prints the statements, refused rows fixed and imported again, dbdiff
# equal; a restore into the application's own schema; --clean run twice.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
need_pg
doc="$(dirname "$0")/../../docs/migrations.md"

dbs="shop_prod shop_dr shop_staging"
drop_all() { for d in $dbs; do dropdb --if-exists "$d" >/dev/null 2>&1; done; }
trap 'drop_all; pg_cleanup; rm -rf "$WORK"' EXIT
drop_all
for d in $dbs; do createdb "$d"; done
psql -X -q -d shop_dr -c "CREATE EXTENSION vector" >/dev/null

mkdir -p "$WORK/bin" "$WORK/run"
for p in dbexport:"$DBEXPORT" dbimport:"$DBIMPORT" dbdiff:"$DBDIFF" jq:"$(command -v "$JQ")"; do
    ln -s "${p#*:}" "$WORK/bin/${p%%:*}"
done
"$SQLITE3" "$WORK/run/app.db" "PRAGMA foreign_keys = ON;
  CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE, admin BOOLEAN NOT NULL);
  CREATE TABLE posts (id INTEGER PRIMARY KEY, user_id INTEGER NOT NULL REFERENCES users,
                      title VARCHAR(40) NOT NULL, tags TEXT, embedding BLOB);
  INSERT INTO users VALUES (1, 'ann@example.com', 1), (2, 'bob@example.com', 0);
  INSERT INTO posts VALUES (1, 1, 'hello', '[\"intro\", \"news\"]', x'0000803F00000040000040400000803F'),
                           (2, 2, 'a title far longer than the forty characters allowed', '[]', NULL),
                           (3, 1, 'third', '[\"a b\"]', x'00000000000000000000000000000000');"
cat >"$WORK/run/schema.sql" <<'SQL'
CREATE TABLE users (id bigint PRIMARY KEY, email text NOT NULL UNIQUE, admin boolean NOT NULL);
CREATE TABLE posts (id bigint PRIMARY KEY, user_id bigint NOT NULL REFERENCES users,
                    title varchar(40) NOT NULL, tags text[] NOT NULL DEFAULT '{}',
                    embedding vector(4), created timestamptz NOT NULL DEFAULT now());
SQL

awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0; next } on' "$doc" >"$WORK/walkthrough.sh"
check "the walk-through has commands" test -s "$WORK/walkthrough.sh"
(cd "$WORK/run" && PATH="$WORK/bin:$PATH" bash -e "$WORK/walkthrough.sh") >"$WORK/out" 2>"$WORK/err"
rc=$?
check_eq "the walk-through runs as written" "$rc" 0
[ "$rc" -eq 0 ] || sed 's/^/  | /' "$WORK/err" | tail -20 >&2

q() { psql -X -At -d "$1" -c "$2"; }
check_contains "dry run: the refused row is named, not called valid" "$(cat "$WORK/err")" \
    'dry run: 1 row would be refused (--max-errors), the rest is valid for this target'
check_contains "dry run: the statements were printed" "$(cat "$WORK/run/review.sql")" 'CREATE TABLE "public"."posts"'
check_eq "dev to prod: the long title was refused, then fixed" \
    "$("$JQ" -c '[.rejected[] | [.table, .row]]' "$WORK/run/rejected.json")" '[["posts",2]]'
check_eq "dev to prod: every post, the fixed one included" "$(q shop_prod "SELECT count(*) FROM posts")" 3
check_eq "dev to prod: tags as text[]" "$(q shop_prod "SELECT tags::text FROM posts WHERE id = 1")" '{intro,news}'
check_eq "dev to prod: embeddings as vector(4)" "$(q shop_prod "SELECT embedding::text FROM posts WHERE id = 1")" '[1,2,3,1]'
check_eq "dev to prod: booleans" "$(q shop_prod "SELECT string_agg(admin::text, ',' ORDER BY id) FROM users")" 'true,false'
check_eq "restore: the application's schema, its rows" "$(q shop_dr "SELECT count(*), count(*) FILTER (WHERE created IS NOT NULL) FROM posts")" '3|3'
check_eq "restore: tags arrived as arrays" "$(q shop_dr "SELECT tags::text FROM posts WHERE id = 3")" '{"a b"}'
check_eq "staging: the tables once, with the rows once" "$(q shop_staging "SELECT count(*) FROM posts")" 3
report
