#!/usr/bin/env bash
# Usage: validate.sh SCHEMA FILE|DIR...
#
# Validates each FILE against SCHEMA (JSON Schema draft 2020-12) with ajv-cli
# and ajv-formats. A FILE may be gzip-compressed: as docs/FORMAT.md section 1
# says, compression is detected by the magic bytes 1f 8b, not by the name, and
# multi-member gzip is accepted. A DIR stands for its *.json and *.json.gz
# files. Prints one line per file, with ajv's errors under an invalid one.
#
# Environment:
#   AJV  the ajv-cli binary (default: <repo>/tools/node_modules/.bin/ajv,
#        installed by tools/install-deps.sh --test or `npm ci --prefix tools`)
#   CI   when "true" (or 1/yes), a missing ajv is an error instead of a skip
#
# Exit status: 0 every file is valid; 1 at least one file is invalid (the
# schema was applied and rejected it); 2 an error (bad usage, unreadable or
# non-JSON file, broken gzip, a schema that does not compile, missing ajv
# under CI); 77 ajv (or node) is missing outside CI: the ctest skip code.
set -uo pipefail

me=validate.sh
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/../.." && pwd)
AJV=${AJV:-$root/tools/node_modules/.bin/ajv}

usage() { printf 'usage: %s SCHEMA FILE|DIR...\n' "$me" >&2; exit 2; }
(($# >= 2)) || usage
schema=$1
shift
[[ -r $schema ]] || { printf '%s: cannot read schema %s\n' "$me" "$schema" >&2; exit 2; }

missing=
if [[ ! -x $AJV ]]; then
  missing="ajv not found at $AJV"
elif ! command -v node >/dev/null 2>&1; then
  missing="node is not on PATH (needed by $AJV)"
fi
if [[ -n $missing ]]; then
  hint="install it with tools/install-deps.sh --test or npm ci --prefix tools, or set AJV"
  case ${CI:-} in
    true | TRUE | 1 | yes)
      printf '%s: ERROR: %s; %s (CI=%s: not skipping)\n' "$me" "$missing" "$hint" "$CI" >&2
      exit 2 ;;
  esac
  printf '%s: SKIP: %s; %s\n' "$me" "$missing" "$hint" >&2
  exit 77
fi

# --strict-types makes ajv's strict-mode type warnings errors, so the schema stays clean.
ajv_opts=(--spec=draft2020 -c ajv-formats --strict-types=true --strict-tuples=true)

tmp=$(mktemp -d "${TMPDIR:-/tmp}/validate.XXXXXX") || exit 2
trap 'rm -rf "$tmp"' EXIT

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

# ajv-cli picks its parser by the extension (".json") and expands glob
# characters in -s/-d, so it only ever sees copies with safe names: the
# schema as schema.json, FILE number i as data<i>.json.
cp -- "$schema" "$tmp/schema.json" || exit 2
declare -A status=() detail=()
datas=()
for i in "${!files[@]}"; do
  f=${files[i]} data=$tmp/data$i.json
  if [[ ! -f $f || ! -r $f ]]; then
    status[$i]=ERROR detail[$i]="cannot read $f"
  elif [[ $(head -c 2 -- "$f" | od -An -tx1 | tr -d ' \n') == 1f8b ]]; then
    if gzip -dc -- "$f" >"$data" 2>"$tmp/gzip.err"; then
      datas+=("$i")
    else
      status[$i]=ERROR detail[$i]="gzip: $(tr '\n' ' ' <"$tmp/gzip.err")"
    fi
  elif cp -- "$f" "$data"; then
    datas+=("$i")
  else
    status[$i]=ERROR detail[$i]="cannot copy $f"
  fi
done

# Runs ajv over the data files whose numbers are given; fills status/detail
# for each file ajv reported on ("dataI.json valid" on stdout, "dataI.json
# invalid" then its errors on stderr). ajv stops at a file it cannot parse,
# so files left without a status are retried one by one.
run_ajv() {
  local args=() i line cur=
  for i in "$@"; do args+=(-d "$tmp/data$i.json"); done
  "$AJV" validate "${ajv_opts[@]}" --errors=text -s "$tmp/schema.json" "${args[@]}" \
    >"$tmp/ajv.out" 2>"$tmp/ajv.err"
  ajv_rc=$?
  if grep -qxF "schema $tmp/schema.json is invalid" "$tmp/ajv.err"; then
    printf '%s: schema %s does not compile:\n' "$me" "$schema" >&2
    sed "s|$tmp/schema.json|$schema|g" "$tmp/ajv.err" >&2
    exit 2
  fi
  while IFS= read -r line; do
    [[ $line =~ ^"$tmp"/data([0-9]+)\.json\ valid$ ]] && status[${BASH_REMATCH[1]}]=valid
  done <"$tmp/ajv.out"
  while IFS= read -r line; do
    if [[ $line =~ ^"$tmp"/data([0-9]+)\.json\ invalid$ ]]; then
      cur=${BASH_REMATCH[1]} status[$cur]=INVALID detail[$cur]=
    elif [[ -n $cur ]]; then
      detail[$cur]=$line cur= # --errors=text: one line per file
    fi
  done <"$tmp/ajv.err"
}

if ((${#datas[@]})); then
  run_ajv "${datas[@]}"
  for i in "${datas[@]}"; do
    [[ -n ${status[$i]:-} ]] && continue
    run_ajv "$i"
    if [[ -z ${status[$i]:-} ]]; then
      status[$i]=ERROR
      detail[$i]="ajv exit $ajv_rc: $(sed "s|$tmp/data$i.json|${files[i]}|g; s|$tmp/schema.json|$schema|g" \
        "$tmp/ajv.err" "$tmp/ajv.out")"
    fi
  done
fi

invalid=() errors=()
for i in "${!files[@]}"; do
  f=${files[i]}
  printf '%s: %s\n' "$f" "${status[$i]}"
  case ${status[$i]} in
    INVALID) invalid+=("$f") ;;
    ERROR) errors+=("$f") ;;
  esac
  [[ -n ${detail[$i]:-} ]] && printf '%s\n' "${detail[$i]%$'\n'}" | sed 's/^/    /'
done

n=${#files[@]}
if ((${#errors[@]})); then
  printf '%s: %d of %d file(s) could not be validated: %s\n' "$me" "${#errors[@]}" "$n" "${errors[*]}" >&2
  exit 2
fi
if ((${#invalid[@]})); then
  printf '%s: %d of %d file(s) do not match %s: %s\n' "$me" "${#invalid[@]}" "$n" "$schema" "${invalid[*]}" >&2
  exit 1
fi
printf '%s: all %d file(s) match %s\n' "$me" "$n" "$schema"
exit 0
