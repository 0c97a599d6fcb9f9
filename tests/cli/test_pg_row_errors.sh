#!/usr/bin/env bash
# A row PostgreSQL rejects late (during COPY, at its end, on a batch beyond
# the first, from a constraint, through --on-conflict's staging table) is
# named exactly: its table, its row number, its column, and the line,
# column and byte where it starts in the file. json values are the sharpest
# case: the server's error context starts with the json parser's own
# "JSON data, line 1", which must not be taken for the COPY's line.
. "$(dirname "$0")/lib.sh"
need_pg

# make_file FILE TABLE:NROWS:BADROW... : a PostgreSQL file of tables
# t(id integer primary key, k json, n integer), one row per line; row BADROW
# of a table holds json the server refuses (0: none).
make_file() {
    local f=$1 spec name n bad i first=1
    shift
    {
        printf '{"format":"dbexport","format_version":"1.0",\n'
        printf '"source":{"backend":"postgresql","version":"15","database":"x"},\n"tables":{\n'
        for spec; do
            IFS=: read -r name n bad <<<"$spec"
            [ $first = 1 ] || printf ',\n'
            first=0
            printf '"%s":{"columns":[\n' "$name"
            printf '{"name":"id","type":"int32","native_type":"integer","nullable":false},\n'
            printf '{"name":"k","type":"json","native_type":"json","nullable":true},\n'
            printf '{"name":"n","type":"int32","native_type":"integer","nullable":true}],\n'
            printf '"constraints":{"primary_key":{"columns":["id"]}},\n"rows":[\n'
            for ((i = 1; i <= n; i++)); do
                if [ "$i" = "$bad" ]; then k='"1e400x"'; else k='"{\"a\":12}"'; fi
                sep=,
                [ "$i" != "$n" ] || sep=
                printf '  {"id":%d,"k":%s,"n":%d}%s\n' "$i" "$k" "$i" "$sep"
            done
            printf ']}'
        done
        printf '\n}}\n'
    } >"$f"
}

# expect_row DESC FILE ERR TABLE ROW COLUMN_PART MESSAGE: the error names
# FILE:LINE:COL (byte B) where the row {"id":ROW,...} of TABLE starts.
expect_row() {
    local desc=$1 f=$2 err=$3 table=$4 row=$5 colpart=$6 msg=$7 pos line col byte
    pos=$(sed -n "s|^dbimport: error: $f:\([0-9]*\):\([0-9]*\) (byte \([0-9]*\)): table \"$table\", row $row$colpart: $msg\$|\1 \2 \3|p" <<<"$err")
    if [ -z "$pos" ]; then
        not_ok "$desc: message names table $table, row $row$colpart: [$err]"
        return
    fi
    read -r line col byte <<<"$pos"
    check_contains "$desc: line $line holds row $row" "$(sed -n "${line}p" "$f")" "{\"id\":$row,"
    check_eq "$desc: column $col is where it starts" "$(sed -n "${line}p" "$f" | cut -c"$col"-$((col + 5 + ${#row})))" "{\"id\":$row"
    check_eq "$desc: byte $byte is where it starts" "$(tail -c +$((byte + 1)) "$f" | head -c $((6 + ${#row})))" "{\"id\":$row"
}

json_msg='invalid input syntax for type json'

# The bad row first, in the middle, last; then in the second and third
# COPY batches (8192 rows each) and as the very last row of a long table.
for spec in 3:1 3:2 3:3 16400:8192 16400:8193 16400:16385 16400:16400; do
    IFS=: read -r n bad <<<"$spec"
    make_file "$WORK/r.json" "t:$n:$bad"
    pg_create "r_${n}_$bad"
    err=$("$DBIMPORT" "$(pg_uri "r_${n}_$bad")" "$WORK/r.json" 2>&1); rc=$?
    check_eq "$n rows, bad row $bad: exit 1" "$rc" 1
    expect_row "$n rows, bad row $bad" "$WORK/r.json" "$err" t "$bad" ', column "k"' "$json_msg"
    check_eq "$n rows, bad row $bad: nothing left behind" \
        "$(pgq "r_${n}_$bad" "SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")" 0
done

# Across tables: the first two load, the third fails at its row 5; the row
# numbers restart in each table.
make_file "$WORK/m.json" a:10:0 b:9000:0 c:10:5
pg_create m
err=$("$DBIMPORT" "$(pg_uri m)" "$WORK/m.json" 2>&1); rc=$?
check_eq "third table: exit 1" "$rc" 1
expect_row "third table" "$WORK/m.json" "$err" c 5 ', column "k"' "$json_msg"

# Rows that leave out a column end one COPY and start another (its line
# numbers start again): the bad row after two such changes.
make_file "$WORK/g.json" t:8:6
"$JQ" -c 'del(.tables.t.rows[2].n)' "$WORK/g.json" | "$JQ" . >"$WORK/g1.json"
pg_create g
err=$("$DBIMPORT" "$(pg_uri g)" "$WORK/g1.json" 2>&1); rc=$?
check_eq "after a COPY restart: exit 1" "$rc" 1
check_contains "after a COPY restart: the row" "$err" 'table "t", row 6, column "k": '"$json_msg"

# A table outside public, its name with a comma and "line" in it: the
# server's context says "COPY x, line 2, line 3, ...".
make_file "$WORK/s.json" "x, line 2:4:3"
# one line, keys sorted (name and namespace before rows): the row is
# found by its byte offset
"$JQ" -S -c '.tables["x, line 2"] += {"name":"x, line 2","namespace":"other"}' "$WORK/s.json" >"$WORK/s1.json"
if check "awkward table name: the file" test -s "$WORK/s1.json"; then
    pg_create s
    err=$("$DBIMPORT" "$(pg_uri s)" "$WORK/s1.json" 2>&1); rc=$?
    check_eq "awkward table name: exit 1" "$rc" 1
    check_contains "awkward table name: the row" "$err" 'table "x, line 2", row 3, column "k"'
    byte=$(sed -n 's/.*(byte \([0-9]*\)): table "x, line 2", row 3, column "k": .*/\1/p' <<<"$err")
    check_eq "awkward table name: byte $byte is row 3" "$(tail -c +$((byte + 1)) "$WORK/s1.json" | head -c 8)" '{"id":3,'
fi

# Existing tables (-a): the server's own constraints reject a row during
# COPY. A CHECK, a NOT NULL and a unique index (checked as a batch is
# flushed, past the first COPY batch).
make_file "$WORK/c.json" t:9000:0
pg_create c
pgq c "CREATE TABLE t (id integer PRIMARY KEY, k json, n integer CHECK (n <> 8500))"
err=$("$DBIMPORT" -a "$(pg_uri c)" "$WORK/c.json" 2>&1); rc=$?
check_eq "check constraint: exit 1" "$rc" 1
expect_row "check constraint" "$WORK/c.json" "$err" t 8500 '' \
    'new row for relation "t" violates check constraint "t_n_check"'
check_eq "check constraint: nothing written" "$(pgq c "SELECT count(*) FROM t")" 0

"$JQ" -c '.tables.t.rows[6000].n = null' "$WORK/c.json" | "$JQ" '.' >"$WORK/nn.json"
pg_create nn
pgq nn "CREATE TABLE t (id integer PRIMARY KEY, k json, n integer NOT NULL)"
err=$("$DBIMPORT" -a "$(pg_uri nn)" "$WORK/nn.json" 2>&1); rc=$?
check_eq "not null: exit 1" "$rc" 1
check_contains "not null: the row and column" "$err" 'table "t", row 6001, column "n": null value in column "n"'

pg_create u
pgq u "CREATE TABLE t (id integer PRIMARY KEY, k json, n integer); INSERT INTO t VALUES (9999, NULL, 8700)
       ; CREATE UNIQUE INDEX t_n ON t (n)"
err=$("$DBIMPORT" -a "$(pg_uri u)" "$WORK/c.json" 2>&1); rc=$?
check_eq "unique index: exit 1" "$rc" 1
check_contains "unique index: the row" "$err" 'table "t", row 8700: duplicate key value violates unique constraint "t_n"'
check_eq "unique index: target unchanged" "$(pgq u "SELECT count(*) FROM t")" 1

# --on-conflict: the rows go to a staging table first; its COPY's errors
# name the row as well.
make_file "$WORK/o.json" t:20:17
pg_create o
pgq o "CREATE TABLE t (id integer PRIMARY KEY, k json, n integer)"
for mode in skip update; do
    err=$("$DBIMPORT" --on-conflict=$mode "$(pg_uri o)" "$WORK/o.json" 2>&1); rc=$?
    check_eq "on-conflict=$mode: exit 1" "$rc" 1
    expect_row "on-conflict=$mode" "$WORK/o.json" "$err" t 17 ', column "k"' "$json_msg"
done

# --on-conflict into a table with a CHECK and a NOT NULL column: the
# staging table has both, so its COPY refuses the row and names it (and the
# user's table, not the staging table).
pg_create oc
pgq oc "CREATE TABLE t (id integer PRIMARY KEY, k json, n integer NOT NULL CHECK (n <> 9))
        ; INSERT INTO t VALUES (1, NULL, 1)"
make_file "$WORK/oc.json" t:20:0
err=$("$DBIMPORT" --on-conflict=skip "$(pg_uri oc)" "$WORK/oc.json" 2>&1); rc=$?
check_eq "on-conflict check: exit 1" "$rc" 1
expect_row "on-conflict check" "$WORK/oc.json" "$err" t 9 '' \
    'new row for relation "t" violates check constraint "t_n_check"'
"$JQ" '.tables.t.rows[13].n = null | .tables.t.rows[8].n = 90' "$WORK/oc.json" >"$WORK/oc2.json"
err=$("$DBIMPORT" --on-conflict=update "$(pg_uri oc)" "$WORK/oc2.json" 2>&1); rc=$?
check_eq "on-conflict not null: exit 1" "$rc" 1
check_contains "on-conflict not null: the row and column" "$err" \
    'table "t", row 14, column "n": null value in column "n" of relation "t" violates not-null constraint'
check_eq "on-conflict: target unchanged" "$(pgq oc "SELECT string_agg(id || ':' || n, ',') FROM t")" "1:1"

# A foreign key of an existing table is checked after the last row (it is
# dropped for the load and added again), with no line: the message says
# which constraint and which key (the row is not known).
pg_create fk
pgq fk "CREATE TABLE p (id integer PRIMARY KEY); INSERT INTO p SELECT generate_series(1, 20) WHERE true
        ; DELETE FROM p WHERE id = 12
        ; CREATE TABLE t (id integer PRIMARY KEY, k json, n integer REFERENCES p)"
err=$("$DBIMPORT" -a "$(pg_uri fk)" "$WORK/oc.json" 2>&1); rc=$?
check_eq "foreign key: exit 1" "$rc" 1
check_eq "foreign key: the key" "$err" 'dbimport: error: table "t": the target'"'"'s foreign key t_n_fkey does not hold with the rows loaded: insert or update on table "t" violates foreign key constraint "t_n_fkey": Key (n)=(12) is not present in table "p"'

# --on-invalid retries a batch from a savepoint: the row left out is the
# bad one, in the second batch too.
make_file "$WORK/i.json" t:9000:8800
pg_create i
err=$("$DBIMPORT" --on-invalid=skip-row "$(pg_uri i)" "$WORK/i.json" 2>&1); rc=$?
check_eq "on-invalid: exit 0" "$rc" 0
check_contains "on-invalid: the row in the summary" "$err" 'the first: row 8800, column "k"'
check_eq "on-invalid: exactly that row is missing" "$(pgq i "SELECT count(*), bool_and(id <> 8800) FROM t")" "8999|t"

report
