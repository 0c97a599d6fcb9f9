/* Reading SQLite's catalog: the table list, columns (pragma table_xinfo),
 * primary keys, index lists and index columns, foreign keys, sqlite_schema
 * entries, AUTOINCREMENT counters and modules. The source builds its table
 * model from these, and the target checks an existing table with the same
 * reader. Every function reads the "main" schema, returns 0 (or what it
 * says) or -1 with the message in d, and hands out arrays the caller frees
 * with the matching _free (none after a failure). */
#ifndef DB_SQLITE_CATALOG_H
#define DB_SQLITE_CATALOG_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "diag.h"

/* A copy of column col of st's current row as text; NULL when it is NULL
 * (or on out of memory). Caller frees. */
char *sqlite_catalog_text(sqlite3_stmt *st, int col);

typedef struct {
    char *name;
    char *type; /* "table", "virtual", "shadow", "view" */
    int without_rowid;
    int strict;
} sqlite_catalog_table;

int sqlite_catalog_tables(sqlite3 *db, db_diag *d, sqlite_catalog_table **out, size_t *n);
void sqlite_catalog_tables_free(sqlite_catalog_table *t, size_t n);

typedef struct {
    char *name;
    char *declared; /* "" when the column has no declared type */
    int notnull;
    char *default_sql; /* NULL when there is no default */
    int pk;            /* position in the primary key from 1, or 0 */
    int hidden;        /* 1 hidden (virtual table), 2 generated virtual, 3 generated stored */
} sqlite_catalog_column;

/* In cid order. */
int sqlite_catalog_columns(sqlite3 *db, db_diag *d, const char *table, sqlite_catalog_column **out,
                           size_t *n);
void sqlite_catalog_columns_free(sqlite_catalog_column *c, size_t n);

/* The primary key columns in key order (none: *n = 0). */
int sqlite_catalog_primary_key(sqlite3 *db, db_diag *d, const char *table, char ***columns,
                               size_t *n);

typedef struct {
    char *name;
    int unique;
    char origin; /* 'c' CREATE INDEX, 'u' UNIQUE, 'p' PRIMARY KEY */
    int partial;
} sqlite_catalog_index;

/* In SQLite's order (seq). */
int sqlite_catalog_indexes(sqlite3 *db, db_diag *d, const char *table, sqlite_catalog_index **out,
                           size_t *n);
void sqlite_catalog_indexes_free(sqlite_catalog_index *ix, size_t n);

typedef struct {
    char *name; /* NULL for an expression */
    int cid;    /* -2 for an expression, -1 for the rowid */
    int descending;
    char *collation;
} sqlite_catalog_index_column;

/* The key columns of an index, in order. */
int sqlite_catalog_index_columns(sqlite3 *db, db_diag *d, const char *index,
                                 sqlite_catalog_index_column **out, size_t *n);
void sqlite_catalog_index_columns_free(sqlite_catalog_index_column *c, size_t n);

typedef struct {
    int id;
    char *ref_table;
    char **columns;
    size_t ncolumns;
    char **ref_columns; /* none: the parent's primary key */
    size_t nref_columns;
    char *on_update; /* as SQLite reports them: "NO ACTION", "CASCADE"... */
    char *on_delete;
} sqlite_catalog_foreign_key;

/* In declaration order (SQLite numbers them last declared first). */
int sqlite_catalog_foreign_keys(sqlite3 *db, db_diag *d, const char *table,
                                sqlite_catalog_foreign_key **out, size_t *n);
void sqlite_catalog_foreign_keys_free(sqlite_catalog_foreign_key *fk, size_t n);

typedef struct {
    char *type; /* "table", "index", "view", "trigger" */
    char *name; /* as the database spells it */
    char *table;
    char *sql; /* NULL for SQLite's own indexes */
} sqlite_catalog_object;

/* The sqlite_schema entry named name (ASCII case-insensitive, as SQLite
 * compares names) and, unless type is NULL, of that type. 1 found, 0 not
 * (out is then empty), -1. */
int sqlite_catalog_object_find(sqlite3 *db, db_diag *d, const char *name, const char *type,
                               sqlite_catalog_object *out);
/* The entry that holds the name a new object of type would take. SQLite
 * gives tables, views and indexes one namespace and triggers another, so a
 * trigger may share a table's name. 1 found, 0 not, -1. */
int sqlite_catalog_name_holder(sqlite3 *db, db_diag *d, const char *name, const char *type,
                               sqlite_catalog_object *out);
void sqlite_catalog_object_clear(sqlite_catalog_object *o);

/* The AUTOINCREMENT counter of table: 1 with *value, 0 when there is none. */
int sqlite_catalog_sequence(sqlite3 *db, db_diag *d, const char *table, int64_t *value);

/* 1 if the virtual table module is available on this connection. */
int sqlite_catalog_has_module(sqlite3 *db, const char *module);

#endif
