/* A database the exporter reads from, behind one ops table. The driver
 * (export.c) walks tables and rows without knowing the backend. */
#ifndef DB_SOURCE_H
#define DB_SOURCE_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "value.h"

typedef struct {
    const char *const *include_tables;  /* -t patterns, NULL-terminated; NULL = all */
    const char *const *exclude_tables;  /* -T patterns */
    const char *const *include_schemas; /* -n (PostgreSQL) */
    const char *const *exclude_schemas; /* -N */
    int privileges;                     /* --privileges (PostgreSQL): owners and grants */
} db_source_options;

typedef struct db_source_ops {
    const char *backend; /* "sqlite" */
    /* Opens read-only and starts one consistent snapshot. */
    int (*open)(void **state, const char *locator, const db_source_options *opts);
    /* Fills source_backend, source_version, source_database. */
    int (*header)(void *state, fmt_header *h);
    /* Every selected table with its full schema, in the order they are
     * written: sorted by name (the document's tables object is keyed by name). */
    int (*tables)(void *state, fmt_table ***tables, size_t *ntables);
    /* Streams t's rows in primary key order (rowid where there is none). */
    int (*rows_begin)(void *state, const fmt_table *t);
    /* Returns 1 and fills values[ncolumns] (borrowed until the next call),
     * 0 at the end, <0 on error. */
    int (*rows_next)(void *state, fmt_value *values);
    void (*rows_end)(void *state);
    /* About how many rows t has, for the progress line's ETA: cheap (the
     * catalog's statistics, a b-tree's ends), never a scan of a big table;
     * exact only where counting costs next to nothing. 1 with *rows, 0 when
     * the source cannot tell cheaply, <0 on error. Not while t's or another
     * table's rows stream (between rows_begin and rows_end). */
    int (*estimate_rows)(void *state, const fmt_table *t, uint64_t *rows);
    /* Views and triggers, in an order in which they can be created. */
    int (*native_objects)(void *state, fmt_native_object **objects, size_t *nobjects);
    /* Things the source has that the file cannot carry: one line each. */
    int (*warnings)(void *state, char ***lines, size_t *nlines);
    const char *(*errmsg)(void *state);
    void (*close)(void *state);
} db_source_ops;

const db_source_ops *db_source_sqlite(void);
/* A PostgreSQL database: the locator is a libpq URI or key=value string. */
const db_source_ops *db_source_pg(void);

#endif
