#!/usr/bin/env bash
# --help, --version, bad options and missing arguments: exit codes and messages.
. "$(dirname "$0")/lib.sh"

out=$("$DBEXPORT" --help 2>&1); rc=$?
check_eq "dbexport --help exits 0" "$rc" 0
check_contains "dbexport --help shows usage" "$out" "dbexport [OPTION]... SOURCE"
check_contains "dbexport --help lists -t" "$out" "--table=PATTERN"
out=$("$DBIMPORT" --help 2>&1); rc=$?
check_eq "dbimport --help exits 0" "$rc" 0
check_contains "dbimport --help shows usage" "$out" "dbimport [OPTION]... TARGET [FILE]"
check_contains "dbimport --help lists --on-conflict" "$out" "--on-conflict=MODE"
check_contains "dbimport --help lists --untrusted" "$out" "--untrusted"
check_contains "dbimport --help lists --extension" "$out" "--extension=NAME"

out=$("$DBEXPORT" -? 2>&1); rc=$?
check_eq "dbexport -? exits 0" "$rc" 0
check_contains "dbexport -? shows usage" "$out" "Usage:"
err=$("$DBEXPORT" -vZ 2>&1); rc=$?
check_eq "bundled option missing its argument exits 2" "$rc" 2
check_contains "the option is named" "$err" 'option "-Z" needs an argument'

out=$("$DBEXPORT" --version); rc=$?
check_eq "dbexport --version exits 0" "$rc" 0
check_eq "dbexport --version: program version first" "${out%%$'\n'*}" "dbexport 0.1.0"
check_contains "dbexport --version: the format it writes" "$out" "interchange format $(sed -n 's/^#define FMT_FORMAT_VERSION "\(.*\)"/\1/p' "$(dirname "$0")/../../format/model/schema.h")"
check_contains "dbexport --version: the libraries it runs on" "$out" "SQLite 3."
check_contains "dbexport --version: libpq and zlib" "$out" ", zlib 1."
check_contains "dbexport --version: libpq" "$out" ", libpq "
out=$("$DBIMPORT" -V)
check_eq "dbimport -V: program version first" "${out%%$'\n'*}" "dbimport 0.1.0"
check_contains "dbimport -V: libraries" "$out" "SQLite 3."
out=$("$DBDIFF" -V); rc=$?
check_eq "dbdiff -V exits 0" "$rc" 0
check_eq "dbdiff -V: program version first" "${out%%$'\n'*}" "dbdiff 0.1.0"
check_contains "dbdiff -V: libraries" "$out" ", libpq "
out=$("$DBDIFF" -? 2>&1); rc=$?
check_eq "dbdiff -? exits 0" "$rc" 0
check_contains "dbdiff -? shows usage" "$out" "dbdiff [OPTION]... A B"
check_contains "dbdiff --help gives the exit codes" "$out" "1 differences found"

err=$("$DBEXPORT" --bogus x.db 2>&1 >/dev/null); rc=$?
check_eq "unknown long option exits 2" "$rc" 2
check_contains "unknown long option is named" "$err" 'dbexport: error: unknown option "--bogus"'
err=$("$DBIMPORT" -x x.db 2>&1 >/dev/null); rc=$?
check_eq "unknown short option exits 2" "$rc" 2
check_contains "unknown short option is named" "$err" 'dbimport: error: unknown option "-x"'
err=$("$DBEXPORT" 2>&1 >/dev/null); rc=$?
check_eq "no SOURCE exits 2" "$rc" 2
check_contains "no SOURCE message" "$err" "no SOURCE given"
err=$("$DBIMPORT" 2>&1 >/dev/null); rc=$?
check_eq "no TARGET exits 2" "$rc" 2
err=$("$DBDIFF" --bogus a.db b.db 2>&1 >/dev/null); rc=$?
check_eq "dbdiff: unknown option exits 2, as diff" "$rc" 2
check_contains "dbdiff: unknown option is named" "$err" 'dbdiff: error: unknown option "--bogus"'
err=$("$DBDIFF" a.db 2>&1 >/dev/null); rc=$?
check_eq "dbdiff: one operand exits 2" "$rc" 2
check_contains "dbdiff: one operand message" "$err" "two operands needed"
err=$("$DBDIFF" --max-rows 2>&1 >/dev/null); rc=$?
check_eq "dbdiff: missing option argument exits 2" "$rc" 2
check_contains "dbdiff: missing option argument message" "$err" "needs an argument"
err=$("$DBEXPORT" -Z 10 x.db 2>&1 >/dev/null); rc=$?
check_eq "bad -Z exits 2" "$rc" 2
check_contains "bad -Z message" "$err" 'invalid compression level "10"'
err=$("$DBEXPORT" -f 2>&1 >/dev/null); rc=$?
check_eq "missing option argument exits 2" "$rc" 2
check_contains "missing option argument message" "$err" "needs an argument"
err=$("$DBIMPORT" --on-conflict=maybe x.db 2>&1 >/dev/null); rc=$?
check_eq "bad --on-conflict exits 2" "$rc" 2
check_contains "bad --on-conflict message" "$err" 'invalid --on-conflict "maybe"'
err=$("$DBEXPORT" -s -a x.db 2>&1 >/dev/null); rc=$?
check_eq "-s with -a exits 2" "$rc" 2

# A missing source: exit 1, nothing created, no output file left.
err=$("$DBEXPORT" "$WORK/missing.db" -f "$WORK/out.json" 2>&1); rc=$?
check_eq "missing source exits 1" "$rc" 1
check_contains "missing source is named" "$err" "missing.db"
check "missing source is not created" test ! -e "$WORK/missing.db"
check "no output file after a failed export" test ! -e "$WORK/out.json"
check_eq "no temporary file left" "$(ls "$WORK")" ""

# Not a database.
echo "hello" >"$WORK/notdb.db"
err=$("$DBEXPORT" "$WORK/notdb.db" 2>&1 >/dev/null); rc=$?
check_eq "non-database source exits 1" "$rc" 1
check_contains "non-database source message" "$err" "notdb.db"

# Passwords never appear in messages.
err=$("$DBEXPORT" "postgresql://alice:s3cret@localhost/app" 2>&1); rc=$?
check_eq "PostgreSQL source exits 1 in this build" "$rc" 1
case $err in *s3cret*) not_ok "password printed: $err" ;; *) ok ;; esac
err=$("$DBIMPORT" "host=/tmp password='s3 cret' dbname=x" 2>&1 </dev/null); rc=$?
case $err in *s3*) not_ok "password printed: $err" ;; *) ok ;; esac

report
