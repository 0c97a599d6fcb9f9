#!/usr/bin/env bash
# Builds and installs pgvector for PostgreSQL 15 on Debian 12.
#
# pgvector is not packaged for bookworm, but trixie's source package builds
# against PostgreSQL 15. We add a deb-src entry (never a deb entry: no trixie
# binaries) for trixie on the same mirror the machine already uses, fetch the
# source with apt-get source and build it with PGXS. Run as root. Idempotent:
# does nothing when the extension is already installed.
set -euo pipefail

PG_MAJOR=15
PG_CONFIG=/usr/lib/postgresql/$PG_MAJOR/bin/pg_config
CONTROL=/usr/share/postgresql/$PG_MAJOR/extension/vector.control
SRC_LIST=/etc/apt/sources.list.d/trixie-src.list
export DEBIAN_FRONTEND=noninteractive

log() { printf 'install-pgvector: %s\n' "$*" >&2; }
die() { printf 'install-pgvector: error: %s\n' "$*" >&2; exit 1; }

if [[ -f $CONTROL ]]; then
  log "pgvector already installed ($CONTROL)"
  exit 0
fi
[[ $(id -u) -eq 0 ]] || die "must run as root"

# Build tools and the PostgreSQL server headers; apt-get source needs dpkg-dev.
need=()
for pkg in build-essential dpkg-dev xz-utils ca-certificates postgresql-server-dev-$PG_MAJOR; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'ok installed' || need+=("$pkg")
done
if ((${#need[@]})); then
  log "installing ${need[*]}"
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends "${need[@]}"
fi

# Print "URI SIGNED-BY" of the Debian mirror serving the plain "bookworm"
# suite, from deb822 .sources files first, then one-line .list files.
find_mirror() {
  local f
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] || continue
    # Stanzas are separated by blank lines; keep the first deb stanza with suite bookworm.
    awk '
      function flush() {
        if (types ~ /(^| )deb( |$)/ && (" " suites " ") ~ / bookworm /) {
          split(uris, u, " "); print u[1], signed; found = 1; exit
        }
        types = suites = uris = signed = ""
      }
      /^[ \t]*$/ { flush(); next }
      /^[ \t]*#/ { next }
      tolower($1) == "types:"     { $1 = ""; types = $0 }
      tolower($1) == "suites:"    { $1 = ""; suites = $0 }
      tolower($1) == "uris:"      { $1 = ""; uris = $0 }
      tolower($1) == "signed-by:" { $1 = ""; signed = $0; gsub(/^ +| +$/, "", signed) }
      END { if (!found) flush() }
    ' "$f" | head -n 1 | grep . && return 0
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f $f && $f != "$SRC_LIST" ]] || continue
    # deb [options] URI SUITE COMPONENTS...
    sed -E 's/\[[^]]*\]//' "$f" | awk '$1 == "deb" && $3 == "bookworm" { print $2; exit }' | grep . && return 0
  done
  return 1
}

mirror=$(find_mirror) || die "no bookworm 'deb' entry found in /etc/apt/sources.list{,.d}; cannot pick a mirror"
read -r uri signed_by <<<"$mirror"
[[ -n ${signed_by:-} ]] || signed_by=/usr/share/keyrings/debian-archive-keyring.gpg
line="deb-src [signed-by=$signed_by] $uri trixie main"
if [[ ! -f $SRC_LIST ]] || [[ $(cat "$SRC_LIST") != "$line" ]]; then
  log "adding $SRC_LIST: $line"
  printf '%s\n' "$line" >"$SRC_LIST"
fi
apt-get update -qq

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# Let apt download as its sandbox user instead of warning about root.
chown _apt "$work" 2>/dev/null || true
log "fetching pgvector source from trixie"
(cd "$work" && apt-get source -qq pgvector/trixie)
srcdir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name 'pgvector-*' | head -n 1)
[[ -n $srcdir ]] || die "apt-get source produced no pgvector-* directory"

# OPTFLAGS= as in Debian's own build: no -march=native, the build stays portable.
log "building $(basename "$srcdir")"
make -C "$srcdir" -s -j"$(nproc)" PG_CONFIG="$PG_CONFIG" OPTFLAGS=
make -C "$srcdir" -s PG_CONFIG="$PG_CONFIG" OPTFLAGS= install
[[ -f $CONTROL ]] || die "make install did not produce $CONTROL"
log "installed pgvector $(sed -n "s/^default_version = '\(.*\)'/\1/p" "$CONTROL")"
