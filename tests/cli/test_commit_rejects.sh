#!/usr/bin/env bash
# --commit=table|N with --max-errors and --reject-file, into SQLite and
# PostgreSQL. Refused rows in two tables (a NOT NULL, a CHECK, and the
# foreign key orphans the CHECK leaves): exit 4, the good rows in, a valid
# reject file with each refused row once. Killed with -9 after a commit
# (at a table's end, and inside a table with a refused row committed
# before the kill and one after it), then --resume with the same options:
# the reject file holds the rows of both runs, once each, and the target
# is the source minus them (dbdiff). --max-errors counts the rows of both
# runs: a resumed run that passes N with them stops, and what was
# committed stays with its record. Tables the target had, empty, before
# the import have their orphans taken out by the resumed run too.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
schema="$(dirname "$0")/../../schemas/dbexport-1.schema.json"
validate="$(dirname "$0")/../schema/validate.sh"

"$SQLITE3" "$WORK/app.db" "CREATE TABLE users (id INTEGER PRIMARY KEY, email TEXT NOT NULL UNIQUE,
    age INTEGER CHECK (age >= 0));
  CREATE TABLE notes (id INTEGER PRIMARY KEY, user_id INTEGER REFERENCES users (id), body TEXT NOT NULL);
  WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 1000)
  INSERT INTO users SELECT i, 'u' || i || '@x', i % 90 FROM g;
  WITH RECURSIVE g(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM g WHERE i < 1000)
  INSERT INTO notes SELECT i, i, 'note ' || i FROM g;"
"$DBEXPORT" --no-timestamp "$WORK/app.db" -f "$WORK/good.json"
# notes (first in the file): rows 21 and 801 have no body; users: rows 11
# and 701 a negative age, which leaves notes 11 and 701 orphans
"$JQ" '.tables.notes.rows[20].body = null | .tables.notes.rows[800].body = null
    | .tables.users.rows[10].age = -1 | .tables.users.rows[700].age = -5' "$WORK/good.json" >"$WORK/bad.json"
# what the target must hold: the file without the refused rows
"$JQ" '.tables.notes.rows |= map(select(.id as $i | [11, 21, 701, 801] | index($i) | not))
    | .tables.users.rows |= map(select(.id as $i | [11, 701] | index($i) | not))' \
    "$WORK/bad.json" >"$WORK/expected.json"
want_rejected='[["notes",11],["notes",21],["notes",701],["notes",801],["users",11],["users",701]]'
rows_line() { grep -n '^      "rows": \[' "$WORK/bad.json" | sed -n "$1p" | cut -d: -f1; }
notes_at=$(rows_line 1)
users_at=$(rows_line 2)

# refused_rows FILE: [table, row] of each entry of a reject file, and its rows' ids
refused_rows() { unz "$1" | "$JQ" -c '[.rejected[] | [.table, .row]]'; }
refused_ids() { unz "$1" | "$JQ" -c '[.tables.notes.rows[].id] + [.tables.users.rows[].id]'; }

# check_rejects NAME TARGET REJECT_FILE: the reject file and the target
# after an import that refused the six rows
check_rejects() {
    local name=$1 target=$2 file=$3
    check_eq "$name: each refused row once in the reject file" "$(refused_rows "$file")" "$want_rejected"
    check_eq "$name: the reject file holds those rows" "$(refused_ids "$file")" '[11,21,701,801,11,701]'
    check "$name: the reject file is valid" bash "$validate" "$schema" "$file"
    "$DBDIFF" "$WORK/expected.json" "$target" >"$WORK/diff.out" 2>&1
    check_eq "$name: the target is the file without the refused rows (dbdiff)" "$?" 0
}

# one_target KIND RECORD NEW: the cases into targets that NEW NAME makes
one_target() {
    local kind=$1 record=$2 new=$3 t
    local opts=(--max-errors=10)

    t=$("$new" whole)
    "$DBIMPORT" --commit=table "${opts[@]}" --reject-file="$WORK/$kind-whole.json" "$t" "$WORK/bad.json" 2>"$WORK/err"
    check_eq "$kind, --commit=table --max-errors: exit 4" "$?" 4
    check_contains "$kind: the orphans are counted with the rest" "$(cat "$WORK/err")" \
        'table "notes": 4 rows refused and left out'
    check_rejects "$kind, one run" "$t" "$WORK/$kind-whole.json"

    # killed at the end of the first table: its refused rows are committed
    t=$("$new" table)
    kill_import_at "$t" "$WORK/bad.json" $((users_at + 4000)) "notes 1000 1" "$record" \
        --commit=table "${opts[@]}" --reject-file="$WORK/$kind-table.json"
    check_eq "$kind: killed after the first table's commit" "$got" "notes 1000 1"
    check "$kind: ... and no reject file yet" test ! -e "$WORK/$kind-table.json"
    "$DBIMPORT" --commit=table --resume "${opts[@]}" --reject-file="$WORK/$kind-table.json" "$t" "$WORK/bad.json" 2>"$WORK/err"
    check_eq "$kind, resumed after a table: exit 4" "$?" 4
    check_contains "$kind: the resumed run counts the first run's refused rows" "$(cat "$WORK/err")" \
        '--resume: 2 rows refused by the unfinished import'
    check_rejects "$kind, resumed after a table" "$t" "$WORK/$kind-table.json"

    # killed inside notes after its 600th row: row 21 refused and committed,
    # row 801 refused after the kill's commit point, so again by --resume
    t=$("$new" inside)
    kill_import_at "$t" "$WORK/bad.json" $((notes_at + 3500)) "notes 600 0" "$record" \
        --commit=300 "${opts[@]}" --reject-file="$WORK/$kind-inside.json"
    check_eq "$kind: killed inside a table" "$got" "notes 600 0"
    "$DBIMPORT" --commit=300 --resume "${opts[@]}" --reject-file="$WORK/$kind-inside.json" "$t" "$WORK/bad.json" 2>"$WORK/err"
    check_eq "$kind, resumed inside a table: exit 4" "$?" 4
    check_contains "$kind: one refused row came from the record" "$(cat "$WORK/err")" \
        '--resume: 1 row refused by the unfinished import'
    check_rejects "$kind, resumed inside a table" "$t" "$WORK/$kind-inside.json"

    # --max-errors=5 is for the whole import: the resumed run refuses 4
    # (2 in users, 2 orphans), the first run 2 before its kill
    t=$("$new" over)
    kill_import_at "$t" "$WORK/bad.json" $((users_at + 4000)) "notes 1000 1" "$record" \
        --commit=table --max-errors=5 --reject-file="$WORK/$kind-over.json"
    "$DBIMPORT" --commit=table --resume --max-errors=5 --reject-file="$WORK/$kind-over.json" "$t" "$WORK/bad.json" 2>"$WORK/err"
    check_eq "$kind, over --max-errors across two runs: exit 1" "$?" 1
    check_contains "$kind: ... said, for the whole import" "$(cat "$WORK/err")" \
        'more than 5 rows were refused (--max-errors=5, for the whole import): the import stopped'
    check "$kind: ... no reject file" test ! -e "$WORK/$kind-over.json"
    check_eq "$kind: ... the commits stay, with the record" "$("$record" "$t")" "notes 1000 1,users 1000 1"
    "$DBIMPORT" --commit=table --resume --max-errors=6 --reject-file="$WORK/$kind-over.json" "$t" "$WORK/bad.json" 2>"$WORK/err"
    check_eq "$kind: resumed with --max-errors=6: exit 4" "$?" 4
    check_rejects "$kind, resumed over N then with 6" "$t" "$WORK/$kind-over.json"

    # into tables made empty beforehand (-s): a resumed run finds the
    # first run's rows in notes, yet takes its orphans out, since the
    # record says it held none before the import
    t=$("$new" schema)
    "$DBIMPORT" -s "$t" "$WORK/good.json" 2>"$WORK/err"
    kill_import_at "$t" "$WORK/bad.json" $((users_at + 4000)) "notes 1000 1" "$record" \
        --commit=table "${opts[@]}" --reject-file="$WORK/$kind-schema.json"
    "$DBIMPORT" --commit=table --resume "${opts[@]}" --reject-file="$WORK/$kind-schema.json" "$t" "$WORK/bad.json" 2>"$WORK/err"
    check_eq "$kind, into empty tables, resumed: exit 4" "$?" 4
    check_rejects "$kind, into empty tables, resumed" "$t" "$WORK/$kind-schema.json"

    t=$("$new" noerrors)
    kill_import_at "$t" "$WORK/bad.json" $((users_at + 4000)) "notes 1000 1" "$record" \
        --commit=table "${opts[@]}"
    "$DBIMPORT" --commit=table --resume "$t" "$WORK/bad.json" 2>"$WORK/err"
    check_eq "$kind: resumed without --max-errors after refused rows: exit 1" "$?" 1
    check_contains "$kind: ... says what it takes" "$(cat "$WORK/err")" \
        'resume it with the same --max-errors and --reject-file'
}

new_sqlite() { echo "$WORK/$1.db"; }
one_target SQLite sqlite_record new_sqlite

need_pg
new_pg() { pg_create "$1" && pg_uri "$1"; }
one_target PostgreSQL pg_record new_pg
report
