#!/usr/bin/env bash
# The main job end to end on the embedded sample: build (Release, into build/),
# create tools/sample/sample.sql as a SQLite database, export it, filter the
# export with jq (redact users' emails, drop the comments table), import the
# result into a fresh SQLite file, and check the copy. Needs only what
# tools/install-deps.sh installs. Prints PASS or FAIL; exits 1 on FAIL.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log() { printf '\n== %s\n' "$*" >&2; }
fail() { printf '\nFAIL: %s\n' "$*" >&2; exit 1; }

# DBEXPORT/DBIMPORT name already built binaries (the test suite runs the
# demo that way); otherwise build them.
if [[ -n ${DBEXPORT:-} && -n ${DBIMPORT:-} ]]; then
  dbexport=$DBEXPORT
  dbimport=$DBIMPORT
else
  log "building (Release, build/)"
  cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
  cmake --build build -j"$(nproc)"
  dbexport=$root/build/exporter/dbexport
  dbimport=$root/build/importer/dbimport
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
sample=$work/sample.db
export_file=$work/sample.json.gz
copy=$work/copy.db

log "creating $sample from tools/sample/sample.sql"
sqlite3 -bail "$sample" <tools/sample/sample.sql

log "dbexport sample.db -f sample.json.gz"
"$dbexport" "$sample" -f "$export_file" || fail "dbexport exited with status $?"
[[ -s $export_file ]] || fail "dbexport wrote no $export_file"
printf '%s bytes compressed\n' "$(stat -c %s "$export_file")"

# Emails must stay unique (UNIQUE NOT NULL), so each becomes user<ID>@redacted.invalid.
filter='.tables.users.rows[] |= (.email = "user\(.id)@redacted.invalid") | del(.tables.comments)'
log "zcat | jq '$filter' | dbimport copy.db -"
zcat "$export_file" | jq -c "$filter" | "$dbimport" "$copy" - || fail "export | jq | dbimport pipeline failed"
[[ -s $copy ]] || fail "dbimport created no $copy"

# --- checks ---------------------------------------------------------------
q() { sqlite3 -bail "$1" "$2"; }
errors=()
check() { # NAME EXPECTED ACTUAL
  if [[ $2 == "$3" ]]; then
    printf '  ok    %s\n' "$1"
  else
    printf '  FAIL  %s (< expected, > actual)\n' "$1"
    diff <(printf '%s\n' "$2") <(printf '%s\n' "$3") | grep '^[<>]' | sed 's/^/        /' || true
    errors+=("$1")
  fi
}
# Every row of a table in the SQL-literal form sqlite3 uses for .dump: types
# show (2.0 is REAL, 2 INTEGER; blobs are X'..'), so a lossy trip is visible.
rows() { sqlite3 -bail -cmd '.mode quote' "$1" "SELECT $3 FROM $2 ORDER BY 1"; }

log "checking copy.db"
echo "row counts:"
q "$copy" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name" |
  while read -r t; do printf '  %-16s %s\n' "$t" "$(q "$copy" "SELECT count(*) FROM \"$t\"")"; done
echo "users after redaction:"
sqlite3 -bail -column -header "$copy" 'SELECT id, email, display_name FROM users ORDER BY id' | sed 's/^/  /'
echo "checks:"

check "tables" "audit_log post_embeddings posts users" \
  "$(q "$copy" "SELECT group_concat(name, ' ') FROM (SELECT name FROM sqlite_schema
                WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name)")"
for t in users:6 posts:10 post_embeddings:10 audit_log:8; do
  check "rows in ${t%:*}" "${t#*:}" "$(q "$copy" "SELECT count(*) FROM ${t%:*}" 2>&1)"
done
check "emails redacted" "0" \
  "$(q "$copy" "SELECT count(*) FROM users WHERE email IS NOT 'user' || id || '@redacted.invalid'" 2>&1)"
check "users, other columns" \
  "$(rows "$sample" users 'id, display_name, is_admin, created_at')" \
  "$(rows "$copy" users 'id, display_name, is_admin, created_at' 2>&1)"
check "posts unchanged" \
  "$(rows "$sample" posts 'id, user_id, title, body, score, published_at')" \
  "$(rows "$copy" posts 'id, user_id, title, body, score, published_at' 2>&1)"
check "embeddings byte-identical" \
  "$(rows "$sample" post_embeddings 'post_id, model, embedding')" \
  "$(rows "$copy" post_embeddings 'post_id, model, embedding' 2>&1)"
check "audit_log unchanged" \
  "$(rows "$sample" audit_log 'id, at, actor, action, detail')" \
  "$(rows "$copy" audit_log 'id, at, actor, action, detail' 2>&1)"
check "foreign keys hold" "" "$(q "$copy" 'PRAGMA foreign_key_check' 2>&1)"

if ((${#errors[@]})); then
  fail "${#errors[@]} check(s) failed: ${errors[*]}"
fi
printf '\nPASS: sample exported, filtered with jq and imported; the copy is as expected\n' >&2
