#!/usr/bin/env bash
# The password prompt, as pg_dump's: against a server that asks for a
# password (fake_pg_auth), dbexport, dbimport and dbdiff ask on the terminal when
# none was given, -W asks before connecting, -w never asks, and without a
# terminal nothing is asked (the connection fails with libpq's message
# instead of hanging). A terminal is made with script(1).
. "$(dirname "$0")/lib.sh"
: "${FAKE_PG_AUTH:?}" "${DBDIFF:?}"
need script
need setsid

sock=$WORK/sock
mkdir "$sock"
"$FAKE_PG_AUTH" "$sock" 5499 >"$WORK/got" &
server=$!
trap 'kill "$server" 2>/dev/null; rm -rf "$WORK"' EXIT
for _ in $(seq 50); do [ -S "$sock/.s.PGSQL.5499" ] && break; sleep 0.1; done
conn="host=$sock port=5499 dbname=app user=alice"
printf '{"format":"dbexport"}' >"$WORK/doc.json"
export PGPASSFILE=$WORK/nopass PGPASSWORD= # nothing from the environment
unset PGPASSWORD

got_line() { sed -n "${1}p" "$WORK/got"; }
# in_terminal INPUT COMMAND...: runs COMMAND on a new pseudo-terminal,
# typing INPUT a second later (the prompt flushes what was typed before it,
# as pg_dump's does); prints what the terminal showed.
in_terminal() {
    local input=$1
    shift
    { sleep 1; printf '%s\n' "$input"; sleep 1; } |
        timeout 20 script -qec "$(printf '%q ' "$@")" /dev/null
}

# No terminal: no prompt, a clear failure.
err=$(setsid -w timeout 20 "$DBEXPORT" "$conn" 2>&1 </dev/null); rc=$?
check_eq "no terminal: dbexport fails" "$rc" 1
check_contains "no terminal: libpq's message" "$err" "no password supplied"
case $err in *Password*) not_ok "no terminal: prompted: $err" ;; *) ok ;; esac
check_eq "no terminal: no password sent" "$(got_line 1)" "-"

# A terminal: asked once the server wants one, and sent.
out=$(in_terminal s3cret "$DBEXPORT" "$conn")
check_contains "terminal: dbexport prompts" "$out" "Password for user alice:"
case $out in *s3cret*) not_ok "terminal: the password was echoed: $out" ;; *) ok ;; esac
check_eq "terminal: the typed password reaches the server" "$(got_line 3)" "s3cret"
check_contains "terminal: the server's refusal is reported" "$out" "password authentication failed"

# dbimport does the same.
out=$(in_terminal other "$DBIMPORT" "$conn" "$WORK/doc.json")
check_contains "dbimport prompts" "$out" "Password for user alice:"
check_eq "dbimport: the typed password reaches the server" "$(got_line 5)" "other"

# -W: asked before connecting, so the first connection carries it.
out=$(in_terminal early "$DBEXPORT" -W "$conn")
check_contains "-W prompts" "$out" "Password: "
check_eq "-W: the first connection has the password" "$(got_line 6)" "early"

# -w: never asked, even on a terminal.
n=$(wc -l <"$WORK/got")
out=$(in_terminal never "$DBIMPORT" -w "$conn" "$WORK/doc.json")
case $out in *Password*) not_ok "-w prompted: $out" ;; *) ok ;; esac
check_contains "-w: libpq's message" "$out" "no password supplied"
check_eq "-w: one connection, no password" "$(got_line $((n + 1)))" "-"
check_eq "-w: no second connection" "$(wc -l <"$WORK/got")" "$((n + 1))"

# dbdiff: the same, for a side that is a PostgreSQL database.
out=$(in_terminal third "$DBDIFF" "$conn" "$WORK/doc.json")
check_contains "dbdiff prompts" "$out" "Password for user alice:"
check_eq "dbdiff: the typed password reaches the server" "$(got_line $((n + 3)))" "third"
check_contains "dbdiff: the server's refusal is reported" "$out" "password authentication failed"
out=$(in_terminal fourth "$DBDIFF" -W "$conn" "$WORK/doc.json")
check_contains "dbdiff -W prompts" "$out" "Password: "
check_eq "dbdiff -W: the first connection has the password" "$(got_line $((n + 4)))" "fourth"
out=$(in_terminal never "$DBDIFF" -w "$conn" "$WORK/doc.json")
case $out in *Password*) not_ok "dbdiff -w prompted: $out" ;; *) ok ;; esac
check_contains "dbdiff -w: libpq's message" "$out" "no password supplied"
check_eq "dbdiff -w: one connection, no password" "$(got_line $((n + 5)))" "-"
check_eq "dbdiff -w: no second connection" "$(wc -l <"$WORK/got")" "$((n + 5))"

report
