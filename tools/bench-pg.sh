#!/usr/bin/env bash
# Benchmark, run on purpose (never in CI): a PostgreSQL table of documents
# with text, numbers and a vector(384) embedding (about 2 KB a row), at two
# sizes, exported and imported by dbexport/dbimport and by the peer tools
# (pg_dump -Fc / pg_restore, and plain pg_dump | psql). Wall time and peak
# RSS of our processes; ratios at the larger size. Starts its own cluster.
#   tools/bench-pg.sh [SIZE_MB]      (default 400; the small run is SIZE_MB / 8)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size=${1:-400}
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null
dbexport=$root/build/exporter/dbexport
dbimport=$root/build/importer/dbimport
work=$(mktemp -d "${TMPDIR:-/var/tmp}/dbbench.XXXXXX")
cluster=$(mktemp -d /tmp/dbbenchpg.XXXXXX)
trap '"$root/tools/pg-test-cluster.sh" stop "$cluster" 2>/dev/null; rm -rf "$work"' EXIT
"$root/tools/pg-test-cluster.sh" start "$cluster" 2>/dev/null
eval "$("$root/tools/pg-test-cluster.sh" env "$cluster")"

measure() { # measure COMMAND...: prints "seconds peak_kb"
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1
    tail -1 "$work/time"
}
line() { printf '  %-34s %8s s %10s KB peak RSS\n' "$1" "${2% *}" "${2#* }"; }
fresh() { dropdb --if-exists "$1" && createdb "$1" && psql -q -d "$1" -c 'CREATE EXTENSION vector'; }

run_case() { # run_case MB
    local mb=$1 rows=$(($1 * 1024 * 1024 / 2000))
    fresh src
    psql -q -d src -c "CREATE TABLE docs (id bigint PRIMARY KEY, title text NOT NULL,
        score double precision, views integer, body text, embedding vector(384));
        INSERT INTO docs SELECT i, 'document ' || i, i * 0.37, i * 7919 % 100003,
            md5(i::text) || md5((i + 1)::text), (SELECT array_agg(random())::vector(384)
            FROM generate_series(1, 384) WHERE i > 0) FROM generate_series(1, $rows) i;"
    local e ez d dc i r rc
    e=$(measure "$dbexport" postgresql:///src -f "$work/e.json")
    ez=$(measure "$dbexport" postgresql:///src -f "$work/e.json.gz")
    d=$(measure sh -c "pg_dump src > '$work/d.sql'")
    dc=$(measure sh -c "pg_dump -Fc src > '$work/d.dump'")
    fresh t1
    i=$(measure "$dbimport" postgresql:///t1 "$work/e.json")
    fresh t2
    r=$(measure sh -c "psql -q -d t2 -f '$work/d.sql'")
    fresh t3
    rc=$(measure pg_restore -d t3 "$work/d.dump")
    printf '%s MB table (%s rows): json %s MB, json.gz %s MB, pg_dump %s MB, -Fc %s MB\n' \
        "$(psql -Atc "select pg_total_relation_size('docs') / 1048576" src)" "$rows" \
        "$(($(stat -c %s "$work/e.json") / 1048576))" "$(($(stat -c %s "$work/e.json.gz") / 1048576))" \
        "$(($(stat -c %s "$work/d.sql") / 1048576))" "$(($(stat -c %s "$work/d.dump") / 1048576))"
    line "dbexport (plain)" "$e"
    line "dbexport (gzip -6)" "$ez"
    line "pg_dump (plain SQL)" "$d"
    line "pg_dump -Fc" "$dc"
    line "dbimport (plain)" "$i"
    line "psql < pg_dump" "$r"
    line "pg_restore (-Fc)" "$rc"
    awk -v e="${e% *}" -v d="${d% *}" -v i="${i% *}" -v r="${r% *}" -v ez="${ez% *}" -v dc="${dc% *}" \
        -v rc="${rc% *}" 'BEGIN { printf "  ratios: export/pg_dump = %.2f, export.gz/pg_dump -Fc = %.2f, import/psql = %.2f, import/pg_restore = %.2f\n", e / d, ez / dc, i / r, i / rc }'
}
echo "dbexport/dbimport $(git -C "$root" rev-parse --short HEAD 2>/dev/null), $(nproc) cores, $(psql -Atc 'show server_version' postgres)"
run_case $((size / 8))
run_case "$size"
