#!/usr/bin/env bash
# The main job: a SQLite app database with float32 BLOB embeddings
# (F32_BLOB(384), pg/embeddings.sql) moved into PostgreSQL: the column becomes
# vector(384), every float arrives bit for bit (checked in PostgreSQL against
# the bytes SQLite holds, not through our own tools), the INTEGER PRIMARY KEY
# becomes an identity that continues at max + 1, and the way back to SQLite
# gives the same bytes.
. "$(dirname "$0")/lib.sh"
need "$SQLITE3"
need "$JQ"
need_pg
PGFIX=$(cd "$(dirname "$0")/pg" && pwd)

src="$WORK/app.db"
"$SQLITE3" "$src" <"$PGFIX/embeddings.sql"
check_eq "fixture: 41 embeddings of 1536 bytes" \
    "$("$SQLITE3" "$src" "SELECT count(*) FROM docs WHERE length(embedding) = 1536")" 41

check "export SQLite" "$DBEXPORT" --no-timestamp "$src" -f "$WORK/a.json"
check_eq "the file says vector(384)" \
    "$("$JQ" -r '.tables.docs.columns[] | select(.name == "embedding") | .type' "$WORK/a.json")" "vector(384)"

pg_create app
"$DBIMPORT" "$(pg_uri app)" "$WORK/a.json" 2>"$WORK/err"
check_eq "import into PostgreSQL" "$?" 0
check_contains "the NULL vectors are counted" "$(cat "$WORK/err")" \
    'dbimport: note: docs.embedding: 1 of 42 rows NULL (no vector)'

# The column type, as PostgreSQL reports it.
check_eq "docs.embedding is vector(384)" "$(pgq app "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
    WHERE attrelid = 'docs'::regclass AND attname = 'embedding'" 2>&1)" "vector(384)"
check_eq "docs.published is boolean" "$(pgq app "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
    WHERE attrelid = 'docs'::regclass AND attname = 'published'" 2>&1)" "boolean"
check_eq "rows arrived" "$(pgq app "SELECT count(*), count(embedding) FROM docs" 2>&1)" "42|41"

# Bit for bit: each float's bytes in PostgreSQL (float4send: big-endian)
# against the BLOB's bytes in SQLite (little-endian), for every document.
"$SQLITE3" "$src" "SELECT id, hex(embedding) FROM docs WHERE embedding IS NOT NULL ORDER BY id" |
    awk -F'|' '{ s = ""; for (i = 1; i <= length($2); i += 8) { w = substr($2, i, 8);
        s = s substr(w, 7, 2) substr(w, 5, 2) substr(w, 3, 2) substr(w, 1, 2) } print $1 "|" s }' >"$WORK/want.hex"
pgq app "SELECT id, upper(string_agg(encode(float4send(x), 'hex'), '' ORDER BY n))
    FROM docs, unnest(embedding::real[]) WITH ORDINALITY AS u(x, n) GROUP BY id ORDER BY id" >"$WORK/got.hex" 2>&1
check_eq "want: 41 vectors of 384 floats" "$(awk -F'|' 'length($2) == 3072' "$WORK/want.hex" | wc -l)" 41
if same_files "$WORK/want.hex" "$WORK/got.hex"; then ok; else
    not_ok "every float of every vector is bit-identical in PostgreSQL"
    diff "$WORK/want.hex" "$WORK/got.hex" | head -4 | cut -c1-200 >&2
fi
# The special values by name (doc 1: float 41 is the smallest subnormal,
# float 82 the largest negative subnormal, 369 is -0.0; doc 2: float 122 is
# 3.4028235e38; doc 1000 is a copy of doc 7).
check_eq "subnormal 1.4e-45" "$(pgq app "SELECT float4send((embedding::real[])[41]) FROM docs WHERE id = 1" 2>&1)" '\x00000001'
check_eq "negative subnormal" "$(pgq app "SELECT float4send((embedding::real[])[82]) FROM docs WHERE id = 1" 2>&1)" '\x807fffff'
check_eq "-0.0 keeps its sign" "$(pgq app "SELECT float4send((embedding::real[])[369]) FROM docs WHERE id = 1" 2>&1)" '\x80000000'
check_eq "largest float" "$(pgq app "SELECT (embedding::real[])[122]::text FROM docs WHERE id = 2" 2>&1)" "3.4028235e+38"
check_eq "a copied embedding is equal" "$(pgq app "SELECT a.embedding = b.embedding FROM docs a, docs b WHERE a.id = 7 AND b.id = 1000" 2>&1)" t
lit=$(pgq app "SELECT embedding::text FROM docs WHERE id = 7" 2>/dev/null)
check_eq "text form round-trips: embedding = its own literal" "$(pgq app "SELECT embedding = '$lit'::vector FROM docs WHERE id = 7" 2>&1)" t
check_eq "NULL embedding stays NULL" "$(pgq app "SELECT embedding IS NULL FROM docs WHERE id = 500" 2>&1)" t
check_eq "REAL 5e-324 arrives" "$(pgq app "SELECT score::text FROM docs WHERE id = 4" 2>&1)" 5e-324
check_eq "BOOLEAN 0/1 arrive as false/true" "$(pgq app "SELECT count(*) FILTER (WHERE published), count(*) FILTER (WHERE NOT published) FROM docs" 2>&1)" "21|21"
check_eq "the foreign key arrived" "$(pgq app "SELECT count(*) FROM pg_constraint WHERE conrelid = 'docs'::regclass AND contype = 'f'" 2>&1)" 1

# Back to SQLite: the same bytes (before the INSERT below changes the data).
check "export PostgreSQL" "$DBEXPORT" --no-timestamp "$(pg_uri app)" -f "$WORK/b.json"
check_eq "the PostgreSQL export says vector(384)" \
    "$("$JQ" -r '.tables.docs.columns[] | select(.name == "embedding") | .type' "$WORK/b.json" 2>&1)" "vector(384)"
check_eq "base64 of every vector equal in both exports" \
    "$("$JQ" -c '[.tables.docs.rows[] | [.id, .embedding]]' "$WORK/b.json" 2>&1 | sha256sum)" \
    "$("$JQ" -c '[.tables.docs.rows[] | [.id, .embedding]]' "$WORK/a.json" | sha256sum)"
check "import into SQLite" "$DBIMPORT" "$WORK/back.db" "$WORK/b.json"
check_eq "identical bytes back in SQLite" \
    "$("$SQLITE3" "$WORK/back.db" "SELECT id, typeof(embedding), hex(embedding) FROM docs ORDER BY id" 2>&1 | sha256sum)" \
    "$("$SQLITE3" "$src" "SELECT id, typeof(embedding), hex(embedding) FROM docs ORDER BY id" | sha256sum)"
check_eq "declared F32_BLOB(384) again" \
    "$("$SQLITE3" "$WORK/back.db" "SELECT type FROM pragma_table_info('docs') WHERE name = 'embedding'" 2>&1)" "F32_BLOB(384)"
check_eq "same data fingerprint" "$(fingerprint "$WORK/back.db" --data 2>&1 | sha256sum)" "$(fingerprint "$src" --data | sha256sum)"

# The INTEGER PRIMARY KEY became an identity column, and the next id is max + 1.
check "docs.id is an identity column" test -n "$(pgq app "SELECT attidentity FROM pg_attribute WHERE attrelid = 'docs'::regclass AND attname = 'id' AND attidentity IN ('a', 'd')" 2>/dev/null)"
check_eq "INSERT without id gets max + 1" \
    "$(pgq app "INSERT INTO docs (collection_id, title) VALUES (1, 'new doc') RETURNING id" 2>&1)" 1001
check_eq "and the next one max + 2" \
    "$(pgq app "INSERT INTO docs (collection_id, title, embedding) VALUES (2, 'newer', array_fill(0.5::real, ARRAY[384])::vector) RETURNING id" 2>&1)" 1002
check_eq "collections continue at 4" \
    "$(pgq app "INSERT INTO collections (name, created_at) VALUES ('new', 'now') RETURNING id" 2>&1)" 4
check "a 3-dimensional vector is refused by vector(384)" \
    sh -c "! psql -X -q -d '$(pg_name app)' -c \"UPDATE docs SET embedding = '[1,2,3]' WHERE id = 1\" 2>/dev/null"

# A BLOB column SQLite cannot know to be a vector: --vector-column names it.
"$SQLITE3" "$WORK/blob.db" "CREATE TABLE items (id INTEGER PRIMARY KEY, emb BLOB);
    INSERT INTO items VALUES (1, X'0000803F000000C0'), (2, X'00000000CDCCCC3D');"
check "--vector-column export" "$DBEXPORT" --vector-column=items.emb:2 "$WORK/blob.db" \
    -f "$WORK/blob.json"
check_eq "the file says vector(2)" \
    "$("$JQ" -r '.tables.items.columns[] | select(.name == "emb") | .type' "$WORK/blob.json")" "vector(2)"
pg_create blob
check "BLOB as vector into PostgreSQL" "$DBIMPORT" "$(pg_uri blob)" "$WORK/blob.json"
check_eq "vector(2) column" "$(pgq blob "SELECT format_type(atttypid, atttypmod) FROM pg_attribute
    WHERE attrelid = 'items'::regclass AND attname = 'emb'")" "vector(2)"
check_eq "exact values" "$(pgq blob "SELECT emb::text FROM items ORDER BY id" | tr '\n' ' ')" \
    "[1,-2] [0,0.1] "

# A wrong N is found at the export, naming the row, not at the import.
"$DBEXPORT" --vector-column=items.emb:3 "$WORK/blob.db" -f "$WORK/wrong.json" 2>"$WORK/err"
check_eq "--vector-column with a wrong N: exit 1" "$?" 1
check_contains "--vector-column with a wrong N: names row, column and sizes" "$(cat "$WORK/err")" \
    'table "items", row 1, column "emb": a BLOB of 8 bytes, but --vector-column says vector(3) (12 bytes: 3 little-endian float32)'
check "--vector-column with a wrong N: no file" test ! -e "$WORK/wrong.json"
"$SQLITE3" "$WORK/blob.db" "INSERT INTO items VALUES (3, 'not a blob'), (4, NULL)"
"$DBEXPORT" --vector-column=items.emb:2 "$WORK/blob.db" -f "$WORK/wrong.json" 2>"$WORK/err"
check_contains "--vector-column: a text value is named" "$(cat "$WORK/err")" \
    'table "items", row 3, column "emb": a text value, but --vector-column says vector(2) (a BLOB of 8 bytes)'

report
