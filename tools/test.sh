#!/usr/bin/env bash
# The test command: installs the test dependencies, builds with ASan+UBSan
# and -Werror into build-test/ (and a -Werror Release build into
# build-release/), starts a throwaway PostgreSQL 15 + pgvector
# cluster and runs every ctest tier against it. Extra arguments go to ctest
# (e.g. tools/test.sh -L unit). Exits with ctest's status.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"

log() { printf 'test: %s\n' "$*" >&2; }

tools/install-deps.sh --test

cmake -S . -B build-test -DDB_SANITIZE=ON -DDB_WERROR=ON -DCMAKE_BUILD_TYPE=Debug
cmake --build build-test -j"$(nproc)"
# The optimiser sees what a Debug build does not (use after free, truncated
# snprintf): the Release build that users install must be warning-free too.
cmake -S . -B build-release -DDB_WERROR=ON -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build-release -j"$(nproc)" >/dev/null

# Sanitizers: fail hard on any report. LeakSanitizer cannot run under ptrace
# (some containers, debuggers); probe it once rather than let every test die
# with "LeakSanitizer has encountered a fatal error".
probe=$(mktemp -d)
printf '#include <stdlib.h>\nint main(void) { void *p = malloc(7); p = 0; return p != 0; }\n' >"$probe/leak.c"
leaks=1
if cc -fsanitize=address -o "$probe/leak" "$probe/leak.c" 2>/dev/null; then
  out=$(ASAN_OPTIONS=detect_leaks=1 "$probe/leak" 2>&1 || true)
  if [[ $out != *"detected memory leaks"* ]]; then
    leaks=0
    log "WARNING: LeakSanitizer does not work on this machine; running with detect_leaks=0"
  fi
fi
rm -rf "$probe"
# Caller's options come last, so they win.
export ASAN_OPTIONS="detect_leaks=$leaks:abort_on_error=0:detect_stack_use_after_return=1${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

pgdir=$(mktemp -d "${TMPDIR:-/tmp}/dbtest-pg.XXXXXX")
trap 'tools/pg-test-cluster.sh stop "$pgdir" || true' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
tools/pg-test-cluster.sh start "$pgdir"
eval "$(tools/pg-test-cluster.sh env "$pgdir")"
export DB_TEST_PG=1

rc=0
ctest --test-dir build-test --output-on-failure --no-tests=error -j2 "$@" || rc=$?
exit "$rc"
