#!/usr/bin/env bash
# SQLite -> file -> SQLite reproduces schema and data exactly, for Chinook and
# for the torture database; exports are deterministic; the source is never
# modified; gzip and pipes work.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"

roundtrip() { # roundtrip NAME SOURCE.db COMPRESS
    local name=$1 src=$2 z=$3 ext=json
    [ "$z" = gz ] && ext=json.gz
    local base
    base=$(basename "$src")
    mkdir -p "$WORK/$name/a" "$WORK/$name/b"
    local before
    before=$(sha256sum <"$src")
    check "$name: export" "$DBEXPORT" --no-timestamp "$src" -f "$WORK/$name/a/export.$ext"
    check_eq "$name: source unchanged" "$(sha256sum <"$src")" "$before"
    check "$name: import" "$DBIMPORT" "$WORK/$name/b/$base" "$WORK/$name/a/export.$ext"
    check "$name: export again" "$DBEXPORT" --no-timestamp "$WORK/$name/b/$base" \
        -f "$WORK/$name/b/export.$ext"
    if [ "$z" = gz ]; then
        check "$name: output is gzip" test "$(head -c2 "$WORK/$name/a/export.$ext" | od -An -tx1 | tr -d ' ')" = 1f8b
        zcat "$WORK/$name/a/export.$ext" >"$WORK/$name/a/export.json"
        zcat "$WORK/$name/b/export.$ext" >"$WORK/$name/b/export.json"
    fi
    check "$name: second export is byte-identical" same_files "$WORK/$name/a/export.json" \
        "$WORK/$name/b/export.json"
    fingerprint "$src" >"$WORK/$name/a.fp"
    fingerprint "$WORK/$name/b/$base" >"$WORK/$name/b.fp"
    if same_files "$WORK/$name/a.fp" "$WORK/$name/b.fp"; then ok; else
        not_ok "$name: fingerprints differ"
        diff "$WORK/$name/a.fp" "$WORK/$name/b.fp" | head -20 >&2
    fi
}

chinook="$DB_TESTDATA/chinook/Chinook_Sqlite.sqlite"
roundtrip chinook "$chinook" plain
roundtrip chinook_gz "$chinook" gz

"$SQLITE3" "$WORK/torture.db" <"$(dirname "$0")/torture.sql"
roundtrip torture "$WORK/torture.db" plain
roundtrip torture_gz "$WORK/torture.db" gz

# Exact values the acceptance criteria name, read back from the copy.
copy="$WORK/torture/b/torture.db"
check_eq "-0.0 keeps its sign" "$("$SQLITE3" "$copy" "SELECT hex(ieee754_to_blob(a)) FROM values_any WHERE k = 1")" 8000000000000000
check_eq "2^63-1" "$("$SQLITE3" "$copy" "SELECT i FROM values_any WHERE k = 1")" 9223372036854775807
check_eq "NUL inside text" "$("$SQLITE3" "$copy" "SELECT typeof(t), length(CAST(t AS BLOB)), hex(t) FROM values_any WHERE k = 1")" "text|10|6E756C00696E73696465"
check_eq "invalid UTF-8 text" "$("$SQLITE3" "$copy" "SELECT typeof(t), hex(t) FROM values_any WHERE k = 2")" "text|FF00FE"
check_eq "empty blob" "$("$SQLITE3" "$copy" "SELECT typeof(b), length(b) FROM values_any WHERE k = 1")" "blob|0"
check_eq "+Inf and -Inf" "$("$SQLITE3" "$copy" "SELECT r FROM values_any WHERE k IN (1, 2) ORDER BY k" | tr '\n' ' ')" "Inf -Inf "
check_eq "'abc' in an INTEGER column" "$("$SQLITE3" "$copy" "SELECT typeof(i), i FROM values_any WHERE k = 3")" "text|abc"
check_eq "sqlite_sequence" "$("$SQLITE3" "$copy" "SELECT seq FROM sqlite_sequence")" 10
check_eq "generated column" "$("$SQLITE3" "$copy" "SELECT area, perimeter FROM gen WHERE id = 1")" "6.0|10.0"
check_eq "view" "$("$SQLITE3" "$copy" "SELECT group_concat(name) FROM emp_names")" "Alice,Boss,bob"
check_eq "vector blob" "$("$SQLITE3" "$copy" "SELECT hex(vec) FROM embedding WHERE id = 3")" "0000C07F000080FF00000080"
check "CHECK constraint carried" sh -c "! '$SQLITE3' '$copy' \"INSERT INTO \\\"Odd \\\"\\\"Name\\\"\\\" table\\\" (\\\"select\\\") VALUES (-1)\" 2>/dev/null"
check "foreign keys hold" test -z "$("$SQLITE3" "$copy" "PRAGMA foreign_key_check")"
# The vector column travels as vector(3), the wrong-sized blob tagged.
check_contains "vector(3) type" "$(cat "$WORK/torture/a/export.json")" '"type":"vector(3)"'
check_contains "wrong-size vector tagged" "$(cat "$WORK/torture/a/export.json")" '"vec":{"$blob":'

# Pipes: stdout to stdin, plain and gzip.
"$DBEXPORT" "$chinook" | "$DBIMPORT" "$WORK/pipe.db"
check_eq "pipe export | import" "$?" 0
check_eq "pipe: rows arrived" "$("$SQLITE3" "$WORK/pipe.db" "SELECT count(*) FROM Track")" 3503
"$DBEXPORT" -Z 9 "$chinook" | "$DBIMPORT" "$WORK/pipe_gz.db" -
check_eq "pipe with -Z 9" "$("$SQLITE3" "$WORK/pipe_gz.db" "SELECT count(*) FROM Invoice")" 412

# Determinism: two exports of an unchanged database are identical; with the
# timestamp they differ only in "created".
"$DBEXPORT" "$chinook" -f "$WORK/t1.json"
"$DBEXPORT" "$chinook" -f "$WORK/t2.json"
# (every line that differs is the "created" line; they may not differ at all
# when both exports fall in the same second)
check_eq "only created differs" \
    "$(diff "$WORK/t1.json" "$WORK/t2.json" | grep '^[<>]' | grep -vc '^[<>] *"created": ' || true)" 0
check "with --no-timestamp there is no created key" sh -c "! grep -q '\"created\"' '$WORK/chinook/a/export.json'"

# A WAL database exports, and is left as it was.
cp "$chinook" "$WORK/wal.db"
"$SQLITE3" "$WORK/wal.db" "PRAGMA journal_mode=WAL; INSERT INTO Genre (Name) VALUES ('wal row');" >/dev/null
before=$(sha256sum <"$WORK/wal.db")
check "WAL source exports" "$DBEXPORT" "$WORK/wal.db" -f "$WORK/wal.json"
check_eq "WAL source file unchanged" "$(sha256sum <"$WORK/wal.db")" "$before"
check_contains "WAL row is in the export" "$(cat "$WORK/wal.json")" '"wal row"'

# Filters and schema-only / data-only.
"$DBEXPORT" -t 'Invoice*' -T InvoiceLine "$chinook" -f "$WORK/filtered.json"
check_eq "-t/-T select tables" "$("$JQ" -r '.tables | keys | join(",")' "$WORK/filtered.json")" "Invoice"
"$DBEXPORT" -s "$chinook" -f "$WORK/schema.json"
check_eq "-s has no rows" "$("$JQ" '[.tables[] | has("rows")] | any' "$WORK/schema.json")" false
check "-s imports" "$DBIMPORT" "$WORK/schema.db" "$WORK/schema.json"
check_eq "-s: empty tables" "$("$SQLITE3" "$WORK/schema.db" "SELECT count(*) FROM Track")" 0
"$DBEXPORT" -a "$chinook" -f "$WORK/data.json"
check_eq "-a has no constraints" "$("$JQ" '[.tables[] | has("constraints")] | any' "$WORK/data.json")" false
check "-a loads into the schema-only copy" "$DBIMPORT" -a "$WORK/schema.db" "$WORK/data.json"
check_eq "-a: rows arrived" "$("$SQLITE3" "$WORK/schema.db" "SELECT count(*) FROM Track")" 3503

report
