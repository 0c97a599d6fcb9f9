/* One table between table_begin and table_end: its name in SQLite (which
 * has no schemas), the per-table state, and whether it is created or an
 * existing one is checked (existing.c). */
#include "sqlite_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sqlite_guard.h"
#include "sqlite_ddl.h"
#include "strlist.h"

void sqlite_tgt_table_reset(sqlite_target *st)
{
    for (size_t i = 0; i < INSERT_CACHE; i++) {
        sqlite3_finalize(st->cache[i].stmt);
        free(st->cache[i].mask);
        st->cache[i].stmt = NULL;
        st->cache[i].mask = NULL;
    }
    st->next_evict = 0;
    sqlite3_finalize(st->key_probe);
    st->key_probe = NULL;
    free(st->table);
    fmt_strings_free(st->columns, st->ncolumns);
    fmt_strings_free(st->conflict_key, st->nconflict_key);
    free(st->insertable);
    free(st->is_key);
    free(st->text_column);
    free(st->mask);
    st->table = NULL;
    st->columns = NULL;
    st->conflict_key = NULL;
    st->insertable = st->is_key = st->text_column = st->mask = NULL;
    st->ncolumns = st->nconflict_key = 0;
    st->table_open = 0;
    memset(&st->stats, 0, sizeof st->stats);
}

/* The per-table arrays for t's columns. */
static int table_state(sqlite_target *st, const fmt_table *t)
{
    st->ncolumns = t->ncolumns;
    st->table = strdup(t->name);
    st->columns = calloc(t->ncolumns + 1, sizeof *st->columns);
    st->insertable = calloc(t->ncolumns + 1, 1);
    st->is_key = calloc(t->ncolumns + 1, 1);
    st->text_column = calloc(t->ncolumns + 1, 1);
    st->mask = calloc(t->ncolumns + 1, 1);
    if (!st->table || !st->columns || !st->insertable || !st->is_key || !st->text_column ||
        !st->mask)
        return db_oom(&st->diag);
    for (size_t i = 0; i < t->ncolumns; i++) {
        if (!t->columns[i].name)
            return db_error(&st->diag, "table \"%s\": column %zu has no name", t->name, i + 1);
        if (!(st->columns[i] = strdup(t->columns[i].name)))
            return db_oom(&st->diag);
    }
    return 0;
}

/* The columns of a table this import creates: which take values, and
 * which store decimals as their text (the declaration it gives them). */
static void column_classes(sqlite_target *st, const fmt_table *t)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        db_buf decl = {0};
        st->insertable[i] = !t->columns[i].generated_sql;
        /* no declaration at all (decl.buf NULL) is BLOB affinity */
        if (sqlite_tgt_column_declaration(st, t, &t->columns[i], &decl) == 0)
            st->text_column[i] = sqlite_tgt_column_class(decl.buf ? decl.buf : "");
        db_buf_free(&decl);
    }
}

static int create_new(sqlite_target *st, const fmt_table *t, int *autoincrement)
{
    if (st->opts.data_only)
        return db_error(&st->diag, "table \"%s\" does not exist in the target (data only)",
                        t->name);
    if (sqlite_tgt_create_table(st, t, autoincrement) < 0)
        return -1;
    column_classes(st, t);
    st->stats.created = 1;
    return 0;
}

static int has_autoincrement(const char *sql);

/* --resume: a table an earlier run of this import created, loaded on as if
 * created now (its indexes after the data), not created again. */
static int adopt_created(sqlite_target *st, const fmt_table *t, const sqlite_catalog_object *obj,
                         int *autoincrement)
{
    column_classes(st, t);
    *autoincrement = has_autoincrement(obj->sql);
    st->stats.created = 1;
    return 0;
}

/* Whether CREATE TABLE sql declares AUTOINCREMENT, read by the scanner the
 * source reads it with: the word in a name, a string or a comment does not
 * count. A statement it cannot scan (a virtual table) has none. */
static int has_autoincrement(const char *sql)
{
    sqlite_ddl_table ddl;
    char err[256];
    if (!sql || sqlite_ddl_parse_table(&ddl, sql, err, sizeof err) < 0)
        return 0;
    int autoincrement = ddl.autoincrement;
    sqlite_ddl_table_clear(&ddl);
    return autoincrement;
}

static int use_existing(sqlite_target *st, const fmt_table *t, const sqlite_catalog_object *obj,
                        int *autoincrement)
{
    if (st->opts.require_empty && sqlite_tgt_check_empty(st, t, obj) < 0)
        return -1;
    if (sqlite_tgt_check_existing(st, t, obj) < 0)
        return -1;
    *autoincrement = has_autoincrement(obj->sql);
    return 0;
}

/* --on-conflict=update: the key, from the file in a dry run of a new
 * table, else from the target. */
static int conflict_key(sqlite_target *st, const fmt_table *t, int exists)
{
    if (st->opts.dry_run && !exists) {
        const fmt_key *k = t->primary_key ? t->primary_key : t->nuniques ? &t->uniques[0] : NULL;
        for (size_t i = 0; k && i < k->ncolumns; i++)
            if (fmt_strings_push_copy(&st->conflict_key, &st->nconflict_key, k->columns[i]) < 0)
                return db_oom(&st->diag);
    } else if (sqlite_tgt_conflict_key_from_target(st, t->name) < 0) {
        return -1;
    }
    if (st->nconflict_key == 0)
        return db_error(&st->diag,
                        "table \"%s\": --on-conflict=%s needs a primary key or unique "
                        "constraint: without one no row conflicts, and every row of the file "
                        "would be added again",
                        t->name, st->opts.on_conflict == DB_ON_CONFLICT_SKIP ? "skip" : "update");
    for (size_t i = 0; i < t->ncolumns; i++)
        for (size_t k = 0; k < st->nconflict_key; k++)
            if (sqlite3_stricmp(t->columns[i].name, st->conflict_key[k]) == 0)
                st->is_key[i] = 1;
    return 0;
}

/* SQLite keeps no comments: one warning per table says how many. */
static void warn_comments(sqlite_target *st, const fmt_table *t)
{
    size_t n = 0;
    char columns[64] = "";
    for (size_t i = 0; i < t->ncolumns; i++)
        n += t->columns[i].comment != NULL;
    if (n)
        snprintf(columns, sizeof columns, "%s%zu column comment%s", t->comment ? " and " : "", n,
                 n == 1 ? "" : "s");
    if (t->comment || n)
        db_warn(&st->diag, "table \"%s\": %s%s not carried: SQLite keeps no comments", t->name,
                t->comment ? "its comment" : "", columns);
}

/* --clean: the existing table obj dropped, to be created from the file;
 * obj is cleared. */
static int drop_for_clean(sqlite_target *st, sqlite_catalog_object *obj)
{
    /* foreign keys are off for the import; they are checked at the end,
     * every table's, and the table's own triggers go with it */
    db_buf drop = {0};
    db_buf_add(&drop, "DROP TABLE ");
    db_buf_ident(&drop, obj->name);
    int dropped = drop.oom ? db_oom(&st->diag) : sqlite_tgt_exec_one(st, drop.buf, "--clean");
    db_buf_free(&drop);
    if (dropped < 0)
        return -1;
    sqlite_catalog_object_clear(obj);
    memset(obj, 0, sizeof *obj);
    st->cleaned = 1;
    return 0;
}

static int table_begin_named(sqlite_target *st, const fmt_table *t)
{
    sqlite_catalog_object obj = {0};
    int rc = -1, autoincrement = 0, exists = 0;

    if (t)
        warn_comments(st, t);
    if (t && t->row_security)
        db_warn(&st->diag,
                "table \"%s\": row-level security (%s%s, %zu %s) not carried: SQLite has none, "
                "every row is readable",
                t->name, t->row_security->enabled ? "enabled" : "off",
                t->row_security->forced ? ", forced" : "", t->row_security->npolicies,
                t->row_security->npolicies == 1 ? "policy" : "policies");
    if (t && t->privileges)
        db_warn(&st->diag, "table \"%s\": owner and grants not carried: SQLite has no privileges",
                t->name);
    if (t && t->partitioning)
        sqlite_tgt_loss(st, SQLITE_LOSS_PARTITIONING, "table \"%s\" (%s, %zu partitions)", t->name,
                        t->partitioning->strategy ? t->partitioning->strategy : "?",
                        t->partitioning->npartitions);
    sqlite_tgt_table_reset(st);
    free(st->diag.column);
    st->diag.column = NULL;
    if (!t || !t->name) {
        db_error(&st->diag, "a table without a name");
        goto done;
    }
    char why[512];
    if (sqlite_guard_table(t, t->name, st->source_is_sqlite, why, sizeof why) < 0) {
        db_error(&st->diag, "table \"%s\": %s", t->name, why);
        goto done;
    }
    if (table_state(st, t) < 0 ||
        (exists = sqlite_catalog_name_holder(st->db, &st->diag, t->name, "table", &obj)) < 0)
        goto done;
    if (exists && strcmp(obj.type, "table") != 0) {
        db_error(&st->diag, "table \"%s\": the target has a %s of that name", t->name, obj.type);
        goto done;
    }
    int resumed = st->resume_table, created_before = resumed && st->resume_created && exists;
    st->resume_table = st->resume_created = 0;
    if (resumed && !exists) {
        db_error(&st->diag,
                 "table \"%s\": the import being resumed loaded rows into it, but the target "
                 "no longer has it: start again without --resume (after dropping %s)",
                 t->name, DB_PROGRESS_TABLE);
        goto done;
    }
    if (exists && !resumed && st->opts.clean) {
        if (drop_for_clean(st, &obj) < 0)
            goto done;
        exists = 0;
    }
    if (created_before ? adopt_created(st, t, &obj, &autoincrement) < 0
        : exists       ? use_existing(st, t, &obj, &autoincrement) < 0
                       : create_new(st, t, &autoincrement) < 0)
        goto done;
    st->table_created = !exists || created_before;
    /* skip into a table with no key would add every row again; a new
     * table has no rows to conflict with */
    if ((st->opts.on_conflict == DB_ON_CONFLICT_UPDATE ||
         (exists && st->opts.on_conflict == DB_ON_CONFLICT_SKIP)) &&
        conflict_key(st, t, exists) < 0)
        goto done;
    /* Only a table this import created gets the file's indexes: an existing
     * one is the application's, and is never altered. */
    if (!st->opts.data_only && st->table_created && sqlite_tgt_collect_indexes(st, t) < 0)
        goto done;
    if (sqlite_tgt_record_loaded_table(st, t, exists ? obj.name : t->name, st->table_created,
                                       autoincrement) < 0)
        goto done;
    if (st->diag.oom) {
        db_oom(&st->diag);
        goto done;
    }
    st->table_open = 1;
    rc = 0;
done:
    sqlite_catalog_object_clear(&obj);
    return rc;
}

static int has_namespaced_reference(const fmt_table *t)
{
    for (size_t i = 0; i < t->nforeign_keys; i++)
        if (t->foreign_keys[i].ref_namespace)
            return 1;
    return 0;
}

/* A copy of t's foreign keys with "schema.table" for each namespaced
 * reference (those strings are new; the others borrowed from t). */
static fmt_foreign_key *local_foreign_keys(const fmt_table *t)
{
    fmt_foreign_key *fks = calloc(t->nforeign_keys, sizeof *fks);
    for (size_t i = 0; fks && i < t->nforeign_keys; i++) {
        fks[i] = t->foreign_keys[i];
        if (!fks[i].ref_namespace)
            continue;
        size_t n = strlen(fks[i].ref_namespace) + strlen(fks[i].ref_table) + 2;
        char *ref = malloc(n);
        if (!ref) {
            for (size_t j = 0; j < i; j++)
                if (fks[j].ref_table != t->foreign_keys[j].ref_table)
                    free(fks[j].ref_table);
            free(fks);
            return NULL;
        }
        snprintf(ref, n, "%s.%s", fks[i].ref_namespace, fks[i].ref_table);
        fks[i].ref_table = ref;
        fks[i].ref_namespace = NULL;
    }
    return fks;
}

/* SQLite has no schemas: a table from another schema is named by its key
 * in the document, "schema.name" (and foreign keys to it likewise); its
 * schema and name are kept in _dbexport_origin (origin.c). */
static int table_begin_local(sqlite_target *st, const fmt_table *t)
{
    if (!t->namespace && !has_namespaced_reference(t))
        return table_begin_named(st, t);
    fmt_table local = *t;
    fmt_foreign_key *fks = NULL;
    char *key = fmt_table_key(t);
    int rc = -1;
    if (!key)
        return db_oom(&st->diag);
    local.name = key;
    local.namespace = NULL;
    if (t->nforeign_keys) {
        if (!(fks = local_foreign_keys(t)))
            goto done;
        local.foreign_keys = fks;
    }
    rc = table_begin_named(st, &local);
done:
    for (size_t i = 0; fks && i < t->nforeign_keys; i++)
        if (fks[i].ref_table != t->foreign_keys[i].ref_table)
            free(fks[i].ref_table);
    free(fks);
    free(key);
    if (rc < 0 && !st->diag.message)
        db_oom(&st->diag);
    return rc;
}

int sqlite_tgt_table_begin(sqlite_target *st, const fmt_table *t)
{
    if (!t)
        return table_begin_named(st, t);
    st->table_namespace = t->namespace;
    int rc = table_begin_local(st, t);
    st->table_namespace = NULL;
    if (rc < 0 || !st->ntables || !st->tables[st->ntables - 1].created)
        return rc;
    return sqlite_tgt_origin_table(st, t, st->tables[st->ntables - 1].name);
}
