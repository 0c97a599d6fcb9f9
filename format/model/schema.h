/* The database-free description of what a file carries: its header, and for
 * each table its columns, keys, constraints and indexes, plus native objects
 * (views, triggers) that only a target of the same backend applies.
 * Everything is owned by the struct that holds it; *_free accept NULL. */
#ifndef FMT_SCHEMA_H
#define FMT_SCHEMA_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "strlist.h"
#include "types.h"

#define FMT_FORMAT_NAME "dbexport"
#define FMT_FORMAT_MAJOR 1
#define FMT_FORMAT_MINOR 3
#define FMT_FORMAT_VERSION "1.3"

/* A user-defined type a table needs (PostgreSQL enums, domains and, since
 * 1.3, composite types). */
typedef enum {
    FMT_USER_TYPE_ENUM,
    FMT_USER_TYPE_DOMAIN,
    FMT_USER_TYPE_COMPOSITE
} fmt_user_type_kind;

/* An attribute of a composite type. */
typedef struct {
    char *name;
    char *type;                /* its native type, schema-qualified ("x.mood", "integer") */
    char *collation;           /* its collation's name, or NULL for the type's default */
    char *collation_namespace; /* the collation's schema, or NULL */
} fmt_type_attribute;

typedef struct {
    fmt_user_type_kind kind;
    char *namespace; /* NULL = the default schema */
    char *name;
    char **labels; /* enum: its labels in order */
    size_t nlabels;
    char *base_type; /* domain: the native type it is based on ("integer") */
    bool not_null;   /* domain */
    char *default_sql;
    char **checks; /* domain: CHECK expressions, e.g. "VALUE > 0" */
    size_t nchecks;
    /* domain: each check's constraint name, parallel to checks (since
     * 1.3); NULL when the file has none (the server then names them) */
    char **check_names;
    size_t ncheck_names;            /* nchecks, or 0 */
    fmt_type_attribute *attributes; /* composite: in their order */
    size_t nattributes;
    char *comment; /* COMMENT ON TYPE / DOMAIN, or NULL (since 1.3) */
} fmt_user_type;

/* One grantee's privileges on a table or a column (PostgreSQL GRANT),
 * since 1.3, or on a view, a materialized view, a sequence or a function.
 * A grantee may appear twice: once with, once without the grant option. */
typedef struct {
    char *grantee;     /* a role name, or "public" */
    char **privileges; /* a relation's "select", "insert", "update", "delete",
                          "truncate", "references", "trigger"; a sequence's
                          "usage", "select", "update"; a function's "execute" */
    size_t nprivileges;
    bool with_grant_option;
} fmt_grant;

/* The grants on one column of the table (GRANT SELECT (c) ...). */
typedef struct {
    char *column;
    fmt_grant *grants;
    size_t ngrants;
} fmt_column_grants;

/* A table's owner and grants (dbexport --privileges), since 1.3; those of
 * a view, a materialized view, a sequence or a function too (columns: a
 * relation's only). */
typedef struct {
    char *owner;     /* the owning role, or NULL */
    bool has_grants; /* false: the default (the owner's rights only) */
    fmt_grant *grants;
    size_t ngrants;
    fmt_column_grants *columns;
    size_t ncolumns;
} fmt_privileges;

/* A stand-alone sequence (PostgreSQL CREATE SEQUENCE), with its options
 * and its value (since 1.2), and the column it belongs to (OWNED BY, since
 * 1.3). Identity and serial sequences travel with their columns instead;
 * a column's "sequence" (since 1.3) is this struct too, options only. */
typedef struct {
    char *name;
    char *namespace; /* NULL: the default schema */
    char *type;      /* "smallint", "integer", "bigint"; NULL in a column's */
    int64_t start, increment, min_value, max_value, cache;
    bool cycle;
    bool has_last_value; /* it has handed out a value: last_value is it */
    int64_t last_value;
    /* OWNED BY: a column of a table in the sequence's schema, or NULL */
    char *owned_by_table;
    char *owned_by_column;
    fmt_privileges *privileges; /* owner and grants (--privileges), or NULL */
} fmt_sequence;

/* A function or procedure (PostgreSQL CREATE FUNCTION / PROCEDURE, LANGUAGE
 * sql or plpgsql), since 1.3. */
typedef struct {
    char *name;
    char *namespace; /* NULL: the default schema */
    char *kind;      /* "function", "procedure" */
    char *arguments; /* pg_get_function_arguments: "a integer, b text DEFAULT 'x'" */
    char *result;    /* pg_get_function_result ("integer", "TABLE(...)"); NULL for a procedure */
    char *language;  /* "sql", "plpgsql" */
    char *sql;       /* the whole CREATE statement (pg_get_functiondef) */
    char *comment;   /* COMMENT ON FUNCTION, or NULL */
    fmt_privileges *privileges; /* owner and grants (--privileges), or NULL */
} fmt_function;

/* A PostgreSQL schema (since 1.3): its comment and, with --privileges,
 * its owner and grants ("usage", "create"). */
typedef struct {
    char *name;
    char *comment;              /* COMMENT ON SCHEMA, or NULL */
    fmt_privileges *privileges; /* owner and grants (--privileges), or NULL */
} fmt_schema;

typedef struct {
    char *format_version; /* as read, e.g. "1.0" */
    char *created;        /* RFC 3339 UTC, or NULL when left out */
    char *generator;      /* "dbexport 0.1.0" */
    char *source_backend; /* "sqlite", "postgresql" */
    char *source_version;
    char *source_database; /* file name or database name, never credentials */
    /* SQLite's PRAGMA user_version and application_id (source.user_version,
     * source.application_id, since 1.1): set only when the file has them. */
    bool has_user_version;
    int32_t user_version;
    bool has_application_id;
    int32_t application_id;
    char **extensions; /* extensions the tables need ("vector"), sorted */
    size_t nextensions;
    fmt_schema *schemas; /* the source's schemas, by name (since 1.3) */
    size_t nschemas;
    fmt_user_type *user_types; /* enums and domains, in an order they can be created */
    size_t nuser_types;
    fmt_sequence *sequences; /* stand-alone sequences (since 1.2) */
    size_t nsequences;
    fmt_function *functions; /* functions and procedures, in an order they can be created (1.3) */
    size_t nfunctions;
} fmt_header;

typedef enum {
    FMT_IDENTITY_NONE,
    FMT_IDENTITY_ROWID,         /* SQLite INTEGER PRIMARY KEY: max + 1 */
    FMT_IDENTITY_AUTOINCREMENT, /* SQLite AUTOINCREMENT: never reuses */
    FMT_IDENTITY_ALWAYS,        /* PostgreSQL GENERATED ALWAYS AS IDENTITY */
    FMT_IDENTITY_BY_DEFAULT,    /* PostgreSQL GENERATED BY DEFAULT AS IDENTITY */
    FMT_IDENTITY_SERIAL         /* PostgreSQL serial: default nextval() */
} fmt_identity_kind;

typedef struct {
    char *name;
    char *type_text; /* portable type as written */
    fmt_type type;
    char *native_type; /* declared type on the source; NULL if none */
    /* A SQLite source's column that a PostgreSQL export made: its PostgreSQL
     * type ("public.citext", "bit(3)"), from the SQLite target's
     * _dbexport_origin table (since 1.2); NULL otherwise. */
    char *postgresql_type;
    /* A PostgreSQL source's column that a SQLite export made: its SQLite
     * declared type ("NVARCHAR(160)", "" for none), from the PostgreSQL
     * target's _dbexport_origin table (since 1.3); NULL otherwise. */
    char *sqlite_type;
    bool nullable;
    char *default_sql;   /* default expression in the source's SQL, or NULL */
    char *generated_sql; /* generation expression, or NULL */
    bool generated_stored;
    char *collation;           /* its name; NULL = the backend's default */
    char *collation_namespace; /* the collation's schema, or NULL (SQLite: none) */
    fmt_identity_kind identity;
    bool has_last_value;
    int64_t last_value; /* last value handed out (sqlite_sequence, sequence) */
    char *comment;      /* COMMENT ON COLUMN, or NULL (since 1.2) */
    /* An identity or serial column's sequence options (since 1.3): name
     * (identity only, in the table's schema, or NULL), START, INCREMENT,
     * MINVALUE, MAXVALUE, CACHE, CYCLE; NULL when the file has none. */
    fmt_sequence *sequence;
} fmt_column;

typedef struct {
    char *name; /* constraint name, NULL if unnamed */
    char **columns;
    size_t ncolumns;
    char **include; /* INCLUDE columns of its index (since 1.3) */
    size_t ninclude;
    bool nulls_not_distinct; /* UNIQUE NULLS NOT DISTINCT (since 1.3) */
} fmt_key;

typedef struct {
    char *name;
    char *expression;
} fmt_check;

/* One element of an exclusion constraint (since 1.3): a column or an
 * expression, compared by operator; opclass NULL = the type's default. */
typedef struct {
    char *column;     /* a plain column, or NULL when expression is set */
    char *expression; /* SQL expression in the source's dialect */
    char *opclass, *opclass_namespace;
    char *operator;           /* "=", "&&" */
    char *operator_namespace; /* its schema, or NULL */
} fmt_exclusion_element;

/* A PostgreSQL EXCLUDE constraint (since 1.3), carried in parts so that an
 * importer builds it rather than running the source's text. */
typedef struct {
    char *name;
    char *method; /* index access method: "gist", "btree", ... */
    fmt_exclusion_element *elements;
    size_t nelements;
    char **include;
    size_t ninclude;
    char *where; /* predicate, or NULL */
    bool deferrable, initially_deferred;
} fmt_exclusion;

typedef struct fmt_foreign_key {
    char *name;
    char **columns;
    size_t ncolumns;
    char *ref_table;
    char *ref_namespace; /* NULL = the default schema */
    char **ref_columns;  /* may be empty: the parent's primary key */
    size_t nref_columns;
    char *on_delete; /* "no action", "restrict", "cascade", "set null", "set default" */
    char *on_update;
    bool deferrable;
    bool initially_deferred;
} fmt_foreign_key;

typedef struct {
    char *column;     /* a plain column, or NULL when expression is set */
    char *expression; /* SQL expression in the source's dialect */
    bool descending;
    char *collation;           /* its name, or NULL */
    char *collation_namespace; /* its schema, or NULL */
} fmt_index_part;

typedef struct fmt_index {
    char *name;
    bool unique;
    fmt_index_part *parts;
    size_t nparts;
    char *where;    /* partial index predicate, or NULL */
    char *sql;      /* the source's own CREATE INDEX statement, or NULL */
    char **include; /* INCLUDE columns (since 1.3) */
    size_t ninclude;
    bool nulls_not_distinct; /* a unique index's NULLS NOT DISTINCT (since 1.3) */
} fmt_index;

/* A partitioned table travels as one table with all its rows; this says
 * how a target that can partition (PostgreSQL) recreates the partitions. */
typedef struct {
    char *name;
    char *namespace;
    char *bound; /* "FOR VALUES FROM ('2020-01-01') TO ('2021-01-01')", "DEFAULT" */
    /* The partition's own indexes and foreign keys (not inherited from the
     * partitioned table's), created after the data like the table's. */
    struct fmt_index *indexes;
    size_t nindexes;
    struct fmt_foreign_key *foreign_keys;
    size_t nforeign_keys;
    /* Since 1.3: its own primary key, unique and CHECK constraints (not
     * inherited), and its sub-partitions when it is partitioned itself. */
    fmt_key *primary_key;
    fmt_key *uniques;
    size_t nuniques;
    fmt_check *checks;
    size_t nchecks;
    struct fmt_partitioning *partitioning;
} fmt_partition;

typedef struct fmt_partitioning {
    char *strategy; /* "range", "list", "hash" */
    char *key;      /* the partition key as SQL: "payment_date" */
    fmt_partition *partitions;
    size_t npartitions;
} fmt_partitioning;

/* A row-level security policy (PostgreSQL CREATE POLICY). */
typedef struct {
    char *name;
    char *command; /* "all", "select", "insert", "update", "delete" */
    bool permissive;
    char **roles; /* "public" or role names */
    size_t nroles;
    char *using_sql;      /* USING expression, or NULL */
    char *with_check_sql; /* WITH CHECK expression, or NULL */
} fmt_policy;

/* A table's row-level security: ENABLE / FORCE and its policies. */
typedef struct {
    bool enabled, forced;
    fmt_policy *policies;
    size_t npolicies;
} fmt_row_security;

typedef struct {
    char *name;
    char *namespace; /* the schema; NULL = the backend's default ("public", "main") */
    fmt_column *columns;
    size_t ncolumns;
    fmt_key *primary_key; /* NULL if none */
    fmt_key *uniques;
    size_t nuniques;
    fmt_check *checks;
    size_t nchecks;
    fmt_foreign_key *foreign_keys;
    size_t nforeign_keys;
    fmt_exclusion *exclusions; /* since 1.3 */
    size_t nexclusions;
    fmt_index *indexes;
    size_t nindexes;
    bool without_rowid;             /* SQLite WITHOUT ROWID */
    bool strict;                    /* SQLite STRICT */
    fmt_partitioning *partitioning; /* NULL unless partitioned */
    char *comment;                  /* COMMENT ON TABLE, or NULL (since 1.2) */
    fmt_row_security *row_security; /* NULL when off and without policies (since 1.2) */
    fmt_privileges *privileges;     /* NULL unless exported with --privileges (since 1.3) */
} fmt_table;

typedef enum {
    FMT_NATIVE_VIEW,
    FMT_NATIVE_TRIGGER,
    FMT_NATIVE_MATERIALIZED_VIEW /* since 1.3 */
} fmt_native_kind;

typedef struct {
    fmt_native_kind kind;
    char *name;  /* view: its table key ("ns.name"); materialized view: its name */
    char *table; /* trigger: its table; view: NULL */
    char *sql;   /* view, trigger: the CREATE statement; materialized view: its query */
    /* A materialized view's schema (NULL: the default one), whether the
     * source had it populated, its indexes and its comment. */
    char *namespace;
    bool populated;
    fmt_index *indexes;
    size_t nindexes;
    char *comment; /* view, materialized view: its COMMENT, or NULL (since 1.3) */
    /* View, materialized view (since 1.3): the keys of the file's tables,
     * views and materialized views it reads; has_reads false when the file
     * does not say (then what it reads is unknown). */
    char **reads;
    size_t nreads;
    bool has_reads;
    /* view, materialized view: owner and grants (--privileges), or NULL */
    fmt_privileges *privileges;
} fmt_native_object;

void fmt_header_clear(fmt_header *h);
void fmt_user_type_clear(fmt_user_type *u);
void fmt_function_clear(fmt_function *f);
void fmt_schema_clear(fmt_schema *s);
/* A deep copy of src into dst; 0, or -1 when memory ran out (dst then
 * holds what was copied: clear it). */
int fmt_user_type_copy(fmt_user_type *dst, const fmt_user_type *src);
void fmt_sequence_clear(fmt_sequence *s);
void fmt_partitioning_free(fmt_partitioning *p);
void fmt_row_security_free(fmt_row_security *r);
void fmt_privileges_free(fmt_privileges *p);
void fmt_table_free(fmt_table *t);
/* A list of n tables as a source hands it out: each table, then the array
 * (NULL is fine). */
void fmt_tables_free(fmt_table **tables, size_t n);
void fmt_native_object_clear(fmt_native_object *o);
void fmt_key_clear(fmt_key *k);
void fmt_index_clear(fmt_index *ix);
void fmt_foreign_key_clear(fmt_foreign_key *fk);
void fmt_exclusion_clear(fmt_exclusion *x);

/* The table's key in the document's "tables": its name, or "namespace.name"
 * when it has a namespace. Caller frees; NULL when out of memory. */
char *fmt_table_key(const fmt_table *t);

/* Index of the column named name, or -1. */
int fmt_table_find_column(const fmt_table *t, const char *name);

/* Identity kind <-> its name in the file ("rowid", "autoincrement",
 * "always", "by_default", "serial"). Parse returns -1 for unknown names. */
const char *fmt_identity_name(fmt_identity_kind k);
int fmt_identity_parse(const char *s);

#endif
