/* --commit=table|N and --resume on PostgreSQL: the record of an import that
 * commits as it goes is the table public.dbimport_progress, one row per
 * entry (docs/USAGE.md, "Resuming"): the file ("file"), each table begun
 * ("table": its key, the file's rows of it done, whether the import created
 * it, whether all its rows are in, a fingerprint of the last row done), and
 * each foreign key of an existing table dropped for the load
 * ("foreign_key", its table, name, definition and comment as a JSON array),
 * so that a resumed run adds it back at the end as the first run would
 * have; with --clean, each table dropped ("cleaned") and each view over
 * one dropped ("view", its parts as a JSON array), created again at the
 * end; the objects other than tables it created ("created_schema" by
 * name, "created_sequence" and "created_function" by oid), so that a
 * resumed run gives them their owners, grants and values as the first
 * would have; and the driver's own entries (target.h: "rejected",
 * "held_rows").
 * It is written in the transaction of each commit point, and dropped
 * in the one that ends the import. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strlist.h"

#define PROGRESS "public." DB_PROGRESS_TABLE

/* The tool's own table, not the schema's: not in --sql-file's script. */
static int ensure_progress_table(pg_target *st)
{
    if (st->progress_ready)
        return 0;
    struct db_sql_log *log = st->opts.sql_log;
    st->opts.sql_log = NULL;
    int rc = 0;
    if (pg_target_run(st,
                      "CREATE TABLE IF NOT EXISTS " PROGRESS " (kind text NOT NULL, name text NOT "
                      "NULL, rows_done bigint NOT NULL DEFAULT 0, created boolean NOT NULL DEFAULT "
                      "false, done boolean NOT NULL DEFAULT false, detail text, PRIMARY KEY (kind, "
                      "name))",
                      0, NULL, NULL) < 0 ||
        pg_target_run(st,
                      "COMMENT ON TABLE " PROGRESS " IS 'dbimport --commit: the record of an "
                      "import that has not finished; dbimport --resume continues it and drops "
                      "this table when it ends'",
                      0, NULL, NULL) < 0)
        rc = db_error(&st->diag, "cannot create the progress table %s: %s", PROGRESS,
                      st->diag.message);
    st->opts.sql_log = log;
    st->progress_ready = rc == 0;
    return rc;
}

static int put_entry(pg_target *st, const char *kind, const char *name, uint64_t rows, int created,
                     int done, const char *detail)
{
    char nrows[24];
    snprintf(nrows, sizeof nrows, "%llu", (unsigned long long)rows);
    const char *params[] = {kind,  name, nrows, created ? "true" : "false", done ? "true" : "false",
                            detail};
    if (pg_target_run(st,
                      "INSERT INTO " PROGRESS " AS p VALUES ($1, $2, $3::int8, $4::bool, $5::bool, "
                      "$6) ON CONFLICT (kind, name) DO UPDATE SET rows_done = EXCLUDED.rows_done, "
                      "created = EXCLUDED.created, done = EXCLUDED.done, detail = EXCLUDED.detail",
                      6, params, NULL) < 0)
        return db_error(&st->diag, "cannot write the progress record: %s", st->diag.message);
    return 0;
}

static int put_foreign_keys(pg_target *st)
{
    for (size_t i = 0; i < st->nfks; i++) {
        const suspended_fk *fk = &st->fks[i];
        const char *params[] = {fk->table, fk->display, fk->name, fk->definition, fk->comment};
        char *json = NULL;
        if (pg_target_query_value(st,
                                  "SELECT pg_catalog.json_build_array($1::text, $2::text, "
                                  "$3::text, $4::text, $5::text)::text",
                                  5, params, &json) <= 0)
            return -1;
        size_t n = strlen(fk->table) + strlen(fk->name) + 2;
        char *name = malloc(n);
        if (name)
            snprintf(name, n, "%s %s", fk->table, fk->name);
        int rc = name ? put_entry(st, "foreign_key", name, 0, 0, 0, json) : db_oom(&st->diag);
        free(name);
        free(json);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* --clean: the tables dropped and the views over them dropped, so that a
 * resumed run creates those views again and leaves the file's own
 * foreign keys of those tables to the file. A view's name is its place in
 * the order they were dropped (restore_views goes backwards). */
static int put_clean(pg_target *st)
{
    for (size_t i = 0; i < st->ncleaned; i++)
        if (put_entry(st, "cleaned", st->cleaned[i], 0, 0, 0, NULL) < 0)
            return -1;
    for (size_t i = 0; i < st->ndropped_views; i++) {
        const dropped_view *v = &st->dropped_views[i];
        const char *params[] = {v->qname,
                                v->display,
                                v->materialized ? "t" : "f",
                                v->lossy ? "t" : "f",
                                v->definition,
                                v->owner,
                                v->comment,
                                v->options};
        char *json = NULL, name[24];
        if (pg_target_query_value(
                st,
                "SELECT pg_catalog.json_build_array($1::text, $2::text, "
                "$3::text, $4::text, $5::text, $6::text, $7::text, $8::text)::text",
                8, params, &json) <= 0)
            return -1;
        snprintf(name, sizeof name, "%010zu", i);
        int rc = put_entry(st, "view", name, 0, 0, 0, json);
        free(json);
        if (rc < 0)
            return -1;
    }
    return 0;
}

/* The schemas, sequences and functions created since the last commit
 * (those before it are in the record already). */
static int put_created(pg_target *st)
{
    for (; st->nrecorded_schemas < st->ncreated_schemas; st->nrecorded_schemas++)
        if (put_entry(st, "created_schema", st->created_schemas[st->nrecorded_schemas], 0, 0, 0,
                      NULL) < 0)
            return -1;
    for (; st->nrecorded_sequences < st->ncreated_sequences; st->nrecorded_sequences++)
        if (put_entry(st, "created_sequence", st->created_sequences[st->nrecorded_sequences], 0, 0,
                      0, NULL) < 0)
            return -1;
    for (size_t i = 0; i < st->nfunctions; i++) {
        pg_function *fn = &st->functions[i];
        if (fn->state != PG_FUNCTION_CREATED || fn->recorded)
            continue;
        if (put_entry(st, "created_function", fn->oid, 0, 0, 0, fn->signature) < 0)
            return -1;
        fn->recorded = 1;
    }
    return 0;
}

int pg_target_progress_read_created(pg_target *st)
{
    if (!st->opts.resume)
        return 0;
    int found = pg_target_query_value(
        st, "SELECT 1 WHERE pg_catalog.to_regclass('" PROGRESS "') IS NOT NULL", 0, NULL, NULL);
    if (found <= 0)
        return found;
    PGresult *res = NULL;
    if (pg_target_run(st,
                      "SELECT kind, name FROM " PROGRESS " WHERE kind IN ('created_schema', "
                      "'created_sequence', 'created_function') ORDER BY kind COLLATE \"C\", "
                      "name COLLATE \"C\"",
                      0, NULL, &res) < 0)
        return db_error(&st->diag, "cannot read the progress record %s: %s", PROGRESS,
                        st->diag.message);
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        const char *kind = PQgetvalue(res, r, 0), *name = PQgetvalue(res, r, 1);
        if (strcmp(kind, "created_schema") == 0)
            rc = fmt_strings_push_copy(&st->created_schemas, &st->ncreated_schemas, name);
        else if (strcmp(kind, "created_sequence") == 0)
            rc = fmt_strings_push_copy(&st->created_sequences, &st->ncreated_sequences, name);
        else
            rc = fmt_strings_push_copy(&st->resumed_functions, &st->nresumed_functions, name);
    }
    PQclear(res);
    if (rc < 0)
        return db_oom(&st->diag);
    st->nrecorded_schemas = st->ncreated_schemas;
    st->nrecorded_sequences = st->ncreated_sequences;
    return 0;
}

int pg_target_resumed_function(const pg_target *st, const char *oid)
{
    for (size_t i = 0; oid && i < st->nresumed_functions; i++)
        if (strcmp(st->resumed_functions[i], oid) == 0)
            return 1;
    return 0;
}

static int add_table(pg_target *st, db_progress *p, PGresult *res, int r)
{
    db_progress_table *grown = realloc(p->tables, (p->ntables + 1) * sizeof *grown);
    if (!grown)
        return db_oom(&st->diag);
    p->tables = grown;
    db_progress_table *t = &grown[p->ntables++];
    memset(t, 0, sizeof *t);
    t->table = strdup(PQgetvalue(res, r, 1));
    t->rows = strtoull(PQgetvalue(res, r, 2), NULL, 10);
    t->created = PQgetvalue(res, r, 3)[0] == 't';
    t->done = PQgetvalue(res, r, 4)[0] == 't';
    t->last_row = PQgetisnull(res, r, 5) ? NULL : strdup(PQgetvalue(res, r, 5));
    if (!t->table || (!PQgetisnull(res, r, 5) && !t->last_row))
        return db_oom(&st->diag);
    return 0;
}

static int read_entry(pg_target *st, db_progress *p, PGresult *res, int r)
{
    const char *kind = PQgetvalue(res, r, 0);
    if (strcmp(kind, "file") == 0) {
        free(p->file);
        p->file = strdup(PQgetisnull(res, r, 5) ? "" : PQgetvalue(res, r, 5));
        return p->file ? 0 : db_oom(&st->diag);
    }
    if (strcmp(kind, "table") == 0)
        return add_table(st, p, res, r);
    if (strcmp(kind, "cleaned") == 0)
        return pg_target_keep_cleaned(st, PQgetvalue(res, r, 1));
    if (strcmp(kind, "view") == 0) {
        const char *parts[8];
        for (int c = 0; c < 8; c++)
            parts[c] = PQgetisnull(res, r, 6 + c) ? NULL : PQgetvalue(res, r, 6 + c);
        if (!parts[0] || !parts[1] || !parts[2] || !parts[3] || !parts[4] || !parts[5] || !parts[7])
            return db_error(&st->diag, "%s: a view entry without its parts", PROGRESS);
        return pg_target_keep_view(st, parts);
    }
    if (strcmp(kind, "rejected") == 0 || strcmp(kind, "held_rows") == 0)
        return db_progress_notes_add(&p->notes, kind, PQgetvalue(res, r, 1),
                                     PQgetvalue(res, r, 5)) < 0
                   ? db_oom(&st->diag)
                   : 0;
    if (strncmp(kind, "created_", 8) == 0)
        return 0; /* read at begin (pg_target_progress_read_created) */
    if (strcmp(kind, "foreign_key") == 0) {
        for (int c = 6; c < 11; c++)
            if (PQgetisnull(res, r, c))
                return db_error(&st->diag, "%s: a foreign_key entry without its parts", PROGRESS);
        return pg_target_keep_fk(st, PQgetvalue(res, r, 6), PQgetvalue(res, r, 7),
                                 PQgetvalue(res, r, 8), PQgetvalue(res, r, 9),
                                 PQgetvalue(res, r, 10));
    }
    return db_error(&st->diag, "%s: an entry of unknown kind \"%s\" (a newer dbimport's?)",
                    PROGRESS, kind);
}

int pg_target_progress_read(void *state, db_progress *p)
{
    pg_target *st = state;
    PGresult *res = NULL;
    int found = pg_target_query_value(
        st, "SELECT 1 WHERE pg_catalog.to_regclass('" PROGRESS "') IS NOT NULL", 0, NULL, NULL);
    if (found <= 0)
        return found;
    if (pg_target_run(st,
                      "SELECT kind, name, rows_done::text, created::text, done::text, detail, "
                      "j->>0, j->>1, j->>2, j->>3, j->>4, j->>5, j->>6, j->>7 FROM " PROGRESS
                      " CROSS JOIN LATERAL (SELECT CASE WHEN kind IN ('foreign_key', 'view') THEN "
                      "detail::json END AS j) AS d ORDER BY kind COLLATE \"C\", name COLLATE \"C\"",
                      0, NULL, &res) < 0)
        return db_error(&st->diag, "cannot read the progress record %s: %s", PROGRESS,
                        st->diag.message);
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++)
        rc = read_entry(st, p, res, r);
    PQclear(res);
    if (rc == 0 && !p->file)
        return db_error(&st->diag, "%s names no file: it is not a record dbimport wrote", PROGRESS);
    st->progress_ready = rc == 0;
    return rc < 0 ? -1 : 1;
}

static int commit_and_begin(pg_target *st)
{
    return pg_target_commit(st) < 0 ? -1 : pg_target_start_transaction(st);
}

static int put_notes(pg_target *st, const db_progress_notes *pending)
{
    for (size_t i = 0; pending && i < pending->n; i++)
        if (put_entry(st, pending->v[i].kind, pending->v[i].name, 0, 0, 0, pending->v[i].detail) <
            0)
            return -1;
    return 0;
}

int pg_target_checkpoint(void *state, const char *file, const db_progress_table *t,
                         const db_progress_notes *pending)
{
    pg_target *st = state;
    int restage = 0;
    if (st->opts.dry_run)
        return 0;
    if (st->table_open) {
        if (pg_target_end_copy(st) < 0)
            return -1;
        if (st->staging) {
            if (pg_target_merge_staging(st) < 0)
                return -1;
            free(st->staging);
            st->staging = NULL;
            st->staged_rows = 0;
            restage = 1;
        }
    }
    if (ensure_progress_table(st) < 0 || put_entry(st, "file", "file", 0, 0, 0, file) < 0 ||
        (t &&
         put_entry(st, "table", t->table, t->rows, st->table_created, t->done, t->last_row) < 0) ||
        put_foreign_keys(st) < 0 || put_clean(st) < 0 || put_created(st) < 0 ||
        put_notes(st, pending) < 0 || commit_and_begin(st) < 0)
        return -1;
    if (restage && pg_target_start_staging(st, st->staging_notnull, st->nstaging_notnull) < 0)
        return -1;
    st->no_freeze = st->table_open; /* a table created before this commit */
    return 0;
}

int pg_target_progress_remove(void *state)
{
    pg_target *st = state;
    if (st->opts.dry_run || !st->progress_ready)
        return 0;
    struct db_sql_log *log = st->opts.sql_log;
    st->opts.sql_log = NULL;
    int rc = pg_target_run(st, "DROP TABLE " PROGRESS, 0, NULL, NULL);
    st->opts.sql_log = log;
    if (rc < 0)
        return db_error(&st->diag, "cannot drop the progress table %s: %s", PROGRESS,
                        st->diag.message);
    st->progress_ready = 0;
    return 0;
}
