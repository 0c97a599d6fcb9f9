/* See ops.h. */
#include "ops.h"

#include <stdlib.h>
#include <string.h>

const char *db_ops_errmsg(void *state)
{
    return db_errmsg(state);
}

int db_ops_warnings(void *state, char ***lines, size_t *nlines)
{
    db_diag_warnings(state, lines, nlines);
    return 0;
}

int db_ops_source_backend(db_diag *d, char **copy, const fmt_header *h, const char *self)
{
    free(*copy);
    *copy = NULL;
    if (!h || !h->source_backend)
        return 0;
    if (!(*copy = strdup(h->source_backend)))
        return db_oom(d);
    return strcmp(*copy, self) == 0;
}

const char *db_ops_error_column(void *state)
{
    const db_diag *d = state;
    return d ? d->column : NULL;
}
