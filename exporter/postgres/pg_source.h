/* For tests only: the PostgreSQL source's connection, to look at the
 * transaction it runs in (isolation, read only). */
#ifndef PG_SOURCE_H
#define PG_SOURCE_H

#include <libpq-fe.h>

PGconn *pg_source_connection(void *state);

#endif
