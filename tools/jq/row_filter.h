/* --rows='TABLE=PROGRAM': a jq program run on each row of the tables
 * TABLE matches (a shell glob; with a '.', matched against
 * "schema.table"), with libjq, so the language is exactly the jq users
 * write. The program gets the row as the object a file holds (its natural
 * and tagged forms, docs/FORMAT.md) and outputs zero rows (deleted), one
 * (kept or changed) or more; several programs on one table run in order,
 * like a jq pipe. What comes out is read by the document reader's rules,
 * so a bad output is an error naming the column, before it reaches a
 * target. A value the program leaves as it was keeps its exact bytes
 * (jq 1.6 holds numbers as doubles: a jsonb 0.14285714285714285714 would
 * otherwise come back shorter). Memory is one row's. */
#ifndef DB_ROW_FILTER_H
#define DB_ROW_FILTER_H

#include <stddef.h>

#include "schema.h"
#include "value.h"

typedef struct db_row_filter db_row_filter;

/* An output row. Returns 0, or <0 to stop (the caller's own error). */
typedef int (*db_row_emit_fn)(void *ctx, const fmt_value *values, const unsigned char *present);

/* Compiles every "TABLE=PROGRAM" of specs (NULL-terminated). 0, or -1 with
 * the spec and jq's message in err. */
int db_row_filter_new(db_row_filter **out, const char *const *specs, char *err, size_t errlen);
/* Starts table t (borrowed until the next call or free): 1 when a program
 * applies to it, 0 when its rows pass untouched, -1 on error. */
int db_row_filter_table(db_row_filter *f, const fmt_table *t);
/* Runs the table's programs on one row (present NULL: every column) and
 * hands each output row to emit. 0; -1 with errmsg (and error_column) for
 * the program's failure or a bad output; -2 when emit failed. */
int db_row_filter_row(db_row_filter *f, const fmt_value *values, const unsigned char *present,
                      db_row_emit_fn emit, void *ctx);
const char *db_row_filter_errmsg(const db_row_filter *f);
const char *db_row_filter_error_column(const db_row_filter *f);
/* The first spec whose TABLE matched no table so far, or NULL. */
const char *db_row_filter_unmatched(const db_row_filter *f);
void db_row_filter_free(db_row_filter *f);

#endif
