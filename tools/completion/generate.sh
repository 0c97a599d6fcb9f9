#!/usr/bin/env bash
# Writes the bash completion of one program from its own --help, so the
# completion knows exactly the options the program has (the build runs
# this for every program in DB_PROGRAMS; see tools/cmake/DbInstall.cmake).
#
#   generate.sh PROGRAM BINARY OUTPUT
#
# Options whose argument is FILE complete file names; -t/-T (PATTERN of
# tables) complete the table names of a file or SQLite database named on
# the line (completion.bash holds the code).
set -euo pipefail
program=$1 binary=$2 output=$3
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

help=$("$binary" --help)
words=() with_file=() with_table=() with_arg=()
while IFS= read -r line; do
    # "  -t, --table=PATTERN   ..." or "      --force   ..."
    [[ $line =~ ^\ \ (-(.),\ |\ \ \ \ )--([a-z0-9-]+)(=([^ ]+))? ]] || continue
    short=${BASH_REMATCH[2]} long=--${BASH_REMATCH[3]} arg=${BASH_REMATCH[5]}
    [[ -n $short ]] && words+=("-$short")
    if [[ -n $arg ]]; then
        words+=("$long=")
        names=("$long")
        [[ -n $short ]] && names+=("-$short")
        with_arg+=("${names[@]}")
        case $arg in
        FILE) with_file+=("${names[@]}") ;;
        PATTERN) [[ $long == --table || $long == --exclude-table ]] && with_table+=("${names[@]}") ;;
        esac
    else
        words+=("$long")
    fi
done <<<"$help"
((${#words[@]})) || { echo "generate.sh: no options in $binary --help" >&2; exit 1; }

fn=_${program//[^a-zA-Z0-9]/_}_complete
{
    printf '# bash completion for %s, generated from "%s --help" by\n' "$program" "$program"
    printf '# tools/completion/generate.sh: do not edit.\n'
    cat "$here/completion.bash"
    printf '\n%s() {\n' "$fn"
    printf '    _dbtools_complete %q %q %q %q\n' "${words[*]}" "${with_arg[*]}" \
        "${with_file[*]:-}" "${with_table[*]:-}"
    printf '}\ncomplete -F %s %s\n' "$fn" "$program"
} >"$output.tmp"
mv "$output.tmp" "$output"
