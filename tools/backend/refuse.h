/* The reasons the targets' guards (importer/postgres/pg_guard.c,
 * importer/sqlite/sqlite_guard.c) give for refusing part of a file: a check
 * writes why into the caller's buffer; the guard that called it adds where
 * in the file that was. */
#ifndef DB_REFUSE_H
#define DB_REFUSE_H

#include <stddef.h>

/* Rewrites why (whylen bytes, holding a check's reason) as "WHERE: reason",
 * WHERE formatted from fmt (why may be NULL when whylen is 0). Always
 * returns -1, so `return db_refuse_at(...)` ends a failing check. */
int db_refuse_at(char *why, size_t whylen, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
