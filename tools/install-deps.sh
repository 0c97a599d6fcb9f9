#!/usr/bin/env bash
# Installs what building (default, --build-only) or testing (--test) needs on
# Debian 12. Run as root from anywhere. Idempotent: installs only what is
# missing, so a second run does no network work.
#
#   --build-only  compiler, CMake, SQLite/libpq/zlib/libjq headers, libb64 (the base64 unit test's reference), sqlite3, jq
#   --test        also PostgreSQL 15 + pgvector, Node.js for ajv (JSON Schema
#                 checks, installed from tools/package-lock.json into
#                 tools/node_modules), clang for the fuzz build, clang-format
#                 for the style check, man-db and dpkg-dev for the man page
#                 and .deb checks
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
export DEBIAN_FRONTEND=noninteractive

log() { printf 'install-deps: %s\n' "$*" >&2; }
die() { printf 'install-deps: error: %s\n' "$*" >&2; exit 1; }

mode="build"
case ${1:-} in
  "" | --build-only) ;;
  --test) mode="test" ;;
  -h | --help) sed -n '2,11s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; exit 0 ;;
  *) die "unknown option '$1' (expected --build-only or --test)" ;;
esac

packages=(build-essential cmake pkg-config libsqlite3-dev libpq-dev zlib1g-dev libb64-dev
  libjq-dev sqlite3 jq ca-certificates)
if [[ $mode == test ]]; then
  # man-db, groff-base: man -l renders the man pages; dpkg-dev: dpkg-shlibdeps
  # for the .deb's dependencies (install.* tests)
  packages+=(postgresql-15 postgresql-server-dev-15 clang clang-format man-db groff-base dpkg-dev)
  # NodeSource's nodejs bundles npm and conflicts with Debian's npm package:
  # accept any node + npm already on PATH.
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    packages+=(nodejs npm)
  fi
fi

missing=()
for pkg in "${packages[@]}"; do
  [[ $(dpkg-query -W -f='${db:Status-Status}' "$pkg" 2>/dev/null) == installed ]] || missing+=("$pkg")
done
if ((${#missing[@]})); then
  [[ $(id -u) -eq 0 ]] || die "missing packages: ${missing[*]}; run this script as root"
  log "installing ${missing[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${missing[@]}"
else
  log "Debian packages already installed"
fi

[[ $mode == test ]] || exit 0

# pgvector: built from trixie's source package (not packaged for bookworm).
"$here/install-pgvector.sh"

# ajv-cli + ajv-formats at the versions pinned in tools/package-lock.json.
# npm ci rewrites node_modules/.package-lock.json, so it is newer than the
# committed lock file exactly when the install is current.
stamp=$here/node_modules/.package-lock.json
if [[ -x $here/node_modules/.bin/ajv && $stamp -nt $here/package-lock.json ]]; then
  log "ajv already installed in tools/node_modules"
else
  log "installing ajv-cli and ajv-formats into tools/node_modules"
  npm ci --prefix "$here" --no-audit --no-fund --loglevel=error
fi
