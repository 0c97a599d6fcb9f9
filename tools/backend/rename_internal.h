/* What rename.c and rename_sql.c share: the renames asked for and what the
 * file has shown of itself so far. */
#ifndef DB_RENAME_INTERNAL_H
#define DB_RENAME_INTERNAL_H

#include <stddef.h>

#include "rename.h"
#include "sqltok.h"

typedef struct {
    char *spec; /* as given, for messages: "auth:identity" */
    char *old_name, *new_name;
    size_t hits; /* tables of the file it moved */
} db_rename_schema;

typedef struct {
    char *spec;
    char *old_schema; /* NULL: the name in whichever schema holds it */
    char *old_name, *new_name;
    size_t hits;
    char *matched; /* the first table it matched, "schema.table" */
    char *second;  /* a second one (a bare OLD in two schemas: refused) */
} db_rename_table;

struct db_renames {
    db_rename_schema *schemas;
    size_t nschemas;
    db_rename_table *tables;
    size_t ntables;
    db_sql_dialect dialect;     /* of the file's SQL text: its source's */
    const char *default_schema; /* what a NULL namespace is: "public", "main" */
    int native_runs;            /* see db_renames_header */
    char **names;               /* the file's schema names seen so far */
    size_t nnames;
    char **bare; /* the names of its tables without a schema seen so far */
    size_t nbare;
    char **keys; /* new keys of the tables given, and the spec that made each */
    char **key_specs;
    size_t nkeys;
    void **owned; /* what the current table's copy allocated */
    size_t nowned;
    void **kept; /* what the header's and the objects' copies allocated */
    size_t nkept;
    char err[1024];
};

/* The new name of schema ns (NULL: the default), which may be NULL (the
 * default); *rule the rename that applies, or NULL when none. */
const char *db_rename_map_schema(const db_renames *r, const char *ns,
                                 const db_rename_schema **rule);
/* The rename of table (ns, name), or NULL. */
const db_rename_table *db_rename_find_table(const db_renames *r, const char *ns, const char *name);

/* a, sep and b in one new string, or NULL. */
char *db_rename_join(const char *a, const char *sep, const char *b);

/* 1 if a and b name the same thing in the file's dialect. */
int db_rename_same(const db_renames *r, const char *a, const char *b);

/* The SQL text sql under the renames: 0 with *out NULL when nothing in it
 * changes, or the new text (caller frees); -1 with why when it names a
 * renamed schema or table where a rewrite cannot be proven; -2 when out of
 * memory. code: $-quoted strings are bodies of code (a function's) and
 * are rewritten too. on_*: the table the statement's first top-level ON
 * names (a trigger's or an index's), given structurally, or NULL. */
typedef struct {
    int code;
    const char *on_ns, *on_name;         /* the file's table */
    const char *on_new_ns, *on_new_name; /* its new names */
} db_rename_text;

int db_rename_sql(const db_renames *r, const char *sql, const db_rename_text *how, char **out,
                  char *why, size_t whylen);

#endif
