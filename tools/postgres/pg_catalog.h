/* Catalog reading both directions need: the columns of a table as
 * pg_attribute and its neighbours describe them. The source exports them;
 * the target checks an existing table against the file with the same
 * reader, so the two cannot disagree on what a column is. */
#ifndef PG_CATALOG_H
#define PG_CATALOG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

typedef struct {
    char *name;
    char *type_text;    /* format_type(atttypid, atttypmod), schema-qualified where needed */
    char *base_typname; /* pg_type.typname of the type, or of a domain's base type */
    char base_category; /* pg_type.typcategory of the same */
    unsigned type_oid;  /* atttypid */
    int32_t typmod;     /* atttypmod */
    bool not_null;
    bool has_default;          /* a default or an identity: a row may leave it out */
    char *default_sql;         /* the default (or generation) expression, or NULL */
    char identity;             /* attidentity: '\0', 'a' always, 'd' by default */
    char generated;            /* attgenerated: '\0', 's' stored */
    char *collation;           /* its name, when it is not the type's; else NULL */
    char *collation_namespace; /* with collation: its schema (pg_catalog too) */
    char *seq_nspname;         /* the sequence the column owns (serial, identity), or NULL */
    char *seq_relname;
    char seq_deptype; /* 'a' serial, 'i' identity, '\0' none */
    bool has_comment;
    char *comment; /* col_description, or NULL */
} pg_catalog_column;

/* The columns of the table with that oid (as text), in attnum order.
 * Returns 0; -1 when the query failed (*failed holds its result, or NULL
 * when there was none: the connection's message tells; the caller clears
 * it); -2 when memory ran out. */
int pg_catalog_columns(PGconn *conn, const char *table_oid, pg_catalog_column **out, size_t *n,
                       PGresult **failed);
void pg_catalog_columns_free(pg_catalog_column *columns, size_t n);

#endif
