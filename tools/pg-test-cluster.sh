#!/usr/bin/env bash
# A throwaway PostgreSQL 15 cluster for tests, reachable only through a Unix
# socket inside DIR.
#
#   tools/pg-test-cluster.sh start DIR   initdb DIR/data, start it, check pgvector
#   tools/pg-test-cluster.sh env DIR     print export lines: eval "$(... env DIR)"
#   tools/pg-test-cluster.sh stop DIR    stop the server and remove DIR
#
# PostgreSQL refuses to run as root, so when the caller is root the server runs
# as the system user $PG_TEST_USER (default dbtest, created if missing) and DIR
# is chowned to it. Trust authentication, no TCP: only the owner of DIR (and
# root) can reach the socket.
set -euo pipefail

PG_BIN=/usr/lib/postgresql/15/bin
# PG_TEST_WITHOUT_VECTOR=1 start: a server that genuinely lacks pgvector, for
# the tests of that fault. PostgreSQL finds its share and lib directories
# relative to its binaries, so a copy of the installation without pgvector's
# files is such a server. Its bin directory is remembered in DIR/bin.
PG_TEST_USER=${PG_TEST_USER:-dbtest}
MARKER=.pg-test-cluster   # proves DIR is ours before stop removes it

usage() { printf 'usage: %s start|stop|env DIR\n' "${0##*/}" >&2; exit 2; }
log() { printf 'pg-test-cluster: %s\n' "$*" >&2; }
die() { printf 'pg-test-cluster: error: %s\n' "$*" >&2; exit 1; }

[[ $# -eq 2 ]] || usage
cmd=$1
dir=$2
[[ $dir == /* ]] || dir=$PWD/$dir
dir=${dir%/}

# Run a command as the owner of DIR (a no-op switch when we are that user).
as_owner() {
  local owner
  owner=$(stat -c %U "$dir")
  if [[ $(id -un) == "$owner" ]]; then
    (cd "$dir" && "$@")
  else
    (cd "$dir" && runuser -u "$owner" -- "$@")
  fi
}

# The port only names the socket file inside DIR; derive it from DIR so that
# concurrent clusters never clash even if someone adds TCP later.
port_for() { echo $((5433 + $(printf '%s' "$1" | cksum | cut -d' ' -f1) % 20000)); }

stop_server() {
  [[ -f $dir/data/postmaster.pid ]] || return 0
  log "stopping server in $dir/data"
  as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null 2>&1 ||
    as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -m immediate -w -t 30 stop >/dev/null 2>&1 || true
  # A postmaster.pid left by a crashed server is stale; initdb and rm may proceed.
  rm -f "$dir/data/postmaster.pid"
}

cmd_start() {
  [[ -x $PG_BIN/initdb ]] || die "$PG_BIN/initdb not found; run tools/install-deps.sh --test"
  if [[ ${PG_TEST_WITHOUT_VECTOR:-} == 1 ]]; then
    mkdir -p "$dir/pg/usr/lib/postgresql" "$dir/pg/usr/share/postgresql"
    cp -a /usr/lib/postgresql/15 "$dir/pg/usr/lib/postgresql/"
    cp -a /usr/share/postgresql/15 "$dir/pg/usr/share/postgresql/"
    rm -f "$dir"/pg/usr/share/postgresql/15/extension/vector[-.]* \
      "$dir"/pg/usr/lib/postgresql/15/lib/vector.so
    PG_BIN=$dir/pg/usr/lib/postgresql/15/bin
    printf '%s\n' "$PG_BIN" >"$dir/bin"
  fi
  local port
  port=$(port_for "$dir")
  # A Unix socket path must fit in sockaddr_un.sun_path (108 bytes with the NUL).
  ((${#dir} + ${#port} + 10 < 108)) || die "socket path under $dir is too long; use a shorter DIR"

  mkdir -p "$dir"
  if [[ -e $dir/data ]]; then
    [[ -f $dir/$MARKER ]] || die "$dir/data exists and was not made by this script"
    stop_server
    rm -rf "$dir/data"
  fi
  touch "$dir/$MARKER"
  printf '%s\n' "$port" >"$dir/port"

  if [[ $(id -u) -eq 0 ]]; then
    if ! id -u "$PG_TEST_USER" >/dev/null 2>&1; then
      log "creating system user $PG_TEST_USER"
      useradd --system --no-create-home --home-dir /nonexistent \
        --shell /usr/sbin/nologin "$PG_TEST_USER"
    fi
    chown -R "$PG_TEST_USER:" "$dir"
    runuser -u "$PG_TEST_USER" -- test -w "$dir" ||
      die "$PG_TEST_USER cannot reach $dir (a parent directory is not searchable); use e.g. mktemp -d"
  fi
  chmod 700 "$dir"

  as_owner "$PG_BIN/initdb" -D "$dir/data" -A trust -U postgres --no-sync -E UTF8 --locale=C \
    >"$dir/initdb.log" 2>&1 || { cat "$dir/initdb.log" >&2; die "initdb failed"; }

  local qdir=${dir//\'/\'\'}
  cat >>"$dir/data/postgresql.conf" <<EOF

# pg-test-cluster.sh: socket only, durability off (a test cluster is disposable)
listen_addresses = ''
unix_socket_directories = '$qdir'
port = $port
fsync = off
synchronous_commit = off
full_page_writes = off
wal_level = minimal
max_wal_senders = 0
max_connections = 50
log_min_messages = warning
EOF

  if ! as_owner "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 start >/dev/null; then
    tail -n 30 "$dir/postgres.log" >&2 || true
    die "server did not start"
  fi

  if [[ ${PG_TEST_WITHOUT_VECTOR:-} == 1 ]]; then
    log "PostgreSQL without pgvector running at $dir, port $port"
    return 0
  fi
  if ! "$PG_BIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$dir" -p "$port" -U postgres -d postgres \
    -c 'CREATE EXTENSION vector' -c "SELECT '[1,2,3]'::vector" -c 'DROP EXTENSION vector' \
    >/dev/null; then
    stop_server
    die "CREATE EXTENSION vector failed; hint: run tools/install-pgvector.sh as root"
  fi
  log "PostgreSQL $("$PG_BIN/postgres" -V | awk '{print $3}') with pgvector running at $dir, port $port"
}

cmd_env() {
  [[ -f $dir/port ]] || die "no test cluster in $dir"
  printf 'export PGHOST=%q PGPORT=%q PGUSER=postgres\n' "$dir" "$(cat "$dir/port")"
}

cmd_stop() {
  [[ -f $dir/bin ]] && PG_BIN=$(cat "$dir/bin")
  [[ -d $dir ]] || return 0
  [[ -f $dir/$MARKER ]] || die "$dir was not made by this script; not removing it"
  stop_server
  rm -rf "$dir"
}

case $cmd in
  start) cmd_start ;;
  stop) cmd_stop ;;
  env) cmd_env ;;
  *) usage ;;
esac
