/* The ops-table slots every backend fills the same way: a source's or a
 * target's errmsg, and a target's warnings, are its db_diag's. For these
 * to be one function each, a backend's state struct has its db_diag as
 * its first member, so the state pointer the ops receive also points to
 * that db_diag (C11 6.7.2.1: a pointer to a structure, suitably converted,
 * points to its first member). Each backend checks this at compile time
 * with DB_OPS_DIAG_FIRST. A target's begin also keeps the header's source
 * backend the same way in each (db_ops_source_backend). */
#ifndef DB_OPS_H
#define DB_OPS_H

#include <stddef.h>

#include "diag.h"
#include "schema.h"

#define DB_OPS_DIAG_FIRST(type)                                                                    \
    _Static_assert(offsetof(type, diag) == 0, #type ": its db_diag is not the first member")

/* The errmsg slot: db_errmsg of the state's db_diag ("out of memory" for a
 * NULL state, which open may leave). */
const char *db_ops_errmsg(void *state);
/* The warnings slot of a target: the lines of the state's db_diag. 0. */
int db_ops_warnings(void *state, char ***lines, size_t *nlines);
/* The error_column slot of a target: its db_diag's column, or NULL. */
const char *db_ops_error_column(void *state);

/* For a target's begin: replaces *copy with a copy of h's source backend
 * (NULL when h names none) and returns 1 when that is self ("sqlite",
 * "postgresql"), 0 when it is another or none, -1 (memory, in d). */
int db_ops_source_backend(db_diag *d, char **copy, const fmt_header *h, const char *self);

#endif
