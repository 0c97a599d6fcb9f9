# The code every program's completion shares (tools/completion/generate.sh
# prepends it to each): options, file names for FILE arguments, and for
# -t/-T the table names of a file or SQLite database already on the line.

# The tables of FILE: a SQLite database's (with sqlite3), or an export
# file's (plain or gzip, with jq; only up to 64 MB, so a TAB stays quick).
_dbtools_tables_of() {
    local file=$1 head
    [[ -f $file && -r $file ]] || return 0
    [[ $file == -* ]] && file=./$file
    head=$(head -c 15 -- "$file" 2>/dev/null | tr -d '\0')
    if [[ $head == "SQLite format 3" ]]; then
        command -v sqlite3 >/dev/null || return 0
        sqlite3 -readonly "$file" \
            "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\_%' ESCAPE '\'" \
            2>/dev/null
    elif command -v jq >/dev/null && (($(stat -c %s -- "$file" 2>/dev/null || echo 0) <= 67108864)); then
        gzip -cdfq -- "$file" 2>/dev/null | jq -r '.tables | keys[]' 2>/dev/null
    fi
}

# _dbtools_complete WORDS ARG_OPTIONS FILE_OPTIONS TABLE_OPTIONS: the
# completion of COMP_WORDS[COMP_CWORD] for a program whose options are
# WORDS (long ones taking an argument end in "="), of which ARG_OPTIONS
# take an argument, FILE_OPTIONS a file and TABLE_OPTIONS a table.
_dbtools_complete() {
    local words=$1 arg_options=" $2 " file_options=" $3 " table_options=" $4 "
    local cur=${COMP_WORDS[COMP_CWORD]} prev= option= i w tables
    ((COMP_CWORD > 0)) && prev=${COMP_WORDS[COMP_CWORD - 1]}
    COMPREPLY=()
    if [[ $cur == --*=* ]]; then
        option=${cur%%=*} cur=${cur#*=}
    elif [[ $arg_options == *" $prev "* ]]; then
        option=$prev
    fi
    if [[ -n $option ]]; then
        if [[ $table_options == *" $option "* ]]; then
            tables=
            for ((i = 1; i < ${#COMP_WORDS[@]}; i++)); do
                w=${COMP_WORDS[i]}
                ((i == COMP_CWORD)) && continue
                [[ $w == -* || $arg_options == *" ${COMP_WORDS[i - 1]} "* ]] && continue
                tables+=$(_dbtools_tables_of "$w")$'\n'
            done
            local IFS=$'\n'
            COMPREPLY=($(compgen -W "$tables" -- "$cur"))
        elif [[ $file_options == *" $option "* ]]; then
            local IFS=$'\n'
            COMPREPLY=($(compgen -f -- "$cur"))
        fi
        return 0
    fi
    if [[ $cur == -* ]]; then
        COMPREPLY=($(compgen -W "$words" -- "$cur"))
        [[ ${#COMPREPLY[@]} -eq 1 && ${COMPREPLY[0]} == *= ]] && compopt -o nospace 2>/dev/null
        return 0
    fi
    local IFS=$'\n'
    COMPREPLY=($(compgen -f -- "$cur"))
}
