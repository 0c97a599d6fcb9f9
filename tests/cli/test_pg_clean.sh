#!/usr/bin/env bash
# dbimport --clean, as pg_restore --clean: a re-run rehearsal needs no
# hand-written DROP. The file's tables that exist are dropped and created
# again from the file, never with CASCADE: another table's foreign key to
# one of them is set aside and added again (checked against the new rows),
# a view over one is created again from its definition (owner and comment
# kept), and anything else in the way fails the import, naming it, with
# the target as it was. SQLite likewise, its file views replaced and every
# table's foreign keys checked.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
need_pg

owner=${PG_PREFIX}_owner
psql -X -q -d postgres -c "CREATE ROLE $owner" >/dev/null
trap 'pg_cleanup; psql -X -q -d postgres -c "DROP ROLE IF EXISTS $owner" >/dev/null 2>&1; rm -rf "$WORK"' EXIT

pg_create src
pgq src "CREATE SCHEMA \"Shop\";
  CREATE TABLE \"Shop\".parent (id int PRIMARY KEY, name text);
  CREATE TABLE \"Shop\".child (id int PRIMARY KEY, parent_id int REFERENCES \"Shop\".parent, note text);
  CREATE VIEW \"Shop\".v AS SELECT c.id, p.name FROM \"Shop\".child c JOIN \"Shop\".parent p ON p.id = c.parent_id;
  CREATE VIEW \"Shop\".vv AS SELECT count(*) AS n FROM \"Shop\".v;
  INSERT INTO \"Shop\".parent VALUES (1, 'a'), (2, 'b');
  INSERT INTO \"Shop\".child VALUES (10, 1, 'x'), (11, 2, 'y');" >/dev/null
"$DBEXPORT" --no-timestamp "$(pg_uri src)" -f "$WORK/a.json" 2>/dev/null

pg_create dst
"$DBIMPORT" "$(pg_uri dst)" "$WORK/a.json" 2>/dev/null
check_eq "first import: exit 0" "$?" 0
# the application's own objects around the file's tables, and changed rows
pgq dst "INSERT INTO \"Shop\".parent VALUES (3, 'c'); UPDATE \"Shop\".child SET note = 'changed';
  CREATE TABLE \"Shop\".audit (id int PRIMARY KEY, parent_id int CONSTRAINT audit_parent REFERENCES \"Shop\".parent);
  COMMENT ON CONSTRAINT audit_parent ON \"Shop\".audit IS 'kept';
  INSERT INTO \"Shop\".audit VALUES (1, 1);
  CREATE VIEW \"Shop\".report AS SELECT name FROM \"Shop\".parent WHERE id < 100;
  ALTER VIEW \"Shop\".report OWNER TO $owner; COMMENT ON VIEW \"Shop\".report IS 'the app''s'" >/dev/null
pgq dst "SELECT pg_get_viewdef('\"Shop\".report'::regclass)" >"$WORK/report.def"

"$DBIMPORT" "$(pg_uri dst)" "$WORK/a.json" 2>"$WORK/err"
check_eq "without --clean: the rows collide" "$?" 1

"$DBIMPORT" --clean "$(pg_uri dst)" "$WORK/a.json" 2>"$WORK/err"
check_eq "--clean: exit 0" "$?" 0
check_eq "--clean: the file's rows, and only those" \
    "$(pgq dst "SELECT string_agg(id || name, ',' ORDER BY id) FROM \"Shop\".parent")" "1a,2b"
check_eq "--clean: the changed rows are the file's again" \
    "$(pgq dst "SELECT string_agg(note, ',' ORDER BY id) FROM \"Shop\".child")" "x,y"
check_eq "--clean: the file's views are there" \
    "$(pgq dst "SELECT n FROM \"Shop\".vv")" 2
check_eq "--clean: another table's foreign key is back, with its comment" \
    "$(pgq dst "SELECT convalidated || ' ' || obj_description(oid, 'pg_constraint') FROM pg_constraint WHERE conname = 'audit_parent'")" "true kept"
check_eq "--clean: the application's view is back, same definition" \
    "$(pgq dst "SELECT pg_get_viewdef('\"Shop\".report'::regclass)")" "$(cat "$WORK/report.def")"
check_eq "--clean: ... same owner and comment" \
    "$(pgq dst "SELECT pg_get_userbyid(relowner) || ' ' || obj_description(oid, 'pg_class') FROM pg_class WHERE relname = 'report'")" "$owner the app's"
check_contains "--clean: said" "$(cat "$WORK/err")" \
    'view "Shop.report" depended on a table --clean dropped: created again from its definition'
check "--clean: no view of the file was left out" sh -c "! grep -q 'not created' '$WORK/err'"
check_eq "--clean: no table left over" \
    "$(pgq dst "SELECT count(*) FROM pg_tables WHERE schemaname = 'Shop'")" 3

# a foreign key the new rows break: the import fails, the target as it was
pgq dst "INSERT INTO \"Shop\".parent VALUES (5, 'e'); INSERT INTO \"Shop\".audit VALUES (2, 5)" >/dev/null
pg_dump -d "$(pg_name dst)" | grep -v restrict >"$WORK/before.sql"
"$DBIMPORT" --clean "$(pg_uri dst)" "$WORK/a.json" 2>"$WORK/err"
check_eq "an orphan in another table: exit 1" "$?" 1
check_contains "an orphan in another table: named" "$(cat "$WORK/err")" 'foreign key audit_parent does not hold'
check "an orphan in another table: the target as it was" \
    same_files "$WORK/before.sql" <(pg_dump -d "$(pg_name dst)" | grep -v restrict)

# --dry-run --clean writes nothing
"$DBIMPORT" --dry-run --clean "$(pg_uri dst)" "$WORK/a.json" >/dev/null 2>"$WORK/err"
check "--dry-run --clean: the target as it was" \
    same_files "$WORK/before.sql" <(pg_dump -d "$(pg_name dst)" | grep -v restrict)

# what cannot be set aside stops the import before anything changes
pg_create seq
pgq seq "CREATE TABLE t (id serial PRIMARY KEY); CREATE TABLE other (x int DEFAULT nextval('t_id_seq'))" >/dev/null
"$DBEXPORT" --no-timestamp -t t "$(pg_uri seq)" -f "$WORK/t.json" 2>/dev/null
pg_dump -d "$(pg_name seq)" | grep -v restrict >"$WORK/seq.sql"
"$DBIMPORT" --clean "$(pg_uri seq)" "$WORK/t.json" 2>"$WORK/err"
check_eq "a default of another table uses its sequence: exit 1" "$?" 1
check_contains "a default of another table uses its sequence: named" "$(cat "$WORK/err")" \
    'table "t": --clean cannot drop it'
check "a default of another table uses its sequence: the target as it was" \
    same_files "$WORK/seq.sql" <(pg_dump -d "$(pg_name seq)" | grep -v restrict)

"$DBIMPORT" --clean -a "$(pg_uri dst)" "$WORK/a.json" 2>"$WORK/err"
check_eq "--clean with --data-only: exit 2" "$?" 2
"$DBIMPORT" --if-exists "$(pg_uri dst)" "$WORK/a.json" 2>"$WORK/err"
check_eq "--if-exists without --clean: exit 2" "$?" 2
"$DBIMPORT" --clean --if-exists "$(pg_uri dst)" "$WORK/a.json" 2>"$WORK/err"
check_eq "--clean --if-exists: the orphan still fails it" "$?" 1
pgq dst "DELETE FROM \"Shop\".audit WHERE id = 2" >/dev/null
"$DBIMPORT" --clean --if-exists "$(pg_uri dst)" "$WORK/a.json" 2>"$WORK/err"
check_eq "--clean --if-exists: exit 0" "$?" 0

# SQLite: the same re-run
"$SQLITE3" "$WORK/src.db" "PRAGMA foreign_keys = ON;
  CREATE TABLE parent (id INTEGER PRIMARY KEY, name TEXT);
  CREATE TABLE child (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent, note TEXT);
  CREATE VIEW v AS SELECT child.id, name FROM child JOIN parent ON parent.id = parent_id;
  CREATE TRIGGER child_note AFTER UPDATE ON child BEGIN SELECT 1; END;
  INSERT INTO parent VALUES (1, 'a'), (2, 'b'); INSERT INTO child VALUES (10, 1, 'x');"
"$DBEXPORT" --no-timestamp "$WORK/src.db" -f "$WORK/s.json"
"$DBIMPORT" "$WORK/dst.db" "$WORK/s.json"
"$SQLITE3" "$WORK/dst.db" "INSERT INTO parent VALUES (3, 'c');
  CREATE TABLE audit (id INTEGER PRIMARY KEY, parent_id INTEGER REFERENCES parent);
  INSERT INTO audit VALUES (1, 1);"
"$DBIMPORT" --clean "$WORK/dst.db" "$WORK/s.json" 2>"$WORK/err"
check_eq "SQLite --clean: exit 0" "$?" 0
check_eq "SQLite --clean: the file's rows" "$("$SQLITE3" "$WORK/dst.db" "SELECT group_concat(id) FROM parent")" "1,2"
check_eq "SQLite --clean: the file's view and trigger, no warning" \
    "$("$SQLITE3" "$WORK/dst.db" "SELECT group_concat(name) FROM (SELECT name FROM sqlite_schema WHERE type IN ('view', 'trigger') ORDER BY name)")|$(grep -c 'not created' "$WORK/err")" "child_note,v|0"
check_eq "SQLite --clean: the application's table stays" "$("$SQLITE3" "$WORK/dst.db" "SELECT count(*) FROM audit")" 1
"$SQLITE3" "$WORK/dst.db" "INSERT INTO parent VALUES (7, 'g'); INSERT INTO audit VALUES (2, 7)"
sum=$(sha256sum <"$WORK/dst.db")
"$DBIMPORT" --clean "$WORK/dst.db" "$WORK/s.json" 2>"$WORK/err"
check_eq "SQLite --clean, an orphan in another table: exit 1" "$?" 1
check_contains "SQLite --clean, an orphan in another table: named" "$(cat "$WORK/err")" 'table "audit"'
check_eq "SQLite --clean, an orphan in another table: the target as it was" "$(sha256sum <"$WORK/dst.db")" "$sum"
report
