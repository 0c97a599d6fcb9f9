#!/usr/bin/env bash
# docs/sanitising.md, run as written: every ```sh block of the walk-through
# runs in order, in a directory holding the prod.db it describes, with
# dbexport and dbimport on PATH; then what each step promises is checked.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
doc="$(dirname "$0")/../../docs/sanitising.md"

mkdir -p "$WORK/bin" "$WORK/run"
ln -s "$DBEXPORT" "$WORK/bin/dbexport"
ln -s "$DBIMPORT" "$WORK/bin/dbimport"
"$SQLITE3" "$WORK/run/prod.db" "PRAGMA foreign_keys = ON;
  CREATE TABLE tenants (id INTEGER PRIMARY KEY, name TEXT NOT NULL);
  CREATE TABLE users (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants,
                      email TEXT NOT NULL UNIQUE, phone TEXT);
  CREATE TABLE orders (id INTEGER PRIMARY KEY, tenant_id INTEGER NOT NULL REFERENCES tenants,
                       user_id INTEGER NOT NULL REFERENCES users, total NUMERIC(12,2));
  CREATE TABLE audit_log (id INTEGER PRIMARY KEY, what TEXT);
  INSERT INTO tenants VALUES (1, 'acme'), (2, 'globex'), (3, 'initech');
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 300)
  INSERT INTO users SELECT i, 1 + i % 3, 'person' || i || '@real.example', '555-' || i FROM n;
  WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 1000)
  INSERT INTO orders SELECT i, 1 + (i % 300 + 1) % 3, i % 300 + 1, i * 1.25 FROM n;
  INSERT INTO audit_log VALUES (1, 'login'), (2, 'logout');"

# The blocks, in order, as one script.
awk '/^```sh$/ { on = 1; next } /^```$/ { on = 0; next } on' "$doc" >"$WORK/walkthrough.sh"
check "the walk-through has commands" test -s "$WORK/walkthrough.sh"
(cd "$WORK/run" && PATH="$WORK/bin:$PATH" bash -e "$WORK/walkthrough.sh") >"$WORK/out" 2>"$WORK/err"
check_eq "the walk-through runs as written" "$?" 0

q() { "$SQLITE3" "$WORK/run/$1" "$2"; }
for db in staging.db staging2.db; do
    check_eq "$db: tenant 2's users gone" "$(q $db "SELECT count(*) FROM users WHERE tenant_id = 2")" 0
    check_eq "$db: the other users kept" "$(q $db "SELECT count(*) FROM users")" 200
    check_eq "$db: tenant 2's orders gone" "$(q $db "SELECT count(*) FROM orders WHERE tenant_id = 2")" 0
    check_eq "$db: emails redacted and unique" \
        "$(q $db "SELECT count(DISTINCT email), min(email LIKE 'user%@example.invalid') FROM users")" "200|1"
    check_eq "$db: the audit table dropped" "$(q $db "SELECT count(*) FROM sqlite_master WHERE name = 'audit_log'")" 0
    check_eq "$db: tenants untouched" "$(q $db "SELECT count(*) FROM tenants")" 3
done
check_eq "staging.db: phones nulled" "$(q staging.db "SELECT count(phone) FROM users")" 0
check_eq "the dry run printed its counts" "$(grep -c '	' "$WORK/out")" 3
check_eq "the sample: 1 % of orders" "$(zcat "$WORK/run/sample.json.gz" | "$JQ" '.tables.orders.rows | length')" 10

report
