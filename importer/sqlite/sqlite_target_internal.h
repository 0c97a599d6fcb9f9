/* The SQLite target's private state and the functions its files share
 * (target.c: ops and lifecycle; statement.c: running SQL; table.c: one
 * table's setup; ddl.c: CREATE TABLE text; existing.c: an existing table's
 * check; insert.c: rows; post_data.c: indexes, counters, views, triggers;
 * fk_check.c: the foreign key check). */
#ifndef DB_SQLITE_TARGET_INTERNAL_H
#define DB_SQLITE_TARGET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <sqlite3.h>

#include "diag.h"
#include "sqlbuf.h"
#include "sqlite_catalog.h"
#include "target.h"

/* Number of INSERT statements kept per table, one per presence mask; the
 * common case is a single mask (every row has every column). */
#define INSERT_CACHE 4

/* The connection's page cache in KiB, and so the memory of each index
 * sort: a bound whatever the size of the file (docs/PERFORMANCE.md). */
#define SQLITE_TGT_CACHE_KIB 16384

typedef struct {
    unsigned char *mask; /* ncolumns bytes; NULL = free slot */
    sqlite3_stmt *stmt;
} cached_insert;

typedef struct {
    char *name;
    char *table;
    char *sql;
    int best_effort; /* from another backend: a statement SQLite rejects is a warning */
} pending_index;

typedef struct {
    char *name;  /* as the target spells it */
    int created; /* by this import: only then does it get the file's indexes, triggers, counter */
    int autoincrement;
    int has_sequence;
    int64_t sequence;
} loaded_table;

/* How a column stores what it is given (see insert.c). */
enum { COLUMN_OTHER, COLUMN_TEXT, COLUMN_BLOB };

/* What another backend's file says that SQLite cannot hold (losses.c). */
typedef enum {
    SQLITE_LOSS_DEFAULT,
    SQLITE_LOSS_GENERATED,
    SQLITE_LOSS_IDENTITY,
    SQLITE_LOSS_COLLATION,
    SQLITE_LOSS_CHECK,
    SQLITE_LOSS_INDEX,
    SQLITE_LOSS_PARTITIONING,
    SQLITE_LOSS_NATIVE,
    SQLITE_LOSS_COMPOSITE,
    SQLITE_LOSS_INDEX_OPTION,
    SQLITE_LOSS_SEQUENCE_OPTION,
    SQLITE_LOSS_EXCLUSION,
    SQLITE_LOSS_MATERIALIZED_VIEW,
    SQLITE_LOSS_COUNT_
} sqlite_loss_kind;

typedef struct {
    size_t count;
    db_buf items; /* the first few, "; "-separated */
} sqlite_loss;

typedef struct {
    db_diag diag; /* first: the ops' errmsg and warnings read it (ops.h) */
    sqlite3 *db;
    char *path;
    db_target_options opts;
    int created_file; /* the file did not exist before open */
    int committed;
    unsigned char *check_skip; /* CHECKs of the table being created that SQLite cannot read */
    char *work_path;           /* a new target is built here and linked into place at commit */
    int in_transaction;
    int foreign_keys_before; /* -1 = not read */
    char *source_backend;
    int source_is_sqlite;
    int cleaned;        /* --clean dropped a table: every table's foreign keys are checked */
    int origin_ready;   /* the _dbexport_origin table is there (origin.c) */
    size_t origin_left; /* --no-origin: the rows it would have had */
    int progress_ready; /* the progress table is there (progress.c) */
    int resume_table;   /* table_resume: the table exists from an earlier run */
    int resume_created; /* ... which created it */
    int table_created;  /* the last table begun was created by this import */
    sqlite_loss losses[SQLITE_LOSS_COUNT_];
    /* The schema of the table being set up (NULL: the default one), whose
     * index names SQLite needs prefixed: they are database-wide there. */
    const char *table_namespace;

    /* The table between table_begin and table_end. */
    int table_open;
    char *table;
    size_t ncolumns;
    char **columns;
    unsigned char *insertable;  /* 0: generated in the target, values are dropped */
    unsigned char *is_key;      /* part of the ON CONFLICT target */
    unsigned char *text_column; /* COLUMN_TEXT: decimals keep their exact text;
                                 * COLUMN_BLOB: no affinity, a -0.0 keeps its sign */
    uint64_t negative_zeros;    /* -0.0 stored as 0 in this table */
    char *invalid_example;      /* the first value --on-invalid handled */
    const char *negative_zero_column;
    unsigned char *mask;
    char **conflict_key;
    size_t nconflict_key;
    cached_insert cache[INSERT_CACHE];
    sqlite3_stmt *key_probe; /* --on-conflict=update: is the row's key there? */
    size_t next_evict;
    db_table_stats stats;

    pending_index *indexes;
    size_t nindexes, capindexes;
    loaded_table *tables;
    size_t ntables, captables;
} sqlite_target;

/* target.c: COMMIT, a failed write's cause named. 0 or -1. */
int sqlite_tgt_commit_now(sqlite_target *st);
/* progress.c: --commit and --resume (target.h) */
int sqlite_tgt_progress_read(void *state, db_progress *p);
int sqlite_tgt_checkpoint(void *state, const char *file, const db_progress_table *t,
                          const db_progress_notes *pending);
int sqlite_tgt_progress_remove(void *state);

/* statement.c */
/* Prepares exactly one statement (text from the file must not smuggle in a
 * second one). 0, or -1 with "what: message" in the diag. */
int sqlite_tgt_prepare_one(sqlite_target *st, const char *sql, const char *what,
                           sqlite3_stmt **out);
/* Runs one statement. 0, -1 if it did not prepare, -2 if it failed when
 * run; the message is in the diag either way. */
int sqlite_tgt_exec_one(sqlite_target *st, const char *sql, const char *what);
/* Runs sql with ?1 bound to arg (when not NULL); *rows = the number of
 * rows it returned. 0 or -1. */
int sqlite_tgt_count_rows(sqlite_target *st, const char *sql, const char *arg, int *rows);
/* Does sql start "CREATE [opt] kind"? Guards verbatim statements from the
 * file: an "index" must create an index, not drop a table. */
int sqlite_tgt_sql_creates(const char *sql, const char *opt1, const char *opt2, const char *kind);
/* "sqlite", "postgres"..., for messages. */
const char *sqlite_tgt_backend_name(const sqlite_target *st);

/* table.c */
int sqlite_tgt_table_begin(sqlite_target *st, const fmt_table *t);
void sqlite_tgt_table_reset(sqlite_target *st);

/* ddl.c */
/* Runs (or in a dry run only compiles) CREATE TABLE for t. */
int sqlite_tgt_create_table(sqlite_target *st, const fmt_table *t, int *autoincrement);
/* The column's SQLite declaration ("" for none) as the file has it: a
 * SQLite file's native_type, or the sqlite_type a PostgreSQL export kept
 * of a column a SQLite export made; NULL when the file has neither. */
static inline const char *sqlite_tgt_declared(const sqlite_target *st, const fmt_column *c)
{
    return st->source_is_sqlite ? c->native_type : c->sqlite_type;
}
/* Appends " TYPE" for c (nothing for a column without a declared type). */
int sqlite_tgt_column_declaration(sqlite_target *st, const fmt_table *t, const fmt_column *c,
                                  db_buf *b);
/* Appends CREATE INDEX for ix on t. */
void sqlite_tgt_index_sql(sqlite_target *st, const fmt_table *t, const fmt_index *ix, db_buf *b);

/* existing.c */
int sqlite_tgt_check_existing(sqlite_target *st, const fmt_table *t,
                              const sqlite_catalog_object *obj);
/* --require-empty: fails if the existing table holds a row. */
int sqlite_tgt_check_empty(sqlite_target *st, const fmt_table *t, const sqlite_catalog_object *obj);
/* The conflict target for --on-conflict=update from the existing table. */
int sqlite_tgt_conflict_key_from_target(sqlite_target *st, const char *table);
/* The ops table's delete_orphans (--rows-cascade, fk_check.c). */
int sqlite_tgt_delete_orphans(void *state, const char *namespace, const char *name,
                              const char *const *columns, const char *ref_namespace,
                              const char *ref_name, const char *const *ref_columns, size_t n,
                              const db_orphan_sink *sink, uint64_t *deleted);

/* The ops table's own_foreign_keys (--max-errors, fk_check.c). */
int sqlite_tgt_own_foreign_keys(void *state, const char *namespace, const char *name,
                                int (*add)(void *ctx, const fmt_foreign_key *fk), void *ctx);
/* The ops table's table_has_rows (--max-errors, fk_check.c). */
int sqlite_tgt_table_has_rows(void *state, const char *namespace, const char *name);

/* insert.c */
int sqlite_tgt_row(void *state, const fmt_value *values, const unsigned char *present);
int sqlite_tgt_table_end(void *state, db_table_stats *stats);
unsigned char sqlite_tgt_column_class(const char *declared);

/* post_data.c */
int sqlite_tgt_collect_indexes(sqlite_target *st, const fmt_table *t);
int sqlite_tgt_record_loaded_table(sqlite_target *st, const fmt_table *t, const char *name,
                                   int created, int autoincrement);
int sqlite_tgt_finish(void *state, const fmt_native_object *objects, size_t nobjects,
                      const fmt_header *h);
void sqlite_tgt_post_data_free(sqlite_target *st);

/* origin.c: what SQLite cannot hold of a PostgreSQL table or header, in
 * the tool's own table (tools/sqlite/sqlite_origin.h). */
int sqlite_tgt_origin_table(sqlite_target *st, const fmt_table *t, const char *sqlite_name);
int sqlite_tgt_origin_types(sqlite_target *st, const fmt_header *h);
/* --no-origin: one warning for what was not kept (origin.c) */
void sqlite_tgt_warn_origin_left(sqlite_target *st);

/* pg_expr.c: a PostgreSQL CHECK expression rewritten exactly for SQLite
 * (`c = ANY (ARRAY['a'::text])` -> `c IN ('a')`); NULL when it has nothing
 * to rewrite or cannot be. Caller frees. */
char *sqlite_tgt_translate_pg_check(const fmt_table *t, const char *expr);

/* losses.c: counts one item SQLite cannot hold; reported by kind. */
void sqlite_tgt_loss(sqlite_target *st, sqlite_loss_kind kind, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* One warning per kind counted since the last report. 0 or -1. */
int sqlite_tgt_report_losses(sqlite_target *st);
void sqlite_tgt_losses_free(sqlite_target *st);

/* fk_check.c */
int sqlite_tgt_check_foreign_keys(sqlite_target *st);

#endif
