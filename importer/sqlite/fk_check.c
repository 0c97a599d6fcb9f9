/* The foreign key check after the load (rows arrive in file order, not
 * parents first, so the check runs once over every loaded table) and the
 * message for the first violation, naming the row, its key and the
 * dangling values. */
#include "sqlite_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "strlist.h"

/* Values quoted in a foreign key message are cut to this many bytes. */
#define MESSAGE_VALUE_MAX 60

typedef struct {
    uint64_t total;
    char *table;
    char *parent;
    int has_rowid;
    int64_t rowid;
    int fkid;
} fk_violation;

/* What the message names: the child's key and the foreign key's columns. */
typedef struct {
    char **pk;
    size_t npk;
    char **from; /* borrowed from keys */
    size_t nfrom;
    char **to; /* borrowed from keys, or the parent's key */
    size_t nto;
    char **parent_pk;
    size_t nparent_pk;
    sqlite_catalog_foreign_key *keys;
    size_t nkeys;
} violation_columns;

static void violation_columns_clear(violation_columns *c)
{
    fmt_strings_free(c->pk, c->npk);
    fmt_strings_free(c->parent_pk, c->nparent_pk);
    sqlite_catalog_foreign_keys_free(c->keys, c->nkeys);
    memset(c, 0, sizeof *c);
}

static int read_violation_columns(sqlite_target *st, const fk_violation *v, violation_columns *c)
{
    if (sqlite_catalog_foreign_keys(st->db, &st->diag, v->table, &c->keys, &c->nkeys) < 0 ||
        sqlite_catalog_primary_key(st->db, &st->diag, v->table, &c->pk, &c->npk) < 0)
        return -1;
    for (size_t i = 0; i < c->nkeys; i++) {
        if (c->keys[i].id != v->fkid)
            continue;
        c->from = c->keys[i].columns, c->nfrom = c->keys[i].ncolumns;
        c->to = c->keys[i].ref_columns, c->nto = c->keys[i].nref_columns;
    }
    if (c->nto == 0) {
        if (sqlite_catalog_primary_key(st->db, &st->diag, v->parent, &c->parent_pk,
                                       &c->nparent_pk) < 0)
            return -1;
        c->to = c->parent_pk, c->nto = c->nparent_pk;
    }
    return 0;
}

/* One look at the row for its key and the dangling values (quoted as SQL
 * literals), or NULL when it cannot be read. */
static char **row_values(sqlite_target *st, const fk_violation *v, const violation_columns *c)
{
    db_buf sel = {0};
    sqlite3_stmt *stmt = NULL;
    char **values = NULL;
    size_t n = c->npk + c->nfrom;
    db_buf_add(&sel, "SELECT ");
    for (size_t i = 0; i < n; i++) {
        db_buf_add(&sel, i ? ", quote(" : "quote(");
        db_buf_ident(&sel, i < c->npk ? c->pk[i] : c->from[i - c->npk]);
        db_buf_addc(&sel, ')');
    }
    db_buf_add(&sel, " FROM main.");
    db_buf_ident(&sel, v->table);
    db_buf_add(&sel, " WHERE _rowid_ = ?1");
    if (!sel.oom && n > 0 && sqlite3_prepare_v2(st->db, sel.buf, -1, &stmt, NULL) == SQLITE_OK) {
        sqlite3_bind_int64(stmt, 1, v->rowid);
        if (sqlite3_step(stmt) == SQLITE_ROW) {
            values = calloc(n, sizeof *values);
            for (size_t i = 0; values && i < n; i++)
                values[i] = strdup((const char *)sqlite3_column_text(stmt, (int)i));
        }
    }
    sqlite3_finalize(stmt);
    db_buf_free(&sel);
    return values;
}

static void add_quoted_value(db_buf *b, const char *s)
{
    size_t n = strlen(s ? s : "NULL");
    if (n > MESSAGE_VALUE_MAX) {
        db_buf_addn(b, s, MESSAGE_VALUE_MAX);
        db_buf_add(b, "...");
    } else {
        db_buf_add(b, s ? s : "NULL");
    }
}

/* ": foreign key violation: no row in "p" matching (id) = (99)" */
static void add_reference(db_buf *msg, const fk_violation *v, const violation_columns *c,
                          char **values)
{
    db_buf_add(msg, ": foreign key violation: no row in \"");
    db_buf_add(msg, v->parent);
    db_buf_add(msg, "\" matching ");
    if (c->nto) {
        db_buf_addc(msg, '(');
        for (size_t i = 0; i < c->nto; i++)
            db_buf_add(msg, i ? ", " : ""), db_buf_add(msg, c->to[i]);
        db_buf_addc(msg, ')');
    }
    db_buf_add(msg, values ? (c->nto ? " = (" : "(") : (c->nto ? " for (" : "("));
    for (size_t i = 0; i < c->nfrom; i++) {
        db_buf_add(msg, i ? ", " : "");
        if (values)
            add_quoted_value(msg, values[c->npk + i]);
        else
            db_buf_add(msg, c->from[i]);
    }
    db_buf_addc(msg, ')');
}

/* "table "c", row with rowid 7 (primary key id=5): foreign key violation:
 * no row in "p" matching (id) = (99), and 3 more". Always returns -1. */
static int report_violation(sqlite_target *st, const fk_violation *v)
{
    violation_columns c = {0};
    db_buf msg = {0};
    char **values = NULL;

    if (read_violation_columns(st, v, &c) < 0)
        goto done;
    db_buf_add(&msg, "table \"");
    db_buf_add(&msg, v->table);
    db_buf_addc(&msg, '"');
    if (v->has_rowid) {
        db_buf_printf(&msg, ", row with rowid %lld", (long long)v->rowid);
        values = row_values(st, v, &c);
    }
    if (values && c.npk) {
        db_buf_add(&msg, " (primary key ");
        for (size_t i = 0; i < c.npk; i++) {
            db_buf_add(&msg, i ? ", " : "");
            db_buf_add(&msg, c.pk[i]);
            db_buf_addc(&msg, '=');
            add_quoted_value(&msg, values[i]);
        }
        db_buf_addc(&msg, ')');
    }
    add_reference(&msg, v, &c, values);
    if (v->total > 1)
        db_buf_printf(&msg, ", and %llu more", (unsigned long long)(v->total - 1));
    if (msg.oom)
        db_oom(&st->diag);
    else
        db_error(&st->diag, "%s", msg.buf);
done:
    if (values)
        fmt_strings_free(values, c.npk + c.nfrom);
    violation_columns_clear(&c);
    db_buf_free(&msg);
    return -1;
}

/* Counts the violations in table, keeping the first one found. */
static int check_table(sqlite_target *st, const char *table, fk_violation *v)
{
    sqlite3_stmt *stmt = NULL;
    int rc = -1, step;
    if (sqlite_tgt_prepare_one(
            st, "SELECT \"table\", rowid, parent, fkid FROM pragma_foreign_key_check(?1)", NULL,
            &stmt) < 0)
        goto done;
    if (sqlite3_bind_text(stmt, 1, table, -1, SQLITE_STATIC) != SQLITE_OK) {
        db_error(&st->diag, "%s", sqlite3_errmsg(st->db));
        goto done;
    }
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        if (v->total++ > 0)
            continue;
        v->table = strdup((const char *)sqlite3_column_text(stmt, 0));
        v->parent = strdup((const char *)sqlite3_column_text(stmt, 2));
        v->has_rowid = sqlite3_column_type(stmt, 1) != SQLITE_NULL;
        v->rowid = sqlite3_column_int64(stmt, 1);
        v->fkid = sqlite3_column_int(stmt, 3);
        if (!v->table || !v->parent) {
            db_oom(&st->diag);
            goto done;
        }
    }
    if (step != SQLITE_DONE) {
        db_error(&st->diag, "%s", sqlite3_errmsg(st->db));
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(stmt);
    return rc;
}

/* After --clean dropped a table, the target's other tables that refer to
 * it are checked too: their rows must find their parents in the new one. */
static int check_other_tables(sqlite_target *st, fk_violation *v)
{
    sqlite3_stmt *stmt = NULL;
    int rc = -1, step;
    if (sqlite_tgt_prepare_one(st,
                               "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT "
                               "LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
                               NULL, &stmt) < 0)
        return -1;
    while ((step = sqlite3_step(stmt)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(stmt, 0);
        int loaded = 0;
        for (size_t i = 0; i < st->ntables && !loaded; i++)
            loaded = strcmp(st->tables[i].name, name) == 0;
        if (!loaded && check_table(st, name, v) < 0)
            goto done;
    }
    if (step != SQLITE_DONE) {
        db_error(&st->diag, "%s", sqlite3_errmsg(st->db));
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(stmt);
    return rc;
}

int sqlite_tgt_check_foreign_keys(sqlite_target *st)
{
    fk_violation v = {0};
    int rc = -1;
    for (size_t i = 0; i < st->ntables; i++)
        if (check_table(st, st->tables[i].name, &v) < 0)
            goto done;
    if (st->cleaned && check_other_tables(st, &v) < 0)
        goto done;
    rc = v.total ? report_violation(st, &v) : 0;
done:
    free(v.table);
    free(v.parent);
    return rc;
}

/* SQLite has no schemas: a table of another one is named by its key. */
static void add_table(db_buf *b, const char *namespace, const char *name)
{
    if (!namespace) {
        db_buf_ident(b, name);
        return;
    }
    size_t n = strlen(namespace) + strlen(name) + 2;
    char *key = malloc(n);
    if (!key) {
        b->oom = 1;
        return;
    }
    snprintf(key, n, "%s.%s", namespace, name);
    db_buf_ident(b, key);
    free(key);
}

/* "c.a IS NOT NULL AND NOT EXISTS (SELECT 1 FROM parent p WHERE p.x =
 * c.a)": the rows of child c that are orphans. */
static void add_orphan_condition(db_buf *b, const char *const *columns, const char *ref_namespace,
                                 const char *ref_name, const char *const *ref_columns, size_t n)
{
    db_buf parent = {0};
    add_table(&parent, ref_namespace, ref_name);
    if (parent.oom)
        b->oom = 1;
    else
        db_buf_orphan_condition(b, columns, parent.buf, ref_columns, n);
    db_buf_free(&parent);
}

/* --max-errors: the orphans' values, as SQLite's text of them, up to the
 * sink's limit, read before the DELETE (SQLite would keep all of a
 * RETURNING's rows in memory; nothing else writes in between). */
static int hand_over(sqlite_target *st, const char *sql, size_t n, const db_orphan_sink *sink)
{
    sqlite3_stmt *stmt = NULL;
    const char *values[64];
    uint64_t seen = 0;
    int step, rc = -1;
    if (n > 64)
        return db_error(&st->diag, "a foreign key of %zu columns", n);
    if (sqlite_tgt_prepare_one(st, sql, "--max-errors", &stmt) < 0)
        return -1;
    while (seen++ < sink->limit && (step = sqlite3_step(stmt)) == SQLITE_ROW) {
        for (size_t i = 0; i < n; i++) {
            const char *v = (const char *)sqlite3_column_text(stmt, (int)i);
            values[i] = v ? v : "";
        }
        if (sink->found(sink->ctx, values) < 0)
            goto done; /* the driver says why */
    }
    if (seen <= sink->limit && step != SQLITE_DONE) {
        db_error(&st->diag, "--max-errors: %s", sqlite3_errmsg(st->db));
        goto done;
    }
    rc = 0;
done:
    sqlite3_finalize(stmt);
    return rc;
}

/* --max-errors: whether the parent is a table of the target and, for
 * ref_columns NULL (a parent the file does not hold), its primary key
 * into *pk when it has n columns. 1, 0 (nothing to look for: the check at
 * the end fails as it would), -1. */
static int parent_ready(sqlite_target *st, const char *ref_namespace, const char *ref_name,
                        const char *const *ref_columns, size_t n, char ***pk, size_t *npk)
{
    size_t len = strlen(ref_name) + (ref_namespace ? strlen(ref_namespace) + 2 : 1);
    char *key = malloc(len);
    int rows = 0, rc = -1;
    if (!key)
        return db_oom(&st->diag);
    snprintf(key, len, "%s%s%s", ref_namespace ? ref_namespace : "", ref_namespace ? "." : "",
             ref_name);
    if (sqlite_tgt_count_rows(st,
                              "SELECT 1 FROM main.sqlite_schema WHERE type = 'table' AND name = ?1",
                              key, &rows) < 0)
        goto done;
    rc = rows > 0;
    if (rc && !ref_columns) {
        if (sqlite_catalog_primary_key(st->db, &st->diag, key, pk, npk) < 0)
            rc = -1;
        else
            rc = *npk == n && n;
    }
done:
    free(key);
    return rc;
}

int sqlite_tgt_delete_orphans(void *state, const char *namespace, const char *name,
                              const char *const *columns, const char *ref_namespace,
                              const char *ref_name, const char *const *ref_columns, size_t n,
                              const db_orphan_sink *sink, uint64_t *deleted)
{
    sqlite_target *st = state;
    db_buf sel = {0}, del = {0};
    char **pk = NULL;
    size_t npk = 0;
    int rc = -1;
    *deleted = 0;
    if (sink) {
        int ready = parent_ready(st, ref_namespace, ref_name, ref_columns, n, &pk, &npk);
        if (ready <= 0) {
            fmt_strings_free(pk, npk);
            return ready;
        }
        if (pk)
            ref_columns = (const char *const *)pk;
    }
    for (size_t i = 0; sink && i < n; i++) {
        db_buf_add(&sel, i ? ", c." : "SELECT c.");
        db_buf_ident(&sel, columns[i]);
    }
    if (sink) {
        db_buf_add(&sel, " FROM ");
        add_table(&sel, namespace, name);
        db_buf_add(&sel, " AS c WHERE");
        add_orphan_condition(&sel, columns, ref_namespace, ref_name, ref_columns, n);
    }
    db_buf_add(&del, "DELETE FROM ");
    add_table(&del, namespace, name);
    db_buf_add(&del, " AS c WHERE");
    add_orphan_condition(&del, columns, ref_namespace, ref_name, ref_columns, n);
    if (sel.oom || del.oom)
        db_oom(&st->diag);
    else if ((!sink || hand_over(st, sel.buf, n, sink) == 0) &&
             sqlite_tgt_exec_one(st, del.buf, sink ? "--max-errors" : "--rows-cascade") == 0)
        rc = 0;
    db_buf_free(&sel);
    db_buf_free(&del);
    fmt_strings_free(pk, npk);
    if (rc == 0)
        *deleted = (uint64_t)sqlite3_changes64(st->db);
    return rc;
}

int sqlite_tgt_table_has_rows(void *state, const char *namespace, const char *name)
{
    sqlite_target *st = state;
    db_buf b = {0};
    int rows = 0;
    db_buf_add(&b, "SELECT 1 FROM ");
    add_table(&b, namespace, name);
    db_buf_add(&b, " LIMIT 1");
    int rc = b.oom ? db_oom(&st->diag) : sqlite_tgt_count_rows(st, b.buf, NULL, &rows);
    db_buf_free(&b);
    return rc < 0 ? -1 : rows > 0;
}

/* The foreign keys the table has in the target, as the check at the end
 * reads them: an existing table's may not be the file's. */
int sqlite_tgt_own_foreign_keys(void *state, const char *namespace, const char *name,
                                int (*add)(void *ctx, const fmt_foreign_key *fk), void *ctx)
{
    sqlite_target *st = state;
    sqlite_catalog_foreign_key *keys = NULL;
    size_t n = 0, len = strlen(name) + (namespace ? strlen(namespace) + 2 : 1);
    char *table = malloc(len);
    int rc = -1;
    if (!table)
        return db_oom(&st->diag);
    snprintf(table, len, "%s%s%s", namespace ? namespace : "", namespace ? "." : "", name);
    if (sqlite_catalog_foreign_keys(st->db, &st->diag, table, &keys, &n) < 0)
        goto done;
    rc = 0;
    for (size_t i = 0; i < n && rc == 0; i++) {
        fmt_foreign_key k = {0};
        k.columns = keys[i].columns, k.ncolumns = keys[i].ncolumns;
        k.ref_table = keys[i].ref_table;
        k.ref_columns = keys[i].ref_columns, k.nref_columns = keys[i].nref_columns;
        if (add(ctx, &k) < 0)
            rc = db_oom(&st->diag);
    }
done:
    sqlite_catalog_foreign_keys_free(keys, n);
    free(table);
    return rc;
}
