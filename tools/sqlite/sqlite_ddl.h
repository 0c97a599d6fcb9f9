/* A small scanner of SQLite DDL text (CREATE TABLE, CREATE INDEX, CREATE
 * VIRTUAL TABLE) for what the pragmas do not report: collations, generation
 * expressions, CHECK constraints, constraint names, AUTOINCREMENT, foreign
 * key deferral, ON CONFLICT clauses, index expressions and WHERE clauses.
 * It is not a SQL parser: it tokenizes (strings, quoted identifiers,
 * comments), tracks parentheses and recognises the keywords that start a
 * constraint. The text it reads comes from the database file, so it never
 * recurses and never allocates more than a multiple of the text's size. */
#ifndef DB_SQLITE_DDL_H
#define DB_SQLITE_DDL_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char *name;          /* as declared, unquoted */
    char *collation;     /* COLLATE name, unquoted, or NULL */
    char *generated_sql; /* expression between the parentheses, or NULL */
    bool generated_stored;
    bool autoincrement; /* PRIMARY KEY ... AUTOINCREMENT on this column */
} sqlite_ddl_column;

typedef struct {
    char *name; /* CONSTRAINT name, unquoted, or NULL */
    char **columns;
    size_t ncolumns;
} sqlite_ddl_key;

typedef struct {
    char *name;
    char *expression;
} sqlite_ddl_check;

typedef struct {
    char *name;     /* CONSTRAINT name or NULL */
    char **columns; /* child columns; a column-level REFERENCES: that column */
    size_t ncolumns;
    char *ref_table;
    bool deferrable;         /* DEFERRABLE (not NOT DEFERRABLE) */
    bool initially_deferred; /* DEFERRABLE INITIALLY DEFERRED */
} sqlite_ddl_foreign_key;

typedef struct {
    sqlite_ddl_column *columns;
    size_t ncolumns;
    bool has_primary_key;
    sqlite_ddl_key primary_key;
    sqlite_ddl_key *uniques; /* column-level and table-level, in text order */
    size_t nuniques;
    sqlite_ddl_check *checks; /* column-level and table-level, in text order */
    size_t nchecks;
    sqlite_ddl_foreign_key *foreign_keys; /* in text order */
    size_t nforeign_keys;
    bool autoincrement;
    char *
        *notes; /* clauses the file cannot carry, e.g. `column "a": NOT NULL ON CONFLICT REPLACE` */
    size_t nnotes;
} sqlite_ddl_table;

typedef struct {
    char **parts; /* each key as written, without trailing COLLATE/ASC/DESC */
    size_t nparts;
    char *where; /* partial index predicate, or NULL */
} sqlite_ddl_index;

/* Scans a CREATE TABLE statement. Returns 0, or <0 with a message in err
 * (out is then cleared). */
int sqlite_ddl_parse_table(sqlite_ddl_table *out, const char *sql, char *err, size_t errlen);
void sqlite_ddl_table_clear(sqlite_ddl_table *t);

/* Scans a CREATE INDEX statement. Returns 0, or <0 with a message in err. */
int sqlite_ddl_parse_index(sqlite_ddl_index *out, const char *sql, char *err, size_t errlen);
void sqlite_ddl_index_clear(sqlite_ddl_index *ix);

/* The module name of a CREATE VIRTUAL TABLE statement (malloc'd), or NULL
 * when it cannot be found or out of memory. */
char *sqlite_ddl_virtual_module(const char *sql);

/* The column in t named name (ASCII case-insensitive, as SQLite compares
 * identifiers), or NULL. */
const sqlite_ddl_column *sqlite_ddl_find_column(const sqlite_ddl_table *t, const char *name);

#endif
