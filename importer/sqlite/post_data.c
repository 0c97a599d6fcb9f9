/* After all data: the database header's user_version and application_id,
 * the indexes collected while the tables were set up, AUTOINCREMENT
 * counters, views and triggers, then the foreign key check (fk_check.c).
 * Data first, then what would slow the load down. */
#include "sqlite_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_guard.h"
#include "sqlite_dialect.h"

static int push_index(sqlite_target *st, const fmt_table *t, const fmt_index *ix, db_buf *b)
{
    if (st->nindexes == st->capindexes) {
        size_t cap = st->capindexes ? 2 * st->capindexes : 16;
        pending_index *p = realloc(st->indexes, cap * sizeof *p);
        if (!p) {
            db_buf_free(b);
            return db_oom(&st->diag);
        }
        st->indexes = p;
        st->capindexes = cap;
    }
    pending_index *pi = &st->indexes[st->nindexes];
    int oom = b->oom;
    pi->name = strdup(ix->name);
    pi->table = strdup(t->name);
    pi->sql = db_buf_take(b);
    pi->best_effort = !st->source_is_sqlite;
    st->nindexes++;
    if (!pi->name || !pi->table || !pi->sql || oom)
        return db_oom(&st->diag);
    return 0;
}

static int collect_named_index(sqlite_target *st, const fmt_table *t, const fmt_index *ix)
{
    db_buf b = {0};
    if (st->source_is_sqlite && ix->sql) {
        if (!sqlite_tgt_sql_creates(ix->sql, "UNIQUE", NULL, "INDEX"))
            return db_error(&st->diag,
                            "index \"%s\" on table \"%s\": its SQL does not create an index",
                            ix->name, t->name);
        db_buf_add(&b, ix->sql);
    } else {
        sqlite_tgt_index_sql(st, t, ix, &b);
    }
    return push_index(st, t, ix, &b);
}

/* An index of a table in another schema is named "schema.name": index
 * names are per schema in PostgreSQL but database-wide in SQLite. The
 * export takes the prefix off again (exporter/sqlite/origin.c). */
static int collect_index(sqlite_target *st, const fmt_table *t, const fmt_index *ix)
{
    fmt_index local = *ix;
    char *name = NULL;
    int rc;
    if (st->table_namespace) {
        size_t n = strlen(st->table_namespace) + strlen(ix->name) + 2;
        if (!(name = malloc(n)))
            return db_oom(&st->diag);
        snprintf(name, n, "%s.%s", st->table_namespace, ix->name);
        local.name = name;
    }
    rc = collect_named_index(st, t, &local);
    free(name);
    return rc;
}

int sqlite_tgt_collect_indexes(sqlite_target *st, const fmt_table *t)
{
    for (size_t i = 0; i < t->nindexes; i++) {
        const fmt_index *ix = &t->indexes[i];

        if (!ix->name) {
            db_warn(&st->diag, "table \"%s\": an index without a name is not created", t->name);
            continue;
        }
        if (sqlite_starts_ci(ix->name, "sqlite_"))
            continue; /* SQLite's own, made by a constraint */
        if (collect_index(st, t, ix) < 0)
            return -1;
    }
    return 0;
}

int sqlite_tgt_record_loaded_table(sqlite_target *st, const fmt_table *t, const char *name,
                                   int created, int autoincrement)
{
    if (st->ntables == st->captables) {
        size_t cap = st->captables ? 2 * st->captables : 16;
        loaded_table *p = realloc(st->tables, cap * sizeof *p);
        if (!p)
            return db_oom(&st->diag);
        st->tables = p;
        st->captables = cap;
    }
    loaded_table *lt = &st->tables[st->ntables];
    memset(lt, 0, sizeof *lt);
    lt->name = strdup(name);
    if (!lt->name)
        return db_oom(&st->diag);
    st->ntables++;
    lt->created = created;
    lt->autoincrement = autoincrement;
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        if (c->identity != FMT_IDENTITY_NONE && c->has_last_value) {
            lt->has_sequence = 1;
            lt->sequence = c->last_value;
        }
    }
    return 0;
}

static int create_indexes(sqlite_target *st)
{
    for (size_t i = 0; i < st->nindexes; i++) {
        const pending_index *ix = &st->indexes[i];
        sqlite_catalog_object obj;
        char what[512];

        int found = sqlite_catalog_name_holder(st->db, &st->diag, ix->name, "index", &obj);
        if (found < 0)
            return -1;
        if (found) {
            /* Appending to a table that already has it: nothing to do. */
            if (!(strcmp(obj.type, "index") == 0 && sqlite3_stricmp(obj.table, ix->table) == 0))
                db_warn(&st->diag,
                        "index \"%s\" on table \"%s\" not created: the target has a %s of "
                        "that name",
                        ix->name, ix->table, obj.type);
            sqlite_catalog_object_clear(&obj);
            continue;
        }
        snprintf(what, sizeof what, "index \"%s\" on table \"%s\"", ix->name, ix->table);
        int rc = sqlite_tgt_exec_one(st, ix->sql, NULL);
        if (rc == -1 && ix->best_effort) {
            /* SQL from another dialect that SQLite cannot read */
            char *why = db_error_take(&st->diag);
            sqlite_tgt_loss(st, SQLITE_LOSS_INDEX, "%s: %s", what, why ? why : "");
            free(why);
        } else if (rc < 0) {
            return db_error(&st->diag, "%s: %s", what, db_errmsg(&st->diag));
        }
    }
    return 0;
}

/* Sets one table's counter: update it if it is there, insert it if not. */
static int set_sequence(sqlite_target *st, const loaded_table *lt, sqlite3_stmt *update,
                        sqlite3_stmt *insert)
{
    for (int k = 0; k < 2; k++) {
        sqlite3_stmt *s = k ? insert : update;
        sqlite3_bind_text(s, 1, lt->name, -1, SQLITE_STATIC);
        sqlite3_bind_int64(s, 2, lt->sequence);
        int step = sqlite3_step(s);
        sqlite3_reset(s);
        sqlite3_clear_bindings(s);
        if (step != SQLITE_DONE)
            return db_error(&st->diag, "table \"%s\": cannot set the AUTOINCREMENT counter: %s",
                            lt->name, sqlite3_errmsg(st->db));
    }
    return 0;
}

/* AUTOINCREMENT tables remember their last value even when rows with
 * higher keys are gone; carry it, never lowering what the target has. */
static int set_sequences(sqlite_target *st)
{
    sqlite3_stmt *update = NULL, *insert = NULL;
    int rc = -1;

    for (size_t i = 0; i < st->ntables; i++) {
        const loaded_table *lt = &st->tables[i];
        /* An existing table's counter is SQLite's to keep: the rows written
         * moved it as far as they need, and the file's value could push an
         * application's ids anywhere. */
        if (!lt->created || !lt->autoincrement || !lt->has_sequence)
            continue;
        if (!update &&
            (sqlite_tgt_prepare_one(st,
                                    "UPDATE sqlite_sequence SET seq = max(seq, ?2) WHERE name = ?1",
                                    "cannot set the AUTOINCREMENT counter", &update) < 0 ||
             sqlite_tgt_prepare_one(st,
                                    "INSERT INTO sqlite_sequence (name, seq) SELECT ?1, ?2 WHERE "
                                    "NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = ?1)",
                                    "cannot set the AUTOINCREMENT counter", &insert) < 0))
            goto done;
        if (set_sequence(st, lt, update, insert) < 0)
            goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(update);
    sqlite3_finalize(insert);
    return rc;
}

/* A trigger goes only on a table this import created, or on a view it
 * created (an INSTEAD OF trigger): `made` marks the objects created. */
static int created_here(const sqlite_target *st, const char *table,
                        const fmt_native_object *objects, size_t n, const unsigned char *made)
{
    for (size_t i = 0; table && i < st->ntables; i++)
        if (st->tables[i].created && sqlite3_stricmp(st->tables[i].name, table) == 0)
            return 1;
    for (size_t i = 0; table && i < n; i++)
        if (made[i] && objects[i].kind == FMT_NATIVE_VIEW &&
            sqlite3_stricmp(objects[i].name, table) == 0)
            return 1;
    return 0;
}

/* With -t/-T/-n/-N: a trigger on a table of the file that the selection
 * left out, or on a view left out with it, goes with it (as dbexport -t
 * does), silently. */
static int left_out_with_its_table(const sqlite_target *st, const fmt_native_object *o,
                                   const fmt_native_object *objects, size_t n,
                                   const unsigned char *made)
{
    if (!st->opts.selected || o->kind != FMT_NATIVE_TRIGGER || !o->table)
        return 0;
    for (size_t i = 0; i < st->ntables; i++)
        if (sqlite3_stricmp(st->tables[i].name, o->table) == 0)
            return 0;
    for (size_t i = 0; i < n; i++)
        if (objects[i].kind == FMT_NATIVE_VIEW && sqlite3_stricmp(objects[i].name, o->table) == 0)
            return !made[i];
    return 1;
}

/* The entry is exactly what it claims (docs/SECURITY.md). */
static int guard_native(sqlite_target *st, const fmt_native_object *o, const char *kind,
                        int on_created)
{
    char why[256];
    const char *name = o->name ? o->name : "";
    if (!o->name || !o->sql)
        return db_error(&st->diag, "%s \"%s\": no name or no sql", kind, name);
    if (o->kind == FMT_NATIVE_TRIGGER && !on_created)
        return db_error(&st->diag,
                        "trigger \"%s\": its table \"%s\" is not one this import created; an "
                        "import never adds a trigger to the target's own tables",
                        name, o->table ? o->table : "");
    int rc = o->kind == FMT_NATIVE_VIEW
                 ? sqlite_guard_view(o->sql, o->name, why, sizeof why)
                 : sqlite_guard_trigger(o->sql, o->name, o->table, why, sizeof why);
    if (rc < 0)
        return db_error(&st->diag, "%s \"%s\": sql: %s", kind, name, why);
    return 0;
}

/* With -t/-T/-n/-N, a view just created that reads a table the selection
 * left out (SQLite creates it all the same, and it fails when used) is
 * dropped again, with a warning. 1 dropped, 0 kept, -1. */
static int drop_if_reads_left_out(sqlite_target *st, const fmt_native_object *o)
{
    sqlite3_stmt *probe = NULL;
    db_buf sql = {0};
    db_buf_printf(&sql, "SELECT * FROM main.");
    db_buf_ident(&sql, o->name);
    if (sql.oom)
        return db_oom(&st->diag);
    int bad = sqlite3_prepare_v2(st->db, sql.buf, -1, &probe, NULL) != SQLITE_OK;
    char *why = bad ? db_format("%s", sqlite3_errmsg(st->db)) : NULL;
    sqlite3_finalize(probe);
    db_buf_free(&sql);
    if (!bad)
        return 0;
    if (!why)
        return db_oom(&st->diag);
    int missing = strncmp(why, "no such table", 13) == 0;
    if (missing) {
        db_buf_printf(&sql, "DROP VIEW main.");
        db_buf_ident(&sql, o->name);
        int rc = sql.oom ? db_oom(&st->diag) : sqlite_tgt_exec_one(st, sql.buf, "-t/-T");
        db_buf_free(&sql);
        if (rc < 0 || db_warn(&st->diag, "view \"%s\" not created: %s (left out by -t/-T/-n/-N)",
                              o->name, why) < 0)
            missing = -1;
    }
    free(why);
    return missing;
}

/* One view or trigger, verbatim from an SQLite source: 1 created, 0 not,
 * -1. */
static int create_native_object(sqlite_target *st, const fmt_native_object *o, int on_created)
{
    const char *kind = o->kind == FMT_NATIVE_VIEW ? "view" : "trigger";
    sqlite_catalog_object obj;
    char what[512];

    if (!st->source_is_sqlite) {
        sqlite_tgt_loss(st, SQLITE_LOSS_NATIVE, "%s \"%s\"", kind, o->name ? o->name : "");
        return 0;
    }
    if (guard_native(st, o, kind, on_created) < 0)
        return -1;
    if (st->opts.dry_run)
        return 0;
    int found = sqlite_catalog_name_holder(st->db, &st->diag, o->name, kind, &obj);
    if (found < 0)
        return -1;
    if (found && st->opts.clean && strcmp(obj.type, kind) == 0) {
        /* --clean: the file's view or trigger replaces the target's */
        db_buf drop = {0};
        db_buf_printf(&drop, "DROP %s ", o->kind == FMT_NATIVE_VIEW ? "VIEW" : "TRIGGER");
        db_buf_ident(&drop, obj.name);
        sqlite_catalog_object_clear(&obj);
        int rc = drop.oom ? db_oom(&st->diag) : sqlite_tgt_exec_one(st, drop.buf, "--clean");
        db_buf_free(&drop);
        if (rc < 0)
            return -1;
        found = 0;
    }
    if (found) {
        db_warn(&st->diag, "%s \"%s\" not created: the target has a %s of that name", kind, o->name,
                obj.type);
        sqlite_catalog_object_clear(&obj);
        return 0;
    }
    snprintf(what, sizeof what, "%s \"%s\"", kind, o->name);
    if (sqlite_tgt_exec_one(st, o->sql, what) < 0)
        return -1;
    if (o->kind == FMT_NATIVE_VIEW && st->opts.selected) {
        int dropped = drop_if_reads_left_out(st, o);
        return dropped < 0 ? -1 : !dropped;
    }
    return 1;
}

/* Views first: a trigger may use one, or be on one. */
static int create_native_objects(sqlite_target *st, const fmt_native_object *objects,
                                 size_t nobjects)
{
    static const fmt_native_kind order[] = {FMT_NATIVE_VIEW, FMT_NATIVE_TRIGGER};
    unsigned char *made = calloc(nobjects + 1, 1);
    if (!made)
        return db_oom(&st->diag);
    for (size_t pass = 0; pass < 2; pass++)
        for (size_t i = 0; i < nobjects; i++) {
            const fmt_native_object *o = &objects[i];
            if (o->kind != order[pass] || left_out_with_its_table(st, o, objects, nobjects, made))
                continue;
            int rc = create_native_object(st, o,
                                          o->kind == FMT_NATIVE_TRIGGER &&
                                              created_here(st, o->table, objects, nobjects, made));
            if (rc < 0) {
                free(made);
                return -1;
            }
            made[i] = (unsigned char)rc;
        }
    free(made);
    for (size_t i = 0; i < nobjects; i++) /* PostgreSQL's: SQLite has none */
        if (objects[i].kind == FMT_NATIVE_MATERIALIZED_VIEW)
            sqlite_tgt_loss(st, SQLITE_LOSS_MATERIALIZED_VIEW, "\"%s%s%s\"",
                            objects[i].namespace ? objects[i].namespace : "",
                            objects[i].namespace ? "." : "",
                            objects[i].name ? objects[i].name : "");
    /* their owners and grants join the tables' in one summary line */
    for (size_t i = 0; i < nobjects; i++)
        if (objects[i].kind != FMT_NATIVE_TRIGGER && objects[i].privileges)
            db_warn(&st->diag,
                    "%s \"%s%s%s\": owner and grants not carried: SQLite has no privileges",
                    objects[i].kind == FMT_NATIVE_VIEW ? "view" : "materialized view",
                    objects[i].namespace ? objects[i].namespace : "",
                    objects[i].namespace ? "." : "", objects[i].name ? objects[i].name : "");
    return 0;
}

/* One of SQLite's header fields (user_version, application_id) from the
 * file, in the import's transaction. Like pg_restore, which leaves the
 * target database's own properties alone: set when the target has 0, which
 * a new file always has (an application's non-zero value is its own, a
 * schema version or a file type); a different one is reported and kept. */
static int set_header_field(sqlite_target *st, const char *pragma, int has, int32_t want)
{
    sqlite3_stmt *stmt = NULL;
    char sql[64];
    if (!has || want == 0)
        return 0;
    if (st->opts.data_only)
        return db_warn(&st->diag, "PRAGMA %s = %ld not carried: data only", pragma, (long)want);
    snprintf(sql, sizeof sql, "PRAGMA main.%s", pragma);
    if (sqlite_tgt_prepare_one(st, sql, "cannot read the database header", &stmt) < 0)
        return -1;
    int step = sqlite3_step(stmt);
    int32_t have = step == SQLITE_ROW ? (int32_t)sqlite3_column_int(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    if (step != SQLITE_ROW)
        return db_error(&st->diag, "cannot read PRAGMA %s: %s", pragma, sqlite3_errmsg(st->db));
    if (have == want)
        return 0;
    if (have != 0)
        return db_warn(&st->diag, "PRAGMA %s = %ld not carried: the target has %ld", pragma,
                       (long)want, (long)have);
    snprintf(sql, sizeof sql, "PRAGMA main.%s = %ld", pragma, (long)want);
    return sqlite_tgt_exec_one(st, sql, "cannot set the database header") < 0 ? -1 : 0;
}

int sqlite_tgt_finish(void *state, const fmt_native_object *objects, size_t nobjects,
                      const fmt_header *h)
{
    sqlite_target *st = state;
    sqlite_tgt_table_reset(st);
    if (!st->opts.dry_run && h &&
        (set_header_field(st, "user_version", h->has_user_version, h->user_version) < 0 ||
         set_header_field(st, "application_id", h->has_application_id, h->application_id) < 0))
        return -1;
    if (!st->opts.dry_run && !st->opts.data_only &&
        (create_indexes(st) < 0 || sqlite_tgt_origin_types(st, h) < 0))
        return -1;
    sqlite_tgt_warn_origin_left(st);
    if (!st->opts.dry_run && !st->opts.schema_only && set_sequences(st) < 0)
        return -1;
    /* Data only means no schema objects at all, as with pg_restore -a. */
    if (!st->opts.data_only && create_native_objects(st, objects, nobjects) < 0)
        return -1;
    if (!st->opts.dry_run && !st->opts.schema_only && sqlite_tgt_check_foreign_keys(st) < 0)
        return -1;
    if (sqlite_tgt_report_losses(st) < 0)
        return -1;
    if (st->diag.oom)
        return db_oom(&st->diag);
    return 0;
}

void sqlite_tgt_post_data_free(sqlite_target *st)
{
    for (size_t i = 0; i < st->nindexes; i++) {
        free(st->indexes[i].name);
        free(st->indexes[i].table);
        free(st->indexes[i].sql);
    }
    free(st->indexes);
    for (size_t i = 0; i < st->ntables; i++)
        free(st->tables[i].name);
    free(st->tables);
}
