/* See ops.h. */
#include "ops.h"

const char *db_ops_errmsg(void *state)
{
    return db_errmsg(state);
}

int db_ops_warnings(void *state, char ***lines, size_t *nlines)
{
    db_diag_warnings(state, lines, nlines);
    return 0;
}
