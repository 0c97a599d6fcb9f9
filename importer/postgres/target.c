/* pg_target: the PostgreSQL side of dbimport. In one transaction, under an
 * advisory lock: extensions and user types first, then each table created
 * with its columns only (or checked against the existing one) and loaded
 * with COPY, then, as pg_restore does, keys, indexes, checks and foreign
 * keys after the data, sequences moved past the loaded values, views and
 * triggers, ANALYZE. A failure anywhere rolls the whole import back; a lost
 * connection leaves the server to do the same. This file: the ops table
 * and the lifecycle; pg_target_internal.h lists the other rooms. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "cli_pg.h"
#include "ops.h"
#include "pg_guard.h"
#include "pg_sql.h"
#include "strlist.h"
#include "sql_log.h"

/* "dbimport" in ASCII: every import into one database takes this lock, so
 * two imports serialise instead of interleaving their checks and loads. */
#define ADVISORY_LOCK_KEY "7233459870269141620"

static void ignore_notice(void *arg, const char *message)
{
    (void)arg, (void)message;
}

static void table_reset(pg_target *st)
{
    pg_target_abort_copy(st);
    free(st->display);
    free(st->qname);
    free(st->relname);
    free(st->staging);
    fmt_strings_free(st->columns, st->ncolumns);
    fmt_strings_free(st->type_labels, st->ncolumns);
    fmt_strings_free(st->conflict_key, st->nconflict_key);
    free(st->enc);
    free(st->loadable);
    free(st->mask);
    free(st->copy_mask);
    free(st->staged_mask);
    free(st->untyped_numbers);
    st->untyped_numbers = NULL;
    free(st->bin);
    free(st->copy_text_reason);
    db_buf_free(&st->out);
    db_buf_free(&st->line);
    db_buf_free(&st->batch);
    free(st->batch_rows);
    st->batch_rows = NULL;
    st->nbatch = st->capbatch = 0;
    free(st->invalid_example);
    st->invalid_example = NULL;
    free(st->absent_note);
    st->absent_note = NULL;
    fmt_strings_free(st->staging_notnull, st->nstaging_notnull);
    st->staging_notnull = NULL;
    st->nstaging_notnull = 0;
    st->no_freeze = 0;
    st->display = st->qname = st->relname = st->staging = NULL;
    st->columns = st->type_labels = st->conflict_key = NULL;
    st->enc = NULL;
    st->loadable = st->mask = st->copy_mask = st->staged_mask = NULL;
    st->bin = NULL;
    st->copy_text_reason = NULL;
    st->binary_table = st->copy_binary = 0;
    st->copy_text_from_row = 0;
    st->ncolumns = st->nconflict_key = 0;
    st->copy_rows = st->copy_first_row = st->staged_rows = 0;
    st->table_open = st->table_existed = 0;
    memset(&st->stats, 0, sizeof st->stats);
}

static int target_open(void **state, const char *locator, const db_target_options *opts)
{
    pg_target *st = calloc(1, sizeof *st);
    *state = st;
    if (!st)
        return -1;
    if (opts) {
        st->opts = *opts;
    } else {
        st->opts.on_conflict = DB_ON_CONFLICT_ERROR;
        st->opts.single_transaction = 1;
    }
    if (!locator || !*locator)
        return db_error(&st->diag, "no PostgreSQL connection string given");
    st->masked = cli_locator_mask(locator);
    if (!st->masked)
        return db_oom(&st->diag);
    /* Keywords after dbname override what the string itself says. */
    const char *keys[] = {"dbname", "application_name", "client_encoding", NULL};
    const char *values[] = {locator, "dbimport", "UTF8", NULL};
    st->conn = cli_pg_connect(keys, values);
    if (!st->conn || PQstatus(st->conn) != CONNECTION_OK) {
        char *m = pg_target_connection_message(st->conn);
        db_error(&st->diag, "cannot connect to \"%s\": %s", st->masked, m ? m : "out of memory");
        free(m);
        return -1;
    }
    PQsetNoticeProcessor(st->conn, ignore_notice, NULL);
    st->cancel = PQgetCancel(st->conn);
    return 0;
}

/* One import at a time per database: the lock is the transaction's. When
 * another import holds it, says so with that import's server process
 * before waiting, so a user does not take the wait for a hang. */
static int take_import_lock(pg_target *st)
{
    /* --commit: the session's, held across its commits */
    int session = st->opts.commit_as_it_goes;
    char *got = NULL;
    if (session && st->lock_held)
        return 0;
    int rc = pg_target_query_value(
        st,
        session ? "SELECT pg_catalog.pg_try_advisory_lock(" ADVISORY_LOCK_KEY ")::text"
                : "SELECT pg_catalog.pg_try_advisory_xact_lock(" ADVISORY_LOCK_KEY ")::text",
        0, NULL, &got);
    st->lock_held = session && rc > 0 && strcmp(got, "true") == 0;
    int taken = rc > 0 && strcmp(got, "true") == 0;
    free(got);
    if (rc < 0 || taken)
        return rc < 0 ? -1 : 0;
    char *holders = NULL;
    if (pg_target_query_value(
            st,
            "SELECT string_agg(pid::text, ', ' ORDER BY pid)"
            " FROM pg_catalog.pg_locks WHERE locktype = 'advisory' AND granted"
            " AND objsubid = 1 AND database = (SELECT oid FROM pg_catalog.pg_database"
            " WHERE datname = pg_catalog.current_database()) AND (classid::int8 << 32 | "
            "objid::int8) = " ADVISORY_LOCK_KEY,
            0, NULL, &holders) < 0)
        return -1;
    cli_message("note",
                "waiting for another import into this database to finish (server process %s; "
                "see pg_stat_activity)",
                holders && *holders ? holders : "unknown");
    free(holders);
    if (pg_target_run(st,
                      session ? "SELECT pg_catalog.pg_advisory_lock(" ADVISORY_LOCK_KEY ")"
                              : "SELECT pg_catalog.pg_advisory_xact_lock(" ADVISORY_LOCK_KEY ")",
                      0, NULL, NULL) < 0)
        return -1;
    st->lock_held = session;
    return 0;
}

/* SQLite's user_version and application_id (source.user_version,
 * source.application_id) have no place in a PostgreSQL database: one
 * warning says what is left behind. */
static void warn_sqlite_header(pg_target *st, const fmt_header *h)
{
    char uv[48] = "", app[48] = "";
    if (h->has_user_version && h->user_version != 0)
        snprintf(uv, sizeof uv, "PRAGMA user_version = %ld", (long)h->user_version);
    if (h->has_application_id && h->application_id != 0)
        snprintf(app, sizeof app, "PRAGMA application_id = %ld", (long)h->application_id);
    if (*uv || *app)
        db_warn(&st->diag,
                "%s%s%s of the SQLite database not carried: PostgreSQL has no such field, and "
                "this import created no table to keep it beside (_dbexport_origin)",
                uv, *uv && *app ? " and " : "", app);
}

int pg_target_start_transaction(pg_target *st)
{
    if (pg_target_run(st, st->opts.dry_run ? "BEGIN READ ONLY" : "BEGIN", 0, NULL, NULL) < 0)
        return db_error(&st->diag, "cannot start a transaction on \"%s\": %s", st->masked,
                        st->diag.message);
    st->in_transaction = 1;
    static const char *const settings[] = {
        "SET LOCAL DateStyle = 'ISO, YMD'", "SET LOCAL IntervalStyle = 'postgres'",
        "SET LOCAL TimeZone = 'UTC'", "SET LOCAL bytea_output = 'hex'",
        "SET LOCAL search_path = ''"};
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++)
        if (pg_target_run(st, settings[i], 0, NULL, NULL) < 0)
            return db_error(&st->diag, "cannot configure the session: %s", st->diag.message);
    return 0;
}

static int target_begin(void *state, const fmt_header *h)
{
    pg_target *st = state;
    st->header = h;
    int same = db_ops_source_backend(&st->diag, &st->source_backend, h, "postgresql");
    if (same < 0)
        return -1;
    st->source_is_pg = same;
    char why[512];
    if (pg_guard_header(h, why, sizeof why) < 0)
        return db_error(&st->diag, "the file's %s", why);

    if (pg_target_start_transaction(st) < 0)
        return -1;
    /* the script's statements qualify every name, as the import's do */
    db_sql_log_statement(st->opts.sql_log, "SET LOCAL search_path = ''");
    if (!st->opts.dry_run && take_import_lock(st) < 0)
        return db_error(&st->diag, "cannot take the import lock: %s", st->diag.message);
    /* what an unfinished import created is this one's, before it is met */
    if (pg_target_progress_read_created(st) < 0)
        return -1;
    if (pg_target_prepare_extensions(st, h) < 0 || pg_target_create_file_schemas(st, h) < 0 ||
        pg_target_prepare_user_types(st, h) < 0 || pg_target_create_sequences(st, h) < 0 ||
        pg_target_create_functions(st, h) < 0)
        return -1;
    return st->diag.oom ? db_oom(&st->diag) : 0;
}

static int record_loaded_table(pg_target *st)
{
    loaded_table *p = realloc(st->tables, (st->ntables + 1) * sizeof *p);
    if (!p)
        return db_oom(&st->diag);
    st->tables = p;
    p[st->ntables].qname = strdup(st->qname);
    p[st->ntables].display = strdup(st->display);
    p[st->ntables].created = st->table_created;
    p[st->ntables].frozen_copies = p[st->ntables].thawed_copies = 0;
    st->ntables++;
    if (!p[st->ntables - 1].qname || !p[st->ntables - 1].display)
        return db_oom(&st->diag);
    return 0;
}

/* The per-table state for t: names, columns, masks, encodings. */
static int table_state_init(pg_target *st, const fmt_table *t)
{
    const char *ns = t->namespace ? t->namespace : DEFAULT_NAMESPACE;
    st->display = fmt_table_key(t);
    st->partitioned = t->partitioning != NULL;
    st->qname = pg_qualified(ns, t->name);
    st->relname = strdup(t->name);
    st->ncolumns = t->ncolumns;
    st->columns = calloc(t->ncolumns + 1, sizeof *st->columns);
    st->type_labels = calloc(t->ncolumns + 1, sizeof *st->type_labels);
    st->enc = calloc(t->ncolumns + 1, sizeof *st->enc);
    st->loadable = calloc(t->ncolumns + 1, 1);
    st->mask = calloc(t->ncolumns + 1, 1);
    st->copy_mask = calloc(t->ncolumns + 1, 1);
    st->staged_mask = calloc(t->ncolumns + 1, 1);
    if (!st->display || !st->qname || !st->relname || !st->columns || !st->type_labels ||
        !st->enc || !st->loadable || !st->mask || !st->copy_mask || !st->staged_mask)
        return db_oom(&st->diag);
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!t->columns[i].name)
            return db_error(&st->diag, "table \"%s\": column %zu has no name", st->display, i + 1);
        if (!(st->columns[i] = strdup(t->columns[i].name)))
            return db_oom(&st->diag);
        st->loadable[i] = 1;
        st->enc[i].type_label = "?";
        st->enc[i].dimension = -1;
        if (t->columns[i].type.kind == FMT_TYPE_ANY && !st->untyped_numbers &&
            !(st->untyped_numbers = calloc(t->ncolumns + 1, sizeof *st->untyped_numbers)))
            return db_oom(&st->diag);
    }
    for (size_t i = 0; st->untyped_numbers && i < t->ncolumns; i++)
        if (t->columns[i].type.kind != FMT_TYPE_ANY)
            st->untyped_numbers[i] = UINT64_MAX; /* not counted */
    return 0;
}

/* A column without a declared type became text: its numbers are text now,
 * and come back so; said once per column, not in silence. */
static void warn_untyped_numbers(pg_target *st)
{
    for (size_t i = 0; st->untyped_numbers && st->table_created && i < st->ncolumns; i++) {
        uint64_t n = st->untyped_numbers[i];
        if (n && n != UINT64_MAX && strcmp(st->enc[i].type_label, "text") == 0)
            db_warn(&st->diag,
                    "table \"%s\", column \"%s\": %llu number%s stored as text: the column has "
                    "no declared type, and PostgreSQL keeps such a column as text",
                    st->display, st->columns[i], (unsigned long long)n, n == 1 ? "" : "s");
    }
}

/* A generated column of a PostgreSQL file is the target's to fill. */
static void set_loadable(pg_target *st, const fmt_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++)
        st->loadable[i] = !(t->columns[i].generated_sql && st->source_is_pg);
}

static int begin_new_table(pg_target *st, const fmt_table *t)
{
    if (st->opts.data_only)
        return db_error(&st->diag, "table \"%s\" does not exist in the target (data only)",
                        st->display);
    if (pg_target_ensure_extensions_for(st, t) < 0 || pg_target_check_collations(st, t) < 0)
        return -1;
    if (st->opts.dry_run ? pg_target_encodings_from_file(st, t) < 0
                         : pg_target_create_table(st, t) < 0)
        return -1;
    /* a function waiting for this table, before anything calls it */
    if (pg_target_functions_pending(st) && pg_target_create_pending_functions(st, 0) < 0)
        return -1;
    /* What the file's expressions call, before any of them runs: defaults
     * run for the rows, CHECKs and index expressions after them. */
    if (!st->opts.dry_run &&
        (pg_target_check_defaults(st, t) < 0 || pg_target_check_post_expressions(st, t) < 0))
        return -1;
    set_loadable(st, t);
    st->stats.created = 1;
    return 0;
}

/* --resume: a table an earlier run of this import created and committed,
 * rows and all or in part: loaded on as if created now (its keys and
 * indexes after the data), but not frozen, and not created again. */
static int begin_resumed_table(pg_target *st, const fmt_table *t)
{
    if (pg_target_encodings_from_file(st, t) < 0 || pg_target_check_defaults(st, t) < 0 ||
        pg_target_check_post_expressions(st, t) < 0)
        return -1;
    set_loadable(st, t);
    pg_target_origin_resumed(st, t);
    st->stats.created = 1;
    st->no_freeze = 1;
    return 0;
}

static int begin_existing_table(pg_target *st, const fmt_table *t, const char *oid)
{
    char **notnull_cols = NULL;
    size_t nnotnull = 0;
    int rc = -1;
    if (pg_target_check_existing(st, t, oid, &notnull_cols, &nnotnull) < 0)
        goto done;
    /* the application's own foreign keys, checked after the last row, so
     * that the file's table order does not matter */
    if (!st->opts.dry_run && !st->opts.schema_only && pg_target_suspend_fks(st, oid) < 0)
        goto done;
    if (st->opts.on_conflict != DB_ON_CONFLICT_ERROR) {
        if (pg_target_conflict_key(st, oid) < 0)
            goto done;
        if (st->nconflict_key == 0) {
            db_error(&st->diag,
                     "table \"%s\": --on-conflict=%s needs a primary key or unique "
                     "constraint: without one no row conflicts, and every row of the file "
                     "would be added again",
                     st->display, st->opts.on_conflict == DB_ON_CONFLICT_SKIP ? "skip" : "update");
            goto done;
        }
    }
    if (st->opts.on_conflict != DB_ON_CONFLICT_ERROR && !st->opts.dry_run &&
        !st->opts.schema_only && pg_target_start_staging(st, notnull_cols, nnotnull) < 0)
        goto done;
    /* a commit point merges the staged rows and stages anew */
    st->staging_notnull = notnull_cols;
    st->nstaging_notnull = nnotnull;
    notnull_cols = NULL;
    nnotnull = 0;
    rc = 0;
done:
    fmt_strings_free(notnull_cols, nnotnull);
    return rc;
}

static int target_table_begin(void *state, const fmt_table *t)
{
    pg_target *st = state;
    char *oid = NULL;
    int rc = -1;

    table_reset(st);
    free(st->diag.column);
    st->diag.column = NULL;
    if (!t || !t->name)
        return db_error(&st->diag, "a table without a name");
    char why[512];
    if (pg_guard_table(t, st->source_is_pg, why, sizeof why) < 0) {
        char *key = fmt_table_key(t);
        db_error(&st->diag, "table \"%s\": %s", key ? key : t->name, why);
        free(key);
        return -1;
    }
    int resumed = st->resume_table, created_before = resumed && st->resume_created;
    st->resume_table = st->resume_created = 0;
    if (table_state_init(st, t) < 0 || pg_target_find_table(st, t, &oid) < 0)
        goto done;
    if (resumed && !st->table_existed) {
        db_error(&st->diag,
                 "table \"%s\": the import being resumed loaded rows into it, but the target "
                 "no longer has it: start again without --resume (after dropping %s)",
                 st->display, DB_PROGRESS_TABLE);
        goto done;
    }
    if (!resumed && st->table_existed && st->opts.clean && pg_target_clean_table(st, oid) < 0)
        goto done;
    st->table_created = !st->table_existed || created_before;
    if (created_before       ? begin_resumed_table(st, t) < 0
        : !st->table_existed ? begin_new_table(st, t) < 0
                             : begin_existing_table(st, t, oid) < 0)
        goto done;
    /* Keys, indexes and checks go only on a table this import created: an
     * existing one is the application's, and is never altered. */
    if (!st->opts.data_only && st->table_created && pg_target_collect_post_data(st, t) < 0)
        goto done;
    if (created_before && !st->opts.dry_run && pg_target_skip_made_table_post_data(st) < 0)
        goto done;
    if (st->opts.reject && !st->table_existed && !st->opts.dry_run &&
        pg_target_run_early_constraints(st) < 0)
        goto done;
    if (pg_target_collect_sequences(st, t) < 0 || record_loaded_table(st) < 0 ||
        pg_target_choose_copy_format(st) < 0)
        goto done;
    if (st->diag.oom) {
        db_oom(&st->diag);
        goto done;
    }
    st->table_open = 1;
    rc = 0;
done:
    free(oid);
    return rc;
}

static int target_table_resume(void *state, const fmt_table *t, int created)
{
    pg_target *st = state;
    int require_empty = st->opts.require_empty; /* it holds the earlier run's rows */
    st->resume_table = 1;
    st->resume_created = created;
    st->opts.require_empty = 0;
    int rc = target_table_begin(state, t);
    st->opts.require_empty = require_empty;
    return rc;
}

static int target_table_end(void *state, db_table_stats *stats)
{
    pg_target *st = state;
    int rc = 0;
    if (st->table_open && !st->opts.dry_run) {
        if (pg_target_end_copy(st) < 0 || (st->staging && pg_target_merge_staging(st) < 0))
            rc = -1;
        if (rc == 0 && st->opts.commit_as_it_goes && st->table_created && !st->opts.data_only &&
            pg_target_run_table_post_data(st) < 0)
            rc = -1;
    }
    if (stats)
        *stats = st->stats;
    if (rc == 0 && st->table_open)
        pg_target_note_copy_format(st);
    if (rc == 0)
        warn_untyped_numbers(st);
    if (rc == 0 && st->absent_note && st->stats.rows_written)
        db_warn(&st->diag, "table \"%s\": %s (%llu rows)", st->display, st->absent_note,
                (unsigned long long)st->stats.rows_written);
    if (rc == 0 && st->stats.invalid && st->opts.on_invalid == DB_ON_INVALID_NULL)
        db_warn(&st->diag,
                "table \"%s\": %llu value%s the target cannot hold set to NULL "
                "(--on-invalid=null); the first: %s",
                st->display, (unsigned long long)st->stats.invalid,
                st->stats.invalid == 1 ? "" : "s", st->invalid_example ? st->invalid_example : "?");
    else if (rc == 0 && st->stats.invalid)
        db_warn(&st->diag,
                "table \"%s\": %llu row%s with a value the target cannot hold left out "
                "(--on-invalid=skip-row); the first: %s",
                st->display, (unsigned long long)st->stats.invalid,
                st->stats.invalid == 1 ? "" : "s", st->invalid_example ? st->invalid_example : "?");
    if (rc == 0)
        table_reset(st);
    else
        st->table_open = 0;
    return rc;
}

static int target_finish(void *state, const fmt_native_object *objects, size_t nobjects,
                         const fmt_header *h)
{
    pg_target *st = state;
    (void)h; /* the header given to begin decides */
    if (st->table_open)
        table_reset(st);
    if (!st->origin_kept && !st->opts.dry_run)
        warn_sqlite_header(st, st->header);
    pg_target_warn_origin_left(st);
    if (pg_target_create_pending_functions(st, 1) < 0)
        return -1;
    if (!st->opts.dry_run && !st->opts.data_only && pg_target_run_post_data(st) < 0)
        return -1;
    if (pg_target_restore_fks(st) < 0)
        return -1;
    if (!st->opts.dry_run && !st->opts.schema_only && pg_target_set_sequences(st) < 0)
        return -1;
    if (st->header && (pg_target_set_file_sequences(st, st->header) < 0 ||
                       pg_target_own_file_sequences(st, st->header) < 0))
        return -1;
    if (!st->opts.data_only && pg_target_create_native_objects(st, objects, nobjects) < 0)
        return -1;
    if (pg_target_restore_views(st) < 0)
        return -1;
    /* last of all, as pg_restore's ACL entries: every object exists */
    if (!st->opts.data_only && pg_target_apply_object_privileges(st) < 0)
        return -1;
    for (size_t i = 0; !st->opts.dry_run && !st->opts.schema_only && i < st->ntables; i++) {
        db_buf b = {0};
        db_buf_printf(&b, "ANALYZE %s", st->tables[i].qname);
        if (pg_target_run_buf(st, &b) < 0)
            return db_error(&st->diag, "table \"%s\": ANALYZE: %s", st->tables[i].display,
                            st->diag.message);
    }
    return st->diag.oom ? db_oom(&st->diag) : 0;
}

int pg_target_commit(void *state)
{
    pg_target *st = state;
    PGresult *res;
    if (!st->in_transaction)
        return 0;
    if (pg_target_run(st, "COMMIT", 0, NULL, &res) < 0) {
        st->in_transaction = 0;
        return db_error(&st->diag, "cannot commit to \"%s\": %s", st->masked, st->diag.message);
    }
    /* COMMIT of a failed transaction reports ROLLBACK, not an error. */
    int ok = strcmp(PQcmdStatus(res), "COMMIT") == 0;
    PQclear(res);
    st->in_transaction = 0;
    if (!ok)
        return db_error(&st->diag, "cannot commit to \"%s\": the transaction was rolled back",
                        st->masked);
    return 0;
}

static void target_rollback(void *state)
{
    pg_target *st = state;
    if (!st)
        return;
    pg_target_abort_copy(st);
    if (st->in_transaction && st->conn && PQstatus(st->conn) == CONNECTION_OK) {
        PGresult *res = PQexec(st->conn, "ROLLBACK");
        PQclear(res);
    }
    st->in_transaction = 0;
}

static uint64_t target_error_row(void *state)
{
    const pg_target *st = state;
    return st ? st->error_row : 0;
}

/* From a signal handler: PQcancel is async-signal-safe; a waiting lock, an
 * index build or a foreign key check then ends with an error. */
static void target_interrupt(void *state)
{
    pg_target *st = state;
    char errbuf[256];
    if (st && st->cancel)
        (void)PQcancel(st->cancel, errbuf, sizeof errbuf);
}

static void target_close(void *state)
{
    pg_target *st = state;
    if (!st)
        return;
    target_rollback(st);
    table_reset(st);
    if (st->cancel)
        PQfreeCancel(st->cancel);
    if (st->conn)
        PQfinish(st->conn);
    pg_target_free_post_data(st);
    pg_target_free_functions(st);
    for (size_t i = 0; i < st->ntables; i++) {
        free(st->tables[i].qname);
        free(st->tables[i].display);
    }
    free(st->tables);
    fmt_strings_free(st->created_sequences, st->ncreated_sequences);
    free(st->origin_left_first);
    fmt_strings_free(st->resumed_functions, st->nresumed_functions);
    pg_target_free_created_views(st);
    pg_target_free_fks(st);
    pg_target_free_clean(st);
    db_diag_free(&st->diag);
    fmt_strings_free(st->schemas, st->nschemas);
    fmt_strings_free(st->created_schemas, st->ncreated_schemas);
    free(st->masked);
    free(st->source_backend);
    free(st->vector_schema);
    free(st->detail);
    free(st);
}

DB_OPS_DIAG_FIRST(pg_target);

static const db_target_ops pg_target_ops = {
    .backend = "postgresql",
    .open = target_open,
    .begin = target_begin,
    .table_begin = target_table_begin,
    .row = pg_target_row,
    .table_end = target_table_end,
    .finish = target_finish,
    .commit = pg_target_commit,
    .rollback = target_rollback,
    .warnings = db_ops_warnings,
    .errmsg = db_ops_errmsg,
    .error_column = db_ops_error_column,
    .error_row = target_error_row,
    .interrupt = target_interrupt,
    .delete_orphans = pg_target_delete_orphans,
    .table_has_rows = pg_target_table_has_rows,
    .own_foreign_keys = pg_target_own_foreign_keys,
    .column_hints = pg_target_column_hints,
    .progress_read = pg_target_progress_read,
    .checkpoint = pg_target_checkpoint,
    .progress_remove = pg_target_progress_remove,
    .table_resume = target_table_resume,
    .close = target_close,
};

const db_target_ops *db_target_pg(void)
{
    return &pg_target_ops;
}
