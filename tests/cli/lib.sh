# Shared helpers for the CLI tests (sourced). Each test script runs checks,
# counts them, and ends with report, which prints "N passed, N failed".
set -u
: "${DBEXPORT:?}" "${DBIMPORT:?}" "${FINGERPRINT:?}" "${DB_TESTDATA:?}"
SQLITE3=${SQLITE3:-sqlite3}
JQ=${JQ:-jq}
passed=0
failed=0
WORK=$(mktemp -d "${TMPDIR:-/tmp}/dbcli.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

ok() { passed=$((passed + 1)); }
not_ok() {
    failed=$((failed + 1))
    echo "FAIL: $*" >&2
}
check() { # check DESCRIPTION COMMAND...
    local what=$1
    shift
    if "$@"; then ok; else not_ok "$what"; fi
}
check_eq() { # check_eq DESCRIPTION GOT WANT
    if [ "$2" = "$3" ]; then ok; else not_ok "$1: got [$2], want [$3]"; fi
}
check_contains() { # check_contains DESCRIPTION HAYSTACK NEEDLE
    case $2 in
    *"$3"*) ok ;;
    *) not_ok "$1: [$2] does not contain [$3]" ;;
    esac
}
same_files() { cmp -s "$1" "$2"; }
fingerprint() { "$FINGERPRINT" "$@"; }
report() {
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
}
need() { # need COMMAND: skip (77) when a tool is missing, fail under CI
    if ! command -v "$1" >/dev/null 2>&1; then
        if [ "${CI:-}" = true ]; then
            echo "FAIL: $1 is required under CI" >&2
            exit 1
        fi
        echo "SKIP: $1 not installed" >&2
        exit 77
    fi
}
