#!/usr/bin/env bash
# Faults against PostgreSQL: the server drops the connection in the middle of
# an import (pg_terminate_backend while the input is stalled mid-file), the
# importer is killed, a signal arrives; and a connection that cannot be made
# (unknown database) is reported clearly without the password. Each failed
# import exits non-zero and leaves the target as it was.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need_pg
chinook="$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite"
"$DBEXPORT" --no-timestamp "$chinook" -f "$WORK/c.json"
size=$(wc -c <"$WORK/c.json")

# An existing target with data of its own.
pg_create target
pgq target "CREATE TABLE keep (x integer); INSERT INTO keep VALUES (42)" >/dev/null
pg_checksums target >"$WORK/target.sum"
target=$(pg_uri target)

# dbimport_backend: the pid of the stalled import's server process, waiting
# (up to ~20 s, not a timing assertion) for it to have sent some rows.
dbimport_backend() {
    local i b
    for i in $(seq 1 200); do
        b=$(psql -X -q -At -d postgres -c "SELECT pid FROM pg_stat_activity
            WHERE application_name = 'dbimport' AND datname = '$(pg_name target)'
              AND xact_start IS NOT NULL LIMIT 1" 2>/dev/null)
        [ -n "$b" ] && { echo "$b"; return 0; }
        sleep 0.1
    done
    return 1
}

# The connection is dropped mid-COPY: the server ends the session; the rest of
# the file arrives, the importer finds the connection gone.
start_stalled_import "$target" "$WORK/c.json"
backend=$(dbimport_backend)
check "dropped connection: the import's session is visible as application_name dbimport" test -n "$backend"
check_eq "dropped connection: pg_terminate_backend" \
    "$(psql -X -q -At -d postgres -c "SELECT pg_terminate_backend(pid) FROM pg_stat_activity
        WHERE application_name = 'dbimport' AND datname = '$(pg_name target)'")" t
(tail -c +$((size / 2 + 1)) "$WORK/c.json" >&3) 2>/dev/null
exec 3>&-
wait "$pid"
rc=$?
check "dropped connection: non-zero exit" test "$rc" -ne 0
check_eq "dropped connection: exit 1" "$rc" 1
err=$(cat "$WORK/err")
case $err in
*connection* | *terminat*) ok ;;
*) not_ok "dropped connection: message says connection/terminated: [$err]" ;;
esac
check_contains "dropped connection: an error line" "$err" "dbimport: error: "
check "dropped connection: target unchanged" same_files "$WORK/target.sum" <(pg_checksums target)

# A signal while stalled: the transaction is rolled back.
for sig in TERM INT; do
    pg_checksums target >"$WORK/target.sum"
    start_stalled_import "$target" "$WORK/c.json"
    dbimport_backend >/dev/null
    kill -"$sig" "$pid"
    wait "$pid"
    rc=$?
    exec 3>&-
    check_eq "SIG$sig on a stalled pipe: exit 1" "$rc" 1
    check_contains "SIG$sig: message" "$(cat "$WORK/err")" "interrupted by signal"
    check "SIG$sig: target unchanged" same_files "$WORK/target.sum" <(pg_checksums target)
done

# kill -9 cannot be caught: the server rolls back when the connection closes.
pg_checksums target >"$WORK/target.sum"
start_stalled_import "$target" "$WORK/c.json"
dbimport_backend >/dev/null
kill -KILL "$pid"
wait "$pid" 2>/dev/null
exec 3>&-
# The server notices the closed socket on its own; wait for the session to go.
for _ in $(seq 1 200); do
    [ -z "$(psql -X -q -At -d postgres -c "SELECT 1 FROM pg_stat_activity WHERE datname = '$(pg_name target)' AND application_name = 'dbimport'")" ] && break
    sleep 0.1
done
check "kill -9: target unchanged" same_files "$WORK/target.sum" <(pg_checksums target)

# A connection that cannot be made: an unknown database, in a URI and in a
# conninfo string that both carry a password. The message is clear, the
# password never appears.
pw='Pa55-w0rd-Secret'
uri="postgresql://$PGUSER:$pw@/$(pg_name no_such_db)?host=$PGHOST&port=$PGPORT"
err=$("$DBIMPORT" "$uri" "$WORK/c.json" 2>&1); rc=$?
check_eq "unknown database (import, URI): exit 1" "$rc" 1
check_contains "unknown database (import, URI): names it" "$err" "$(pg_name no_such_db)"
check_contains "unknown database (import, URI): says it does not exist" "$err" "does not exist"
check "unknown database (import, URI): no password in the message" test "${err/$pw/}" = "$err"
err=$("$DBEXPORT" "$uri" -f "$WORK/out.json" 2>&1); rc=$?
check_eq "unknown database (export, URI): exit 1" "$rc" 1
check_contains "unknown database (export, URI): says it does not exist" "$err" "does not exist"
check "unknown database (export, URI): no password in the message" test "${err/$pw/}" = "$err"
check "unknown database (export): no output file" test ! -e "$WORK/out.json"
ci="host=$PGHOST port=$PGPORT dbname=$(pg_name no_such_db) user=$PGUSER password=$pw"
err=$("$DBIMPORT" "$ci" "$WORK/c.json" 2>&1); rc=$?
check_eq "unknown database (import, conninfo): exit 1" "$rc" 1
check_contains "unknown database (import, conninfo): says it does not exist" "$err" "does not exist"
check "unknown database (import, conninfo): no password in the message" test "${err/$pw/}" = "$err"
check_eq "the existing target was never touched" "$(pgq target "SELECT string_agg(x::text, ',') FROM keep")" 42

# A server without pgvector (tools/pg-test-cluster.sh can start one: a
# relocated copy of PostgreSQL without pgvector's files): a clear error with
# a hint before anything is created.
nv=$(mktemp -d "${TMPDIR:-/tmp}/dbnv.XXXXXX")
cluster="$(dirname "$0")/../../tools/pg-test-cluster.sh"
if PG_TEST_WITHOUT_VECTOR=1 bash "$cluster" start "$nv" 2>"$WORK/nv.log"; then
    nv_env=$(bash "$cluster" env "$nv")
    "$SQLITE3" "$WORK/nv.db" "CREATE TABLE docs (id INTEGER PRIMARY KEY, emb F32_BLOB(2));
        INSERT INTO docs VALUES (1, X'0000803F00000040');"
    "$DBEXPORT" "$WORK/nv.db" -f "$WORK/nv.json"
    (eval "$nv_env" && createdb nvtarget)
    err=$(eval "$nv_env" && "$DBIMPORT" "dbname=nvtarget" "$WORK/nv.json" 2>&1)
    rc=$?
    check_eq "no pgvector: exit 1" "$rc" 1
    check_contains "no pgvector: the message" "$err" 'the target server has no "vector" extension (pgvector)'
    check_contains "no pgvector: a hint" "$err" "hint: install pgvector"
    check_eq "no pgvector: nothing created" \
        "$(eval "$nv_env" && psql -X -At -d nvtarget -c "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace")" 0
    bash "$cluster" stop "$nv" 2>/dev/null
else
    not_ok "could not start a PostgreSQL without pgvector: $(cat "$WORK/nv.log")"
    rm -rf "$nv"
fi

report
