/* What a SQLite export says that PostgreSQL's catalog cannot hold, kept in
 * the tool's own table beside the tables (tools/postgres/pg_origin.h) so
 * that the export of this PostgreSQL database brings it back: each
 * column's declared SQLite type, a rowid alias, the NULLs SQLite allowed
 * in a primary key, WITHOUT ROWID and STRICT, which CHECKs had no name,
 * and the database's user_version and application_id. A PostgreSQL file
 * that carries such things (sqlite_type, options: the export of such a
 * database) gets the same rows, so a second trip through PostgreSQL
 * loses nothing either. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_origin.h"
#include "sqlbuf.h"
#include "sqlite_types.h"

/* Whether a SQLite target would declare the column so anyway, from the
 * portable type a PostgreSQL export of it gives: then the declaration
 * needs no row (a database a SQLite target made from PostgreSQL gets
 * none on its way back). 1, 0, or -1 (memory). */
static int declared_anyway(const fmt_column *c, const char *decl)
{
    /* a SQLite target declares a rowid alias or an identity (which becomes
     * AUTOINCREMENT) INTEGER, whatever its type */
    if (c->identity != FMT_IDENTITY_NONE && strcmp(decl, "INTEGER") == 0)
        return 1;
    if (c->type.kind == FMT_TYPE_NATIVE) {
        /* sqlite_type_declare_native: "NAME TEXT" or "TEXT" */
        size_t n = strlen(decl);
        return strcmp(decl, "TEXT") == 0 || (n > 5 && strcmp(decl + n - 5, " TEXT") == 0);
    }
    /* a PostgreSQL target makes "any" text, which comes back as text */
    fmt_type ty = c->type;
    if (ty.kind == FMT_TYPE_ANY)
        ty = (fmt_type){.kind = FMT_TYPE_TEXT, .param1 = -1, .param2 = -1};
    db_buf b = {0};
    if (sqlite_type_declare(&b, &ty) < 0)
        return 0;
    if (b.oom)
        return -1;
    int same = strcmp(b.buf ? b.buf : "", "") == 0
                   ? *decl == '\0'
                   : b.buf[0] == ' ' && strcmp(b.buf + 1, decl) == 0;
    db_buf_free(&b);
    return same;
}

/* The column's SQLite declaration: a SQLite file's native type ("" for
 * none), or what a PostgreSQL file says it was; NULL if neither, or if
 * it would come back by itself. */
static const char *declared(const pg_target *st, const fmt_table *t, const fmt_column *c)
{
    const char *decl = c->sqlite_type;
    if (st->source_backend && strcmp(st->source_backend, "sqlite") == 0)
        decl = c->native_type ? c->native_type : "";
    /* STRICT stays only while every declaration does (exporter/postgres) */
    return decl && (t->strict || declared_anyway(c, decl) == 0) ? decl : NULL;
}

static int in_primary_key(const fmt_table *t, const char *name)
{
    for (size_t i = 0; t->primary_key && i < t->primary_key->ncolumns; i++)
        if (strcmp(t->primary_key->columns[i], name) == 0)
            return 1;
    return 0;
}

static int has_unnamed_check(const fmt_table *t)
{
    for (size_t i = 0; i < t->nchecks; i++)
        if (!t->checks[i].name)
            return 1;
    return 0;
}

static int has_unnamed_key(const fmt_table *t)
{
    if (t->primary_key && !t->primary_key->name)
        return 1;
    for (size_t i = 0; i < t->nuniques; i++)
        if (!t->uniques[i].name)
            return 1;
    for (size_t i = 0; i < t->nforeign_keys; i++)
        if (!t->foreign_keys[i].name)
            return 1;
    return 0;
}

static int keeps_column(const pg_target *st, const fmt_table *t, const fmt_column *c)
{
    return declared(st, t, c) || c->identity == FMT_IDENTITY_ROWID ||
           (c->nullable && in_primary_key(t, c->name));
}

/* Whether the table has anything to keep. */
static int worth_keeping(const pg_target *st, const fmt_table *t)
{
    if (t->without_rowid || t->strict || has_unnamed_check(t) || has_unnamed_key(t))
        return 1;
    for (size_t i = 0; i < t->ncolumns; i++)
        if (keeps_column(st, t, &t->columns[i]))
            return 1;
    return 0;
}

/* Runs one INSERT ... ON CONFLICT into the origin table of ns. */
static int put(pg_target *st, const char *origin, const char *select, int n,
               const char *const *params)
{
    db_buf b = {0};
    db_buf_printf(&b,
                  "INSERT INTO %s (kind, tbl, name, value) %s ON CONFLICT (kind, tbl, name) "
                  "DO UPDATE SET value = EXCLUDED.value",
                  origin, select);
    if (b.oom) {
        db_buf_free(&b);
        return db_oom(&st->diag);
    }
    int rc = pg_target_run(st, b.buf, n, params, NULL);
    db_buf_free(&b);
    if (rc < 0)
        return db_error(&st->diag, "cannot write %s: %s", origin, st->diag.message);
    return 0;
}

static int keep_database(pg_target *st, const char *origin)
{
    const fmt_header *h = st->header;
    char uv[24], app[24];
    if (!h || (!h->has_user_version && !h->has_application_id))
        return 0;
    snprintf(uv, sizeof uv, "%ld", (long)h->user_version);
    snprintf(app, sizeof app, "%ld", (long)h->application_id);
    const char *params[] = {h->has_user_version ? uv : NULL, h->has_application_id ? app : NULL};
    return put(st, origin,
               "SELECT 'database', '', '', pg_catalog.jsonb_strip_nulls(pg_catalog."
               "jsonb_build_object('user_version', $1::bigint, 'application_id', $2::bigint))",
               2, params);
}

static int keep_columns(pg_target *st, const fmt_table *t, const char *origin)
{
    for (size_t i = 0; i < t->ncolumns; i++) {
        const fmt_column *c = &t->columns[i];
        const char *decl = declared(st, t, c);
        const char *identity = c->identity == FMT_IDENTITY_ROWID ? "rowid" : NULL;
        int nullable = c->nullable && in_primary_key(t, c->name);
        if (!decl && !identity && !nullable)
            continue;
        const char *params[] = {t->name,  c->name, decl, identity, nullable ? "true" : NULL,
                                st->qname};
        if (put(st, origin,
                "SELECT 'column', $1::text, $2::text, pg_catalog.jsonb_strip_nulls(pg_catalog."
                "jsonb_build_object('declared', $3::text, 'postgresql', "
                "pg_catalog.format_type(a.atttypid, a.atttypmod), 'identity', $4::text, "
                "'nullable', $5::boolean)) FROM pg_catalog.pg_attribute a "
                "WHERE a.attrelid = $6::pg_catalog.regclass AND a.attname::text = $2::text "
                "AND NOT a.attisdropped",
                6, params) < 0)
            return -1;
    }
    return 0;
}

/* The names the file gave, which stay: rows of kind 'constraint'. */
static int keep_names(pg_target *st, const fmt_table *t, const char *origin)
{
    size_t nk = t->nchecks + t->nuniques, n = nk + t->nforeign_keys + 1;
    for (size_t i = 0; i < n; i++) {
        const char *name = i < t->nchecks   ? t->checks[i].name
                           : i < nk         ? t->uniques[i - t->nchecks].name
                           : i < n - 1      ? t->foreign_keys[i - nk].name
                           : t->primary_key ? t->primary_key->name
                                            : NULL;
        const char *params[] = {t->name, name};
        if (name && put(st, origin, "SELECT 'constraint', $1, $2, '{}'::jsonb", 2, params) < 0)
            return -1;
    }
    return 0;
}

static int keep_table(pg_target *st, const fmt_table *t, const char *origin)
{
    int checks = has_unnamed_check(t), keys = has_unnamed_key(t);
    if (!t->without_rowid && !t->strict && !checks && !keys)
        return 0;
    const char *params[] = {t->name, t->without_rowid ? "true" : NULL, t->strict ? "true" : NULL,
                            checks ? "true" : NULL, keys ? "true" : NULL};
    if (put(st, origin,
            "SELECT 'table', $1, '', pg_catalog.jsonb_strip_nulls(pg_catalog.jsonb_build_object("
            "'without_rowid', $2::boolean, 'strict', $3::boolean, 'unnamed_checks', "
            "$4::boolean, 'unnamed_keys', $5::boolean))",
            5, params) < 0)
        return -1;
    return checks || keys ? keep_names(st, t, origin) : 0;
}

int pg_target_keep_origin(pg_target *st, const fmt_table *t)
{
    if (st->opts.dry_run || !worth_keeping(st, t))
        return 0;
    if (st->opts.no_origin) {
        if (st->origin_left++ == 0 && !(st->origin_left_first = strdup(st->display)))
            return db_oom(&st->diag);
        return 0;
    }
    db_buf origin = {0}, create = {0};
    db_buf_ident(&origin, t->namespace ? t->namespace : DEFAULT_NAMESPACE);
    if (origin.oom)
        return db_oom(&st->diag);
    db_buf_printf(&create, PG_ORIGIN_CREATE, origin.buf);
    db_buf_add(&origin, ".\"" PG_ORIGIN_TABLE "\"");
    int rc = -1;
    if (origin.oom || create.oom) {
        db_oom(&st->diag);
        goto done;
    }
    if (pg_target_run(st, create.buf, 0, NULL, NULL) < 0) {
        db_error(&st->diag, "cannot create %s: %s", origin.buf, st->diag.message);
        goto done;
    }
    /* rows of an earlier table of that name (--clean) go first */
    const char *params[] = {t->name};
    db_buf del = {0};
    db_buf_printf(&del, "DELETE FROM %s WHERE tbl = $1", origin.buf);
    int d = del.oom ? db_oom(&st->diag) : pg_target_run(st, del.buf, 1, params, NULL);
    db_buf_free(&del);
    if (d < 0 || keep_database(st, origin.buf) < 0 || keep_table(st, t, origin.buf) < 0 ||
        keep_columns(st, t, origin.buf) < 0)
        goto done;
    st->origin_kept = 1;
    rc = 0;
done:
    db_buf_free(&origin);
    db_buf_free(&create);
    return rc;
}

void pg_target_warn_origin_left(pg_target *st)
{
    if (!st->origin_left)
        return;
    char more[48] = "";
    if (st->origin_left > 1)
        snprintf(more, sizeof more, " and %zu more", st->origin_left - 1);
    db_warn(&st->diag,
            "--no-origin: what PostgreSQL cannot declare of table \"%s\"%s (SQLite declared "
            "types, a rowid key, STRICT, WITHOUT ROWID, unnamed constraints) is not kept: an "
            "export of this database gives what PostgreSQL's catalog says",
            st->origin_left_first, more);
}

void pg_target_origin_resumed(pg_target *st, const fmt_table *t)
{
    /* the unfinished import created the table, and its rows here with it */
    if (!st->opts.dry_run && !st->opts.no_origin && worth_keeping(st, t))
        st->origin_kept = 1;
}
