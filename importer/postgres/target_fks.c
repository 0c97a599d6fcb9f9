/* Loading into tables that already exist, whatever the file's order: the
 * foreign keys those tables have in the target (the application's own) are
 * dropped for the load and added again, exactly as they were (name,
 * definition from pg_get_constraintdef, NOT VALID, comment), after the last
 * row. Adding one checks every row in one pass, as pg_restore's post-data
 * does; a violation fails the import, which then rolls back: the target
 * keeps its constraints whatever happens. Self-references and cycles need
 * nothing more. Needs only what the table's owner has: no superuser, no
 * session_replication_role. A role that may insert but not alter the
 * table keeps its foreign keys in place (checked row by row). */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_sql.h"
#include "strlist.h"

/* --max-errors: the columns of the foreign keys of table oid, one row per
 * column pair, to be kept for those that are suspended (keep_columns). */
static int read_columns(pg_target *st, const char *oid, PGresult **res)
{
    const char *params[] = {oid};
    *res = NULL;
    if (!st->opts.reject)
        return 0;
    return pg_target_run(st,
                         "SELECT pg_catalog.quote_ident(c.conname), c.conname, a.attname,"
                         " r.attname, n.nspname, p.relname"
                         " FROM pg_catalog.pg_constraint c"
                         " CROSS JOIN LATERAL unnest(c.conkey, c.confkey) WITH ORDINALITY"
                         "  AS k(col, ref, i)"
                         " JOIN pg_catalog.pg_attribute a"
                         "  ON a.attrelid = c.conrelid AND a.attnum = k.col"
                         " JOIN pg_catalog.pg_attribute r"
                         "  ON r.attrelid = c.confrelid AND r.attnum = k.ref"
                         " JOIN pg_catalog.pg_class p ON p.oid = c.confrelid"
                         " JOIN pg_catalog.pg_namespace n ON n.oid = p.relnamespace"
                         " WHERE c.conrelid = $1::pg_catalog.oid AND c.contype = 'f'"
                         " ORDER BY c.conname, k.i",
                         1, params, res);
}

static void own_fk_clear(own_fk *o)
{
    free(o->table);
    free(o->key.name);
    fmt_strings_free(o->key.columns, o->key.ncolumns);
    fmt_strings_free(o->key.ref_columns, o->key.nref_columns);
    free(o->key.ref_namespace);
    free(o->key.ref_table);
}

/* The suspended foreign key quoted_name's columns, from read_columns. */
static int keep_columns(pg_target *st, PGresult *cols, const char *quoted_name)
{
    own_fk o = {strdup(st->qname), {0}};
    int failed = !o.table;
    for (int r = 0; cols && r < PQntuples(cols) && !failed; r++) {
        if (strcmp(PQgetvalue(cols, r, 0), quoted_name) != 0)
            continue;
        if (!o.key.name && (!(o.key.name = strdup(PQgetvalue(cols, r, 1))) ||
                            !(o.key.ref_namespace = strdup(PQgetvalue(cols, r, 4))) ||
                            !(o.key.ref_table = strdup(PQgetvalue(cols, r, 5)))))
            failed = 1;
        if (fmt_strings_push_copy(&o.key.columns, &o.key.ncolumns, PQgetvalue(cols, r, 2)) < 0 ||
            fmt_strings_push_copy(&o.key.ref_columns, &o.key.nref_columns, PQgetvalue(cols, r, 3)) <
                0)
            failed = 1;
    }
    own_fk *grown = failed ? NULL : realloc(st->own_fks, (st->nown_fks + 1) * sizeof *grown);
    if (!grown) {
        own_fk_clear(&o);
        return db_oom(&st->diag);
    }
    st->own_fks = grown;
    st->own_fks[st->nown_fks++] = o;
    return 0;
}

int pg_target_suspend_fks(pg_target *st, const char *oid)
{
    PGresult *res;
    const char *params[] = {oid};
    if (pg_target_run(st,
                      "SELECT pg_catalog.quote_ident(c.conname),"
                      " pg_catalog.pg_get_constraintdef(c.oid),"
                      " coalesce(pg_catalog.obj_description(c.oid, 'pg_constraint'), '')"
                      " FROM pg_catalog.pg_constraint c"
                      " WHERE c.conrelid = $1::pg_catalog.oid AND c.contype = 'f'"
                      " ORDER BY c.conname",
                      1, params, &res) < 0)
        return db_error(&st->diag, "table \"%s\": cannot read its foreign keys: %s", st->display,
                        st->diag.message);
    PGresult *cols = NULL;
    int rc = read_columns(st, oid, &cols);
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        db_buf drop = {0};
        db_buf_printf(&drop, "ALTER TABLE %s DROP CONSTRAINT %s", st->qname, PQgetvalue(res, r, 0));
        int tried = drop.oom ? db_oom(&st->diag) : pg_target_run_try(st, drop.buf);
        db_buf_free(&drop);
        if (tried == 1) { /* not the owner: the key stays, checked row by row */
            free(db_error_take(&st->diag));
            continue;
        }
        if (tried < 0) {
            rc = -1;
            break;
        }
        rc = pg_target_keep_fk(st, st->qname, st->display, PQgetvalue(res, r, 0),
                               PQgetvalue(res, r, 1), PQgetvalue(res, r, 2));
        if (rc == 0 && st->opts.reject)
            rc = keep_columns(st, cols, PQgetvalue(res, r, 0));
    }
    PQclear(cols);
    PQclear(res);
    return rc;
}

int pg_target_keep_fk(pg_target *st, const char *table, const char *display, const char *name,
                      const char *definition, const char *comment)
{
    suspended_fk fk = {strdup(table), strdup(display), strdup(name), strdup(definition),
                       strdup(comment)};
    suspended_fk *grown = realloc(st->fks, (st->nfks + 1) * sizeof *grown);
    if (!grown || !fk.table || !fk.display || !fk.name || !fk.definition || !fk.comment) {
        free(fk.table), free(fk.display), free(fk.name), free(fk.definition), free(fk.comment);
        if (grown)
            st->fks = grown;
        return db_oom(&st->diag);
    }
    st->fks = grown;
    st->fks[st->nfks++] = fk;
    return 0;
}

int pg_target_restore_fks(pg_target *st)
{
    for (size_t i = 0; i < st->nfks; i++) {
        const suspended_fk *fk = &st->fks[i];
        if (pg_target_was_cleaned(st, fk->table))
            continue; /* dropped by --clean: the file's definition came instead */
        db_buf b = {0};
        db_buf_printf(&b, "ALTER TABLE %s ADD CONSTRAINT %s %s", fk->table, fk->name,
                      fk->definition);
        if (pg_target_run_buf(st, &b) < 0) {
            const char *detail = st->detail && *st->detail ? st->detail : NULL;
            return db_error(&st->diag,
                            "table \"%s\": the target's foreign key %s does not hold with the "
                            "rows loaded: %s%s%s",
                            fk->display, fk->name, st->diag.message, detail ? ": " : "",
                            detail ? detail : "");
        }
        if (*fk->comment) {
            db_buf_printf(&b, "COMMENT ON CONSTRAINT %s ON %s IS ", fk->name, fk->table);
            db_buf_literal(&b, fk->comment);
            if (pg_target_run_buf(st, &b) < 0)
                return -1;
        }
    }
    return 0;
}

void pg_target_free_fks(pg_target *st)
{
    for (size_t i = 0; i < st->nfks; i++) {
        free(st->fks[i].table);
        free(st->fks[i].display);
        free(st->fks[i].name);
        free(st->fks[i].definition);
        free(st->fks[i].comment);
    }
    free(st->fks);
    st->fks = NULL;
    st->nfks = 0;
    for (size_t i = 0; i < st->nown_fks; i++)
        own_fk_clear(&st->own_fks[i]);
    free(st->own_fks);
    st->own_fks = NULL;
    st->nown_fks = 0;
}

int pg_target_own_foreign_keys(void *state, const char *namespace, const char *name,
                               int (*add)(void *ctx, const fmt_foreign_key *fk), void *ctx)
{
    pg_target *st = state;
    const char *ns = namespace ? namespace : DEFAULT_NAMESPACE;
    char *table = pg_qualified(ns, name);
    int rc = table ? 0 : db_oom(&st->diag);
    for (size_t i = 0; table && i < st->nown_fks && rc == 0; i++) {
        fmt_foreign_key k = st->own_fks[i].key;
        if (strcmp(st->own_fks[i].table, table) != 0)
            continue;
        if (!namespace && strcmp(k.ref_namespace, ns) == 0)
            k.ref_namespace = NULL; /* the file's tables name the default schema so */
        rc = add(ctx, &k) < 0 ? db_oom(&st->diag) : 0;
    }
    free(table);
    return rc;
}

/* "DELETE FROM child c WHERE c.a IS NOT NULL AND NOT EXISTS (SELECT 1 FROM
 * parent p WHERE p.x = c.a)" for the target's dialect: SQLite's is the same
 * (importer/sqlite/fk_check.c builds it there with its own names). With a
 * sink (--max-errors), "WITH d AS (... RETURNING c.a) SELECT * FROM d LIMIT
 * n": the server's text of the values, no more rows than the sink takes. */
static void orphans_sql(db_buf *b, const char *child, const char *const *columns,
                        const char *parent, const char *const *ref_columns, size_t n,
                        const db_orphan_sink *sink)
{
    db_buf_printf(b, "%sDELETE FROM %s AS c WHERE", sink ? "WITH d AS (" : "", child);
    db_buf_orphan_condition(b, columns, parent, ref_columns, n);
    for (size_t i = 0; sink && i < n; i++) {
        db_buf_add(b, i ? ", c." : " RETURNING c.");
        db_buf_ident(b, columns[i]);
    }
    if (sink && sink->limit > INT64_MAX) /* --reject-file alone: no limit */
        db_buf_add(b, ") SELECT * FROM d");
    else if (sink)
        db_buf_printf(b, ") SELECT * FROM d LIMIT %llu", (unsigned long long)sink->limit);
}

/* Each deleted row's values to the sink; 0, or -1 when it says stop. */
static int hand_over(PGresult *res, size_t n, const db_orphan_sink *sink)
{
    const char *values[64];
    for (int r = 0; sink && r < PQntuples(res); r++) {
        for (size_t i = 0; i < n && i < 64; i++)
            values[i] = PQgetvalue(res, r, (int)i);
        if (sink->found(sink->ctx, values) < 0)
            return -1;
    }
    return 0;
}

/* --max-errors, a parent the file does not hold: the columns of its
 * primary key in the target, into *pk (the caller clears it), when it has
 * n; 1, 0 when it has no such table or key (nothing to look for), -1. */
static int outside_parent(pg_target *st, const char *parent, size_t n, PGresult **pk)
{
    const char *params[] = {parent};
    *pk = NULL;
    if (pg_target_run(st,
                      "SELECT a.attname FROM pg_catalog.pg_constraint c"
                      " CROSS JOIN LATERAL unnest(c.conkey) WITH ORDINALITY AS k(col, i)"
                      " JOIN pg_catalog.pg_attribute a"
                      "  ON a.attrelid = c.conrelid AND a.attnum = k.col"
                      " WHERE c.conrelid = pg_catalog.to_regclass($1) AND c.contype = 'p'"
                      " ORDER BY k.i",
                      1, params, pk) < 0)
        return -1;
    if ((size_t)PQntuples(*pk) == n && n)
        return 1;
    PQclear(*pk);
    *pk = NULL;
    return 0;
}

/* --max-errors: whether the parent is a table of the target. 1, 0, -1. */
static int parent_exists(pg_target *st, const char *parent)
{
    const char *params[] = {parent};
    char *oid = NULL;
    int found =
        pg_target_query_value(st, "SELECT pg_catalog.to_regclass($1)::oid", 1, params, &oid);
    int exists = found > 0 && oid && *oid;
    free(oid);
    return found < 0 ? -1 : exists;
}

int pg_target_delete_orphans(void *state, const char *namespace, const char *name,
                             const char *const *columns, const char *ref_namespace,
                             const char *ref_name, const char *const *ref_columns, size_t n,
                             const db_orphan_sink *sink, uint64_t *deleted)
{
    pg_target *st = state;
    char *child = pg_qualified(namespace, name), *parent = pg_qualified(ref_namespace, ref_name);
    const char *pk_columns[64];
    db_buf b = {0};
    PGresult *res = NULL, *pk = NULL;
    *deleted = 0;
    if (!child || !parent || n > 64) {
        free(child);
        free(parent);
        return n > 64 ? db_error(&st->diag, "table \"%s\": a foreign key of %zu columns", name, n)
                      : db_oom(&st->diag);
    }
    int there =
        sink ? ref_columns ? parent_exists(st, parent) : outside_parent(st, parent, n, &pk) : 1;
    if (there <= 0) { /* no such parent: the foreign key fails later, as it would */
        free(child);
        free(parent);
        return there;
    }
    for (size_t i = 0; pk && i < n; i++)
        pk_columns[i] = PQgetvalue(pk, (int)i, 0);
    if (pk)
        ref_columns = pk_columns;
    orphans_sql(&b, child, columns, parent, ref_columns, n, sink);
    int rc = b.oom ? db_oom(&st->diag) : pg_target_run(st, b.buf, 0, NULL, &res);
    if (rc == 0) {
        *deleted = sink ? (uint64_t)PQntuples(res) : strtoull(PQcmdTuples(res), NULL, 10);
        rc = hand_over(res, n, sink);
        PQclear(res);
    } else {
        db_error(&st->diag, "%s: table \"%s\": %s", sink ? "--max-errors" : "--rows-cascade", name,
                 st->diag.message);
    }
    db_buf_free(&b);
    PQclear(pk);
    free(child);
    free(parent);
    return rc;
}

int pg_target_table_has_rows(void *state, const char *namespace, const char *name)
{
    pg_target *st = state;
    char *table = pg_qualified(namespace, name);
    db_buf b = {0};
    if (!table)
        return db_oom(&st->diag);
    db_buf_printf(&b, "SELECT 1 FROM %s LIMIT 1", table);
    int found = b.oom ? db_oom(&st->diag) : pg_target_query_value(st, b.buf, 0, NULL, NULL);
    db_buf_free(&b);
    free(table);
    return found < 0 ? -1 : found > 0;
}
