/* The PostgreSQL target's private state and the functions its rooms share:
 * target.c (ops table, lifecycle, transaction, lock), run.c (running SQL),
 * extensions.c (extensions), user_types.c (enums, domains, composite
 * types), collations.c (a new table's
 * collations checked), ddl.c (CREATE TABLE),
 * existing.c (an existing table checked), copy_in.c (COPY, batches,
 * --on-invalid), post_data.c (keys, indexes, checks, foreign keys,
 * sequences, views and triggers), privileges.c and object_privileges.c
 * (owners and grants). Not for use outside importer/postgres. */
#ifndef PG_TARGET_INTERNAL_H
#define PG_TARGET_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include <libpq-fe.h>

#include "diag.h"
#include "pg_copy_binary.h"
#include "pg_copy_encode.h"
#include "sqlbuf.h"
#include "target.h"

#define DEFAULT_NAMESPACE "public"

typedef enum {
    PHASE_KEYS,
    PHASE_INDEXES,
    PHASE_CHECKS,
    PHASE_FOREIGN_KEYS,
    PHASE_ROW_SECURITY, /* after the data: FORCE would hold the import's own rows to it */
    PHASE_PRIVILEGES,   /* last: owners and grants (--privileges) */
    PHASE_COUNT
} post_phase;

/* A statement for after the data. */
typedef struct {
    post_phase phase;
    char *display; /* the table, for messages */
    char *qname;   /* the table, quoted */
    char *sql;
    char *what; /* "primary key", "index \"i\"" */
    int best_effort;
    int table_existed;
    char contype;      /* 'p', 'u', 'c', 'f'; 'i' for an index */
    char *name;        /* constraint or index name, or NULL */
    char *index_qname; /* 'i': "ns"."name" */
    char *match;       /* unnamed 'u'/'f': the start of pg_get_constraintdef, unquoted */
    int done;          /* run before the rows (--max-errors) */
    /* 'f': the parent, quoted; and whether the child's own btree index
     * leads with the key's one column (the check can merge two indexes) */
    char *ref_qname;
    int child_indexed;
} post_item;

typedef struct {
    char *qname;
    char *display;
    char *column;
    int has_last_value;
    int64_t last_value;
    int exact; /* a new table from PostgreSQL: the sequence continues as it did there */
    /* The application's table: its sequence only moves forward, and only
     * as far as the rows need, never to the file's last_value. */
    int existing;
} sequence_item;

typedef struct {
    char *qname;
    char *display;
    int created; /* by this import: only such a table gets the file's triggers */
    /* COPYs of it with FREEZE and without: all of its rows are frozen,
     * all of its pages all-visible, when only the first counts */
    unsigned frozen_copies, thawed_copies;
} loaded_table;

/* A foreign key of an existing table, dropped while the rows load and
 * added again after them (target_fks.c). */
typedef struct {
    char *table, *display; /* the table: quoted and qualified, and for messages */
    char *name;            /* quoted */
    char *definition;      /* pg_get_constraintdef */
    char *comment;         /* "" for none */
} suspended_fk;

/* --max-errors: a suspended foreign key's columns and parent, so that its
 * orphans can be taken out before it is added again (target_fks.c). */
typedef struct {
    char *table;         /* quoted and qualified, as suspended_fk's */
    fmt_foreign_key key; /* name, columns, ref_namespace, ref_table, ref_columns */
} own_fk;

/* A view over a table --clean dropped, to be created again (clean.c). */
typedef struct {
    char *qname, *display;
    int materialized;
    int lossy; /* it had grants, indexes or triggers, which are not restored */
    char *definition, *owner, *comment, *options;
} dropped_view;
/* One of the file's functions (routines.c). */
typedef enum {
    PG_FUNCTION_PENDING, /* not created yet: its body or signature needs a table */
    PG_FUNCTION_CREATED, /* by this import */
    PG_FUNCTION_KEPT     /* the target has it: the application's, left as it is */
} pg_function_state;

typedef struct {
    const fmt_function *f;
    char *statement; /* the guarded CREATE statement */
    int atomic;      /* a SQL-standard body */
    pg_function_state state;
    char *oid;       /* CREATED: its oid, as text */
    char *signature; /* CREATED: regprocedure text, for messages and COMMENT */
    int checked;     /* 1 while its body is being checked, 2 once it passed (functions.c) */
    int recorded;    /* CREATED, and in the progress record (--commit) */
} pg_function;

typedef struct {
    db_diag diag; /* first: the ops' errmsg and warnings read it (ops.h) */
    PGconn *conn;
    PGcancel *cancel; /* made at open: PQcancel is safe in a signal handler */
    char *masked;     /* the locator with any password masked */
    db_target_options opts;
    int in_transaction;
    char *source_backend;
    int source_is_pg;
    const fmt_header *header;
    char *vector_schema;
    int vector_ready; /* the vector extension is there (and vector_schema known) */
    int origin_kept;  /* a table's _dbexport_origin rows were written (origin.c) */
    /* --no-origin: the tables that would have had rows there, and the first */
    size_t origin_left;
    char *origin_left_first;
    char sqlstate[6];
    char *detail;           /* of the last failed statement */
    char **schemas;         /* namespaces known to exist */
    char **created_schemas; /* those of them this import created */
    size_t ncreated_schemas;
    size_t nschemas;
    unsigned staging_seq;

    /* The table between table_begin and table_end. */
    int table_open;
    int table_existed;
    int partitioned; /* COPY FREEZE cannot load a partitioned table */
    char *display;
    char *qname;
    char *relname; /* its own name, as COPY's error context says it */
    char *staging;
    int staging_indexed; /* its row numbers have an index (merge.c) */
    size_t ncolumns;
    char **columns;
    pg_column_encoding *enc;
    char **type_labels;
    unsigned char *loadable;     /* 0: generated in the target */
    pg_binary_type *bin;         /* each column's binary COPY form (copy_format.c) */
    int binary_table;            /* the rows go by binary COPY (until copy_text_from_row) */
    int copy_binary;             /* the current COPY is FORMAT binary */
    uint64_t copy_text_from_row; /* the row whose value sent the table to text, or 0 */
    char *copy_text_reason;      /* why the rows go by text, for -v */
    unsigned char *mask, *copy_mask, *staged_mask;
    int copy_active;
    uint64_t copy_first_row; /* the table's row number of the COPY's first line */
    uint64_t error_row;      /* the row a COPY error names, for the driver's position */
    uint64_t copy_rows;
    uint64_t staged_rows;
    char **conflict_key;
    size_t nconflict_key;
    db_buf out, line;
    db_table_stats stats;
    /* --on-invalid: the COPY's lines and their rows, to send again */
    db_buf batch;
    uint64_t *batch_rows;
    size_t nbatch, capbatch;
    char *invalid_example; /* the first value the policy handled, for the summary */

    post_item *post;
    size_t npost;
    sequence_item *sequences;
    size_t nsequences;
    loaded_table *tables;
    size_t ntables;
    char **created_sequences; /* by this import: their oids */
    size_t ncreated_sequences;
    char *absent_note; /* an existing table's columns the file lacks, for a warning */
    /* Per column of type "any" (SQLite, no declared type): the numbers its
     * rows held, which a text column keeps as text (a warning at the end). */
    uint64_t *untyped_numbers;
    /* existing tables' foreign keys, dropped for the load (target_fks.c) */
    suspended_fk *fks;
    size_t nfks;
    own_fk *own_fks; /* --max-errors: of fks, the columns */
    size_t nown_fks;
    /* --clean: the tables dropped (quoted names) and the views over them */
    char **cleaned;
    size_t ncleaned;
    dropped_view *dropped_views;
    size_t ndropped_views;
    pg_function *functions; /* the file's, in its order (routines.c) */
    size_t nfunctions;
    /* the file's views and materialized views this import created, with
     * their quoted names (object_privileges.c) */
    const fmt_native_object **created_views;
    char **created_view_names;
    size_t ncreated_views;

    /* --commit and --resume (progress.c) */
    int lock_held;          /* the session's import lock (--commit) */
    int progress_ready;     /* the progress table exists, made or found by this run */
    int resume_table;       /* table_resume: the table exists from an earlier run */
    int resume_created;     /* ... which created it */
    int table_created;      /* the last table begun was created by this import */
    int no_freeze;          /* a commit came since the table was created: no COPY FREEZE */
    char **staging_notnull; /* the staging table's NOT NULLs to drop, to start it again */
    size_t nstaging_notnull;
    /* of created_schemas and created_sequences, the first ones in the
     * record (written by a commit, or read back by --resume) */
    size_t nrecorded_schemas, nrecorded_sequences;
    /* --resume: the oids of the functions the unfinished import created */
    char **resumed_functions;
    size_t nresumed_functions;
} pg_target;

/* ---- progress.c: --commit and --resume ------------------------------------ */

/* COMMIT (the ops' commit): a failed transaction's is an error. 0 or -1. */
int pg_target_commit(void *state);
/* BEGIN and the session settings of every transaction of the import. */
int pg_target_start_transaction(pg_target *st);
int pg_target_progress_read(void *state, db_progress *p);
int pg_target_checkpoint(void *state, const char *file, const db_progress_table *t,
                         const db_progress_notes *pending);
int pg_target_progress_remove(void *state);
/* --resume, in begin before any object is created: the schemas, sequences
 * and functions the unfinished import created, from its record, so that
 * this run takes them for its own, as that one would have. 0 or -1. */
int pg_target_progress_read_created(pg_target *st);
/* 1 if oid (text) is a function the unfinished import created (--resume). */
int pg_target_resumed_function(const pg_target *st, const char *oid);

/* ---- sequences.c: the sequences this import creates ---------------------- */

/* Records the sequence qname (just created) as this import's. 0 or -1. */
int pg_target_note_created_sequence(pg_target *st, const char *qname);
/* 1 if oid (text; NULL: none) is a sequence this import created. */
int pg_target_created_sequence(const pg_target *st, const char *oid);
/* The file's stand-alone sequences the target lacks, created with their
 * options (at begin, before any table's default names one). 0 or -1. */
int pg_target_create_sequences(pg_target *st, const fmt_header *h);
/* Their values, after the data. 0 or -1. */
int pg_target_set_file_sequences(pg_target *st, const fmt_header *h);
/* Their OWNED BY, once the tables exist. 0 or -1. */
int pg_target_own_file_sequences(pg_target *st, const fmt_header *h);

/* ---- target_fks.c: an existing table's foreign keys during the load ------- */

/* Drops the foreign keys of the existing table oid (the current one),
 * remembering them; one the role may not drop stays. 0 or -1. */
int pg_target_suspend_fks(pg_target *st, const char *oid);
/* Adds them all again, as they were; a violation is the error. 0 or -1. */
int pg_target_restore_fks(pg_target *st);
/* existing.c: the ops table's column_hints. */
int pg_target_column_hints(void *state, const fmt_table *t, fmt_type *hints);
/* The ops table's delete_orphans (--rows-cascade). */
int pg_target_delete_orphans(void *state, const char *namespace, const char *name,
                             const char *const *columns, const char *ref_namespace,
                             const char *ref_name, const char *const *ref_columns, size_t n,
                             const db_orphan_sink *sink, uint64_t *deleted);
/* The ops table's own_foreign_keys (--max-errors). */
int pg_target_own_foreign_keys(void *state, const char *namespace, const char *name,
                               int (*add)(void *ctx, const fmt_foreign_key *fk), void *ctx);
/* The ops table's table_has_rows (--max-errors). */
int pg_target_table_has_rows(void *state, const char *namespace, const char *name);
/* A foreign key of table (quoted) dropped for the load, to add again. */
int pg_target_keep_fk(pg_target *st, const char *table, const char *display, const char *name,
                      const char *definition, const char *comment);

/* ---- clean.c: --clean ---------------------------------------------------- */

/* Drops the current table (oid), which exists, with what depends on it set
 * aside; the table is then new (st->table_existed = 0). 0 or -1. */
int pg_target_clean_table(pg_target *st, const char *oid);
/* 1 if --clean dropped the table qname (quoted, qualified). */
int pg_target_was_cleaned(const pg_target *st, const char *qname);
/* --clean: a table dropped (its quoted, qualified name), and a view over
 * one, to be created again at the end: qname, display, materialized and
 * lossy ("t" or "f"), definition, owner, comment (or NULL), options. Kept
 * by clean.c, and read back from the progress record by a resumed run. 0
 * or -1. */
int pg_target_keep_cleaned(pg_target *st, const char *qname);
int pg_target_keep_view(pg_target *st, const char *const parts[8]);
/* The views clean_table dropped, created again unless the file made them. */
int pg_target_restore_views(pg_target *st);
void pg_target_free_clean(pg_target *st);
void pg_target_free_fks(pg_target *st);

/* ---- run.c: every statement goes through here ---------------------------- */

/* The connection's last message without "ERROR:  " and the final newline
 * (allocated; NULL when memory ran out). */
char *pg_target_connection_message(PGconn *conn);
/* Records the failure of res (or of the connection) in st->diag,
 * st->sqlstate and st->detail. Returns -1. */
int pg_target_record_failure(pg_target *st, const PGresult *res);
/* Whether the last failure means the connection is gone. */
int pg_target_connection_lost(const pg_target *st);
/* Runs sql with text parameters. Returns 0 (the result in *out when out is
 * given, else cleared) or -1 with the failure recorded. */
int pg_target_run(pg_target *st, const char *sql, int nparams, const char *const *params,
                  PGresult **out);
/* Runs the buffer's statement and frees the buffer. */
int pg_target_run_buf(pg_target *st, db_buf *b);
/* One value: 1 if the query gave a row (its first field copied to *value
 * when value is given), 0 if none, -1 on error. */
int pg_target_query_value(pg_target *st, const char *sql, int nparams, const char *const *params,
                          char **value);
/* Runs sql under a savepoint: a failure is undone and left in st->diag
 * (returns 1) instead of aborting the transaction. */
int pg_target_run_try(pg_target *st, const char *sql);
/* origin.c: what a SQLite export says of table t that PostgreSQL cannot
 * hold, into the _dbexport_origin table of its schema (tools/postgres/
 * pg_origin.h), right after the table is created. 0 or -1. */
int pg_target_keep_origin(pg_target *st, const fmt_table *t);
/* --no-origin: one warning for what was not kept (origin.c) */
void pg_target_warn_origin_left(pg_target *st);
/* --resume: t, which the unfinished import created, has its rows there
 * (so the SQLite header's fields are kept too). */
void pg_target_origin_resumed(pg_target *st, const fmt_table *t);
/* schemas.c: the file's schemas, each created unless it exists (not with
 * -t/-T/-n/-N, --data-only or --dry-run); the comment of one this import
 * created. 0 or -1. */
int pg_target_create_file_schemas(pg_target *st, const fmt_header *h);
int pg_target_comment_schema(pg_target *st, const char *name);
/* Creates the schema unless it exists (not in a dry run). */
int pg_target_ensure_schema(pg_target *st, const char *ns);

/* ---- extensions.c: what the header names, before any table --------------- */

int pg_target_prepare_extensions(pg_target *st, const fmt_header *h);
/* The extension a type needs (vector, citext, ...), made ready. */
int pg_target_ensure_for_type(pg_target *st, fmt_type_kind kind, fmt_type_kind element,
                              const char *native_type);

/* ---- routines.c: the file's functions and procedures --------------------- */

/* In begin, after the types: each function the target lacks is created
 * (string bodies unchecked, as pg_restore does: check_function_bodies off),
 * one whose body or signature needs a table waits; each is checked in the
 * catalog after CREATE. 0 or -1. */
int pg_target_create_functions(pg_target *st, const fmt_header *h);
/* After a new table and at finish: the waiting ones that can be created
 * now (at finish, all of them, or an error). 0 or -1. */
int pg_target_create_pending_functions(pg_target *st, int last);
/* 1 if some function still waits (a probe the server cannot build may be
 * for want of it: functions.c then refuses). */
int pg_target_functions_pending(const pg_target *st);
/* The function this import created with oid (text), or NULL. */
pg_function *pg_target_created_function(pg_target *st, const char *oid);
/* 1 if --trust-function names fn. */
int pg_target_function_trusted(const pg_target *st, const pg_function *fn);
void pg_target_free_functions(pg_target *st);

/* ---- user_types.c: enums, domains, composite types, before any table ----- */

/* Each type the header names: checked when the target has it, else
 * created (enums, then domains, then composite types) with its comment. */
int pg_target_prepare_user_types(pg_target *st, const fmt_header *h);
/* The extensions t's column types need (vector, citext, ...), listed or
 * not; the file's list alone never creates one. */
int pg_target_ensure_extensions_for(pg_target *st, const fmt_table *t);

/* ---- collations.c: what a new table's collations need ------------------------ */

/* Every collation t's columns and index parts name exists in the target
 * (from PostgreSQL; another backend's are not carried): else an error
 * naming it, before the table is created. */
int pg_target_check_collations(pg_target *st, const fmt_table *t);

/* ---- ddl.c: a new table ---------------------------------------------------- */

/* CREATE TABLE (columns only), its sequences and partitions; fills the
 * columns' COPY encodings. */
int pg_target_create_table(pg_target *st, const fmt_table *t);
/* Column i's PostgreSQL type, for messages (copied). */
int pg_target_set_type_label(pg_target *st, size_t i, const char *label);
/* The column's PostgreSQL type: a PostgreSQL file's native_type, or a SQLite
 * file's postgresql_type (a column a PostgreSQL export made); NULL if none. */
const char *pg_target_native_type(const pg_target *st, const fmt_column *c);
/* The encodings of a table a dry run does not create: from the file. */
int pg_target_encodings_from_file(pg_target *st, const fmt_table *t);

/* ---- functions.c: what the file's expressions may call ----------------------- */

/* The new table's defaults and generation expressions, right after CREATE
 * TABLE and before any row: each calls only allowed functions. */
int pg_target_check_defaults(pg_target *st, const fmt_table *t);
/* The CHECKs and index expressions that run after the data, resolved on
 * the still empty table. */
int pg_target_check_post_expressions(pg_target *st, const fmt_table *t);
/* The new partitioned table's key, and a partition's bound before the
 * partition is created (what: "table \"t\": partition \"p\"'s bound"):
 * they may call what a CHECK may. */
int pg_target_check_partition_key(pg_target *st);
int pg_target_check_bound(pg_target *st, const char *bound, const char *what);
/* A domain just created: its default and CHECKs. */
int pg_target_check_domain(pg_target *st, const char *ns, const char *name);

/* ---- existing.c: a table the target has ------------------------------------ */

/* Whether the target has t: *oid set (allocated) when it has a table of
 * that name; an error when the name is taken by something else, or, under
 * --require-empty, by a table that holds rows. */
int pg_target_find_table(pg_target *st, const fmt_table *t, char **oid);
/* Checks that the file's columns fit the existing table (oid) and fills
 * their encodings; *notnull_cols gets the target's NOT NULL columns. */
int pg_target_check_existing(pg_target *st, const fmt_table *t, const char *oid,
                             char ***notnull_cols, size_t *nnotnull);
/* The conflict target for --on-conflict=update, into st->conflict_key. */
int pg_target_conflict_key(pg_target *st, const char *oid);

/* ---- copy_format.c: binary or text COPY ---------------------------------- */

/* At table_begin, once the table exists: binary COPY when every column the
 * rows fill has an exact binary form (st->bin, st->binary_table). 0 or -1. */
int pg_target_choose_copy_format(pg_target *st);
/* A value of column (at row st->stats.rows_read) has no exact binary form:
 * the rest of the table goes by text. 0 or -1. */
int pg_target_copy_text_from(pg_target *st, const char *column);
/* -v: the format the table's rows went in, on stderr. */
void pg_target_note_copy_format(const pg_target *st);

/* ---- copy_in.c: the rows ----------------------------------------------------- */

void pg_target_abort_copy(pg_target *st);
/* A temporary table the rows go to first when --on-conflict merges them. */
int pg_target_start_staging(pg_target *st, char *const *notnull_cols, size_t nnotnull);
/* Ends the current COPY; under --on-invalid, sends a batch again until the
 * server takes it. */
int pg_target_end_copy(pg_target *st);
/* --max-errors: the staging table's column with each row's number in the
 * table (its last COPY field), so a row the merge refuses is known. */
#define PG_STAGING_ROW "dbimport_staging_row"
/* merge.c: moves the staged rows into the table, ON CONFLICT deciding per
 * row; under --max-errors a row the merge refuses is left out. 0 or -1. */
int pg_target_merge_staging(pg_target *st);
/* --max-errors: merges the rows staged so far, after a COPY batch, so
 * that a row the merge refuses is still among the rows whose places the
 * driver remembers (DB_TARGET_MAX_LATE_ROWS). 0 or -1. */
int pg_target_merge_batch(pg_target *st);
/* The ops table's row(). */
int pg_target_row(void *state, const fmt_value *values, const unsigned char *present);

/* ---- post_data.c: after the data --------------------------------------------- */

/* Keys, indexes, checks and foreign keys of t, kept for finish. */
int pg_target_collect_post_data(pg_target *st, const fmt_table *t);
/* post_data.c: one statement for after the data (sql is taken). */
int pg_target_add_post(pg_target *st, post_phase phase, db_buf *sql, const char *what);
/* --commit=table|N: the open table's keys, indexes and CHECKs, at its end
 * (post_data.c). 0 or -1. */
int pg_target_run_table_post_data(pg_target *st);
/* --resume: marks those of the open table done that an earlier run of
 * this import made; the others are made as for a new table. 0 or -1. */
int pg_target_skip_made_table_post_data(pg_target *st);

/* ---- exclusion.c: EXCLUDE constraints from their parts -------------------- */

/* The ALTER TABLE ... ADD ... EXCLUDE of each of t's exclusion constraints,
 * for after the data (another backend's: a warning). 0 or -1. */
int pg_target_collect_exclusions(pg_target *st, const fmt_table *t);
/* An element before WITH ("col" or (expression), and its opclass), and
 * its OPERATOR(schema.op): for the statement and the call checks. */
void pg_target_exclusion_element(db_buf *b, const fmt_exclusion_element *e);
void pg_target_exclusion_operator(db_buf *b, const fmt_exclusion_element *e);
/* row_security.c: ENABLE/FORCE ROW LEVEL SECURITY and the policies of a
 * table this import creates, for after the data. 0 or -1. */
int pg_target_collect_row_security(pg_target *st, const fmt_table *t);
/* privileges.c: the owner and grants of a table this import creates, for
 * after the data (with --privileges; a warning without it). 0 or -1. */
int pg_target_collect_privileges(pg_target *st, const fmt_table *t);
/* 1 if role exists in the target (or is "public"), 0 if not, -1 on error. */
int pg_target_role_exists(pg_target *st, const char *role);
/* PUBLIC for "public", else the role's name quoted. */
void pg_target_add_grantee(db_buf *b, const char *role);
/* 1 when the importing role may hand an object to owner (a member of it);
 * 0 when not, warned as 'SUBJECT: owner "o" not set: why'; -1 on error. */
int pg_target_owner_settable(pg_target *st, const char *subject, const char *owner);
/* object_privileges.c: the owners and grants of the views, materialized
 * views, stand-alone sequences and functions this import created, last
 * of all (with --privileges; a warning without it). 0 or -1. */
int pg_target_apply_object_privileges(pg_target *st);
/* A view or materialized view of the file this import created, as its
 * qualified name (a copy is kept), for the privileges above. 0 or -1. */
int pg_target_note_created_view(pg_target *st, const fmt_native_object *o, const char *qname);
void pg_target_free_created_views(pg_target *st);
/* functions.c: what an expression over the current table calls, checked
 * as a CHECK's is (what names it for the message). 0 or -1. */
int pg_target_check_table_expression(pg_target *st, const char *expression, const char *what);
/* What the rewrite rule of the view qname (a materialized view created
 * WITH NO DATA) calls, checked as a CHECK's expression is. 0 or -1. */
int pg_target_check_relation_rule(pg_target *st, const char *qname, const char *what);
/* A materialized view of the file (matviews.c): guarded, created WITH NO
 * DATA, checked, indexed, refreshed, commented. 0 or -1. */
int pg_target_create_matview(pg_target *st, const fmt_native_object *o);
/* t's identity and serial sequences, kept for finish. */
int pg_target_collect_sequences(pg_target *st, const fmt_table *t);
int pg_target_run_post_data(pg_target *st);
/* --max-errors: the current new table's keys and CHECKs, before its rows,
 * so that the server refuses a duplicate or a failed CHECK row by row. */
int pg_target_run_early_constraints(pg_target *st);
int pg_target_set_sequences(pg_target *st);
int pg_target_create_native_objects(pg_target *st, const fmt_native_object *objects, size_t n);
/* Frees what the collect functions kept. */
void pg_target_free_post_data(pg_target *st);

#endif
