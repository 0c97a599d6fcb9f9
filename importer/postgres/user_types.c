/* The user-defined types the file's header names (enums, domains, composite
 * types), checked when the target has them and created otherwise, in begin,
 * before any table: a column of one needs it. Enums first, then domains (a
 * domain may be over an enum), then composite types (an attribute may be of
 * either, or of a composite type listed before it). */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_sql.h"

static int check_enum_labels(pg_target *st, const fmt_user_type *u, const char *oid)
{
    PGresult *res;
    const char *params[] = {oid};
    int same;
    if (pg_target_run(st,
                      "SELECT enumlabel FROM pg_catalog.pg_enum WHERE enumtypid = $1::oid"
                      " ORDER BY enumsortorder",
                      1, params, &res) < 0)
        return -1;
    same = (size_t)PQntuples(res) == u->nlabels;
    for (size_t i = 0; same && i < u->nlabels; i++)
        same = strcmp(PQgetvalue(res, (int)i, 0), u->labels[i]) == 0;
    if (!same) {
        db_buf have = {0}, want = {0};
        for (int i = 0; i < PQntuples(res); i++)
            db_buf_add(&have, i ? ", " : ""), db_buf_add(&have, PQgetvalue(res, i, 0));
        for (size_t i = 0; i < u->nlabels; i++)
            db_buf_add(&want, i ? ", " : ""), db_buf_add(&want, u->labels[i]);
        db_error(&st->diag,
                 "type \"%s.%s\": the target's enum has the labels (%s), the file's (%s)",
                 u->namespace ? u->namespace : DEFAULT_NAMESPACE, u->name, have.buf ? have.buf : "",
                 want.buf ? want.buf : "");
        db_buf_free(&have);
        db_buf_free(&want);
    }
    PQclear(res);
    return same ? 0 : -1;
}

static const char *kind_name(fmt_user_type_kind kind)
{
    return kind == FMT_USER_TYPE_ENUM     ? "an enum"
           : kind == FMT_USER_TYPE_DOMAIN ? "a domain"
                                          : "a composite type";
}

/* 1 when the target has a type of u's name (checked to be of u's kind, an
 * enum with u's labels), 0 when not, -1 on error. */
static int find_type(pg_target *st, const fmt_user_type *u, const char *ns)
{
    const char *params[] = {ns, u->name};
    PGresult *res;
    if (pg_target_run(
            st,
            "SELECT t.oid, t.typtype FROM pg_catalog.pg_type t JOIN pg_catalog.pg_namespace n"
            " ON n.oid = t.typnamespace WHERE n.nspname = $1 AND t.typname = $2",
            2, params, &res) < 0)
        return -1;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return 0;
    }
    char want = u->kind == FMT_USER_TYPE_ENUM ? 'e' : u->kind == FMT_USER_TYPE_DOMAIN ? 'd' : 'c';
    int rc = 1;
    if (PQgetvalue(res, 0, 1)[0] != want)
        rc = db_error(&st->diag, "type \"%s.%s\": the target has it, but not as %s", ns, u->name,
                      kind_name(u->kind));
    else if (want == 'e' && check_enum_labels(st, u, PQgetvalue(res, 0, 0)) < 0)
        rc = -1;
    PQclear(res);
    return rc;
}

static void add_enum(db_buf *b, const fmt_user_type *u)
{
    db_buf_add(b, " AS ENUM (");
    for (size_t k = 0; k < u->nlabels; k++) {
        db_buf_add(b, k ? ", " : "");
        db_buf_literal(b, u->labels[k]);
    }
    db_buf_add(b, ")");
}

static void add_domain(db_buf *b, const fmt_user_type *u)
{
    db_buf_printf(b, " AS %s", u->base_type);
    if (u->default_sql)
        db_buf_printf(b, " DEFAULT (%s)", u->default_sql);
    if (u->not_null)
        db_buf_add(b, " NOT NULL");
    for (size_t k = 0; k < u->nchecks; k++) {
        if (u->ncheck_names == u->nchecks) {
            db_buf_add(b, " CONSTRAINT ");
            db_buf_ident(b, u->check_names[k]);
        }
        db_buf_printf(b, " CHECK (%s)", u->checks[k]);
    }
}

static void add_composite(db_buf *b, const fmt_user_type *u)
{
    db_buf_add(b, " AS (");
    for (size_t k = 0; k < u->nattributes; k++) {
        const fmt_type_attribute *a = &u->attributes[k];
        db_buf_add(b, k ? ", " : "");
        db_buf_ident(b, a->name);
        db_buf_printf(b, " %s", a->type);
        if (a->collation)
            pg_add_collate(b, a->collation, a->collation_namespace);
    }
    db_buf_add(b, ")");
}

/* The extensions a domain's base type or an attribute's type needs. */
static int ensure_extensions(pg_target *st, const fmt_user_type *u)
{
    if (u->base_type &&
        pg_target_ensure_for_type(st, FMT_TYPE_NATIVE, FMT_TYPE_NATIVE, u->base_type) < 0)
        return -1;
    for (size_t k = 0; k < u->nattributes; k++)
        if (pg_target_ensure_for_type(st, FMT_TYPE_NATIVE, FMT_TYPE_NATIVE, u->attributes[k].type) <
            0)
            return -1;
    return 0;
}

static int create_type(pg_target *st, const fmt_user_type *u, const char *ns)
{
    const char *what = u->kind == FMT_USER_TYPE_DOMAIN ? "DOMAIN" : "TYPE";
    if (u->kind == FMT_USER_TYPE_DOMAIN && !u->base_type)
        return db_error(&st->diag, "domain \"%s.%s\": no base type", ns, u->name);
    if (pg_target_ensure_schema(st, ns) < 0 || ensure_extensions(st, u) < 0)
        return -1;
    db_buf b = {0};
    db_buf_printf(&b, "CREATE %s ", what);
    db_buf_ident(&b, ns);
    db_buf_add(&b, ".");
    db_buf_ident(&b, u->name);
    if (u->kind == FMT_USER_TYPE_ENUM)
        add_enum(&b, u);
    else if (u->kind == FMT_USER_TYPE_DOMAIN)
        add_domain(&b, u);
    else
        add_composite(&b, u);
    if (pg_target_run_buf(st, &b) < 0)
        return db_error(&st->diag, "cannot create type \"%s.%s\": %s", ns, u->name,
                        st->diag.message);
    if (u->kind == FMT_USER_TYPE_DOMAIN && pg_target_check_domain(st, ns, u->name) < 0)
        return -1;
    if (!u->comment)
        return 0;
    db_buf_printf(&b, "COMMENT ON %s ", what);
    db_buf_ident(&b, ns);
    db_buf_add(&b, ".");
    db_buf_ident(&b, u->name);
    db_buf_add(&b, " IS ");
    db_buf_literal(&b, u->comment);
    if (pg_target_run_buf(st, &b) < 0)
        return db_error(&st->diag, "type \"%s.%s\": cannot set its comment: %s", ns, u->name,
                        st->diag.message);
    return 0;
}

int pg_target_prepare_user_types(pg_target *st, const fmt_header *h)
{
    static const fmt_user_type_kind order[] = {FMT_USER_TYPE_ENUM, FMT_USER_TYPE_DOMAIN,
                                               FMT_USER_TYPE_COMPOSITE};
    for (size_t pass = 0; h && pass < sizeof order / sizeof order[0]; pass++)
        for (size_t i = 0; i < h->nuser_types; i++) {
            const fmt_user_type *u = &h->user_types[i];
            const char *ns = u->namespace ? u->namespace : DEFAULT_NAMESPACE;
            if (u->kind != order[pass])
                continue;
            if (!u->name)
                return db_error(&st->diag, "a user-defined type without a name");
            int found = find_type(st, u, ns);
            if (found < 0)
                return -1;
            if (found || st->opts.dry_run || st->opts.data_only)
                continue;
            if (create_type(st, u, ns) < 0)
                return -1;
        }
    return 0;
}
