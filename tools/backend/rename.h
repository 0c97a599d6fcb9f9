/* --rename-schema=OLD:NEW and --rename-table=OLD:NEW: the schema model of a
 * file under new names, table by table as the document streams. What
 * refers to a renamed table or schema follows: foreign keys, sequences
 * (OWNED BY), partitions, triggers' tables, views' schemas, types and
 * functions, and the names inside SQL text where the rewrite can be proven
 * (rename_sql.c); SQL text that names them otherwise is refused, naming the
 * object, never left to mean something else. Backend-neutral: the copies
 * share the file's strings and own what they changed (free them with the
 * functions below, not fmt_table_free). */
#ifndef DB_RENAME_H
#define DB_RENAME_H

#include <stddef.h>

#include "schema.h"

typedef struct db_renames db_renames;

/* From the NULL-terminated --rename-schema and --rename-table specs (either
 * may be NULL). A table's OLD is "table" (in whichever schema holds it:
 * it must be one) or "schema.table"; NEW is a bare name (the table stays in
 * its schema). NULL with the reason in err on a bad spec; *out is NULL
 * when no rename is asked for. 0, or -1. */
int db_renames_new(db_renames **out, const char *const *schemas, const char *const *tables,
                   char *err, size_t errlen);
void db_renames_free(db_renames *r);

/* The header under new names: schemas of types, sequences and functions,
 * OWNED BY tables, and the SQL text of functions and domains. native_runs:
 * the target runs the source's statements (views, triggers, an index's
 * "sql"), as a target of the source's own backend does; when not, they
 * are left as they are (the target does not carry them). 0, -1 with the
 * reason in db_renames_errmsg. */
int db_renames_header(db_renames *r, const fmt_header *h, int native_runs, fmt_header *out);

/* The table t (the file's) under new names; *renamed says whether its own
 * name changed. Refuses a table whose new name another table of the file
 * already has (or takes), and a table in a schema that a rename takes as
 * its new name. Only tables given here count as matches. 0, -1. */
int db_renames_table(db_renames *r, const fmt_table *t, fmt_table *out, int *renamed);
/* Frees what db_renames_table allocated for out (the previous table's). */
void db_renames_table_clear(db_renames *r);

/* Views and triggers under new names (a copy the renames own until they
 * are freed). They come after the tables: check them first
 * (db_renames_check), a rename that matched none is the error to show. 0, -1. */
int db_renames_objects(db_renames *r, const fmt_native_object *objects, size_t n,
                       const fmt_native_object **out);

/* After the last table: 0, or -1 when a rename matched no table given to
 * db_renames_table ("... matches no table in WHERE": "the file", "the
 * database"), or a bare table name matched tables of two schemas. */
int db_renames_check(db_renames *r, const char *where);

const char *db_renames_errmsg(const db_renames *r);

#endif
