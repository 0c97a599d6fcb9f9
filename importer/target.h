/* A database the importer writes to, behind one ops table. The driver
 * (import.c) feeds it tables and rows from the document reader. */
#ifndef DB_TARGET_H
#define DB_TARGET_H

#include <stddef.h>
#include <stdint.h>

#include "schema.h"
#include "value.h"

/* How far back a late row error may point: the driver remembers the
 * positions of this many rows. */
#define DB_TARGET_MAX_LATE_ROWS 16384

typedef enum { DB_ON_CONFLICT_ERROR, DB_ON_CONFLICT_SKIP, DB_ON_CONFLICT_UPDATE } db_on_conflict;

/* A value the target cannot hold (text with a NUL for PostgreSQL, 'abc'
 * for a bigint column): an error (the default), the column set to NULL, or
 * the row left out. Whatever the policy did is counted and reported. */
typedef enum { DB_ON_INVALID_ERROR, DB_ON_INVALID_NULL, DB_ON_INVALID_SKIP_ROW } db_on_invalid;

typedef struct {
    db_on_conflict on_conflict;
    db_on_invalid on_invalid;
    int dry_run; /* validate against the target, write nothing */
    /* --dry-run as dbimport does it: the whole import, rolled back by the
     * driver instead of committed; a target then moves nothing that a
     * rollback does not undo (an existing table's sequence). */
    int rehearsal;
    int data_only;          /* tables must exist */
    int schema_only;        /* create tables, load no rows */
    int single_transaction; /* default 1 */
    int verbose;            /* -v: the target may note what it used on stderr */
    /* -t/-T/-n/-N: some of the file's tables are left out, and with them
     * their triggers and the views that read them (with a warning). */
    int selected;
    /* --commit=table|N: commits as the import goes (the driver calls
     * checkpoint); a new SQLite file is then made in place, not under a
     * work name, so that a killed import leaves it to --resume. */
    int commit_as_it_goes;
    /* --resume: the target's record also names the objects the unfinished
     * import created before its last commit (schemas, sequences,
     * functions), which a PostgreSQL target reads at begin and treats as
     * this import's own: owners, grants, sequence values */
    int resume;
    int require_empty; /* refuse when a table of the file exists and holds rows */
    /* --untrusted: run no SQL text from the file (defaults, CHECKs,
     * generated columns, index expressions and predicates, views,
     * triggers); what is left out is counted in the warnings. */
    int untrusted;
    /* --no-origin: no _dbexport_origin table; what it would have kept is
     * counted in a warning */
    int no_origin;
    /* --privileges: apply the file's owners and grants (PostgreSQL) */
    int privileges;
    /* --clean: drop the file's tables that exist before creating them */
    int clean;
    /* --max-errors: a row the target refuses (a value it cannot hold, a
     * constraint it breaks) is left out and handed to reject, with the
     * table's row number (as rows were given), the column blamed or NULL,
     * and why; reject returns -1 to fail the import instead. NULL: all or
     * nothing. */
    int (*reject)(void *ctx, uint64_t row, const char *column, const char *why);
    void *reject_ctx;
    /* --sql-file: where the statements that change the schema are written
     * (the driver opens and closes it), or NULL */
    struct db_sql_log *sql_log;
    /* --extension=NAME: extensions the user allows to be created besides
     * those the file's column types need (NULL-terminated, or NULL). */
    const char *const *extensions;
    /* --trust-function=NAME: file functions ("name" in any schema, or
     * "schema.name") an import-time expression may call whatever their body
     * (NULL-terminated, or NULL). */
    const char *const *trusted_functions;
} db_target_options;

/* --commit=table|N: the record of an import that commits as it goes,
 * kept in the target (the table DB_PROGRESS_TABLE, docs/USAGE.md) and
 * removed by the commit that ends the import, so that --resume continues a
 * killed or failed one from its last commit. */
#define DB_PROGRESS_TABLE "dbimport_progress"

typedef struct {
    char *table;    /* its key in the file ("ns.name") */
    uint64_t rows;  /* the file's rows of it done (the first rows, in file order) */
    char *last_row; /* a fingerprint of row `rows` (resume.h), or NULL */
    int created;    /* the import created it */
    int done;       /* all its rows are in */
} db_progress_table;

/* An entry of the record that the driver writes and reads back, and the
 * target stores as given: kind "rejected" (a row refused under
 * --max-errors, commit_rejects.h) or "held_rows" (a table that held rows
 * before the import). */
typedef struct {
    char *kind;
    char *name; /* unique within its kind */
    char *detail;
} db_progress_note;

typedef struct {
    db_progress_note *v;
    size_t n;
} db_progress_notes;

typedef struct {
    char *file; /* what identifies the file (resume.h), NULL when none is recorded */
    db_progress_table *tables;
    size_t ntables;
    db_progress_notes notes; /* in the order of their names */
} db_progress;

typedef struct {
    uint64_t rows_read;
    uint64_t rows_written;
    uint64_t rows_updated;  /* of rows_written, --on-conflict=update's updates */
    uint64_t rows_skipped;  /* --on-conflict=skip */
    uint64_t rows_rejected; /* --max-errors: refused by the target, left out */
    uint64_t invalid;       /* values set to NULL or rows left out by --on-invalid */
    int created;            /* the table did not exist */
} db_table_stats;

/* --max-errors: where delete_orphans hands each deleted row's foreign key
 * values (the target's text of them: its integer digits, its uuid case);
 * found returns -1 to fail. At most limit rows are handed over (N + 1:
 * more would be over --max-errors anyway), so memory stays bounded. */
typedef struct {
    int (*found)(void *ctx, const char *const *values);
    void *ctx;
    uint64_t limit;
} db_orphan_sink;

typedef struct db_target_ops {
    const char *backend;
    int (*open)(void **state, const char *locator, const db_target_options *opts);
    /* Starts the transaction (and takes the lock, where there is one). */
    int (*begin)(void *state, const fmt_header *h);
    /* Creates t, or checks that the existing t is compatible. No row of t is
     * written before this returns 0. */
    int (*table_begin)(void *state, const fmt_table *t);
    /* present[i] = 0: the row has no value for column i (use its default). */
    int (*row)(void *state, const fmt_value *values, const unsigned char *present);
    int (*table_end)(void *state, db_table_stats *stats);
    /* After all data: indexes, sequences, native objects, foreign key check. */
    int (*finish)(void *state, const fmt_native_object *objects, size_t nobjects,
                  const fmt_header *h);
    int (*commit)(void *state);
    void (*rollback)(void *state);
    int (*warnings)(void *state, char ***lines, size_t *nlines);
    const char *(*errmsg)(void *state);
    /* For a row error: the column the backend blames, or NULL. */
    const char *(*error_column)(void *state);
    /* For an error found after its row was handed over (a server checks a
     * batch at once): that row's number within the table, else 0. A
     * backend that finds row errors at once leaves this NULL. At most
     * DB_TARGET_MAX_LATE_ROWS rows late. */
    uint64_t (*error_row)(void *state);
    /* Asks the statement running now to stop (SIGINT, SIGTERM): called from
     * a signal handler, so async-signal-safe; the statement then fails and
     * the driver rolls back. NULL when the backend cannot. */
    void (*interrupt)(void *state);
    /* --commit, after begin: the target's progress record into *p, which
     * the caller clears (db_progress_clear): 1, 0 when it has none, -1. */
    int (*progress_read)(void *state, db_progress *p);
    /* --commit: makes what was handed over durable: the rows of the open
     * table (if any) written, the record of the file and of table t stored,
     * with the entries of pending, read once those rows are written (a row
     * the target refuses then, through opts.reject, joins them), COMMIT,
     * and a new transaction begun with the table still open for its next
     * rows. 0 or -1. */
    int (*checkpoint)(void *state, const char *file, const db_progress_table *t,
                      const db_progress_notes *pending);
    /* --commit, before the last commit: the record removed. 0 or -1. */
    int (*progress_remove)(void *state);
    /* --resume: table_begin for a table an earlier run of this import
     * began: it exists; created says whether that run created it (its keys
     * and indexes then come after the data, as for a table created now). */
    int (*table_resume)(void *state, const fmt_table *t, int created);
    /* Before table_begin: for each column of t, the portable type of the
     * target's existing column of that name (FMT_TYPE_COUNT_ when it has
     * none, or no table), for the driver's automatic casts (cast.h). 0 or
     * -1. NULL when the backend stores any value in any column (SQLite). */
    int (*column_hints)(void *state, const fmt_table *t, fmt_type *hints);
    /* --rows-cascade, after the last row: deletes the rows of the table
     * (namespace, name) whose foreign key columns[n] find no row of the
     * parent's ref_columns[n] (a key with a NULL in it refers to nothing);
     * *deleted counts them (with a sink, up to its limit). --max-errors:
     * sink, when not NULL, gets each deleted row's columns[n]; the parent
     * may then be a table the file does not hold (the target's as it is),
     * ref_columns NULL for its primary key, and nothing is deleted when
     * the target has no such table or key. 0 or -1. */
    int (*delete_orphans)(void *state, const char *namespace, const char *name,
                          const char *const *columns, const char *ref_namespace,
                          const char *ref_name, const char *const *ref_columns, size_t n,
                          const db_orphan_sink *sink, uint64_t *deleted);
    /* --max-errors, after table_begin: 1 when the table holds rows (the
     * target's own: none of the file's is written yet), 0, or -1. */
    int (*table_has_rows)(void *state, const char *namespace, const char *name);
    /* --max-errors, after table_begin: each foreign key of the table that
     * the target itself has and checks after the last row (those of an
     * existing table; the file may not declare them) to add(); 0 or -1. */
    int (*own_foreign_keys)(void *state, const char *namespace, const char *name,
                            int (*add)(void *ctx, const fmt_foreign_key *fk), void *ctx);
    void (*close)(void *state);
} db_target_ops;

void db_progress_clear(db_progress *p);
/* A copy of kind, name and detail added to notes: 0, or -1 (no memory). */
int db_progress_notes_add(db_progress_notes *notes, const char *kind, const char *name,
                          const char *detail);
void db_progress_notes_clear(db_progress_notes *notes);

const db_target_ops *db_target_sqlite(void);
/* The locator is a libpq connection string: a URI or key=value pairs. */
const db_target_ops *db_target_pg(void);

#endif
