/* --commit=table|N and --resume on SQLite: the record of an import that
 * commits as it goes is the table main.dbimport_progress, shaped as on
 * PostgreSQL (importer/postgres/progress.c) without foreign key entries:
 * SQLite's are off for the load and checked at the end, nothing is
 * dropped. The driver's own entries ("rejected", "held_rows") as there. Written in the transaction
 * of each commit point, dropped in the one that ends the import. */
#include "sqlite_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define PROGRESS "main.\"" DB_PROGRESS_TABLE "\""

/* One statement with ?1..?n bound to texts (NULL binds NULL), not written
 * to --sql-file: the table is the tool's, not the schema's. */
static int run(sqlite_target *st, const char *sql, const char *const *args, int n)
{
    sqlite3_stmt *stmt = NULL;
    if (sqlite3_prepare_v2(st->db, sql, -1, &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return db_error(&st->diag, "the progress record %s: %s", PROGRESS, sqlite3_errmsg(st->db));
    }
    for (int i = 0; i < n; i++)
        sqlite3_bind_text(stmt, i + 1, args[i], -1, SQLITE_STATIC);
    int rc = sqlite3_step(stmt);
    sqlite3_finalize(stmt);
    if (rc != SQLITE_DONE)
        return db_error(&st->diag, "the progress record %s: %s", PROGRESS, sqlite3_errmsg(st->db));
    return 0;
}

static int put_entry(sqlite_target *st, const char *kind, const char *name, uint64_t rows,
                     int created, int done, const char *detail)
{
    char nrows[24];
    snprintf(nrows, sizeof nrows, "%llu", (unsigned long long)rows);
    const char *args[] = {kind, name, nrows, created ? "1" : "0", done ? "1" : "0", detail};
    return run(st,
               "INSERT OR REPLACE INTO " PROGRESS " VALUES (?1, ?2, CAST(?3 AS INTEGER), "
               "CAST(?4 AS INTEGER), CAST(?5 AS INTEGER), ?6)",
               args, 6);
}

static int add_table(sqlite_target *st, db_progress *p, sqlite3_stmt *stmt)
{
    db_progress_table *grown = realloc(p->tables, (p->ntables + 1) * sizeof *grown);
    if (!grown)
        return db_oom(&st->diag);
    p->tables = grown;
    db_progress_table *t = &grown[p->ntables++];
    memset(t, 0, sizeof *t);
    const char *name = (const char *)sqlite3_column_text(stmt, 1);
    const char *detail = (const char *)sqlite3_column_text(stmt, 5);
    t->table = strdup(name ? name : "");
    t->rows = (uint64_t)sqlite3_column_int64(stmt, 2);
    t->created = sqlite3_column_int(stmt, 3) != 0;
    t->done = sqlite3_column_int(stmt, 4) != 0;
    t->last_row = detail ? strdup(detail) : NULL;
    if (!t->table || (detail && !t->last_row))
        return db_oom(&st->diag);
    return 0;
}

int sqlite_tgt_progress_read(void *state, db_progress *p)
{
    sqlite_target *st = state;
    sqlite3_stmt *stmt = NULL;
    int rc = 0, step;
    if (sqlite3_table_column_metadata(st->db, "main", DB_PROGRESS_TABLE, NULL, NULL, NULL, NULL,
                                      NULL, NULL) != SQLITE_OK)
        return 0;
    if (sqlite3_prepare_v2(st->db,
                           "SELECT kind, name, rows_done, created, done, detail FROM " PROGRESS
                           " ORDER BY kind, name",
                           -1, &stmt, NULL) != SQLITE_OK) {
        sqlite3_finalize(stmt);
        return db_error(&st->diag, "cannot read the progress record %s: %s", PROGRESS,
                        sqlite3_errmsg(st->db));
    }
    while (rc == 0 && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *kind = (const char *)sqlite3_column_text(stmt, 0);
        const char *detail = (const char *)sqlite3_column_text(stmt, 5);
        if (kind && strcmp(kind, "file") == 0) {
            free(p->file);
            rc = (p->file = strdup(detail ? detail : "")) ? 0 : db_oom(&st->diag);
        } else if (kind && strcmp(kind, "table") == 0) {
            rc = add_table(st, p, stmt);
        } else if (kind && (strcmp(kind, "rejected") == 0 || strcmp(kind, "held_rows") == 0)) {
            const char *name = (const char *)sqlite3_column_text(stmt, 1);
            rc = db_progress_notes_add(&p->notes, kind, name ? name : "", detail) < 0
                     ? db_oom(&st->diag)
                     : 0;
        } else {
            rc = db_error(&st->diag, "%s: an entry of unknown kind \"%s\" (a newer dbimport's?)",
                          PROGRESS, kind ? kind : "");
        }
    }
    if (rc == 0 && step != SQLITE_DONE)
        rc = db_error(&st->diag, "cannot read the progress record %s: %s", PROGRESS,
                      sqlite3_errmsg(st->db));
    sqlite3_finalize(stmt);
    if (rc == 0 && !p->file)
        return db_error(&st->diag, "%s names no file: it is not a record dbimport wrote", PROGRESS);
    st->progress_ready = rc == 0;
    return rc < 0 ? -1 : 1;
}

int sqlite_tgt_checkpoint(void *state, const char *file, const db_progress_table *t,
                          const db_progress_notes *pending)
{
    sqlite_target *st = state;
    if (st->opts.dry_run)
        return 0;
    if (!st->progress_ready &&
        run(st,
            "CREATE TABLE IF NOT EXISTS " PROGRESS " (kind TEXT NOT NULL, name TEXT NOT NULL, "
            "rows_done INTEGER NOT NULL DEFAULT 0, created INTEGER NOT NULL DEFAULT 0, done "
            "INTEGER NOT NULL DEFAULT 0, detail TEXT, PRIMARY KEY (kind, name))",
            NULL, 0) < 0)
        return -1;
    st->progress_ready = 1;
    if (put_entry(st, "file", "file", 0, 0, 0, file) < 0 ||
        (t &&
         put_entry(st, "table", t->table, t->rows, st->table_created, t->done, t->last_row) < 0))
        return -1;
    for (size_t i = 0; pending && i < pending->n; i++)
        if (put_entry(st, pending->v[i].kind, pending->v[i].name, 0, 0, 0, pending->v[i].detail) <
            0)
            return -1;
    for (size_t i = 0; i < INSERT_CACHE; i++)
        if (st->cache[i].stmt)
            sqlite3_reset(st->cache[i].stmt);
    if (st->key_probe)
        sqlite3_reset(st->key_probe);
    if (sqlite_tgt_commit_now(st) < 0)
        return -1;
    st->committed = 1; /* from now on the file is kept for --resume */
    if (run(st, "BEGIN IMMEDIATE", NULL, 0) < 0)
        return -1;
    st->in_transaction = 1;
    return 0;
}

int sqlite_tgt_progress_remove(void *state)
{
    sqlite_target *st = state;
    if (st->opts.dry_run || !st->progress_ready)
        return 0;
    if (run(st, "DROP TABLE " PROGRESS, NULL, 0) < 0)
        return -1;
    st->progress_ready = 0;
    return 0;
}
