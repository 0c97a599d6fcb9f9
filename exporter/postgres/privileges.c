/* A table's owner and grants (dbexport --privileges), as fmt_privileges:
 * the owner's name, and relacl and each column's attacl exploded into one
 * fmt_grant per grantee and grant option, privileges in aclexplode's own
 * fixed order and the grants in the order of the ACL, which a target that
 * grants them in that order reproduces. A table whose relacl is NULL has the default rights (its
 * owner's), which has_grants = false says. Views and materialized views
 * are read the same way, a sequence without columns, a function or
 * procedure from pg_proc's proowner and proacl. */
#include "pg_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "strlist.h"

/* Columns 0..2 of a query's rows are grantee, is_grantable, privilege from
 * row first on while column key_col (or none when -1) keeps the value of
 * row first. Appends the grants to *grants and returns the row after them,
 * or -1 when out of memory. */
static int take_grants(const PGresult *res, int first, int key_col, fmt_grant **grants,
                       size_t *ngrants)
{
    int n = PQntuples(res), r = first;
    const char *key = key_col >= 0 ? PQgetvalue(res, first, key_col) : NULL;
    while (r < n && (!key || strcmp(PQgetvalue(res, r, key_col), key) == 0)) {
        fmt_grant *g = realloc(*grants, (*ngrants + 1) * sizeof *g);
        if (!g)
            return -1;
        *grants = g;
        g = &g[(*ngrants)++];
        memset(g, 0, sizeof *g);
        g->grantee = pg_src_dup_val(res, r, 0);
        g->with_grant_option = pg_src_bool_val(res, r, 1);
        if (!g->grantee)
            return -1;
        const char *grantee = PQgetvalue(res, r, 0), *option = PQgetvalue(res, r, 1);
        for (; r < n && (!key || strcmp(PQgetvalue(res, r, key_col), key) == 0) &&
               strcmp(PQgetvalue(res, r, 0), grantee) == 0 &&
               strcmp(PQgetvalue(res, r, 1), option) == 0;
             r++)
            if (fmt_strings_push_copy(&g->privileges, &g->nprivileges, PQgetvalue(res, r, 2)) < 0)
                return -1;
    }
    return r;
}

#define GRANTEE                                                                                    \
    "CASE WHEN x.grantee = 0 THEN 'public' ELSE pg_catalog.pg_get_userbyid(x.grantee) END"
#define EXPLODED "x(grantor, grantee, privilege_type, is_grantable, ord)"

static int load_column_grants(pg_src *s, const char *oid, fmt_privileges *p)
{
    static const char sql[] =
        "SELECT " GRANTEE ", x.is_grantable, pg_catalog.lower(x.privilege_type), a.attname"
        " FROM pg_catalog.pg_attribute a,"
        " pg_catalog.aclexplode(a.attacl) WITH ORDINALITY " EXPLODED
        " WHERE a.attrelid = $1::pg_catalog.oid AND a.attnum > 0 AND NOT a.attisdropped"
        " ORDER BY a.attnum, x.ord";
    PGresult *res = pg_src_query(s, sql, oid, NULL);
    if (!res)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0;) {
        fmt_column_grants *c = realloc(p->columns, (p->ncolumns + 1) * sizeof *c);
        if (!c) {
            rc = -1;
            break;
        }
        p->columns = c;
        c = &c[p->ncolumns++];
        memset(c, 0, sizeof *c);
        if (!(c->column = pg_src_dup_val(res, r, 3)) ||
            (r = take_grants(res, r, 3, &c->grants, &c->ngrants)) < 0)
            rc = -1;
    }
    PQclear(res);
    return rc < 0 ? pg_src_fail(s, "out of memory") : 0;
}

#define ACL_QUERY(owner, acl, catalog)                                                             \
    "SELECT " GRANTEE ", x.is_grantable, pg_catalog.lower(x.privilege_type),"                      \
    " pg_catalog.pg_get_userbyid(c." owner "), c." acl " IS NOT NULL"                              \
    " FROM pg_catalog." catalog " c LEFT JOIN LATERAL"                                             \
    " pg_catalog.aclexplode(c." acl ") WITH ORDINALITY " EXPLODED " ON true"                       \
    " WHERE c.oid = $1::pg_catalog.oid ORDER BY x.ord"

int pg_src_load_acl(pg_src *s, pg_acl_kind kind, const char *oid, fmt_privileges **out)
{
    static const char relation_sql[] = ACL_QUERY("relowner", "relacl", "pg_class");
    static const char function_sql[] = ACL_QUERY("proowner", "proacl", "pg_proc");
    static const char schema_sql[] = ACL_QUERY("nspowner", "nspacl", "pg_namespace");
    PGresult *res = pg_src_query(s,
                                 kind == PG_ACL_FUNCTION ? function_sql
                                 : kind == PG_ACL_SCHEMA ? schema_sql
                                                         : relation_sql,
                                 oid, NULL);
    if (!res)
        return -1;
    fmt_privileges *p = *out = calloc(1, sizeof *p);
    int n = PQntuples(res), rc = 0;
    if (!p || !n) {
        PQclear(res);
        return p ? 0 : pg_src_fail(s, "out of memory");
    }
    p->owner = pg_src_dup_val(res, 0, 3);
    p->has_grants = pg_src_bool_val(res, 0, 4);
    if (!p->owner ||
        (!PQgetisnull(res, 0, 0) && take_grants(res, 0, -1, &p->grants, &p->ngrants) < 0))
        rc = pg_src_fail(s, "out of memory");
    PQclear(res);
    return rc < 0 || kind != PG_ACL_RELATION ? rc : load_column_grants(s, oid, p);
}

int pg_src_load_privileges(pg_src *s, const char *oid, fmt_table *t)
{
    return pg_src_load_acl(s, PG_ACL_RELATION, oid, &t->privileges);
}
