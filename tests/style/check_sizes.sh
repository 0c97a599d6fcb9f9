#!/usr/bin/env bash
# Rooms small enough to read in one sitting (STYLE.md): no C file, tests
# included, over 1,000 lines and no function over 80 lines, unless the file's
# header comment or the comment just above the function says why, with the
# words "Long because". Prints each offender and fails.
set -euo pipefail
root=${DB_SOURCE_DIR:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}
cd "$root"
max_file=1000
max_function=80
if git rev-parse --is-inside-work-tree >/dev/null 2>&1; then
  mapfile -t files < <(git ls-files --cached --others --exclude-standard '*.c')
else
  mapfile -t files < <(find format exporter importer tools tests -name '*.c' 2>/dev/null)
fi
bad=0
for f in "${files[@]}"; do
  [[ -f $f ]] || continue
  lines=$(wc -l <"$f")
  if ((lines > max_file)) && ! head -40 "$f" | grep -q 'Long because'; then
    echo "$f: $lines lines (over $max_file, and no \"Long because\" in its header comment)" >&2
    bad=$((bad + 1))
  fi
  # A definition: a line at column 0 that opens a body with "{" alone on the
  # next line (clang-format's Linux braces); its body ends at "}" in column 0.
  out=$(awk -v max="$max_function" -v file="$f" '
    /^[A-Za-z_].*[)]$/ || /^[A-Za-z_].*,$/ { sig = NR; if (name == "") name = $0 }
    /^\{$/ && sig { start = NR; fname = name; reason = why; next }
    /^\}/ && start {
      n = NR - start - 1
      if (n > max && !reason) {
        sub(/\(.*/, "", fname); k = split(fname, w, /[ *]+/)
        printf "%s:%d: function %s has %d lines (over %d, and no \"Long because\" above it)\n", file, start, w[k], n, max
      }
      start = 0; sig = 0; name = ""; why = 0; next
    }
    !start && /Long because/ { why = 1 }
    !start && /^$/ { sig = 0; name = ""; why = 0 }
  ' "$f")
  if [[ -n $out ]]; then
    printf '%s\n' "$out" >&2
    bad=$((bad + $(wc -l <<<"$out")))
  fi
done
if ((bad)); then
  echo "check_sizes: $bad rooms or functions too long" >&2
  exit 1
fi
echo "check_sizes: ${#files[@]} files within $max_file lines, functions within $max_function"
