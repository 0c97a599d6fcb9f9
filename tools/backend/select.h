/* Which tables move: the -t/-T/-n/-N shell-glob patterns of every program,
 * matched one way everywhere. A table pattern with a '.' is matched against
 * "schema.table", one without against the bare table name; schema patterns
 * against the schema name. Matching is case-sensitive (fnmatch), as
 * pg_dump's is for quoted names. */
#ifndef DB_SELECT_H
#define DB_SELECT_H

#include <stddef.h>

typedef struct {
    char **include_tables; /* NULL-terminated; NULL = every table */
    char **exclude_tables;
    char **include_schemas; /* NULL = every schema */
    char **exclude_schemas;
    /* per pattern of each list, in order: it matched a name offered */
    unsigned char *hit[4];
} db_selection;

/* Copies the caller's NULL-terminated lists (any may be NULL). 0, or -1
 * when memory ran out (dst is then freed and empty). */
int db_selection_init(db_selection *dst, const char *const *include_tables,
                      const char *const *exclude_tables, const char *const *include_schemas,
                      const char *const *exclude_schemas);
void db_selection_free(db_selection *s);

/* 1 if schema (NULL: a database without schemas, or the file's default
 * schema) passes -n/-N. A NULL schema passes unless -n was given. */
int db_selection_schema(const db_selection *s, const char *schema);
/* 1 if the table passes -n/-N and -t/-T. */
int db_selection_table(const db_selection *s, const char *schema, const char *name);

/* The first pattern that matched none of the names offered so far, and in
 * *option its option ("-t", "-T", "-n", "-N"); NULL when each matched
 * one. A typo in -T must not move a table silently (pg_dump's
 * --strict-names, for every list, always). */
const char *db_selection_unmatched(const db_selection *s, const char **option);

/* 0, or -1 with "-T pattern \"sesions\" matches no table" in why (of
 * where, "the file", "the database"). */
int db_selection_check(const db_selection *s, const char *where, char *why, size_t whylen);

/* 1 if name matches one of the NULL-terminated patterns. */
int db_patterns_match(char *const *patterns, const char *name);

#endif
