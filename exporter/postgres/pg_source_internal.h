/* The PostgreSQL source's private state and the functions its rooms share:
 * source.c (ops table, open/close, snapshot, messages), column_types.c
 * (column types, extensions and user types), tables.c (tables from the
 * catalogs), rows.c (rows through COPY TO, rows_binary.c where binary pays), objects.c (views,
 * triggers). Not for use outside exporter/postgres. */
#ifndef PG_SOURCE_INTERNAL_H
#define PG_SOURCE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "diag.h"
#include "schema.h"
#include "select.h"
#include "source.h"
#include "sqlbuf.h"

/* The relations of user schemas that are not part of an extension. */
#define USER_RELATION                                                                              \
    "n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "                           \
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend d "                                        \
    "WHERE d.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND d.objid = c.oid "            \
    "AND d.deptype = 'e') "

#define KEY_ORDER                                                                                  \
    "ORDER BY CASE WHEN n.nspname = 'public' THEN c.relname::pg_catalog.text "                     \
    "ELSE n.nspname || '.' || c.relname END COLLATE \"C\""

typedef struct {
    char *oid; /* as text: the form queries take it in */
    char *nspname;
    char *relname;
    char *key; /* the document's key: relname, or "nspname.relname" */
    char relkind;
    char persistence;
    bool rls;
    bool grants;
    bool inherits;
    char *comment; /* obj_description, or NULL */
} table_entry;

typedef struct {
    unsigned oid;
    char typtype; /* 'b' base, 'd' domain, 'e' enum, ... */
    char *nspname;
    char *typname;
    char *extname; /* the extension the type belongs to, or NULL */
    unsigned element;
    int typlen;
    unsigned basetype;
    int32_t basetypmod;
    char relkind; /* a composite's relation: 'c' for CREATE TYPE AS (...) */
} type_info;

typedef struct {
    db_diag diag; /* first: the ops' errmsg reads it (ops.h) */
    PGconn *conn;
    char *masked;           /* the locator with its password masked, for messages */
    char *password;         /* to scrub from server messages, or NULL */
    db_selection selection; /* -t/-T/-n/-N */
    bool privileges;        /* --privileges: owners and grants */
    char *server_version;
    char *database;

    bool schema_read;      /* the tables were listed once: warnings, types, selected */
    bool objects_listed;   /* native_objects ran once: its warnings are there */
    bool functions_listed; /* load_functions ran once: its warnings too */
    bool sequences_listed; /* load_sequences ran once: its warnings too */
    bool quiet;            /* a second listing: its warnings are already there */
    fmt_table **cached;    /* the first listing, until tables() takes it */
    size_t ncached;
    char **selected_oids; /* the exported tables, as text oids */
    char **selected_keys;
    size_t nselected;
    char **extensions; /* sorted */
    size_t nextensions;
    fmt_user_type *user_types; /* in an order in which they can be created */
    unsigned *user_type_oids;
    size_t nuser_types;
    char **origin_schemas; /* schemas looked at for a _dbexport_origin (origin.c) */
    char **origin_tables;  /* and each one's, quoted, or "" */
    size_t norigin;
    type_info *types; /* cache of pg_type rows */
    size_t ntypes;

    bool copying; /* inside COPY OUT */
    char *copy_line;
    char *rows_table;
    char **rows_names;
    fmt_type *rows_types;
    bool *rows_generated;
    size_t rows_ncolumns;
    size_t *rows_offsets; /* per column: where its bytes start */
    int *rows_where;      /* per column: 0 none, 1 in text, 2 in converted */
    bool rows_binary;     /* this table's COPY is binary (rows_binary.c) */
    bool rows_header;     /* and its file header is still to come */
    db_buf text;          /* the row's fields, unescaped */
    db_buf converted;     /* blobs and JSON made from them */
} pg_src;

/* ---- source.c: messages and catalog queries ------------------------------ */

/* Every error: libpq's final newline trimmed, the password masked. -1. */
int pg_src_fail(pg_src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* A warning line (none in a second listing, s->quiet). 0 or -1. */
int pg_src_warn(pg_src *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
const char *pg_src_server_message(const pg_src *s);
bool pg_src_schema_selected(const pg_src *s, const char *nspname);
bool pg_src_table_selected(const pg_src *s, const char *nspname, const char *relname);
/* NULL for "public" (the file's default), else a copy. */
char *pg_src_namespace_of(const char *nspname);
/* Runs a catalog query with up to two text parameters; NULL on error. */
PGresult *pg_src_query(pg_src *s, const char *sql, const char *p1, const char *p2);
/* row_security.c: the table oid's ENABLE/FORCE ROW LEVEL SECURITY and
 * policies into t->row_security (left NULL when it has none). 0 or -1. */
int pg_src_load_row_security(pg_src *s, const char *oid, fmt_table *t);
/* privileges.c: the table oid's owner and grants, table and columns, into
 * t->privileges (dbexport --privileges). 0 or -1. */
int pg_src_load_privileges(pg_src *s, const char *oid, fmt_table *t);
/* The same of another object, by its oid, into *out: a view's or a
 * materialized view's (RELATION: pg_class, columns too), a sequence's
 * (pg_class, no columns), a function's or procedure's (pg_proc). 0 or -1. */
typedef enum { PG_ACL_RELATION, PG_ACL_SEQUENCE, PG_ACL_FUNCTION, PG_ACL_SCHEMA } pg_acl_kind;
/* schemas.c: the exported schemas, their comments and (--privileges)
 * owners and grants, into h->schemas (1.3). 0 or -1. */
int pg_src_load_schemas(pg_src *s, fmt_header *h);
int pg_src_load_acl(pg_src *s, pg_acl_kind kind, const char *oid, fmt_privileges **out);
/* Notes every extension the database has (but plpgsql) for the header's
 * "extensions" (column_types.c). 0 or -1. */
int pg_src_note_installed_extensions(pg_src *s);
/* The indexes of the relation oid (a materialized view's), as a table's
 * are read (tables.c); on error what was read is in *indexes. 0 or -1. */
int pg_src_load_relation_indexes(pg_src *s, const char *oid, fmt_index **indexes, size_t *n);
/* An exclusion constraint in parts, from its pg_constraint oid
 * (exclusion.c). 0 or -1. */
int pg_src_load_exclusion(pg_src *s, fmt_exclusion *x, const char *name, const char *oid);
/* sequences.c: the stand-alone sequences of the selected schemas into
 * h->sequences. 0 or -1. */
int pg_src_load_sequences(pg_src *s, fmt_header *h);
/* functions.c: the functions and procedures (sql, plpgsql) of the selected
 * schemas into h->functions, the types they use noted; the others are
 * reported. 0 or -1. */
int pg_src_load_functions(pg_src *s, fmt_header *h);
/* origin.c: what the _dbexport_origin table of e's schema says of t (a
 * table a SQLite export made): sqlite_type, rowid, WITHOUT ROWID, ... 0
 * or -1. */
int pg_src_apply_origin(pg_src *s, const table_entry *e, fmt_table *t);
/* origin.c: user_version and application_id kept there. 0 or -1. */
int pg_src_origin_header(pg_src *s, fmt_header *h);
/* A field, NULL when SQL NULL; a copy of it; whether it is true. */
const char *pg_src_val(const PGresult *res, int row, int col);
char *pg_src_dup_val(const PGresult *res, int row, int col);
bool pg_src_bool_val(const PGresult *res, int row, int col);

/* ---- column_types.c ---------------------------------------------------------- */

/* The portable type of values of type oid with typmod (see
 * pg_types.h); notes the extensions and user types it needs. */
int pg_src_map_type(pg_src *s, fmt_type *out, unsigned oid, int32_t typmod, int depth);

/* ---- tables.c -------------------------------------------------------------- */

/* Reads every selected table into a new list (the first time also the
 * warnings, the header's types and extensions, the selected tables). */
int pg_src_load_tables(pg_src *s, fmt_table ***out, size_t *nout);
/* The first listing, once: what header, warnings and objects need. */
int pg_src_read_schema_once(pg_src *s);

/* ---- rows.c: the ops table's row slots ------------------------------------- */

int pg_src_rows_begin(void *state, const fmt_table *t);
int pg_src_rows_next(void *state, fmt_value *values);
void pg_src_rows_end(void *state);

/* ---- rows_binary.c: binary COPY where it pays ----------------------------- */

/* Whether t's rows are read in binary: it has a pgvector column and every
 * column's binary form gives what its text gives. 0 or -1. */
int pg_src_rows_use_binary(pg_src *s, const fmt_table *t, bool *binary);
/* One binary CopyData message into values: 1 a row, 0 the trailer, -1. */
int pg_src_rows_binary(pg_src *s, const char *msg, size_t len, fmt_value *values);

/* ---- estimate.c: the ops table's estimate_rows ------------------------------ */

int pg_src_estimate_rows(void *state, const fmt_table *t, uint64_t *rows);

/* ---- objects.c ------------------------------------------------------------- */

int pg_src_native_objects(void *state, fmt_native_object **objects, size_t *nobjects);

#endif
