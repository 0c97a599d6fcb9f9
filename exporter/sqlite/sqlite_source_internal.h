/* The SQLite source's private state and the functions its files share
 * (source.c: ops, connection, snapshot; tables.c: which tables go;
 * schema.c: one table's model from the catalog and the DDL scanner;
 * rows.c: row streaming; objects.c: views and triggers). */
#ifndef DB_SQLITE_SOURCE_INTERNAL_H
#define DB_SQLITE_SOURCE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "diag.h"
#include "select.h"
#include "source.h"
#include "sqlite_catalog.h"

typedef struct {
    db_diag diag; /* first: the ops' errmsg reads it (ops.h) */
    sqlite3 *db;
    char *path;             /* as given, for messages and the header */
    db_selection selection; /* -t/-T */

    int schema_read; /* the tables were listed once: warnings, selected */
    char **selected; /* names of the exported tables */
    size_t nselected;
    int quiet;      /* a second listing: its warnings are already there */
    int has_origin; /* the database has _dbexport_origin (origin.c) */

    sqlite3_stmt *rows;
    char *rows_table;
    const fmt_table *rows_t; /* the table being read, for its column types */
    int *rows_map;           /* per column: result column, or -1 for a generated one */
    size_t rows_ncolumns;
} sqlite_src;

/* A warning line, unless this is a second listing. 0, or -1 (memory). */
int sqlite_src_warn(sqlite_src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tables.c: every selected table into a new list, in document order. The
 * first time it also collects the warnings and the selected names. */
int sqlite_src_load_tables(sqlite_src *s, fmt_table ***out, size_t *nout);
/* Makes sure the warnings and the selected names are there. */
int sqlite_src_read_schema_once(sqlite_src *s);

/* schema.c: the model of one table. */
int sqlite_src_load_table(sqlite_src *s, const sqlite_catalog_table *e, fmt_table **out);

/* origin.c: what a SQLite target kept of a PostgreSQL export. */
int sqlite_src_origin_open(sqlite_src *s);
/* Gives t its schema, name, column types, identity kinds, index names. */
int sqlite_src_apply_origin(sqlite_src *s, fmt_table *t);
/* Adds the enums and domains to the header. */
int sqlite_src_origin_types(sqlite_src *s, fmt_header *h);

/* rows.c */
int sqlite_src_rows_begin(void *state, const fmt_table *t);
int sqlite_src_rows_next(void *state, fmt_value *values);
void sqlite_src_rows_end(void *state);
/* source.h estimate_rows: cheap, exact for a small database. */
int sqlite_src_estimate_rows(void *state, const fmt_table *t, uint64_t *rows);

/* objects.c */
int sqlite_src_native_objects(void *state, fmt_native_object **objects, size_t *nobjects);

#endif
