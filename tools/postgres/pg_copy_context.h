/* Which row and column a COPY FROM error names. PostgreSQL reports it only
 * in the error's CONTEXT, one line per error context callback, innermost
 * first: "JSON data, line 1: 1e400x" then "COPY t, line 3, column k:
 * "1e400x"". Only COPY's own line counts; the value it quotes, and the
 * lines of inner contexts, are data and may look like anything. */
#ifndef PG_COPY_CONTEXT_H
#define PG_COPY_CONTEXT_H

#include <stddef.h>
#include <stdint.h>

/* In context, the first line that reads "COPY relname, line N...": *line
 * gets N (1-based within that COPY) and *column the index of the longest
 * of columns[0..ncolumns) the line names ("..., column NAME: ..."), or
 * ncolumns when it names none of them. Returns 1 when such a line is
 * there, else 0 (*line = 0, *column = ncolumns). */
int pg_copy_context_blame(const char *context, const char *relname, char *const *columns,
                          size_t ncolumns, uint64_t *line, size_t *column);

#endif
