#!/usr/bin/env bash
# The man pages cannot drift from the programs: each renders without a
# warning, holds every option its program's --help prints, and so does
# the "## PROGRAM OPTIONS" table of docs/USAGE.md (or of another page in
# docs/), which names no option the program does not have.
. "$DB_SOURCE_DIR/tests/cli/lib.sh"
. "$DB_SOURCE_DIR/tests/install/lib.sh"

for program in $DB_PROGRAMS; do
    var=DB_BIN_$program
    bin=${!var:?}
    check "$program: binary found" test -x "$bin"
    check_page_has_options "$program(1)" "$DB_BUILD_DIR/man/$program.1" "$bin"
    text=$(render "$DB_BUILD_DIR/man/$program.1")
    check_contains "$program(1): version filled in" "$text" "$("$bin" --version | head -1 | cut -d' ' -f2)"
    case $text in *@*VERSION@*) not_ok "$program(1): placeholder left" ;; *) ok ;; esac
    # docs: the "## PROGRAM OPTIONS" table (docs/USAGE.md, or the program's
    # own page under docs/) has each option, and only those.
    usage=$(grep -lx "## $program OPTIONS" "$DB_SOURCE_DIR"/docs/*.md | head -1)
    section=$(awk -v h="## $program OPTIONS" '$0 == h {on = 1; next} /^## / {on = 0} on' "${usage:-/dev/null}")
    check_contains "docs have a $program OPTIONS section" "$section" "| option |"
    help=$(help_options "$bin")
    while IFS= read -r opt; do
        grep -qF -- "\`$opt" <<<"$section" && ok || not_ok "${usage##*/} $program OPTIONS lacks $opt"
    done <<<"$help"
    while IFS= read -r opt; do
        grep -qxF -- "$opt" <<<"$help" || not_ok "${usage##*/} $program OPTIONS: $opt is no option of $program"
    done < <(grep -oE '^\| `-[^`=]+' <<<"$section" | sed 's/^| `//'; grep -oE '^\| `-.`, `--[a-z-]+' <<<"$section" | sed 's/.*`//')
done
for page in $DB_MAN_PAGES; do
    text=$(render "$DB_BUILD_DIR/man/$page") || not_ok "$page: man -l failed"
    check_contains "$page: rendered" "$text" "NAME"
    case $text in *@*VERSION@*) not_ok "$page: placeholder left" ;; *) ok ;; esac
done
format=$(render "$DB_BUILD_DIR/man/dbexport-format.5")
want=$(sed -n 's/^#define FMT_FORMAT_VERSION "\(.*\)"/\1/p' "$DB_SOURCE_DIR/format/model/schema.h")
check_contains "dbexport-format(5) names the format version" "$format" "version $want"

report
