#!/usr/bin/env bash
# Benchmark, run on purpose (never in CI): dbdiff against the jq recipe it
# replaces. Builds a SQLite database of documents (text, numbers, a 1.5 kB
# blob a row), exports it (A), imports the export into a second database
# and exports that (B, one value changed), so A and B are two exports of
# about SIZE_MB megabytes each; then measures wall time and peak RSS of
#   dbdiff A B
#   diff <(jq -S '.tables | map_values(.rows)' A) <(jq -S ... B)
# on the same files, and of dbdiff between the two databases, and prints
# the ratios. Peak RSS of the jq recipe is the sum of its two jq processes,
# which run at the same time.
#   tools/bench-dbdiff.sh [SIZE_MB] [--no-jq]   (default 400; --no-jq for
#                                                sizes jq cannot hold)
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
size=${1:-400}
with_jq=1
[ "${2:-}" = --no-jq ] && with_jq=0
command -v /usr/bin/time >/dev/null || { echo "bench-dbdiff: needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
command -v jq >/dev/null || with_jq=0
build=$root/build-release
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$build" -j"$(nproc)" >/dev/null
dbexport=$build/exporter/dbexport
dbimport=$build/importer/dbimport
dbdiff=$build/tools/dbdiff/dbdiff
work=$(mktemp -d "${TMPDIR:-/var/tmp}/dbbench-diff.XXXXXX")
trap 'rm -rf "$work"' EXIT

# ~2.35 kB of JSON a row: 1.5 kB of blob as base64, a 300-character text.
rows=$((size * 1000 * 1000 / 2350))
sqlite3 "$work/a.db" <<SQL
PRAGMA synchronous = OFF;
CREATE TABLE docs (id INTEGER PRIMARY KEY, title TEXT NOT NULL, score REAL, views INTEGER,
                   body TEXT, payload BLOB);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < $rows)
INSERT INTO docs SELECT i, 'document ' || i, i * 0.37, i * 7919 % 100003,
       substr(hex(randomblob(150)), 1, 300), randomblob(1536) FROM n;
SQL
"$dbexport" -q --no-timestamp "$work/a.db" -f "$work/a.json"
"$dbimport" -q "$work/b.db" "$work/a.json"
sqlite3 "$work/b.db" "UPDATE docs SET score = -1 WHERE id = $((rows / 2))"
"$dbexport" -q --no-timestamp "$work/b.db" -f "$work/b.json"
gzip -1 -k "$work/b.json"
mb() { echo $(($(stat -c %s "$1") / 1000000)); }
printf 'A: %s MB, B: %s MB (%s rows of ~2.35 kB; one value differs)\n' \
    "$(mb "$work/a.json")" "$(mb "$work/b.json")" "$rows"

measure() { # measure COMMAND...: prints "wall_s cpu_s peak_kb"
    /usr/bin/time -f '%e %U %S %M' -o "$work/time" "$@" >/dev/null 2>&1 || true
    tail -1 "$work/time" | awk '{ printf "%s %.2f %s\n", $1, $2 + $3, $4 }'
}
line() { # line LABEL "wall_s cpu_s peak_kb"
    set -- "$1" $2
    printf '  %-34s %8s s wall %8s s CPU %10s kB peak RSS\n' "$1" "$2" "$3" "$4"
}

d=$(measure "$dbdiff" "$work/a.json" "$work/b.json")
line "dbdiff A B (files)" "$d"
dz=$(measure "$dbdiff" "$work/a.json" "$work/b.json.gz")
line "dbdiff A B.gz (one gzip file)" "$dz"
dd=$(measure "$dbdiff" "$work/a.db" "$work/b.db")
line "dbdiff a.db b.db (databases)" "$dd"
"$dbdiff" "$work/a.json" "$work/b.json" | tail -2 | sed 's/^/    /' || true
if [ "$with_jq" = 1 ]; then
    filter='.tables | map_values(.rows)'
    start=$(date +%s.%N)
    diff <(/usr/bin/time -f '%U %S %M' -o "$work/ja" jq -S "$filter" "$work/a.json") \
        <(/usr/bin/time -f '%U %S %M' -o "$work/jb" jq -S "$filter" "$work/b.json") >"$work/jq.diff" || true
    end=$(date +%s.%N)
    sleep 2 # the process substitutions' time(1) may finish writing after diff exits
    j=$({ tail -1 "$work/ja"; tail -1 "$work/jb"; } | awk -v s="$start" -v e="$end" \
        '{ cpu += $1 + $2; rss += $3 } END { printf "%.2f %.2f %d\n", e - s, cpu, rss }')
    line "diff <(jq -S ...) <(jq -S ...)" "$j"
    printf '    (two jq at once: %s and %s kB; diff prints %s lines)\n' "$(tail -1 "$work/ja" | cut -d' ' -f3)" \
        "$(tail -1 "$work/jb" | cut -d' ' -f3)" "$(wc -l <"$work/jq.diff")"
    set -- $d
    dw=$1 dc=$2 dm=$3
    set -- $j
    awk -v dw="$dw" -v dc="$dc" -v dm="$dm" -v jw="$1" -v jc="$2" -v jm="$3" \
        'BEGIN { printf "  ratios dbdiff / jq recipe: wall %.2f, CPU %.2f, peak RSS %.4f (jq: %.0fx the memory)\n", dw / jw, dc / jc, dm / jm, jm / dm }'
fi
