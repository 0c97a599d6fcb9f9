#!/usr/bin/env bash
# Usage: expect_invalid.sh SCHEMA FILE|DIR...
#
# The negative side of validate.sh: every FILE must be rejected by SCHEMA.
# validate.sh reports on each file separately, so a file that is rejected
# cannot hide one that is accepted. A file that cannot be validated at all
# (not JSON, unreadable, broken gzip) counts as a failure too: it would
# otherwise pass for the wrong reason; so does a schema that does not compile.
# A DIR stands for its *.json and *.json.gz files. AJV and CI are as for
# validate.sh.
#
# Exit status: 0 every file was rejected; 1 some file was accepted or could
# not be checked (each is named); 2 bad usage; 77 ajv is missing outside CI.
set -uo pipefail

me=expect_invalid.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

(($# >= 2)) || { printf 'usage: %s SCHEMA FILE|DIR...\n' "$me" >&2; exit 2; }
schema=$1
shift

files=()
for arg in "$@"; do
  if [[ -d $arg ]]; then
    shopt -s nullglob
    found=("$arg"/*.json "$arg"/*.json.gz)
    shopt -u nullglob
    ((${#found[@]})) || { printf '%s: no *.json or *.json.gz in %s\n' "$me" "$arg" >&2; exit 2; }
    files+=("${found[@]}")
  else
    files+=("$arg")
  fi
done

out=$(bash "$here/validate.sh" "$schema" "${files[@]}" 2>"${TMPDIR:-/tmp}/expect_invalid.$$.err")
rc=$?
err=$(cat "${TMPDIR:-/tmp}/expect_invalid.$$.err")
rm -f "${TMPDIR:-/tmp}/expect_invalid.$$.err"
if ((rc == 77)); then
  printf '%s\n' "$err" >&2
  exit 77
fi

accepted=() broken=()
for f in "${files[@]}"; do
  if grep -qxF "$f: INVALID" <<<"$out"; then
    # The first reason ajv gave, to see at a glance that it is the intended one.
    printf '%s: rejected as expected\n' "$f"
    awk -v head="$f: INVALID" '$0 == head { on = 1; next } on && /^    / { print substr($0, 1, 200); exit }' <<<"$out"
  elif grep -qxF "$f: valid" <<<"$out"; then
    printf '%s: UNEXPECTEDLY VALID\n' "$f"
    accepted+=("$f")
  else
    printf '%s: could not be validated\n' "$f"
    broken+=("$f")
  fi
done

status=0
if ((${#accepted[@]})); then
  printf '%s: %d file(s) passed validation but should not: %s\n' "$me" "${#accepted[@]}" "${accepted[*]}" >&2
  status=1
fi
if ((${#broken[@]})); then
  printf '%s: %d file(s) could not be validated (validate.sh exit %d):\n%s\n%s\n' \
    "$me" "${#broken[@]}" "$rc" "$out" "$err" >&2
  status=1
fi
((status)) || printf '%s: all %d file(s) rejected by %s\n' "$me" "${#files[@]}" "$schema"
exit "$status"
