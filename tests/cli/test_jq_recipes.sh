#!/usr/bin/env bash
# Every jq recipe of README.md, docs/jq.md and docs/USAGE.md, run as written.
# The recipes are extracted from the docs' ```sh blocks (and from inline code
# that pipes into jq), so a recipe changed in the docs is the recipe run. Each
# one runs in a directory of its own holding the sample under the names the
# docs use (export.json, export.json.gz, app.db, prod.db; standard input is
# export.json too), with dbexport and dbimport on PATH; a recipe that prints a
# document has it imported into a fresh SQLite file. Its effect is then
# asserted by the expectation registered below under the recipe's exact text:
# a recipe without one, or an expectation no doc has, fails the test.
. "$(dirname "$0")/lib.sh"
set -o pipefail
need "$JQ"
need "$SQLITE3"
need zcat
if [ "${DB_TEST_PG:-}" = 1 ]; then need_pg; fi
root=$(cd "$(dirname "$0")/../.." && pwd)
jq_version=$("$JQ" --version)

# --- samples -----------------------------------------------------------------
# make_sample NAME SQL-FILE: the database and its exports under the docs' names.
make_sample() {
    local dir=$WORK/sample-$1
    mkdir -p "$dir"
    "$SQLITE3" "$dir/app.db" <"$2"
    cp "$dir/app.db" "$dir/prod.db"
    "$DBEXPORT" --no-timestamp "$dir/app.db" -f "$dir/export.json"
    gzip -c "$dir/export.json" >"$dir/export.json.gz"
}
make_sample blog "$root/tools/sample/sample.sql"
# docs: a plain-BLOB embedding column of 384 float32 values (the vector recipe).
one=$(printf '0000803F%.0s' $(seq 384)) # 1.0 little-endian, 384 times
half=$(printf '0000003F%.0s' $(seq 384)) # 0.5
cat >"$WORK/docs.sql" <<EOF
CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, embedding BLOB);
INSERT INTO docs VALUES (1, 'ones', X'$one'), (2, 'halves', X'$half'), (3, 'none', NULL);
EOF
make_sample docs "$WORK/docs.sql"
# objects: the blog with a view and triggers (dropping and renaming tables).
{
    cat "$root/tools/sample/sample.sql"
    cat <<'EOF'
CREATE VIEW published_posts AS SELECT id, title FROM posts WHERE published_at IS NOT NULL;
CREATE TRIGGER posts_edit AFTER UPDATE ON posts BEGIN
  INSERT INTO audit_log (at, actor, action) VALUES (CURRENT_TIMESTAMP, NEW.user_id, 'post.edit');
END;
CREATE TRIGGER users_create AFTER INSERT ON users BEGIN
  INSERT INTO audit_log (at, actor, action) VALUES (CURRENT_TIMESTAMP, NEW.id, 'user.create');
END;
EOF
} >"$WORK/objects.sql"
make_sample objects "$WORK/objects.sql"

mkdir -p "$WORK/bin"
ln -s "$DBEXPORT" "$WORK/bin/dbexport"
ln -s "$DBIMPORT" "$WORK/bin/dbimport"
if [ "$JQ" != jq ]; then ln -s "$(command -v "$JQ")" "$WORK/bin/jq"; fi

# --- extraction ----------------------------------------------------------------
# extract DOC OUTDIR: one file per recipe (N.sh, its text; N.where, DOC:LINE;
# N.note, the comment lines just above it in its block).
# A command in a ```sh block is complete when its single quotes balance; it is
# a recipe when it runs jq. Inline code is a recipe when it is a jq command
# with a program (`jq '...` or `... | jq '...`).
extract() {
    awk -v doc="$1" -v out="$2" -v n="$(find "$2" -name '*.sh' | wc -l)" '
    function quotes(s,   t) { t = s; return gsub(/\047/, "", t) }
    function emit(text, line) {
        n++
        printf "%s\n", text > (out "/" n ".sh"); close(out "/" n ".sh")
        printf "%s:%d\n", doc, line > (out "/" n ".where"); close(out "/" n ".where")
        printf "%s", note > (out "/" n ".note"); close(out "/" n ".note")
        note = ""
    }
    function is_recipe(s) { return s ~ /(^|[|;&(][ \t]*)jq[ \t]/ }
    /^```/ {
        if (insh) { if (cmd != "" && is_recipe(cmd)) emit(cmd, start); insh = 0; cmd = ""; note = "" }
        else if ($0 ~ /^```sh[ \t]*$/) insh = 1
        else inblock = !inblock
        next
    }
    insh {
        if (cmd == "") {
            if ($0 ~ /^[ \t]*#/) { note = note $0 "\n"; next }
            if ($0 ~ /^[ \t]*$/) next
            cmd = $0; start = NR
        } else cmd = cmd "\n" $0
        if (quotes(cmd) % 2 == 0 && cmd !~ /\\$/) {
            if (is_recipe(cmd)) emit(cmd, start)
            cmd = ""; note = ""
        }
        next
    }
    !inblock {
        k = split($0, part, "`")
        for (i = 2; i <= k; i += 2)
            if (part[i] ~ /(^|\|[ \t]*)jq[ \t]+(-[a-zA-Z]+[ \t]+)*\047/) { note = ""; emit(part[i], NR) }
    }' "$root/$1"
}
mkdir -p "$WORK/recipes"
for doc in README.md docs/jq.md docs/USAGE.md; do extract "$doc" "$WORK/recipes"; done

# --- running -------------------------------------------------------------------
# run_recipe SAMPLE TEXT: runs TEXT in a fresh copy of SAMPLE; sets d (the
# directory), rc, out (its standard output is in $d/out) and err.
run_recipe() {
    d=$WORK/run$((++runs))
    mkdir "$d"
    cp "$WORK/sample-$1"/* "$d"
    (cd "$d" && PATH=$WORK/bin:$PATH bash -o pipefail -c "$2" <export.json >out 2>err)
    rc=$?
    out=$(cat "$d/out")
    err=$(cat "$d/err")
}
runs=0
# import_out: the recipe's output imported into a fresh SQLite file $d/out.db;
# sets irc and ierr.
import_out() {
    ierr=$("$DBIMPORT" "$d/out.db" "$d/out" 2>&1)
    irc=$?
}
q() { "$SQLITE3" "$d/$1" "$2" 2>/dev/null; } # q DB SQL: in the recipe's directory
not() { ! "$@"; }
orig() { "$SQLITE3" "$WORK/sample-blog/app.db" "$1"; }

# recipe_ok: the recipe ran and its output imports.
recipe_ok() {
    check_eq "$what: recipe exits 0 ($err)" "$rc" 0
    import_out
    check_eq "$what: import succeeds ($ierr)" "$irc" 0
}
# import_fails MESSAGE: the recipe ran, and its output is refused with MESSAGE,
# which is also the message the doc shows above the recipe
# ("# dbimport: error: ...: MESSAGE").
import_fails() {
    check_eq "$what: recipe exits 0 ($err)" "$rc" 0
    import_out
    check_eq "$what: import fails" "$irc" 1
    check_contains "$what: import message" "$ierr" "$1"
    check "$what: failed import leaves no target" test ! -e "$d/out.db"
    local shown
    shown=$(sed -n 's/^# dbimport: error: \.\.\.: //p' <<<"$note")
    if [ -n "$shown" ]; then
        check_eq "$what: the doc shows the message" "$shown" "$1"
        check_contains "$what: the doc's message is dbimport's" "$ierr" "$shown"
    fi
}
tables() { q "$1" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite%' ORDER BY name)"; }
unique_holds() { # unique_holds DB: users.email is still declared UNIQUE and distinct
    check_contains "$what: users.email still UNIQUE" "$(q "$1" "SELECT sql FROM sqlite_schema WHERE name = 'users'")" UNIQUE
    check_eq "$what: emails distinct" "$(q "$1" "SELECT count(DISTINCT email) = count(*) FROM users")" 1
}

# --- expectations --------------------------------------------------------------
# expect NAME [SAMPLE] <<'EOF' recipe text EOF: the recipe's effect is
# asserted by e_NAME, run after the recipe on SAMPLE (default: blog).
declare -A expectation sample_of seen
expect() {
    local text
    text=$(cat)
    expectation[$text]=$1
    sample_of[$text]=${2:-blog}
}

expect jq_bug_array <<'EOF'
echo '[1,2,3,4,5]' | jq -c '.[] |= select(. > 10)'
EOF
e_jq_bug_array() {
    check_eq "$what: exits 0" "$rc" 0
    if [ "$jq_version" = jq-1.6 ]; then
        check_eq "$what: jq 1.6 keeps every other element, as the doc shows" "$out" '[2,4]'
    fi
}

expect jq_bug_rows <<'EOF'
jq '.tables.comments.rows[] |= select(.post_id != 1)' export.json
EOF
e_jq_bug_rows() {
    check_eq "$what: exits 0" "$rc" 0
    if [ "$jq_version" = jq-1.6 ]; then
        check_eq "$what: jq 1.6 keeps comment 2 and appends null" \
            "$(jq -c '[.tables.comments.rows[] | if . == null then null else .id end]' "$d/out")" \
            '[2,3,4,5,6,7,8,9,10,11,12,13,14,null]'
        import_fails 'table "comments", row 14: a row must be an object, found null'
    fi
}

expect index_unsorted <<'EOF'
jq '.tables.users.indexes += [{"name": "users_name", "unique": false, "parts": [{"column": "display_name"}]}]' export.json
EOF
e_index_unsorted() { import_fails 'table "users": "indexes" comes after "rows"'; }

expect index_sorted <<'EOF'
jq -S '.tables.users.indexes += [{"name": "users_name", "unique": false, "parts": [{"column": "display_name"}]}]' export.json
EOF
e_index_sorted() {
    recipe_ok
    check_eq "$what: index created" "$(q out.db "SELECT tbl_name FROM sqlite_schema WHERE type = 'index' AND name = 'users_name'")" users
}

expect redact_body <<'EOF'
jq '.tables.comments.rows[].body |= "redacted"' export.json
EOF
e_redact_body() {
    recipe_ok
    check_eq "$what: every body redacted" "$(q out.db "SELECT count(*), count(DISTINCT body), min(body) FROM comments")" '14|1|redacted'
}

expect redact_email_constant <<'EOF'
jq '.tables.users.rows[].email |= "redacted"' export.json
EOF
e_redact_email_constant() {
    import_fails 'table "users", row 2, column "email": UNIQUE constraint failed: users.email'
}

expect redact_email <<'EOF'
jq '.tables.users.rows[] |= (.email = "user\(.id)@redacted.invalid")' export.json
EOF
e_redact_email() {
    recipe_ok
    check_eq "$what: emails redacted" "$(q out.db "SELECT group_concat(email, ' ') FROM users ORDER BY id")" \
        "$(orig "SELECT group_concat('user' || id || '@redacted.invalid', ' ') FROM users ORDER BY id")"
    unique_holds out.db
}

expect redact_non_null <<'EOF'
jq '.tables.users.rows |= map(if .display_name != null then .display_name = "anonymous" else . end)' export.json
EOF
e_redact_non_null() {
    recipe_ok
    check_eq "$what: non-NULL names replaced, NULLs kept" \
        "$(q out.db "SELECT count(*) FILTER (WHERE display_name = 'anonymous'), count(*) FILTER (WHERE display_name IS NULL) FROM users")" '4|2'
}

expect redact_embedding <<'EOF'
jq '.tables.post_embeddings.rows[].embedding |= null' export.json
EOF
e_redact_embedding() {
    recipe_ok
    check_eq "$what: embeddings NULL, rows kept" "$(q out.db "SELECT count(*), count(embedding) FROM post_embeddings")" '10|0'
}

expect delete_drafts <<'EOF'
jq '.tables.posts.rows |= map(select(.published_at != null))' export.json
EOF
e_delete_drafts() {
    check_eq "$what: drafts gone from the output" \
        "$(jq -c '[.tables.posts.rows[].id]' "$d/out")" '[1,2,3,4,5,6,8,9]'
    # The doc's next paragraph: the drafts' embeddings now point nowhere.
    import_fails 'table "post_embeddings", row with rowid 7 (primary key post_id=7): foreign key violation: no row in "posts" matching (id) = (7)'
}

expect delete_comments_of_user <<'EOF'
jq 'del(.tables.comments.rows[] | select(.user_id == 3))' export.json
EOF
e_delete_comments_of_user() {
    recipe_ok
    check_eq "$what: user 3's comments gone, the others kept" \
        "$(q out.db "SELECT count(*) FILTER (WHERE user_id = 3), count(*) FROM comments")" \
        "0|$(orig "SELECT count(*) FROM comments WHERE user_id IS NOT 3")"
}

expect delete_drafts_and_dependants <<'EOF'
jq '[.tables.posts.rows[] | select(.published_at == null) | .id] as $drafts
    | .tables.posts.rows |= map(select(.id | IN($drafts[]) | not))
    | .tables.comments.rows |= map(select(.post_id | IN($drafts[]) | not))
    | .tables.post_embeddings.rows |= map(select(.post_id | IN($drafts[]) | not))' export.json
EOF
e_delete_drafts_and_dependants() {
    recipe_ok
    check_eq "$what: no drafts" "$(q out.db "SELECT count(*), count(published_at) FROM posts")" '8|8'
    check_eq "$what: their embeddings gone" "$(q out.db "SELECT count(*) FROM post_embeddings WHERE post_id IN (7, 10)")" 0
    check_eq "$what: the other embeddings kept" "$(q out.db "SELECT count(*) FROM post_embeddings")" 8
    check_eq "$what: comments kept" "$(q out.db "SELECT count(*) FROM comments")" 14
}

expect drop_comments <<'EOF'
jq 'del(.tables.comments)' export.json
EOF
e_drop_comments() {
    recipe_ok
    check_eq "$what: comments dropped" "$(tables out.db)" 'audit_log post_embeddings posts users'
}

expect drop_posts <<'EOF'
jq 'del(.tables.posts)
    | (.tables[] | select(.constraints.foreign_keys) | .constraints.foreign_keys)
        |= map(select(.references.table != "posts"))
    | if .triggers then .triggers |= map(select(.table != "posts")) else . end' export.json
EOF
e_drop_posts() {
    recipe_ok
    check_eq "$what: posts dropped" "$(tables out.db)" 'audit_log comments post_embeddings users'
    check_eq "$what: no foreign key to posts left" \
        "$(q out.db "SELECT count(*) FROM pragma_foreign_key_list('comments') WHERE \"table\" = 'posts'")" 0
    check_eq "$what: comments' other foreign key kept" \
        "$(q out.db "SELECT count(*) FROM pragma_foreign_key_list('comments') WHERE \"table\" = 'users'")" 1
    check_eq "$what: rows of the others kept" "$(q out.db "SELECT count(*) FROM comments")" 14
    # With a trigger on posts and a view over it: the trigger goes with the
    # table; the view is created anyway, and fails when used (the doc says so).
    run_recipe objects "$recipe"
    recipe_ok
    check_eq "$what (view, triggers): triggers on posts dropped, the others kept" \
        "$(q out.db "SELECT group_concat(name, ' ') FROM sqlite_schema WHERE type = 'trigger'")" users_create
    check_eq "$what (view, triggers): the view is created" \
        "$(q out.db "SELECT name FROM sqlite_schema WHERE type = 'view'")" published_posts
    check "$what (view, triggers): the view fails on use" not q out.db "SELECT * FROM published_posts"
}

expect keep_users_posts <<'EOF'
jq '.tables |= with_entries(select(.key | IN("users", "posts")))' export.json
EOF
e_keep_users_posts() {
    recipe_ok
    check_eq "$what: only users and posts" "$(tables out.db)" 'posts users'
}

expect keep_post_prefix <<'EOF'
jq '.tables |= with_entries(select(.key | startswith("post")))' export.json
EOF
e_keep_post_prefix() {
    check_eq "$what: only posts and post_embeddings in the output" \
        "$(jq -c '.tables | keys' "$d/out")" '["post_embeddings","posts"]'
    # posts.user_id refers to users, which was left out: the doc says so.
    import_fails 'table "posts", row with rowid 1 (primary key id=1): foreign key violation: no row in "users" matching (id) = (1)'
}

expect drop_column <<'EOF'
jq '.tables.users.columns |= map(select(.name != "display_name"))
    | del(.tables.users.rows[]?.display_name)' export.json
EOF
e_drop_column() {
    recipe_ok
    check_eq "$what: column gone" \
        "$(q out.db "SELECT group_concat(name, ' ') FROM pragma_table_info('users')")" 'id email is_admin created_at'
    check_eq "$what: rows kept" "$(q out.db "SELECT count(*) FROM users")" 6
    unique_holds out.db
}

expect drop_key_column <<'EOF'
jq '.tables.comments.columns |= map(select(.name != "post_id"))
    | del(.tables.comments.rows[]?.post_id)' export.json
EOF
e_drop_key_column() {
    import_fails 'table "comments": a foreign key names "post_id", which is not a column'
}

expect omit_column_values <<'EOF'
jq 'del(.tables.users.rows[].created_at)' export.json
EOF
e_omit_column_values() {
    recipe_ok
    # created_at DEFAULT CURRENT_TIMESTAMP: every row now has the import's time.
    check_eq "$what: created_at is the default, not the source's" \
        "$(q out.db "SELECT count(*) FROM users WHERE created_at >= '2026'") $(q out.db "SELECT count(*) FROM users WHERE created_at < '2025'")" '6 0'
    check_eq "$what: column kept" "$(q out.db "SELECT count(*) FROM pragma_table_info('users') WHERE name = 'created_at'")" 1
}

expect rename_table <<'EOF'
jq '.tables |= with_entries(if .key == "users" then .key = "accounts" else . end)
    | (.tables[].constraints.foreign_keys[]?.references | select(.table == "users") | .table) |= "accounts"
    | if .triggers then .triggers |= map(select(.table != "users")) else . end' export.json
EOF
e_rename_table() {
    recipe_ok
    check_eq "$what: users is accounts" "$(tables out.db)" 'accounts audit_log comments post_embeddings posts'
    check_eq "$what: foreign keys point to accounts" \
        "$(q out.db "SELECT group_concat(\"table\", ' ') FROM (SELECT \"table\" FROM pragma_foreign_key_list('posts') UNION ALL SELECT \"table\" FROM pragma_foreign_key_list('comments') ORDER BY 1)")" 'accounts accounts posts'
    check_eq "$what: rows kept" "$(q out.db "SELECT count(*) FROM accounts")" 6
    # A trigger on users would name the old table in its SQL: dropped.
    run_recipe objects "$recipe"
    recipe_ok
    check_eq "$what (triggers): the trigger on users dropped, the others kept" \
        "$(q out.db "SELECT group_concat(name, ' ') FROM sqlite_schema WHERE type = 'trigger'")" posts_edit
    # What the doc warns of: re-pointing .table alone fails the import.
    local drop='if .triggers then .triggers |= map(select(.table != "users")) else . end'
    local repoint='(.triggers[]? | select(.table == "users") | .table) |= "accounts"'
    run_recipe objects "${recipe/"$drop"/"$repoint"}"
    check_contains "$what: the re-pointing variant differs" "$recipe${recipe/"$drop"/"$repoint"}" "$repoint"
    import_fails 'trigger "users_create": sql: a table other than the one declared after ON'
}

expect rename_column <<'EOF'
jq '.tables.users.columns |= map(if .name == "display_name" then .name = "full_name" else . end)
    | .tables.users.rows |= map(with_entries(if .key == "display_name" then .key = "full_name" else . end))' export.json
EOF
expect omit_not_null_values <<'EOF'
jq 'del(.tables.comments.rows[].created_at)' export.json
EOF
e_omit_not_null_values() {
    import_fails 'table "comments", row 1, column "created_at": no value for this NOT NULL column, which has no default'
}

e_rename_column() {
    recipe_ok
    check_eq "$what: values under the new name" "$(q out.db "SELECT full_name FROM users WHERE id = 1")" 'Alice Martin'
    check_eq "$what: old name gone" "$(q out.db "SELECT count(*) FROM pragma_table_info('users') WHERE name = 'display_name'")" 0
}

expect blob_as_vector docs <<'EOF'
jq '.tables.docs.columns |= map(if .name == "embedding" then .type = "vector(384)" else . end)' export.json
EOF
e_blob_as_vector() {
    recipe_ok
    "$DBEXPORT" --no-timestamp --vector-column=docs.embedding:384 "$d/app.db" -f "$d/vc.json"
    check_eq "$what: the same document as dbexport --vector-column" \
        "$(jq -S 'del(.generator)' "$d/out" | md5sum)" "$(jq -S 'del(.generator)' "$d/vc.json" | md5sum)"
    check_eq "$what: bytes kept in SQLite" "$(q out.db "SELECT group_concat(hex(embedding), ' ') FROM docs ORDER BY id")" \
        "$("$SQLITE3" "$d/app.db" "SELECT group_concat(hex(embedding), ' ') FROM docs ORDER BY id")"
    if [ "${DB_TEST_PG:-}" = 1 ]; then
        pg_create vec
        check "$what: imports into PostgreSQL" "$DBIMPORT" "$(pg_uri vec)" "$d/out"
        check_eq "$what: PostgreSQL column is vector(384)" \
            "$(pgq vec "SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'docs'::regclass AND attname = 'embedding'")" 'vector(384)'
        check_eq "$what: vectors in PostgreSQL" \
            "$(pgq vec "SELECT id, (embedding::real[])[1], (embedding::real[])[384], vector_dims(embedding) FROM docs ORDER BY id" | tr '\n' ' ')" '1|1|1|384 2|0.5|0.5|384 3||| '
    fi
}

expect pipe_redact <<'EOF'
zcat export.json.gz | jq -c '.tables.users.rows[] |= (.email = "user\(.id)@redacted.invalid")' | dbimport copy.db -
EOF
e_pipe_redact() {
    check_eq "$what: pipeline exits 0 ($err)" "$rc" 0
    check_eq "$what: emails redacted" "$(q copy.db "SELECT email FROM users WHERE id = 6")" user6@redacted.invalid
    unique_holds copy.db
}

expect pipe_gzip <<'EOF'
zcat export.json.gz | jq 'del(.tables.comments)' | gzip > clean.json.gz
EOF
e_pipe_gzip() {
    check_eq "$what: pipeline exits 0 ($err)" "$rc" 0
    check_eq "$what: gzip again" "$(head -c2 "$d/clean.json.gz" | od -An -tx1 | tr -d ' ')" 1f8b
    # The doc's next command: the dry run checks it and writes nothing.
    local dry
    dry=$(cd "$d" && "$DBIMPORT" --dry-run copy.db clean.json.gz 2>"$d/dry.err")
    check_eq "$what: dry run succeeds, without comments" "$? $(echo "$dry" | cut -f1 | sort | tr '\n' ' ')" \
        '0 audit_log post_embeddings posts users '
    check "$what: dry run writes nothing" test ! -e "$d/copy.db"
}

expect readme_drop_audit_log <<'EOF'
dbexport app.db | jq 'del(.tables.audit_log)' | dbimport slim.db
EOF
e_readme_drop_audit_log() {
    check_eq "$what: pipeline exits 0 ($err)" "$rc" 0
    check_eq "$what: audit_log dropped" "$(tables slim.db)" 'comments post_embeddings posts users'
    check_eq "$what: the rest whole" "$(q slim.db "SELECT count(*) FROM comments")" 14
}

expect readme_drop_comments <<'EOF'
zcat export.json.gz | jq 'del(.tables.comments)' | dbimport copy.db -
EOF
e_readme_drop_comments() {
    check_eq "$what: pipeline exits 0 ($err)" "$rc" 0
    check_eq "$what: comments dropped" "$(tables copy.db)" 'audit_log post_embeddings posts users'
}

expect usage_sanitise <<'EOF'
dbexport prod.db | jq '.tables.users.rows[] |= (.email = "user\(.id)@redacted.invalid")' | dbimport dev.db
EOF
e_usage_sanitise() {
    check_eq "$what: pipeline exits 0 ($err)" "$rc" 0
    check_eq "$what: emails redacted" "$(q dev.db "SELECT count(*) FROM users WHERE email LIKE 'user%@redacted.invalid'")" 6
    unique_holds dev.db
}

expect usage_views_triggers objects <<'EOF'
jq '.views, .triggers'
EOF
e_usage_views_triggers() {
    check_eq "$what: exits 0" "$rc" 0
    check_eq "$what: prints the views, then the triggers" "$(jq -c '[.[] | .name]' "$d/out" | tr '\n' ' ')" \
        '["published_posts"] ["posts_edit","users_create"] '
    check_contains "$what: with their SQL" "$out" 'CREATE TRIGGER users_create AFTER INSERT ON users'
}

# --- run them ------------------------------------------------------------------
count=0
for f in $(find "$WORK/recipes" -name '*.sh' | sort -V); do
    text=$(cat "$f")
    where=$(cat "${f%.sh}.where")
    count=$((count + 1))
    name=${expectation[$text]:-}
    if [ -z "$name" ]; then
        not_ok "$where: recipe without an expectation (add one to $0): $text"
        continue
    fi
    seen[$name]=1
    what="$where ($name)"
    note=$(cat "${f%.sh}.note")
    recipe=$text
    run_recipe "${sample_of[$text]}" "$text"
    "e_$name"
done
for text in "${!expectation[@]}"; do
    [ -n "${seen[${expectation[$text]}]:-}" ] ||
        not_ok "expectation ${expectation[$text]} has no recipe in the docs (changed or removed?): $text"
done
check "recipes found in the docs" test "$count" -ge 20

report
