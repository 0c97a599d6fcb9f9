# Shared helpers for the CLI tests (sourced). Each test script runs checks,
# counts them, and ends with report, which prints "N passed, N failed".
set -u
: "${DBEXPORT:?}" "${DBIMPORT:?}" "${FINGERPRINT:?}" "${DB_TESTDATA:?}"
SQLITE3=${SQLITE3:-sqlite3}
JQ=${JQ:-jq}
passed=0
failed=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dbcli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

ok() { passed=$((passed + 1)); }
not_ok() {
    failed=$((failed + 1))
    echo "FAIL: $*" >&2
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok; else not_ok "$what"; fi
}
check_eq() { # check_eq DESCRIPTION GOT WANT
    if [ "$2" = "$3" ]; then ok; else not_ok "$1: got [$2], want [$3]"; fi
}
check_contains() { # check_contains DESCRIPTION HAYSTACK NEEDLE
    case $2 in
    *"$3"*) ok ;;
    *) not_ok "$1: [$2] does not contain [$3]" ;;
    esac
}
same_files() { cmp -s "$1" "$2"; }
fingerprint() { "$FINGERPRINT" "$@"; }
report() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
need() { # need COMMAND: skip (77) when a tool is missing, fail under CI
    if ! command -v "$1" >/dev/null 2>&1; then
        if [ "${CI:-}" = true ]; then
            echo "FAIL: $1 is required under CI" >&2
            exit 1
        fi
        echo "SKIP: $1 not installed" >&2
        exit 77
    fi
}

# start_stalled_import TARGET FILE: starts dbimport TARGET reading a FIFO,
# feeds it the first half of FILE and leaves the FIFO open (fd 3), so the
# import is stalled mid-document; its stderr goes to $WORK/err. Sets $pid.
start_stalled_import() {
    rm -f "$WORK/fifo"
    mkfifo "$WORK/fifo"
    "$DBIMPORT" "$1" "$WORK/fifo" 2>"$WORK/err" &
    pid=$!
    exec 3>"$WORK/fifo"
    # head returns once all but the pipe's buffer has been read.
    head -c $(($(wc -c <"$2") / 2)) "$2" >&3
}

# kill_import_at TARGET FILE LINES WANT RECORD [OPTION...]: dbimport
# --commit=500 and the options into TARGET from the first LINES lines of
# FILE, through a FIFO left open (so the import waits there for more); kill
# -9 once the command RECORD TARGET prints WANT, or the import has ended.
# $got is what RECORD printed last; stderr goes to $WORK/err.
kill_import_at() {
    local target=$1 file=$2 lines=$3 want=$4 record=$5
    shift 5
    got=
    rm -f "$WORK/fifo"
    mkfifo "$WORK/fifo"
    "$DBIMPORT" --commit=500 "$@" "$target" "$WORK/fifo" 2>"$WORK/err" &
    local imp=$!
    exec 3>"$WORK/fifo"
    head -n "$lines" "$file" >&3
    for _ in $(seq 1 600); do
        got=$("$record" "$target")
        [ "$got" = "$want" ] && break
        kill -0 "$imp" 2>/dev/null || break
        sleep 0.05
    done
    kill -KILL "$imp" 2>/dev/null
    wait "$imp" 2>/dev/null
    exec 3>&-
}

# on_tty SCRIPT [ARG...]: bash SCRIPT on a pseudo-terminal (script(1)), as
# a user at a terminal runs it; prints what the terminal showed, without CRs.
on_tty() { script -qfec "bash $*" /dev/null </dev/null | tr -d '\r'; }

# dbdiff_paused_on_tty TABLE FILE LINE B: dbdiff -t TABLE - B on a terminal,
# FILE on its standard input with a second's pause after line LINE (so its
# progress line shows); prints what the terminal showed and "rc=N".
dbdiff_paused_on_tty() {
    cat >"$WORK/tty_dbdiff.sh" <<TTY
{ sed -n "1,${3}p" "$2"; sleep 1; sed -n "$(($3 + 1)),\\\$p" "$2"; } |
    "$DBDIFF" -t $1 - "$4"
echo "rc=\$?"
TTY
    on_tty "$WORK/tty_dbdiff.sh"
}

# sqlite_record / pg_record TARGET: the progress record's tables, as
# "table rows_done done(0|1)" joined by commas, for kill_import_at's RECORD.
sqlite_record() {
    "$SQLITE3" "$1" "SELECT group_concat(name || ' ' || rows_done || ' ' || done, ',')
                     FROM (SELECT * FROM dbimport_progress WHERE kind = 'table' ORDER BY name)" 2>/dev/null
}
pg_record() {
    psql -X -q -At -d "${1#postgresql:///}" -c "SELECT string_agg(name || ' ' || rows_done || ' ' ||
        CASE WHEN done THEN 1 ELSE 0 END, ',' ORDER BY name) FROM dbimport_progress WHERE kind = 'table'" 2>/dev/null
}

# --- PostgreSQL ---------------------------------------------------------------
# PostgreSQL tests talk to the server in PGHOST/PGPORT/PGUSER (tools/test.sh
# starts a throwaway cluster and sets DB_TEST_PG=1). Every database a test
# makes is named with PG_PREFIX (test name and pid), so tests can run in
# parallel, and is dropped on exit.

# need_pg: skip (77) without a reachable server; under CI=true that is a failure.
need_pg() {
    local why=
    if [ "${DB_TEST_PG:-}" != 1 ]; then
        why="DB_TEST_PG is not 1"
    elif ! command -v psql >/dev/null 2>&1; then
        why="psql not installed"
    elif ! psql -X -q -At -d postgres -c 'select 1' >/dev/null 2>&1; then
        why="psql -c 'select 1' failed"
    fi
    if [ -n "$why" ]; then
        if [ "${CI:-}" = true ]; then
            echo "FAIL: no PostgreSQL server under CI ($why); tools/test.sh starts one" >&2
            exit 1
        fi
        echo "SKIP: no PostgreSQL server (tools/test.sh starts one)" >&2
        exit 77
    fi
    need createdb
    need dropdb
    PG_PREFIX=$(basename "$0" .sh | tr -c 'a-z0-9_\n' _)_$$
    PG_PREFIX=dbt_${PG_PREFIX#test_}
    trap 'pg_cleanup; rm -rf "$WORK"' EXIT
}

# pg_cleanup: drop every database this test made (by prefix), even ones a
# failed step left behind; connections still open are terminated.
pg_cleanup() {
    local db
    for db in $(psql -X -q -At -d postgres -c \
        "SELECT datname FROM pg_database WHERE starts_with(datname, '${PG_PREFIX}_')" 2>/dev/null); do
        dropdb --force "$db" 2>/dev/null || echo "warning: could not drop database $db" >&2
    done
}

# pg_name NAME: the full database name for NAME.
pg_name() { echo "${PG_PREFIX}_$1"; }
# pg_create NAME: create an empty database NAME (dropped on exit).
pg_create() { createdb "$(pg_name "$1")"; }
# pg_uri NAME: a URI locator for the tools (host and port come from PGHOST/PGPORT).
pg_uri() { echo "postgresql:///$(pg_name "$1")"; }
# pg_conninfo NAME: a key=value locator for the tools.
pg_conninfo() { echo "dbname=$(pg_name "$1")"; }
# pgq NAME SQL: run SQL in database NAME, unaligned tuples only, stop on error.
pgq() { psql -X -q -At -v ON_ERROR_STOP=1 -d "$(pg_name "$1")" -c "$2"; }
# pg_load NAME FILE...: run SQL files in database NAME (quietly; errors fail).
pg_load() {
    local db=$1 f args=()
    shift
    for f; do args+=(-f "$f"); done
    psql -X -q -v ON_ERROR_STOP=1 -d "$(pg_name "$db")" "${args[@]}" >/dev/null
}
# pg_checksums NAME: one line per ordinary table, "schema.table md5-of-rows".
pg_checksums() {
    local t
    pgq "$1" "SELECT format('%I.%I', n.nspname, c.relname) FROM pg_class c
              JOIN pg_namespace n ON n.oid = c.relnamespace
              WHERE c.relkind IN ('r', 'p') AND n.nspname NOT IN ('pg_catalog', 'information_schema')
              ORDER BY 1" |
        while IFS= read -r t; do
            printf '%s %s\n' "$t" "$(pgq "$1" "SELECT count(*) || ':' || coalesce(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM $t t")"
        done
}
# unz FILE: the decompressed text of a plain or gzip file.
unz() { [ -f "$1" ] || { echo "missing file: $1" >&2; return 1; }; if [ "$(head -c2 "$1" | od -An -tx1 | tr -d ' ')" = 1f8b ]; then zcat "$1"; else cat "$1"; fi; }
