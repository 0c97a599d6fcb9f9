#!/usr/bin/env bash
# -t/-T/-n/-N and views on PostgreSQL, as on SQLite (test_selection): a
# view goes only when every relation it reads goes, through views of views
# and across schemas; a trigger only with its table, and an INSTEAD OF
# trigger with its view (before, it was never exported at all). Before, the export
# carried every view and the import failed on the first whose table was
# left out ("relation "public.b" does not exist"), with nothing imported.
. "$(dirname "$0")/lib.sh"
need "$JQ"
need_pg

pg_create src
pgq src "CREATE SCHEMA other; CREATE TABLE other.t (x int);
  CREATE TABLE a (id int PRIMARY KEY); CREATE TABLE b (id int PRIMARY KEY, x int);
  INSERT INTO a VALUES (1); INSERT INTO b VALUES (1, 2);
  CREATE VIEW va AS SELECT id FROM a;
  CREATE VIEW vb AS SELECT x FROM b;
  CREATE VIEW vab AS SELECT va.id, vb.x FROM va, vb;
  CREATE VIEW vo AS SELECT x FROM other.t;
  CREATE VIEW vsys AS SELECT count(*) AS n FROM pg_catalog.pg_class WHERE false;
  CREATE FUNCTION tf() RETURNS trigger LANGUAGE plpgsql AS 'BEGIN RETURN NEW; END';
  CREATE TRIGGER tb BEFORE INSERT ON b FOR EACH ROW EXECUTE FUNCTION tf();
  CREATE FUNCTION va_ins() RETURNS trigger LANGUAGE plpgsql
    AS 'BEGIN INSERT INTO a VALUES (NEW.id * 10); RETURN NEW; END';
  CREATE TRIGGER va_insert INSTEAD OF INSERT ON va FOR EACH ROW EXECUTE FUNCTION va_ins();
  CREATE TRIGGER vb_insert INSTEAD OF INSERT ON vb FOR EACH ROW EXECUTE FUNCTION va_ins();"
views() { pgq "$1" "SELECT string_agg(c.relname, ' ' ORDER BY c.relname) FROM pg_class c
    WHERE c.relkind = 'v' AND c.relnamespace = 'public'::regnamespace"; }

"$DBEXPORT" -t a "$(pg_uri src)" -f "$WORK/a.json" 2>"$WORK/err"
check_eq "export -t: exit 0" "$?" 0
check_eq "export -t: the views that read only what goes (and the catalogs)" \
    "$("$JQ" -c '[.views[].name]' "$WORK/a.json")" '["va","vsys"]'
check_contains "export -t: one warning names the views left out and what they read" "$(cat "$WORK/err")" \
    'dbexport: warning: 3 views not exported: they read a relation the export leaves out: public.vb (reads public.b), public.vab (reads public.vb), public.vo (reads other.t)'
pg_create a
"$DBIMPORT" "$(pg_uri a)" "$WORK/a.json"
check_eq "export -t: the file imports" "$?" 0
check_eq "export -t: its views are there" "$(views a)" "va vsys"
check_eq "export -t: the INSTEAD OF trigger of a view that goes, not of one left out" \
    "$("$JQ" -c '[.triggers[] | [.name, .table]]' "$WORK/a.json")" '[["va_insert","va"]]'
pgq a "INSERT INTO va VALUES (7)"
check_eq "export -t: an insert through the view runs its trigger" \
    "$(pgq a "SELECT string_agg(id::text, ' ' ORDER BY id) FROM a")" "1 70"

"$DBEXPORT" -N other "$(pg_uri src)" -f "$WORK/noother.json" 2>"$WORK/err"
check_eq "export -N: only the view of the schema left out goes" \
    "$("$JQ" -c '[.views[].name]' "$WORK/noother.json")" '["va","vb","vab","vsys"]'

"$DBEXPORT" "$(pg_uri src)" -f "$WORK/all.json" 2>"$WORK/err"
check_eq "no selection: every view" "$("$JQ" -c '[.views[].name]' "$WORK/all.json")" \
    '["va","vb","vab","vo","vsys"]'
check_eq "reads: what each view reads, catalogs left out" \
    "$("$JQ" -c '[.views[] | [.name, .reads]]' "$WORK/all.json")" \
    '[["va",["a"]],["vb",["b"]],["vab",["va","vb"]],["vo",["other.t"]],["vsys",[]]]'
"$DBEXPORT" -t a "$WORK/all.json" -f "$WORK/fa.json" 2>"$WORK/err"
check_eq "export -t of a file: the views and triggers that go" \
    "$("$JQ" -c '[.views[].name, .triggers[].name]' "$WORK/fa.json")" '["va","vsys","va_insert"]'
check_contains "export -t of a file: one warning" "$(cat "$WORK/err")" \
    'dbexport: warning: 3 views not exported: they read a relation the export leaves out: vb (reads b), vab (reads vb), vo (reads other.t)'
"$DBEXPORT" --rename-schema other:o2 --rename-table b:bb "$WORK/all.json" -f "$WORK/ren.json" 2>"$WORK/err"
check_eq "renames: exit 0" $? 0
check_eq "renames: the reads follow" "$("$JQ" -c '[.views[] | [.name, .reads]]' "$WORK/ren.json")" \
    '[["va",["a"]],["vb",["bb"]],["vab",["va","vb"]],["vo",["o2.t"]],["vsys",[]]]'
pg_create fa
"$DBIMPORT" "$(pg_uri fa)" "$WORK/fa.json"
check_eq "export -t of a file: it imports, with no warning about views" "$(views fa)" "va vsys"
pg_create ia
"$DBIMPORT" -t a "$(pg_uri ia)" "$WORK/all.json" 2>"$WORK/err"
check_eq "import -t: exit 0" "$?" 0
check_eq "import -t: the views that read what was imported" "$(views ia)" "va vsys"
check_contains "import -t: a warning per view left out" "$(cat "$WORK/err")" \
    'dbimport: warning: view "vb" not created: relation "public.b" does not exist (left out by -t/-T/-n/-N)'
check_eq "import -t: no trigger of a table or view left out, the one of the view created" \
    "$(pgq ia "SELECT string_agg(tgname, ' ' ORDER BY tgname) FROM pg_trigger WHERE NOT tgisinternal")" \
    va_insert
check_contains "import -t: the trigger of a view left out is named" "$(cat "$WORK/err")" \
    'dbimport: warning: trigger "vb_insert" not created: its view "vb" is not one this import created'

pg_create full
"$DBIMPORT" "$(pg_uri full)" "$WORK/all.json" 2>"$WORK/err"
check_eq "every view and its trigger: exit 0" "$?" 0
check_eq "every view and its trigger: the triggers" \
    "$(pgq full "SELECT string_agg(tgname || ' ' || tgrelid::regclass, ', ' ORDER BY tgname)
        FROM pg_trigger WHERE NOT tgisinternal")" "tb b, va_insert va, vb_insert vb"
pg_create dry
"$DBIMPORT" --dry-run "$(pg_uri dry)" "$WORK/all.json" >"$WORK/out" 2>"$WORK/err"
check_eq "dry run of a file with view triggers: exit 0" "$?" 0
check_eq "... and nothing made" "$(pgq dry "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")" 0

pg_create own
pgq own "CREATE TABLE a (id int); CREATE VIEW va AS SELECT id FROM a"
"$JQ" '.views |= map(select(.name == "va")) | .triggers |= map(select(.name == "va_insert")) |
    .tables = {}' "$WORK/all.json" >"$WORK/own.json"
"$DBIMPORT" "$(pg_uri own)" "$WORK/own.json" 2>"$WORK/err"
check_eq "a view the target has: exit 0" "$?" 0
check_eq "... no trigger is added to the target's own view" \
    "$(pgq own "SELECT count(*) FROM pg_trigger WHERE NOT tgisinternal")" 0
check_contains "... and it says so" "$(cat "$WORK/err")" \
    'trigger "va_insert" not created: its view "va" is not one this import created'
"$JQ" '.views = [] | .triggers |= map(select(.name == "va_insert")) | .tables = {}' \
    "$WORK/all.json" >"$WORK/noview.json"
"$DBIMPORT" "$(pg_uri own)" "$WORK/noview.json" 2>"$WORK/err"
check_eq "a trigger on a relation the file does not create: refused" "$?" 1
check_contains "... naming it" "$(cat "$WORK/err")" \
    "an import never adds a trigger to the target's own tables or views"
check_eq "import -t: the rows" "$(pgq ia "SELECT count(*) FROM va")" 1

pg_create noselect
"$JQ" 'del(.tables.b)' "$WORK/all.json" >"$WORK/nob.json"
"$DBIMPORT" "$(pg_uri noselect)" "$WORK/nob.json" 2>"$WORK/err"
check_eq "without a selection, a view over a table the file lacks still fails" "$?" 1
check_contains "... naming it" "$(cat "$WORK/err")" 'view "vb": relation "public.b" does not exist'
check_eq "... and nothing is imported" "$(pgq noselect "SELECT count(*) FROM pg_class WHERE relname = 'a'")" 0
report
