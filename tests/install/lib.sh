# Shared helpers of the install tests (sourced after tests/cli/lib.sh):
# the build tree, the program list, and the options a program's --help
# prints, which its man page, its completion and docs/USAGE.md must all
# have.
: "${DB_BUILD_DIR:?}" "${DB_SOURCE_DIR:?}" "${DB_PROGRAMS:?}" "${DB_MAN_PAGES:?}"
need man
export LC_ALL=C MANWIDTH=200 MAN_KEEP_FORMATTING= MANPAGER=cat PAGER=cat

# help_options BINARY: every option BINARY --help prints, one a line
# ("-t", "--table"), as tools/completion/generate.sh reads them.
help_options() {
    local line
    "$1" --help | while IFS= read -r line; do
        [[ $line =~ ^\ \ (-(.),\ |\ \ \ \ )--([a-z0-9-]+) ]] || continue
        [[ -n ${BASH_REMATCH[2]} ]] && printf -- '-%s\n' "${BASH_REMATCH[2]}"
        printf -- '--%s\n' "${BASH_REMATCH[3]}"
    done
}

# render PAGE: the man page (a file, plain or gzipped) as text, failing on
# any groff or man warning.
render() {
    local err
    err=$(man --warnings=all -l "$1" 2>&1 >"$WORK/rendered") || return 1
    [ -z "$err" ] || { echo "$err" >&2; return 1; }
    cat "$WORK/rendered"
}

# check_page_has_options DESCRIPTION PAGE BINARY: every option of BINARY's
# --help is in PAGE, as a word.
check_page_has_options() {
    local text opt n=0
    text=$(render "$2") || { not_ok "$1: man -l $2 failed"; return; }
    check_contains "$1: rendered" "$text" "NAME"
    while IFS= read -r opt; do
        n=$((n + 1))
        grep -qE -- "(^|[^a-z-])$(printf '%s' "$opt" | sed 's/[?]/\\?/')([^a-z-]|$)" <<<"$text" ||
            not_ok "$1: option $opt of --help missing"
    done < <(help_options "$3")
    [ "$n" -gt 5 ] && ok || not_ok "$1: only $n options read from --help"
}
