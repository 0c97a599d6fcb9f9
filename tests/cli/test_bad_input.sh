#!/usr/bin/env bash
# Every bad input gets a clear error with its position and context, a
# non-zero exit, and leaves the target as it was (an existing target keeps
# its bytes; a new target path is not created).
. "$(dirname "$0")/lib.sh"
need "$JQ"
need "$SQLITE3"

"$SQLITE3" "$WORK/src.db" <<'SQL'
CREATE TABLE users (id INTEGER PRIMARY KEY, name TEXT NOT NULL, email TEXT UNIQUE);
CREATE TABLE emb (id INTEGER PRIMARY KEY, v F32_BLOB(2));
INSERT INTO users VALUES (1, 'ann', 'ann@x'), (2, 'bob', 'bob@x'), (3, 'cy', NULL);
INSERT INTO emb VALUES (1, X'0000803F00000040'), (2, X'0000404000008040');
SQL
"$DBEXPORT" --no-timestamp "$WORK/src.db" -f "$WORK/good.json"
check "the good file imports" "$DBIMPORT" "$WORK/check.db" "$WORK/good.json"

# An existing target with data of its own.
"$SQLITE3" "$WORK/target.db" "CREATE TABLE keep (x); INSERT INTO keep VALUES (42);"
target_sum=$(sha256sum <"$WORK/target.db")

bad() { # bad NAME FILE EXPECTED-FRAGMENT
    local name=$1 file=$2 want=$3 err rc
    err=$("$DBIMPORT" "$WORK/target.db" "$file" 2>&1 >/dev/null); rc=$?
    check_eq "$name: exit status" "$rc" 1
    check_contains "$name: message" "$err" "$want"
    case $err in
    *dbimport:\ error:\ *:[0-9]*:[0-9]*\ \(byte\ [0-9]*\):*) ok ;;
    *) not_ok "$name: no file:line:column (byte N) in [$err]" ;;
    esac
    check_eq "$name: existing target unchanged" "$(sha256sum <"$WORK/target.db")" "$target_sum"
    check "$name: no journal left" test ! -e "$WORK/target.db-journal"
    "$DBIMPORT" "$WORK/new.db" "$file" 2>/dev/null
    check "$name: new target not created" test ! -e "$WORK/new.db"
}

size=$(wc -c <"$WORK/good.json")
# Cut between two rows, and inside a string.
cut=$(grep -b -m1 '"name":"bob"' "$WORK/good.json" | cut -d: -f1)
head -c "$cut" "$WORK/good.json" >"$WORK/truncated.json"
bad "truncated JSON" "$WORK/truncated.json" "unexpected end of input"
head -c $((cut + 12)) "$WORK/good.json" >"$WORK/truncated2.json"
bad "truncated inside a string" "$WORK/truncated2.json" "unterminated string"

gzip -c "$WORK/good.json" >"$WORK/good.json.gz"
gz=$(wc -c <"$WORK/good.json.gz")
head -c $((gz - 6)) "$WORK/good.json.gz" >"$WORK/truncated.json.gz"
bad "truncated gzip" "$WORK/truncated.json.gz" "truncated gzip stream"

sed 's/"name":"bob"/"name":"bob"!/' "$WORK/good.json" >"$WORK/invalid.json"
bad "invalid JSON" "$WORK/invalid.json" "'!'"

sed 's/"format_version": "1\.[0-9]*"/"format_version": "2.0"/' "$WORK/good.json" >"$WORK/v2.json"
bad "unknown major version" "$WORK/v2.json" "format version 2.0 is newer"

sed 's/"type": "int64"/"type": "int128"/; s/"type":"int64"/"type":"int128"/' "$WORK/good.json" >"$WORK/type.json"
bad "unknown portable type" "$WORK/type.json" 'unknown portable type "int128"'

"$JQ" '.tables.emb.rows[1].v = "AAA!AAAAAAA="' "$WORK/good.json" >"$WORK/b64.json"
bad "corrupt base64" "$WORK/b64.json" 'table "emb", row 2, column "v": invalid base64'

"$JQ" '.tables.emb.rows[0].v = "AAAAAA=="' "$WORK/good.json" >"$WORK/veclen.json"
bad "vector of the wrong length" "$WORK/veclen.json" 'column "v": vector(2) needs 8 bytes, the value has 4'

"$JQ" '.tables.users.rows[2].nickname = "c"' "$WORK/good.json" >"$WORK/unknown.json"
bad "unknown column" "$WORK/unknown.json" 'table "users", row 3: unknown column "nickname"'

"$JQ" 'del(.tables.users.rows[1].name)' "$WORK/good.json" >"$WORK/notnull.json"
bad "missing NOT NULL value" "$WORK/notnull.json" 'table "users", row 2, column "name": no value for this NOT NULL column'

"$JQ" '.tables.users.rows[2].id = 1' "$WORK/good.json" >"$WORK/dup.json"
bad "duplicate key" "$WORK/dup.json" 'table "users", row 3'
err=$("$DBIMPORT" "$WORK/new.db" "$WORK/dup.json" 2>&1)
check_contains "duplicate key: the constraint is named" "$err" "UNIQUE constraint failed"

"$JQ" '.tables.users.rows[2].email = "ann@x"' "$WORK/good.json" >"$WORK/dupu.json"
bad "duplicate unique value" "$WORK/dupu.json" 'users.email'

# The error's line number points at the row: sed -n LINEp shows it.
err=$("$DBIMPORT" "$WORK/new.db" "$WORK/unknown.json" 2>&1)
line=$(echo "$err" | sed -n 's/.*unknown.json:\([0-9]*\):.*/\1/p')
check_contains "the line named holds the bad row" "$(sed -n "${line}p" "$WORK/unknown.json")" nickname

# Not a dbexport document at all, and an empty input.
echo '{"hello": "world"}' >"$WORK/other.json"
bad "not a dbexport file" "$WORK/other.json" 'the document has no "tables"'
: >"$WORK/empty.json"
bad "empty file" "$WORK/empty.json" "unexpected end of input"

report
