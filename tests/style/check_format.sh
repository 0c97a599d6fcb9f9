#!/usr/bin/env bash
# One code dialect: every C file in the tree is formatted as .clang-format
# says. Prints the files that are not, with the first differences, and
# fails. Fix with: clang-format -i FILE.
set -euo pipefail
root=${DB_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$root"
if ! command -v clang-format >/dev/null; then
  if [[ ${CI:-} == true ]]; then
    echo "check_format: clang-format is missing (tools/install-deps.sh --test installs it)" >&2
    exit 1
  fi
  echo "check_format: SKIP: clang-format is not installed" >&2
  exit 77
fi
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.c' '*.h')
else
  mapfile -t files < <(find . -path ./build\* -prune -o \( -name '*.c' -o -name '*.h' \) -print)
fi
bad=0
for f in "${files[@]}"; do
  [[ -f $f ]] || continue
  if ! out=$(clang-format --style=file "$f" | diff -u "$f" - 2>&1); then
    printf '%s is not formatted:\n%s\n' "$f" "$(head -20 <<<"$out")" >&2
    bad=$((bad + 1))
  fi
done
if ((bad)); then
  echo "check_format: $bad of ${#files[@]} files differ from .clang-format" >&2
  exit 1
fi
echo "check_format: ${#files[@]} files formatted"
