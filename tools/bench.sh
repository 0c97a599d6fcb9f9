#!/usr/bin/env bash
# Benchmark, run on purpose (never in CI): builds a SQLite database of about
# SIZE_MB megabytes (ints, reals, text, and 384-dimension float32 embeddings),
# then measures wall time and peak RSS of dbexport and dbimport against the
# peer tool, sqlite3's .dump piped into sqlite3, at two sizes to show that
# memory stays flat as the database grows. Prints ratios.
#   tools/bench.sh [SIZE_MB]      (default 400; the small run is SIZE_MB / 8)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size=${1:-400}
command -v /usr/bin/time >/dev/null || apt-get install -y -qq time >/dev/null
cmake -S "$root" -B "$root/build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$root/build" -j"$(nproc)" >/dev/null
dbexport=$root/build/exporter/dbexport
dbimport=$root/build/importer/dbimport
work=$(mktemp -d "${TMPDIR:-/var/tmp}/dbbench.XXXXXX")
trap 'rm -rf "$work"' EXIT

make_db() { # make_db FILE MB
    local rows=$(($2 * 1024 * 1024 / 2000))
    sqlite3 "$1" <<SQL
PRAGMA synchronous = OFF;
CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, score REAL, views INTEGER,
                   body TEXT, embedding F32_BLOB(384));
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO docs SELECT i, 'document ' || i, i * 0.37, i * 7919 % 100003,
       substr(hex(randomblob(200)), 1, 300), randomblob(1536) FROM n;
SQL
}

measure() { # measure COMMAND...: prints "seconds peak_kb"
    /usr/bin/time -f '%e %M' -o "$work/time" "$@" >/dev/null 2>&1
    tail -1 "$work/time"
}
line() { # line LABEL "seconds peak_kb"
    printf '  %-22s %8s s %10s KB peak RSS\n' "$1" "${2% *}" "${2#* }"
}
run_case() { # run_case MB
    local mb=$1 db=$work/src_$1.db
    make_db "$db" "$mb"
    local bytes
    bytes=$(stat -c %s "$db")
    local e i d r ez
    e=$(measure "$dbexport" "$db" -f "$work/e_$mb.json")
    ez=$(measure "$dbexport" "$db" -f "$work/e_$mb.json.gz")
    i=$(measure "$dbimport" "$work/i_$mb.db" "$work/e_$mb.json")
    d=$(measure sh -c "sqlite3 '$db' .dump > '$work/d_$mb.sql'")
    r=$(measure sh -c "sqlite3 '$work/r_$mb.db' < '$work/d_$mb.sql'")
    printf '%s MB database (%s rows of ~2 KB): export json %s MB, gz %s MB, .dump %s MB\n' \
        "$((bytes / 1048576))" "$((mb * 1024 * 1024 / 2000))" \
        "$(($(stat -c %s "$work/e_$mb.json") / 1048576))" \
        "$(($(stat -c %s "$work/e_$mb.json.gz") / 1048576))" \
        "$(($(stat -c %s "$work/d_$mb.sql") / 1048576))"
    line "dbexport (plain)" "$e"
    line "dbexport (gzip -6)" "$ez"
    line "sqlite3 .dump" "$d"
    line "dbimport (plain)" "$i"
    line "sqlite3 < dump" "$r"
    awk -v e="${e% *}" -v d="${d% *}" -v i="${i% *}" -v r="${r% *}" \
        'BEGIN { printf "  ratios: export / .dump = %.2f, import / sqlite3 < dump = %.2f\n", e / d, i / r }'
    rm -f "$work"/*_"$mb".*
}
echo "dbexport/dbimport $(git -C "$root" rev-parse --short HEAD 2>/dev/null), $(nproc) cores, sqlite $(sqlite3 --version | cut -d' ' -f1)"
run_case $((size / 8))
run_case "$size"
