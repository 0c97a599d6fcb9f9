#!/usr/bin/env bash
# `cmake --install` into a staging root: the files land in the standard
# places of the prefix, the installed programs run (--version, a real
# export and import of a SQLite database), each installed man page renders
# with every --help option, and each installed bash completion loads and
# completes an option (and a table name from a file on the line).
. "$DB_SOURCE_DIR/tests/cli/lib.sh"
. "$DB_SOURCE_DIR/tests/install/lib.sh"
need cmake

stage=$WORK/stage
cmake --install "$DB_BUILD_DIR" --prefix "$stage/usr" >"$WORK/install.log" 2>&1
check_eq "cmake --install exits 0" "$?" 0
for program in $DB_PROGRAMS; do
    bin=$stage/usr/bin/$program
    check "$program installed in bin/" test -x "$bin"
    check "$program(1) installed" test -f "$stage/usr/share/man/man1/$program.1.gz"
    check "$program completion installed" \
        test -f "$stage/usr/share/bash-completion/completions/$program"
    out=$("$bin" --version); rc=$?
    check_eq "installed $program --version exits 0" "$rc" 0
    check_contains "installed $program --version" "$out" "$program "
    check_page_has_options "installed $program(1)" "$stage/usr/share/man/man1/$program.1.gz" "$bin"

    # The completion, sourced in a plain (non-interactive) bash.
    compl=$stage/usr/share/bash-completion/completions/$program
    spec=$(bash -c 'source "$1" && complete -p "$2"' _ "$compl" "$program" 2>&1)
    check_contains "$program completion registers" "$spec" "complete -F "
    fn=$(sed -n 's/^complete -F \([^ ]*\) .*/\1/p' <<<"$spec")
    got=$(bash -c 'source "$1"; COMP_WORDS=("$2" --he); COMP_CWORD=1; "$3"; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$compl" "$program" "$fn" 2>&1)
    check_eq "$program completion: --he completes to --help" "$got" "--help"
    # every option of --help is offered for a lone "-"
    all=$(bash -c 'source "$1"; COMP_WORDS=("$2" -); COMP_CWORD=1; "$3"; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$compl" "$program" "$fn" | sed 's/=$//')
    while IFS= read -r opt; do
        grep -qxF -- "$opt" <<<"$all" || not_ok "$program completion lacks $opt"
    done < <(help_options "$bin")
done
for page in $DB_MAN_PAGES; do
    section=${page##*.}
    check "$page installed" test -f "$stage/usr/share/man/man$section/$page.gz"
    render "$stage/usr/share/man/man$section/$page.gz" >/dev/null
    check_eq "installed $page renders" "$?" 0
done
check "docs installed" test -f "$stage/usr/share/doc/dbexport/USAGE.md"
check "format spec installed" test -f "$stage/usr/share/doc/dbexport/FORMAT.md"
check "JSON Schema installed" test -f "$stage/usr/share/doc/dbexport/dbexport-1.schema.json"
check "nothing outside the prefix" test "$(ls "$stage")" = usr

# A real round trip with the installed programs.
"$SQLITE3" "$WORK/app.db" "CREATE TABLE users(id INTEGER PRIMARY KEY, name TEXT);
  INSERT INTO users VALUES (1, 'ada'), (2, 'bob'); CREATE TABLE posts(id INTEGER PRIMARY KEY, body BLOB);
  INSERT INTO posts VALUES (1, x'00ff');"
"$stage/usr/bin/dbexport" "$WORK/app.db" -f "$WORK/app.json.gz"
check_eq "installed dbexport exports" "$?" 0
"$stage/usr/bin/dbimport" -q "$WORK/copy.db" "$WORK/app.json.gz"
check_eq "installed dbimport imports" "$?" 0
check_eq "the copy has the rows" "$(fingerprint "$WORK/copy.db")" "$(fingerprint "$WORK/app.db")"
out=$("$stage/usr/bin/dbdiff" "$WORK/app.db" "$WORK/copy.db"); rc=$?
check_eq "installed dbdiff finds the copy equal" "$rc" 0
check_contains "installed dbdiff says so" "$out" "equal: 2 tables"
"$SQLITE3" "$WORK/copy.db" "UPDATE users SET name = 'eve' WHERE id = 2"
out=$("$stage/usr/bin/dbdiff" "$WORK/app.json.gz" "$WORK/copy.db"); rc=$?
check_eq "installed dbdiff finds a changed row" "$rc" 1
check_contains "installed dbdiff names it" "$out" 'table "users": changed: id=2: name: "bob" -> "eve"'

# -t completes the tables of the export file and of the database on the line.
compl=$stage/usr/share/bash-completion/completions/dbimport
got=$(bash -c 'source "$1"; COMP_WORDS=(dbimport -t "" x.db "$2"); COMP_CWORD=2; _dbimport_complete; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$compl" "$WORK/app.json.gz")
check_eq "dbimport -t completes the file's tables" "$got" $'posts\nusers'
compl=$stage/usr/share/bash-completion/completions/dbexport
got=$(bash -c 'source "$1"; COMP_WORDS=(dbexport "$2" --exclude-table=u); COMP_CWORD=2; _dbexport_complete; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$compl" "$WORK/app.db")
check_eq "dbexport --exclude-table= completes the database's tables" "$got" "users"
compl=$stage/usr/share/bash-completion/completions/dbdiff
got=$(bash -c 'source "$1"; COMP_WORDS=(dbdiff --show-ex); COMP_CWORD=1; _dbdiff_complete; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$compl")
check_eq "dbdiff --show-ex completes to --show-expected" "$got" "--show-expected"
got=$(bash -c 'source "$1"; COMP_WORDS=(dbdiff "$2" x.db -t p); COMP_CWORD=4; _dbdiff_complete; printf "%s\n" "${COMPREPLY[@]}"' \
    _ "$compl" "$WORK/app.json.gz")
check_eq "dbdiff -t completes the tables of A" "$got" "posts"

report
