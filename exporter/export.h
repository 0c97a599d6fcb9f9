/* The export driver: source ops → document writer → output stream. */
#ifndef DB_EXPORT_H
#define DB_EXPORT_H

#include "source.h"

typedef struct {
    const char *source; /* SQLite path or (later) PostgreSQL connection string */
    const char *output; /* NULL or "-" = stdout */
    int gzip_level;     /* 0 = plain */
    int schema_only;
    int data_only;
    int no_timestamp;
    int force; /* replace an existing output file that is not an export */
    /* --vector-column: "TABLE.COLUMN:N" entries, NULL-terminated, or NULL */
    const char *const *vector_columns;
    /* --rows: "TABLE=PROGRAM" entries, NULL-terminated, or NULL */
    const char *const *row_filters;
    /* --rename-schema / --rename-table: "OLD:NEW" entries, or NULL */
    const char *const *rename_schemas;
    const char *const *rename_tables;
    int verbose;
    const char *version; /* of the program, for "generator" */
    db_source_options source_options;
} db_export_options;
#define DB_EXPORT_OPTIONS_INIT                                                                     \
    {                                                                                              \
        0                                                                                          \
    }

/* Refuses (message, -1) an output path that is the source database, or an
 * existing non-empty regular file that is not an export (unless force). */
int db_export_check_output(const db_export_options *opts);

/* 1 when SOURCE is an export file (plain or gzip) rather than a database. */
int db_export_source_is_file(const char *source);
/* The export of an export file: read, filtered (-t/-T/-n/-N, --rows),
 * renamed and written again (from_file.c). Returns like db_export. */
int db_export_from_file(const db_export_options *opts);

/* Runs the export, reporting on stderr. Returns 0, DB_EXPORT_BAD_RENAME
 * (a --rename-* that cannot be done) or <0; on failure no output file is
 * left behind. */
#define DB_EXPORT_BAD_RENAME 2
int db_export(const db_export_options *opts);

#endif
