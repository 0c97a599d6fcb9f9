/* Functions and procedures of the selected schemas (LANGUAGE sql and
 * plpgsql) for the header's "functions", each after the functions its body
 * depends on (a BEGIN ATOMIC body records them in pg_depend), else by
 * schema, name and arguments. Another language's (C, plpython, ...) is
 * never shipped: its body is code the target would run as is, or a library
 * it may not have. Aggregates are reported, not carried. The types of
 * their arguments and results are noted for the header like a column's. */
#include "pg_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "pg_copy_decode.h"
#include "pg_sql.h"
#include "strlist.h"

static const char functions_sql[] =
    "SELECT p.oid, n.nspname, p.proname, p.prokind, l.lanname, "
    "pg_catalog.pg_get_function_arguments(p.oid), pg_catalog.pg_get_function_result(p.oid), "
    "CASE WHEN p.prokind IN ('f', 'p') AND l.lanname IN ('sql', 'plpgsql') "
    "THEN pg_catalog.pg_get_functiondef(p.oid) END, "
    "pg_catalog.obj_description(p.oid, 'pg_proc'), "
    "ARRAY(SELECT DISTINCT d.refobjid FROM pg_catalog.pg_depend d "
    "WHERE d.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.objid = p.oid "
    "AND d.refclassid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND d.refobjid <> p.oid), "
    "ARRAY(SELECT t FROM pg_catalog.unnest(coalesce(p.proallargtypes, "
    "p.proargtypes::pg_catalog.oid[])) t UNION SELECT p.prorettype), "
    "p.oid::pg_catalog.regprocedure, p.prosecdef, "
    "EXISTS (SELECT 1 FROM pg_catalog.unnest(p.proconfig) c WHERE c NOT LIKE 'search\\_path=%'), "
    "p.proacl IS NOT NULL "
    "FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace "
    "JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
    "WHERE n.nspname <> 'information_schema' AND n.nspname NOT LIKE 'pg\\_%' "
    "AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e "
    "WHERE e.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND e.objid = p.oid "
    "AND e.deptype = 'e') "
    "ORDER BY n.nspname COLLATE \"C\", p.proname COLLATE \"C\", "
    "pg_catalog.pg_get_function_identity_arguments(p.oid) COLLATE \"C\"";

enum {
    F_OID,
    F_NSP,
    F_NAME,
    F_KIND,
    F_LANG,
    F_ARGS,
    F_RESULT,
    F_DEF,
    F_COMMENT,
    F_DEPS,
    F_TYPES,
    F_SIGNATURE,
    F_SECDEF,
    F_SETTINGS,
    F_HAS_ACL
};

/* The carried rows of the listing and what each depends on. */
typedef struct {
    PGresult *res;
    int *rows;
    char ***deps;
    size_t *ndeps;
} function_graph;

static int function_depends(void *ctx, size_t a, size_t b)
{
    const function_graph *g = ctx;
    const char *oid = PQgetvalue(g->res, g->rows[b], F_OID);
    for (size_t k = 0; k < g->ndeps[a]; k++)
        if (strcmp(g->deps[a][k], oid) == 0)
            return 1;
    return 0;
}

/* The types of row r's arguments and result, noted like a column's. */
static int note_types(pg_src *s, const PGresult *res, int r)
{
    char **types = NULL;
    size_t ntypes = 0;
    int rc = 0;
    if (pg_decode_array_strings(&types, &ntypes, PQgetvalue(res, r, F_TYPES)) < 0)
        return pg_src_fail(s, "out of memory");
    for (size_t i = 0; i < ntypes && rc == 0; i++) {
        fmt_type ignored;
        rc = pg_src_map_type(s, &ignored, (unsigned)strtoul(types[i], NULL, 10), -1, 0);
    }
    fmt_strings_free(types, ntypes);
    return rc;
}

/* Whether row r is carried; a warning names the one that is not. */
static int carried(pg_src *s, const PGresult *res, int r, bool *out)
{
    const char *kind = PQgetvalue(res, r, F_KIND), *lang = PQgetvalue(res, r, F_LANG);
    *out = false;
    if (!pg_src_schema_selected(s, PQgetvalue(res, r, F_NSP)))
        return 0;
    if (kind[0] == 'a' || kind[0] == 'w')
        return pg_src_warn(s, "%s %s is not carried",
                           kind[0] == 'a' ? "aggregate" : "window function",
                           PQgetvalue(res, r, F_SIGNATURE));
    if (PQgetisnull(res, r, F_DEF))
        return pg_src_warn(s,
                           "function %s is not carried: LANGUAGE %s (only sql and plpgsql "
                           "travel)",
                           PQgetvalue(res, r, F_SIGNATURE), lang);
    /* what an import refuses (docs/SECURITY.md) is not shipped either */
    if (pg_src_bool_val(res, r, F_SECDEF) || pg_src_bool_val(res, r, F_SETTINGS))
        return pg_src_warn(s,
                           "function %s is not carried: it is SECURITY DEFINER or sets more than "
                           "search_path, which an import never creates",
                           PQgetvalue(res, r, F_SIGNATURE));
    *out = true;
    return 0;
}

static int copy_function(pg_src *s, fmt_function *f, const PGresult *res, int r)
{
    bool procedure = PQgetvalue(res, r, F_KIND)[0] == 'p';
    f->name = pg_src_dup_val(res, r, F_NAME);
    f->namespace = pg_src_namespace_of(PQgetvalue(res, r, F_NSP));
    f->kind = fmt_strdup(procedure ? "procedure" : "function");
    f->arguments = pg_src_dup_val(res, r, F_ARGS);
    f->result = procedure ? NULL : pg_src_dup_val(res, r, F_RESULT);
    f->language = pg_src_dup_val(res, r, F_LANG);
    f->sql = pg_src_dup_val(res, r, F_DEF);
    f->comment = pg_src_dup_val(res, r, F_COMMENT);
    if (!f->name || !f->kind || !f->arguments || (!procedure && !f->result) || !f->language ||
        !f->sql || (!PQgetisnull(res, r, F_COMMENT) && !f->comment) ||
        (!f->namespace && strcmp(PQgetvalue(res, r, F_NSP), "public") != 0))
        return pg_src_fail(s, "out of memory");
    /* pg_get_functiondef ends the statement with a newline */
    size_t n = strlen(f->sql);
    while (n && (f->sql[n - 1] == '\n' || f->sql[n - 1] == ' '))
        f->sql[--n] = '\0';
    if (s->privileges)
        return pg_src_load_acl(s, PG_ACL_FUNCTION, PQgetvalue(res, r, F_OID), &f->privileges);
    if (pg_src_bool_val(res, r, F_HAS_ACL))
        return pg_src_warn(s, "%s \"%s\": grants are not carried (--privileges carries them)",
                           f->kind, PQgetvalue(res, r, F_SIGNATURE));
    return 0;
}

int pg_src_load_functions(pg_src *s, fmt_header *h)
{
    function_graph g = {pg_src_query(s, functions_sql, NULL, NULL), NULL, NULL, NULL};
    size_t n = 0, *order = NULL;
    int rc = 0;
    bool quiet = s->quiet;
    if (!g.res)
        return -1;
    int rows = PQntuples(g.res);
    g.rows = calloc((size_t)rows + 1, sizeof *g.rows);
    g.deps = calloc((size_t)rows + 1, sizeof *g.deps);
    g.ndeps = calloc((size_t)rows + 1, sizeof *g.ndeps);
    order = calloc((size_t)rows + 1, sizeof *order);
    if (!g.rows || !g.deps || !g.ndeps || !order) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    s->quiet = quiet || s->functions_listed; /* warned once per run */
    s->functions_listed = true;
    for (int r = 0; r < rows && rc == 0; r++) {
        bool yes;
        if ((rc = carried(s, g.res, r, &yes)) < 0 || !yes)
            continue;
        if ((rc = note_types(s, g.res, r)) < 0)
            break;
        g.rows[n] = r;
        if (pg_decode_array_strings(&g.deps[n], &g.ndeps[n], PQgetvalue(g.res, r, F_DEPS)) < 0)
            rc = pg_src_fail(s, "out of memory");
        n++;
    }
    if (rc < 0)
        goto done;
    if (n && (!(h->functions = calloc(n, sizeof *h->functions)) ||
              db_order_topological(n, function_depends, &g, order) < 0)) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < n && rc == 0; k++)
        rc = copy_function(s, &h->functions[h->nfunctions++], g.res, g.rows[order[k]]);
done:
    s->quiet = quiet;
    for (size_t k = 0; g.deps && k < n; k++)
        fmt_strings_free(g.deps[k], g.ndeps[k]);
    free(g.deps);
    free(g.ndeps);
    free(g.rows);
    free(order);
    PQclear(g.res);
    return rc;
}
