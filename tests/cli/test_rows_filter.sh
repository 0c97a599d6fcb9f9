#!/usr/bin/env bash
# --rows='TABLE=JQ': a jq program (libjq: the jq users write) on each row,
# streaming, in dbimport, in dbexport, and in dbexport's file-to-file mode.
# Deleting, redacting from the row, nulling, sampling, several outputs and
# programs in a row; a filter on one table leaves the others untouched;
# values the program leaves alone keep their exact bytes (jq 1.6 holds
# numbers as doubles); a bad output is an error naming the table, row and
# column before anything is written; every pattern must match a table.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"

"$SQLITE3" "$WORK/app.db" "CREATE TABLE tenants (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
  CREATE TABLE users (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants,
                      email TEXT NOT NULL UNIQUE, phone TEXT);
  CREATE TABLE events (id INTEGER PRIMARY KEY, kind TEXT);
  INSERT INTO tenants VALUES (1, 'acme'), (2, 'globex');
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
  INSERT INTO users SELECT i, 1 + i % 2, 'person' || i || '@real.example', '555-' || i FROM n;
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
  INSERT INTO events SELECT i, 'k' || (i % 3) FROM n;"
"$DBEXPORT" --no-timestamp "$WORK/app.db" -f "$WORK/app.json.gz"
q() { "$SQLITE3" "$1" "$2"; }

# ---- dbimport ----------------------------------------------------------------------
"$DBIMPORT" --rows='users=select(.tenant_id != 2)' \
    --rows='users=.email = "user\(.id)@example.invalid" | .phone = null' \
    "$WORK/clean.db" "$WORK/app.json.gz"
check_eq "import: succeeds" "$?" 0
check_eq "import: a tenant's rows deleted" "$(q "$WORK/clean.db" "SELECT count(*) FROM users WHERE tenant_id = 2")" 0
check_eq "import: the others kept" "$(q "$WORK/clean.db" "SELECT count(*) FROM users")" 500
check_eq "import: redacted from the row, still unique" \
    "$(q "$WORK/clean.db" "SELECT count(DISTINCT email), min(email LIKE 'user%@example.invalid') FROM users")" "500|1"
check_eq "import: a column nulled" "$(q "$WORK/clean.db" "SELECT count(phone) FROM users")" 0
check_eq "import: another table untouched" "$(q "$WORK/clean.db" "SELECT count(*), max(kind) FROM events")" "300|k2"
"$DBIMPORT" --rows='users=select(.id % 100 == 0)' --rows='events=., (.id += 1000)' \
    "$WORK/sample.db" "$WORK/app.json.gz"
check_eq "import: 1 % of a table" "$(q "$WORK/sample.db" "SELECT count(*) FROM users")" 10
check_eq "import: two rows out of one" "$(q "$WORK/sample.db" "SELECT count(*), max(id) FROM events")" "600|1300"

# bad outputs: named by position, table, row and column; nothing created
bad() { # bad LABEL PROGRAM WANT
    "$DBIMPORT" --rows="users=$2" "$WORK/bad.db" "$WORK/app.json.gz" 2>"$WORK/err"
    check_eq "$1: exit 1" "$?" 1
    check_contains "$1: says where and what" "$(cat "$WORK/err")" "$3"
    check "$1: no target" test ! -e "$WORK/bad.db"
}
bad "unknown column" '.nick = "x"' 'table "users", row 1: the program'"'"'s output row: unknown column "nick"'
bad "wrong type" '.id = "one"' 'table "users", row 1, column "id": the program'"'"'s output row: expected an integer, found "one"'
bad "NOT NULL column left out" 'del(.email)' 'table "users", row 1, column "email": the program'"'"'s output row: no value for this NOT NULL column'
bad "not an object" '.id' 'table "users", row 1: the program gave a number, not a row object'
bad "jq error" 'if .id == 7 then error("no 7") else . end' 'table "users", row 7: --rows "users=if .id == 7 then error("no 7") else . end": jq: no 7'
bad "does not compile" '.id |= (' '--rows "users=.id |= (": the jq program does not compile: jq: error: syntax error'
"$DBIMPORT" --rows='usr=.' "$WORK/bad.db" "$WORK/app.json.gz" 2>"$WORK/err"
check_contains "a pattern matching no table" "$(cat "$WORK/err")" '--rows pattern "usr" matches no table in the file'
check "a pattern matching no table: no target" test ! -e "$WORK/bad.db"
"$DBIMPORT" --rows='users=select(.id != 1)' --rows='tenants=select(.id != 1)' "$WORK/bad.db" "$WORK/app.json.gz" 2>"$WORK/err"
check_contains "deleting parents: the foreign key check says so" "$(cat "$WORK/err")" 'foreign key'

# ---- exact values --------------------------------------------------------------------
cat >"$WORK/exact.json" <<'JSON'
{"format":"dbexport","format_version":"1.1","source":{"backend":"postgresql"},"tables":{"t":{
"columns":[{"name":"id","type":"int64","nullable":false},{"name":"big","type":"int64","nullable":true},
{"name":"d","type":"decimal","nullable":true},{"name":"f","type":"float64","nullable":true},
{"name":"j","type":"jsonb","nullable":true},{"name":"note","type":"text","nullable":true}],
"constraints":{"primary_key":{"columns":["id"]}},"rows":[
{"id":1,"big":"9223372036854775807","d":"123456789012345678901234567890.000000000000000000001","f":0.1,"j":{"x":0.14285714285714285714,"y":[1.50,1e400]},"note":"a"},
{"id":2,"big":null,"d":"1.50","f":-0.0,"j":123456789012345678901234567890,"note":"b"}
]}}}
JSON
"$DBEXPORT" --no-timestamp --rows='t=.note = "redacted"' "$WORK/exact.json" -f "$WORK/exact-out.json"
check_eq "file mode: exit 0" "$?" 0
check_eq "values the program left alone keep their bytes" \
    "$(grep -o '"big".*"note"' "$WORK/exact-out.json")" \
    "$(grep -o '"big".*"note"' "$WORK/exact.json")"
check_contains "a jsonb number jq would round" "$(cat "$WORK/exact-out.json")" '{"x":0.14285714285714285714,"y":[1.50,1e400]}'
check_eq "and the one it changed is changed" "$("$JQ" -r '[.tables.t.rows[].note] | join(",")' "$WORK/exact-out.json")" "redacted,redacted"

# ---- dbexport, from a database and from a file -----------------------------------------
"$DBEXPORT" --no-timestamp --rows='users=select(.tenant_id != 2)' "$WORK/app.db" -f "$WORK/db.json"
check_eq "dbexport --rows from a database" "$("$JQ" '.tables.users.rows | length' "$WORK/db.json")" 500
"$DBEXPORT" --no-timestamp "$WORK/app.json.gz" -f "$WORK/copy.json.gz"
check "file mode without a filter: the same document" same_files <(zcat "$WORK/app.json.gz") <(zcat "$WORK/copy.json.gz")
"$DBEXPORT" --no-timestamp -T events --rows='users=select(.tenant_id != 2)' "$WORK/app.json.gz" -f "$WORK/staging.json.gz"
check_eq "file mode: -T drops a table" "$(zcat "$WORK/staging.json.gz" | "$JQ" -c '.tables | keys')" '["tenants","users"]'
"$DBIMPORT" "$WORK/staging.db" "$WORK/staging.json.gz"
check_eq "file mode: the sanitised copy imports" "$(q "$WORK/staging.db" "SELECT count(*) FROM users")" 500
zcat "$WORK/app.json.gz" | "$DBEXPORT" --rows='users=.phone = null' - -f "$WORK/pipe.json" 2>"$WORK/err"
check_eq "file mode needs a file: standard input is no SOURCE" "$?" 1
check_contains "file mode needs a file: says so" "$(cat "$WORK/err")" 'cannot open "-"'
"$DBEXPORT" --rows='users=.nope = 1' "$WORK/app.json.gz" -f "$WORK/nope.json" 2>"$WORK/err"
check_contains "file mode: a bad output names the position" "$(cat "$WORK/err")" \
    'table "users", row 1: the program'"'"'s output row: unknown column "nope"'
check "file mode: a failed run leaves no file" test ! -e "$WORK/nope.json"

# schema-aware patterns
"$JQ" '.tables = {"app.users": ({name: "users", namespace: "app"} + .tables.users)}
       | .tables["app.users"].constraints.foreign_keys = []' <(zcat "$WORK/app.json.gz") >"$WORK/ns.json"
"$DBEXPORT" --no-timestamp --rows='app.*=select(.id < 3)' "$WORK/ns.json" -f "$WORK/ns-out.json"
check_eq "a schema.table pattern" "$("$JQ" '.tables["app.users"].rows | length' "$WORK/ns-out.json")" 2

report
