/* The row and column of a COPY FROM error (pg_copy_context.h). */
#include "pg_copy_context.h"

#include <string.h>

/* The column COPY's line names at p ("NAME: ..." or "NAME" at the end of
 * the line): the longest match, as a name may be another's prefix. */
static size_t blame_column(const char *p, char *const *columns, size_t ncolumns)
{
    size_t best = ncolumns, bestlen = 0;
    for (size_t i = 0; i < ncolumns; i++) {
        size_t n = strlen(columns[i]);
        if (strncmp(p, columns[i], n) != 0) /* p[n] is only read past a match */
            continue;
        if ((p[n] == ':' || p[n] == '\0' || p[n] == '\n') && (best == ncolumns || n > bestlen))
            best = i, bestlen = n;
    }
    return best;
}

/* One context line at s: 1 when it is COPY's, with *line and *column. */
static int copy_line(const char *s, const char *relname, char *const *columns, size_t ncolumns,
                     uint64_t *line, size_t *column)
{
    size_t n = strlen(relname);
    if (strncmp(s, "COPY ", 5) != 0 || strncmp(s + 5, relname, n) != 0 ||
        strncmp(s + 5 + n, ", line ", 7) != 0)
        return 0;
    const char *p = s + 5 + n + 7;
    uint64_t v = 0;
    if (*p < '0' || *p > '9')
        return 0;
    for (; *p >= '0' && *p <= '9'; p++) {
        if (v > (UINT64_MAX - 9) / 10)
            return 0;
        v = v * 10 + (uint64_t)(*p - '0');
    }
    if (*p != ',' && *p != ':' && *p != '\0' && *p != '\n')
        return 0;
    *line = v;
    if (strncmp(p, ", column ", 9) == 0)
        *column = blame_column(p + 9, columns, ncolumns);
    return 1;
}

int pg_copy_context_blame(const char *context, const char *relname, char *const *columns,
                          size_t ncolumns, uint64_t *line, size_t *column)
{
    *line = 0;
    *column = ncolumns;
    if (!context || !relname)
        return 0;
    for (const char *s = context; s; s = strchr(s, '\n')) {
        if (*s == '\n')
            s++;
        if (copy_line(s, relname, columns, ncolumns, line, column))
            return 1;
    }
    return 0;
}
