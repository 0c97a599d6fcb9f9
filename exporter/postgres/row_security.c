/* A table's row-level security: ENABLE / FORCE ROW LEVEL SECURITY and its
 * policies (pg_policy), as fmt_row_security. A copy that turned tenant
 * isolation off would be worse than a failed one. */
#include "pg_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "strlist.h"

static const char *command_name(char polcmd)
{
    switch (polcmd) {
    case 'r':
        return "select";
    case 'a':
        return "insert";
    case 'w':
        return "update";
    case 'd':
        return "delete";
    default:
        return "all";
    }
}

/* The roles of each policy, "public" for the role 0. */
static int load_roles(pg_src *s, const char *oid, fmt_row_security *rs)
{
    static const char sql[] =
        "SELECT p.polname, CASE WHEN o.r = 0 THEN 'public' ELSE a.rolname END"
        " FROM pg_catalog.pg_policy p CROSS JOIN LATERAL pg_catalog.unnest(p.polroles) o(r)"
        " LEFT JOIN pg_catalog.pg_roles a ON a.oid = o.r"
        " WHERE p.polrelid = $1::pg_catalog.oid ORDER BY 1, 2";
    PGresult *res = pg_src_query(s, sql, oid, NULL);
    if (!res)
        return -1;
    for (int r = 0; r < PQntuples(res); r++)
        for (size_t i = 0; i < rs->npolicies; i++)
            if (strcmp(rs->policies[i].name, PQgetvalue(res, r, 0)) == 0 &&
                !PQgetisnull(res, r, 1) &&
                fmt_strings_push_copy(&rs->policies[i].roles, &rs->policies[i].nroles,
                                      PQgetvalue(res, r, 1)) < 0) {
                PQclear(res);
                return pg_src_fail(s, "out of memory");
            }
    PQclear(res);
    return 0;
}

int pg_src_load_row_security(pg_src *s, const char *oid, fmt_table *t)
{
    static const char sql[] =
        "SELECT c.relrowsecurity, c.relforcerowsecurity, p.polname, p.polcmd, p.polpermissive,"
        " pg_catalog.pg_get_expr(p.polqual, p.polrelid),"
        " pg_catalog.pg_get_expr(p.polwithcheck, p.polrelid)"
        " FROM pg_catalog.pg_class c LEFT JOIN pg_catalog.pg_policy p ON p.polrelid = c.oid"
        " WHERE c.oid = $1::pg_catalog.oid ORDER BY p.polname";
    PGresult *res = pg_src_query(s, sql, oid, NULL);
    if (!res)
        return -1;
    int n = PQntuples(res), rc = 0;
    bool enabled = n && pg_src_bool_val(res, 0, 0), forced = n && pg_src_bool_val(res, 0, 1);
    bool policies = n && !PQgetisnull(res, 0, 2);
    if (!enabled && !forced && !policies) {
        PQclear(res);
        return 0;
    }
    fmt_row_security *rs = calloc(1, sizeof *rs);
    if (!rs || (policies && !(rs->policies = calloc((size_t)n, sizeof *rs->policies)))) {
        free(rs);
        PQclear(res);
        return pg_src_fail(s, "out of memory");
    }
    t->row_security = rs;
    rs->enabled = enabled;
    rs->forced = forced;
    for (int r = 0; policies && r < n; r++) {
        fmt_policy *p = &rs->policies[rs->npolicies++];
        p->name = pg_src_dup_val(res, r, 2);
        p->command = fmt_strdup(command_name(PQgetvalue(res, r, 3)[0]));
        p->permissive = pg_src_bool_val(res, r, 4);
        p->using_sql = PQgetisnull(res, r, 5) ? NULL : pg_src_dup_val(res, r, 5);
        p->with_check_sql = PQgetisnull(res, r, 6) ? NULL : pg_src_dup_val(res, r, 6);
        if (!p->name || !p->command || (!PQgetisnull(res, r, 5) && !p->using_sql) ||
            (!PQgetisnull(res, r, 6) && !p->with_check_sql))
            rc = pg_src_fail(s, "out of memory");
    }
    PQclear(res);
    return rc < 0 ? -1 : load_roles(s, oid, rs);
}
