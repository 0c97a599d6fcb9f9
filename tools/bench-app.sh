#!/usr/bin/env bash
# Benchmark, run on purpose (never in CI, never by tools/test.sh): the
# application database of issue #11 (tools/benchgen: users, documents with
# text and jsonb, 384-d float32 embeddings, narrow events; FKs, indexes) at
# SIZE_MB, and every job of the issue's table against its peer:
#
#   SQLite -> PostgreSQL  dbexport | dbimport   vs pgloader, and vs pg_restore
#                                                 -j1 / -j2 (directory format)
#                                                 of the same rows from PG
#   PG -> .json.gz -> PG  dbexport + dbimport   vs pg_dump -Fc + pg_restore
#   PG -> PG streaming    dbexport | dbimport   vs pg_dump | psql
#   SQLite -> SQLite      dbexport | dbimport   vs sqlite3 .dump | sqlite3
#
# Each job prints wall time, client CPU (user + system of every process of
# the job, from /usr/bin/time), server CPU (what the cluster's processes
# spent meanwhile, from /proc) and peak RSS (the largest process of the job),
# and each target is checked to hold every table's row count, so that a job
# that failed cannot look fast. Then the ratios against the issue's targets.
# Starts its own PostgreSQL 15 + pgvector cluster (tools/pg-test-cluster.sh:
# fsync off; autovacuum off here, so that one job's leftovers do not run in
# the next one's time), builds Release into build-bench/, and apt-gets
# pgloader and time(1) when they are missing.
#   tools/bench-app.sh SIZE_MB        (400: the issue's 405 MB SQLite file)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size=${1:-}
[[ $size =~ ^[1-9][0-9]*$ ]] || { echo "usage: tools/bench-app.sh SIZE_MB" >&2; exit 2; }
log() { printf 'bench-app: %s\n' "$*" >&2; }

need() { # need COMMAND PACKAGE
    command -v "$1" >/dev/null && return 0
    log "installing $2"
    apt-get update -qq >/dev/null && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$2" >/dev/null
}
need /usr/bin/time time
need pgloader pgloader
need sqlite3 sqlite3

build=$root/build-bench
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" --target dbexport dbimport benchgen >/dev/null
dbexport=$build/exporter/dbexport
dbimport=$build/importer/dbimport
benchgen=$build/tools/benchgen/benchgen

work=$(mktemp -d "${TMPDIR:-/var/tmp}/dbbench-app.XXXXXX")
cluster=$(mktemp -d /tmp/dbbench-app-pg.XXXXXX)
trap '"$root/tools/pg-test-cluster.sh" stop "$cluster" 2>/dev/null; rm -rf "$work"' EXIT
chmod 755 "$work" # pgloader and the server never need it, but root's umask may hide it
"$root/tools/pg-test-cluster.sh" start "$cluster" 2>/dev/null
eval "$("$root/tools/pg-test-cluster.sh" env "$cluster")"
psql -X -q -d postgres -c 'ALTER SYSTEM SET autovacuum = off' -c 'SELECT pg_reload_conf()' >/dev/null
postmaster=$(head -1 "$cluster/data/postmaster.pid")
tick=$(getconf CLK_TCK)

# CPU seconds the cluster has used: the postmaster, its live children, and
# (cutime/cstime) the backends it has reaped.
server_cpu() {
    local total=0 pid f
    for f in /proc/[0-9]*/stat; do
        pid=${f#/proc/}
        pid=${pid%/stat}
        # Fields after the ")" that ends the command name: 2 ppid, 12-15 times.
        read -r -a s <<<"$(sed 's/^.*) //' "$f" 2>/dev/null)" || continue
        [[ ${#s[@]} -gt 14 ]] || continue
        if [[ $pid == "$postmaster" ]]; then
            total=$((total + s[11] + s[12] + s[13] + s[14]))
        elif [[ ${s[1]} == "$postmaster" ]]; then
            total=$((total + s[11] + s[12]))
        fi
    done
    awk -v t="$total" -v k="$tick" 'BEGIN { printf "%.2f", t / k }'
}

# Expected rows per table, as "table count" lines.
"$benchgen" counts "$size" >"$work/counts"
tables=$(cut -d' ' -f1 "$work/counts")

check_pg() { # check_pg DB: "ok" when every table holds its rows
    local t n want bad=""
    for t in $tables; do
        want=$(awk -v t="$t" '$1 == t { print $2 }' "$work/counts")
        n=$(psql -X -Atq -d "$1" -c "SELECT count(*) FROM $t" 2>/dev/null || echo missing)
        [[ $n == "$want" ]] || bad+=" $t=$n/$want"
    done
    echo "${bad:-ok}"
}
check_sqlite() { # check_sqlite FILE
    local t n want bad=""
    for t in $tables; do
        want=$(awk -v t="$t" '$1 == t { print $2 }' "$work/counts")
        n=$(sqlite3 "$1" "SELECT count(*) FROM $t" 2>/dev/null || echo missing)
        [[ $n == "$want" ]] || bad+=" $t=$n/$want"
    done
    echo "${bad:-ok}"
}

# job NAME LABEL COMMAND [CHECK ARG]: runs the bash COMMAND, appends
# "NAME wall client_cpu server_cpu peak_kb rows" to $work/results and
# prints a line for people. rows is "ok" when CHECK found every table's
# rows in ARG, "file" for a job that writes a file (its import checks it).
job() {
    local name=$1 label=$2 cmd=$3 check=${4:-} arg=${5:-} status=0 rows=file
    psql -X -q -d postgres -c CHECKPOINT >/dev/null
    sync
    local s0 s1
    s0=$(server_cpu)
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" bash -c "set -euo pipefail; $cmd" \
        >"$work/log.$name" 2>&1 || status=$?
    sleep 0.5 # the job's backends exit after their clients
    s1=$(server_cpu)
    [[ -n $check ]] && rows=$("$check" "$arg")
    if [[ $status != 0 ]]; then
        rows="FAILED (exit $status)"
        sed 's/^/    | /' "$work/log.$name" | tail -20 >&2
    fi
    read -r wall user sys rss < <(tail -1 "$work/time")
    awk -v n="$name" -v w="$wall" -v u="$user" -v s="$sys" -v a="$s0" -v b="$s1" -v m="$rss" \
        -v r="$rows" 'BEGIN { printf "%s %.2f %.2f %.2f %d %s\n", n, w, u + s, b - a, m, r }' \
        >>"$work/results"
    awk -v l="$label" -v load="$(cut -d' ' -f1 /proc/loadavg)" '{ printf \
        "| %s | %.2f s | %.2f s | %.2f s | %.1f MB | %s | %s |\n", l, $2, $3, $4, $5 / 1024, \
        $6 == "ok" || $6 == "file" ? $6 : substr($0, index($0, $6)), load }' <(tail -1 "$work/results")
}
drop() { PGOPTIONS='-c client_min_messages=warning' dropdb --if-exists "$1"; }
fresh() { drop "$1" && createdb "$1"; }
mb() { awk -v b="$(du -sb "$1" | cut -f1)" 'BEGIN { printf "%.1f", b / 1048576 }'; }

log "generating the database at scale $size"
"$benchgen" sqlite "$work/app.db" "$size"
# pgloader maps F32_BLOB(384) to no PostgreSQL type: its copy declares the
# embeddings a plain BLOB (the same affinity; the rows are not touched).
cp "$work/app.db" "$work/app-blob.db"
sqlite3 "$work/app-blob.db" "PRAGMA writable_schema = ON;
    UPDATE sqlite_schema SET sql = replace(sql, 'F32_BLOB(384)', 'BLOB') WHERE name = 'embeddings';"
createdb src
"$benchgen" pg "$size" | psql -X -q -v ON_ERROR_STOP=1 -d src >/dev/null
[[ $(check_pg src) == ok ]] || { log "source database: $(check_pg src)"; exit 1; }
pg_dump -Fd -f "$work/src.dir" src

printf '\n%s, scale %s: SQLite %s MB, PostgreSQL %s MB; ' "$(date -u '+%F %H:%M UTC')" "$size" \
    "$(mb "$work/app.db")" "$(psql -X -Atq -d src -c "SELECT pg_database_size('src') / 1048576")"
printf 'dbexport/dbimport %s, %s CPUs, %s, pgloader %s, load average %s\n\n' \
    "$(git -C "$root" rev-parse --short HEAD 2>/dev/null)" "$(nproc)" \
    "$(psql -X -Atq -d postgres -c 'SHOW server_version' | cut -d' ' -f1)" \
    "$(dpkg-query -W -f '${Version}' pgloader 2>/dev/null)" "$(cut -d' ' -f1-3 /proc/loadavg)"
echo '| job | wall | client CPU | server CPU | peak RSS | rows | load |'
echo '|---|---|---|---|---|---|---|'

# SQLite -> PostgreSQL.
fresh t_ours
job sqlite_pg "SQLite -> PG: dbexport \\| dbimport" \
    "'$dbexport' '$work/app.db' | '$dbimport' postgresql:///t_ours" check_pg t_ours
drop t_ours
fresh t_pgloader
# pgloader holds prefetch rows per reader in its Lisp heap: the default
# 100 000 rows of 1.5 kB embeddings (3 kB as hex) exhaust it. 10 000 rows a
# batch, two workers (the CPUs), one writer each, keep it within its heap.
cat >"$work/pgloader.load" <<EOF
LOAD DATABASE
    FROM sqlite://$work/app-blob.db
    INTO postgresql://postgres@unix:$PGHOST:$PGPORT/t_pgloader
WITH include drop, create tables, create indexes, foreign keys, reset sequences,
     workers = 2, concurrency = 1, prefetch rows = 10000, batch rows = 10000,
     batch size = 16MB;
EOF
job pgloader "pgloader (BLOB copy)" \
    "pgloader --root-dir '$work/pgloader' --on-error-stop '$work/pgloader.load'" check_pg t_pgloader
drop t_pgloader
for j in 1 2; do
    fresh t_restore
    job "restore_j$j" "pg_restore -j$j (directory format)" \
        "pg_restore -j$j -d t_restore '$work/src.dir'" check_pg t_restore
    drop t_restore
done
rm -rf "$work/app-blob.db" "$work/src.dir"

# PostgreSQL -> .json.gz -> PostgreSQL.
job export_gz "PG -> .json.gz: dbexport" "'$dbexport' postgresql:///src -f '$work/app.json.gz'"
fresh t_ours
job import_gz ".json.gz -> PG: dbimport" "'$dbimport' postgresql:///t_ours '$work/app.json.gz'" \
    check_pg t_ours
drop t_ours
job dump_fc "PG -> -Fc: pg_dump -Fc" "pg_dump -Fc -f '$work/app.dump' src"
fresh t_restore
job restore_fc "-Fc -> PG: pg_restore" "pg_restore -d t_restore '$work/app.dump'" check_pg t_restore
drop t_restore
json_gz_mb=$(mb "$work/app.json.gz")
dump_mb=$(mb "$work/app.dump")
rm -f "$work/app.json.gz" "$work/app.dump"

# PostgreSQL -> PostgreSQL streaming.
fresh t_ours
job pg_pg "PG -> PG: dbexport \\| dbimport" \
    "'$dbexport' postgresql:///src | '$dbimport' postgresql:///t_ours" check_pg t_ours
drop t_ours
fresh t_psql
job pg_dump_psql "PG -> PG: pg_dump \\| psql" \
    "pg_dump src | psql -X -q -v ON_ERROR_STOP=1 -d t_psql >/dev/null" check_pg t_psql
drop t_psql

# SQLite -> SQLite.
job sqlite_sqlite "SQLite -> SQLite: dbexport \\| dbimport" \
    "'$dbexport' '$work/app.db' | '$dbimport' '$work/ours.db'" check_sqlite "$work/ours.db"
rm -f "$work/ours.db"
job sqlite_dump "SQLite -> SQLite: sqlite3 .dump \\| sqlite3" \
    "sqlite3 '$work/app.db' .dump | sqlite3 '$work/dump.db'" check_sqlite "$work/dump.db"
rm -f "$work/dump.db"

printf '\nFiles: .json.gz (-Z 6) %s MB, pg_dump -Fc %s MB.\n\n' "$json_gz_mb" "$dump_mb"

# Ratios: wall (the targets' measure) and CPU (client + server), which a
# shared machine's load disturbs less.
awk -v gz="$json_gz_mb" -v fc="$dump_mb" '
    { w[$1] = $2; c[$1] = $3 + $4; rss[$1] = $5; ok[$1] = ($6 == "ok" || $6 == "file") }
    function ratio(label, a, b, target, aw, bw, ac, bc) {
        split(a, as, "+"); split(b, bs, "+")
        for (i in as) { aw += w[as[i]]; ac += c[as[i]]; if (!ok[as[i]]) bad = 1 }
        for (i in bs) { bw += w[bs[i]]; bc += c[bs[i]]; if (!ok[bs[i]]) bad = 1 }
        printf "| %s | %.2f | %.2f | <= %.2f | %s |\n", label, aw / bw, ac / bc, target,
            bad ? "a job failed" : aw / bw <= target ? "met" : "not met"
        bad = 0
    }
    END {
        print "| target | wall ratio | CPU ratio | target | |"
        print "|---|---|---|---|---|"
        ratio("SQLite -> PG / pgloader", "sqlite_pg", "pgloader", 0.6)
        ratio("SQLite -> PG / pg_restore -j2", "sqlite_pg", "restore_j2", 1.0)
        ratio("SQLite -> PG / pg_restore -j1", "sqlite_pg", "restore_j1", 1.0)
        ratio("PG -> .json.gz -> PG / pg_dump -Fc + pg_restore", "export_gz+import_gz",
              "dump_fc+restore_fc", 0.5)
        ratio("PG -> PG / pg_dump \\| psql", "pg_pg", "pg_dump_psql", 1.0)
        ratio("SQLite -> SQLite / .dump \\| sqlite3", "sqlite_sqlite", "sqlite_dump", 1.0)
        printf "| .json.gz size / -Fc size | %.2f | | <= 1.00 | %s |\n", gz / fc,
            gz <= fc ? "met" : "not met"
        n = split("sqlite_pg export_gz import_gz pg_pg sqlite_sqlite", ours, " ")
        for (i = 1; i <= n; i++) if (rss[ours[i]] > max) max = rss[ours[i]]
        printf "| peak RSS of our jobs, the largest | %.1f MB | | <= 64 MB | %s |\n", max / 1024,
            max <= 65536 ? "met" : "not met"
    }' "$work/results"
printf '\nload average at the end: %s\n' "$(cut -d' ' -f1-3 /proc/loadavg)"
