/* The row and column of a COPY FROM error (tools/postgres/copy_context.c):
 * only COPY's own context line counts, never an inner context's line
 * number (a json value's "JSON data, line 1") nor what the quoted value
 * looks like. No server. */
#include <string.h>

#include "check.h"
#include "pg_copy_context.h"

static char *cols[] = {"id", "k", "k:x", "a, line 9"};
#define NCOLS (sizeof cols / sizeof cols[0])

static void test_plain(void)
{
    uint64_t line;
    size_t col;
    CHECK(pg_copy_context_blame("COPY t, line 3, column k: \"1e400x\"", "t", cols, NCOLS, &line,
                                &col) == 1);
    CHECK(line == 3 && col == 1);
    /* a constraint: the line without a column */
    CHECK(pg_copy_context_blame("COPY t, line 12: \"2\t1\t0\"", "t", cols, NCOLS, &line, &col) ==
          1);
    CHECK(line == 12 && col == NCOLS);
    CHECK(pg_copy_context_blame("COPY t, line 7, column id: null input", "t", cols, NCOLS, &line,
                                &col) == 1);
    CHECK(line == 7 && col == 0);
    CHECK(pg_copy_context_blame("COPY t, line 8", "t", cols, NCOLS, &line, &col) == 1);
    CHECK(line == 8 && col == NCOLS);
}

/* Binary COPY's context quotes no value: the column ends the line. */
static void test_binary(void)
{
    uint64_t line;
    size_t col;
    CHECK(pg_copy_context_blame("COPY t, line 5, column k", "t", cols, NCOLS, &line, &col) == 1);
    CHECK(line == 5 && col == 1);
    CHECK(pg_copy_context_blame("COPY t, line 6, column k:x", "t", cols, NCOLS, &line, &col) == 1);
    CHECK(line == 6 && col == 2);
    CHECK(pg_copy_context_blame("JSON data, line 1: x\nCOPY t, line 9000, column k", "t", cols,
                                NCOLS, &line, &col) == 1);
    CHECK(line == 9000 && col == 1);
}

/* The bug this file exists for: json's own context line came first and
 * its "line 1" was taken for the COPY's line. */
static void test_inner_context_first(void)
{
    uint64_t line;
    size_t col;
    CHECK(pg_copy_context_blame("JSON data, line 1: 1e400x\nCOPY t, line 3, column k: \"1e400x\"",
                                "t", cols, NCOLS, &line, &col) == 1);
    CHECK(line == 3 && col == 1);
    CHECK(pg_copy_context_blame("PL/pgSQL function f() line 4 at RAISE\nCOPY t, line 9: \"x\"", "t",
                                cols, NCOLS, &line, &col) == 1);
    CHECK(line == 9 && col == NCOLS);
}

/* Names that look like the message's own words, and a value that holds a
 * fake COPY line after a newline. */
static void test_awkward(void)
{
    uint64_t line;
    size_t col;
    CHECK(pg_copy_context_blame("COPY a, line 5, line 2, column k:x: \"v\"", "a, line 5", cols,
                                NCOLS, &line, &col) == 1);
    CHECK(line == 2 && col == 2); /* "k:x", the longest name that fits */
    CHECK(pg_copy_context_blame("COPY t, line 4, column a, line 9: \"x\nCOPY t, line 1, column id: "
                                "\"",
                                "t", cols, NCOLS, &line, &col) == 1);
    CHECK(line == 4 && col == 3);
    /* another relation's COPY, or the staging table's when ours is "t" */
    CHECK(pg_copy_context_blame("COPY tt, line 4", "t", cols, NCOLS, &line, &col) == 0);
    CHECK(line == 0 && col == NCOLS);
    CHECK(pg_copy_context_blame("COPY t, line x", "t", cols, NCOLS, &line, &col) == 0);
    CHECK(pg_copy_context_blame("COPY t, line 99999999999999999999999", "t", cols, NCOLS, &line,
                                &col) == 0);
    CHECK(pg_copy_context_blame(NULL, "t", cols, NCOLS, &line, &col) == 0);
    CHECK(pg_copy_context_blame("", "t", cols, NCOLS, &line, &col) == 0);
    /* a column the table does not have */
    CHECK(pg_copy_context_blame("COPY t, line 2, column zz: \"v\"", "t", cols, NCOLS, &line,
                                &col) == 1);
    CHECK(line == 2 && col == NCOLS);
}

int main(void)
{
    test_plain();
    test_binary();
    test_inner_context_first();
    test_awkward();
    return check_report();
}
