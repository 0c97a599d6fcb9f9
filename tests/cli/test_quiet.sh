#!/usr/bin/env bash
# -q/--quiet: only errors on stderr (no warnings, notes, summary); -q with
# -v is refused; the summaries say "1 row" and "1 table", "2 rows".
. "$(dirname "$0")/lib.sh"

"$SQLITE3" "$WORK/a.db" "CREATE TABLE t(x); INSERT INTO t VALUES (1);
  CREATE TABLE u(y); INSERT INTO u VALUES (1), (2); CREATE VIEW v AS SELECT * FROM t;"

err=$("$DBEXPORT" -v -t t "$WORK/a.db" -f "$WORK/t.json" 2>&1); rc=$?
check_eq "export of one table exits 0" "$rc" 0
check_contains "singular: one table's row" "$err" 'dbexport: table "t": 1 row'
check_contains "singular: the summary" "$err" "dbexport: exported 1 table, 1 row to"
err=$("$DBEXPORT" -v "$WORK/a.db" -f "$WORK/a.json" 2>&1)
check_contains "plural: a table's rows" "$err" 'dbexport: table "u": 2 rows'
check_contains "plural: the summary" "$err" "dbexport: exported 2 tables, 3 rows to"

err=$("$DBIMPORT" -v "$WORK/b.db" "$WORK/t.json" 2>&1)
check_contains "dbimport singular" "$err" "imported 1 table: 1 row written (1 inserted, 0 updated), 0 skipped, 0 refused, 0 values"
err=$("$DBIMPORT" --dry-run "$WORK/c.db" "$WORK/a.json" 2>&1 >/dev/null)
check_contains "dbimport --dry-run plural" "$err" "2 tables, 3 rows"

# The view exists now: a second import warns it is kept; -q says nothing.
"$DBIMPORT" "$WORK/d.db" "$WORK/a.json"
err=$("$DBIMPORT" -v "$WORK/d.db" "$WORK/t.json" 2>&1); rc=$?
check_contains "without -q, the warning" "$err" "warning: view"
err=$("$DBIMPORT" -q "$WORK/d.db" "$WORK/t.json" 2>&1); rc=$?
check_eq "-q import exits 0" "$rc" 0
check_eq "-q import prints nothing" "$err" ""
(cd "$WORK" && "$DBIMPORT" --quiet newname "$WORK/t.json") >"$WORK/out" 2>&1
check_eq "-q: not even the note about a new file" "$(cat "$WORK/out")" ""
err=$("$DBEXPORT" -q "$WORK/a.db" -f "$WORK/q.json" 2>&1); rc=$?
check_eq "-q export exits 0" "$rc" 0
check_eq "-q export prints nothing" "$err" ""
out=$("$DBIMPORT" -q --dry-run "$WORK/e.db" "$WORK/a.json" 2>"$WORK/err")
check_eq "-q --dry-run keeps its data on stdout" "$out" $'t\t1\nu\t2'
check_eq "-q --dry-run: no summary" "$(cat "$WORK/err")" ""

# Errors still show.
err=$("$DBIMPORT" -q "$WORK/f.db" "$WORK/missing.json" 2>&1); rc=$?
check_eq "-q: a failure exits 1" "$rc" 1
check_contains "-q: the error is shown" "$err" "dbimport: error:"
err=$("$DBEXPORT" -q -v "$WORK/a.db" 2>&1 >/dev/null); rc=$?
check_eq "-q with -v exits 2" "$rc" 2
check_contains "-q with -v message" "$err" "--verbose and --quiet cannot be used together"
err=$("$DBIMPORT" -v --quiet "$WORK/g.db" "$WORK/a.json" 2>&1); rc=$?
check_eq "dbimport -v -q exits 2" "$rc" 2

report
