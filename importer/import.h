/* The import driver: input stream → document reader → target ops. */
#ifndef DB_IMPORT_H
#define DB_IMPORT_H

#include "target.h"

typedef struct {
    const char *target;                 /* SQLite path or (later) PostgreSQL connection string */
    const char *input;                  /* NULL or "-" = stdin */
    const char *const *include_tables;  /* -t patterns, NULL-terminated, or NULL */
    const char *const *exclude_tables;  /* -T patterns */
    const char *const *include_schemas; /* -n patterns */
    const char *const *exclude_schemas; /* -N patterns */
    const char *const *row_filters;     /* --rows "TABLE=PROGRAM" entries, or NULL */
    const char *const *casts;           /* --cast specs, NULL-terminated, or NULL */
    const char *const *rename_schemas;  /* --rename-schema OLD:NEW specs, or NULL */
    const char *const *rename_tables;   /* --rename-table OLD:NEW specs, or NULL */
    int rows_cascade;                   /* --rows-cascade */
    const char *sql_file;
    /* --max-errors / --reject-file: refused rows left out, up to max_errors
     * (reject_rows set), and written to reject_file (or not, when NULL) */
    int reject_rows;
    uint64_t max_errors;
    const char *reject_file; /* --sql-file: the schema statements, "-" = stdout */
    int verbose;
    /* --commit: 0 (all: one transaction), DB_COMMIT_PER_TABLE, or a row
     * count; --resume: continue the import the target's record is of */
    uint64_t commit_every;
    int resume;
    db_target_options target_options;
} db_import_options;

/* Runs the import, reporting on stderr (and the --dry-run counts on
 * stdout). Returns 0, DB_IMPORT_REJECTED when it committed without rows
 * the target refused (--max-errors), or <0; on failure the target is as
 * it was. */
#define DB_IMPORT_REJECTED 1
/* A --rename-schema or --rename-table that cannot be done (no match, a
 * name the file has, SQL text that cannot follow): nothing was done. */
#define DB_IMPORT_BAD_RENAME 2
int db_import(const db_import_options *opts);

#endif
