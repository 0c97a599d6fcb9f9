/* Which functions the file's expressions may call (docs/SECURITY.md).
 * Defaults, generation expressions, CHECKs, index expressions and domain
 * constraints are SQL the server runs with the importing role's rights. The
 * checks in pg_guard.c make each one expression in its place; this room
 * makes sure what it calls changes nothing outside the import: PostgreSQL
 * itself resolves the expression (into pg_depend, without running it), and
 * every function it calls, directly or through an operator, must be a
 * built-in one that is immutable or stable, one of the few volatile
 * built-ins a default needs (nextval, random, gen_random_uuid,
 * clock_timestamp, timeofday), or a function of an extension the import
 * created for a column type or the user allowed with --extension. So a
 * default of pg_read_file(...) or lo_export(...), or a CHECK calling the
 * application's own function, is refused before it runs. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_guard.h"
#include "pg_sql.h"

/* $1: an expression's stored node tree (pg_node_tree as text), $2: the
 * extensions whose functions are allowed (a text[] literal). Gives the
 * first function the tree calls, directly or through an operator, that is
 * not allowed. The tree is read rather than pg_depend because PostgreSQL
 * records no dependency on its own (pinned) functions, and those are the
 * dangerous ones: pg_read_file, lo_export. */
static const char refused_sql[] =
    "WITH fns AS ("
    " SELECT m[1]::pg_catalog.oid AS fn"
    " FROM pg_catalog.regexp_matches($1, ':(?:funcid|aggfnoid|winfnoid) (\\d+)', 'g') m"
    " UNION SELECT o.oprcode::pg_catalog.oid"
    " FROM pg_catalog.regexp_matches($1, ':opno (\\d+)', 'g') m"
    " JOIN pg_catalog.pg_operator o ON o.oid = m[1]::pg_catalog.oid"
    " UNION SELECT o.oprcode::pg_catalog.oid"
    " FROM pg_catalog.regexp_matches($1, ':opnos \\(o ([0-9 ]+)\\)', 'g') m"
    " CROSS JOIN LATERAL pg_catalog.regexp_split_to_table(m[1], ' ') s(op)"
    " JOIN pg_catalog.pg_operator o ON o.oid = s.op::pg_catalog.oid)"
    " SELECT p.oid::pg_catalog.regprocedure::text, p.oid"
    " FROM fns JOIN pg_catalog.pg_proc p ON p.oid = fns.fn"
    " JOIN pg_catalog.pg_namespace n ON n.oid = p.pronamespace"
    " WHERE NOT (n.nspname = 'pg_catalog' AND (p.provolatile <> 'v' OR p.proname IN"
    "  ('nextval', 'random', 'gen_random_uuid', 'clock_timestamp', 'timeofday')))"
    " AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e"
    "  JOIN pg_catalog.pg_extension x ON x.oid = e.refobjid"
    "  WHERE e.classid = 'pg_catalog.pg_proc'::pg_catalog.regclass AND e.objid = p.oid"
    "  AND e.refclassid = 'pg_catalog.pg_extension'::pg_catalog.regclass"
    "  AND e.deptype = 'e' AND x.extname = ANY ($2::text[]))"
    " AND NOT (p.oid = ANY ($3::pg_catalog.oid[]))"
    " ORDER BY 1 LIMIT 1";

/* {"btree_gin",...,"vector","user's"}: the extensions whose functions
 * count as the import's own: pg_guard's harmless list (which holds every
 * extension a column type needs) and --extension's. */
static char *allowed_extensions(const pg_target *st)
{
    db_buf b = {0};
    db_buf_addc(&b, '{');
    const char *ext;
    for (size_t i = 0; (ext = pg_guard_harmless_extension(i)) != NULL; i++) {
        db_buf_add(&b, i ? ",\"" : "\"");
        db_buf_add(&b, ext);
        db_buf_addc(&b, '"');
    }
    for (const char *const *e = st->opts.extensions; e && *e; e++) {
        db_buf_add(&b, ",\"");
        for (const char *p = *e; *p; p++) {
            if (*p == '"' || *p == '\\')
                db_buf_addc(&b, '\\');
            db_buf_addc(&b, *p);
        }
        db_buf_addc(&b, '"');
    }
    db_buf_addc(&b, '}');
    return db_buf_take(&b);
}

/* {oid,...}: the file's functions an expression may call (checked). */
static char *allowed_functions(const pg_target *st)
{
    db_buf b = {0};
    db_buf_addc(&b, '{');
    for (size_t i = 0, n = 0; i < st->nfunctions; i++)
        if (st->functions[i].checked == 2) {
            db_buf_add(&b, n++ ? "," : "");
            db_buf_add(&b, st->functions[i].oid);
        }
    db_buf_addc(&b, '}');
    return db_buf_take(&b);
}

/* The first function node calls that is not allowed: 1 with its
 * signature and oid, 0 when none, -1 (the error says what). */
static int first_refused(pg_target *st, const char *node, const char *what, char **signature,
                         char **oid)
{
    char *exts = allowed_extensions(st), *fns = allowed_functions(st);
    PGresult *res = NULL;
    int rc;
    if (!exts || !fns)
        rc = db_oom(&st->diag);
    else {
        const char *params[] = {node, exts, fns};
        rc = pg_target_run(st, refused_sql, 3, params, &res);
        if (rc < 0)
            db_error(&st->diag, "%s: cannot check what it calls: %s", what, st->diag.message);
    }
    free(exts);
    free(fns);
    if (rc < 0)
        return -1;
    *signature = *oid = NULL;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return 0;
    }
    *signature = strdup(PQgetvalue(res, 0, 0));
    *oid = strdup(PQgetvalue(res, 0, 1));
    PQclear(res);
    return *signature && *oid ? 1 : db_oom(&st->diag);
}

/* A SQL function's body as a node tree: a SQL-standard body's own; a string
 * body is parsed into a twin in pg_temp (BEGIN ATOMIC ... END, rolled back:
 * nothing runs). NULL with *why when the server cannot (then the function
 * is not checked and is refused). */
static char *body_node(pg_target *st, const pg_function *fn, const char **why)
{
    const char *params[] = {fn->oid};
    char *node = NULL;
    int rc = pg_target_query_value(st,
                                   "SELECT p.prosqlbody::text FROM pg_catalog.pg_proc p"
                                   " WHERE p.oid = $1::pg_catalog.oid AND p.prosqlbody IS NOT NULL"
                                   " AND p.proconfig IS NULL",
                                   1, params, &node);
    *why = "it sets search_path, or its body cannot be read";
    if (rc != 0 || fn->atomic)
        return rc > 0 ? node : NULL;
    PGresult *res;
    if (pg_target_run(
            st,
            "SELECT pg_catalog.pg_get_function_arguments(p.oid),"
            " pg_catalog.pg_get_function_result(p.oid), p.prosrc FROM pg_catalog.pg_proc p"
            " WHERE p.oid = $1::pg_catalog.oid AND p.proconfig IS NULL",
            1, params, &res) < 0)
        return NULL;
    db_buf b = {0};
    if (PQntuples(res) == 1) {
        const char *src = PQgetvalue(res, 0, 2);
        size_t n = strlen(src);
        while (n && (src[n - 1] == ';' || src[n - 1] == ' ' || src[n - 1] == '\n'))
            n--;
        db_buf_printf(&b,
                      "CREATE FUNCTION pg_temp.dbimport_body_probe(%s) RETURNS %s LANGUAGE sql"
                      " BEGIN ATOMIC ",
                      PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
        db_buf_addn(&b, src, n);
        db_buf_add(&b, "; END");
    }
    PQclear(res);
    if (!b.len || b.oom || pg_target_run(st, "SAVEPOINT dbimport_body", 0, NULL, NULL) < 0) {
        db_buf_free(&b);
        return NULL;
    }
    *why = "its body is not a query the server can read without running it";
    if (pg_target_run(st, b.buf, 0, NULL, NULL) == 0)
        pg_target_query_value(st,
                              "SELECT p.prosqlbody::text FROM pg_catalog.pg_proc p"
                              " WHERE p.oid = 'pg_temp.dbimport_body_probe'::pg_catalog.regproc",
                              0, NULL, &node);
    free(db_error_take(&st->diag));
    db_buf_free(&b);
    if (pg_target_run(st, "ROLLBACK TO SAVEPOINT dbimport_body", 0, NULL, NULL) < 0 ||
        pg_target_run(st, "RELEASE SAVEPOINT dbimport_body", 0, NULL, NULL) < 0) {
        free(node);
        return NULL;
    }
    return node;
}

/* Only queries: a body that inserts, updates or deletes, or holds a
 * utility statement, changes the target. */
static int only_queries(const char *node)
{
    for (const char *p = node; (p = strstr(p, ":commandType ")) != NULL; p += 13)
        if (p[13] != '1' || (p[14] >= '0' && p[14] <= '9'))
            return 0;
    return strstr(node, ":utilityStmt {") == NULL;
}

#define MAX_FUNCTION_DEPTH 8

/* 0 when every function the node tree calls is allowed: a built-in one
 * that changes nothing, an extension's the import needs, or one of the
 * file's functions that is trusted (--trust-function) or in SQL whose body
 * passes the same check. Else -1 with an error naming what (the caller's
 * "table \"t\", column \"c\": its default") calls. */
static int check_node_at(pg_target *st, const char *node, const char *what, int depth)
{
    for (;;) {
        char *signature = NULL, *oid = NULL;
        int found = first_refused(st, node, what, &signature, &oid);
        if (found <= 0)
            return found;
        pg_function *fn = pg_target_created_function(st, oid);
        free(oid);
        const char *why = NULL;
        char *body = NULL;
        if (!fn) {
            db_error(&st->diag,
                     "%s calls %s, which an import does not run: a file's expressions may call "
                     "only built-in functions that change nothing (and those of the extensions it "
                     "needs)\nhint: --untrusted leaves every expression of the file out",
                     what, signature);
            free(signature);
            return -1;
        }
        if (pg_target_function_trusted(st, fn))
            why = NULL;
        else if (fn->checked == 1 || depth >= MAX_FUNCTION_DEPTH)
            why = "it calls itself, or functions too deep";
        else if (strcmp(fn->f->language, "sql") != 0)
            why = "its language is not sql";
        else if ((body = body_node(st, fn, &why)) && !only_queries(body))
            why = "its body changes data";
        else if (body)
            why = NULL;
        if (st->diag.oom || (!body && !why && !pg_target_function_trusted(st, fn))) {
            free(body);
            free(signature);
            return -1;
        }
        int rc = 0;
        if (!why && body) {
            size_t n = strlen(what) + strlen(signature) + sizeof " calls , whose body";
            char *inner = malloc(n);
            if (!inner) {
                st->diag.oom = 1;
                free(body);
                free(signature);
                return -1;
            }
            snprintf(inner, n, "%s calls %s, whose body", what, signature);
            fn->checked = 1;
            rc = check_node_at(st, body, inner, depth + 1);
            free(inner);
        }
        free(body);
        if (why)
            rc = db_error(&st->diag,
                          "%s calls %s, a function of the file, which an import does not run: "
                          "%s\nhint: --trust-function=%s%s%s lets it run (docs/SECURITY.md)",
                          what, signature, why, fn->f->namespace ? fn->f->namespace : "",
                          fn->f->namespace ? "." : "", fn->f->name);
        free(signature);
        fn->checked = rc == 0 ? 2 : 0;
        if (rc < 0)
            return -1;
    }
}

static int check_node(pg_target *st, const char *node, const char *what)
{
    return check_node_at(st, node, what, 0);
}

int pg_target_check_defaults(pg_target *st, const fmt_table *t)
{
    PGresult *res;
    const char *params[] = {st->qname};
    if (pg_target_run(st,
                      "SELECT ad.adbin::text, a.attname FROM pg_catalog.pg_attrdef ad"
                      " JOIN pg_catalog.pg_attribute a ON a.attrelid = ad.adrelid"
                      " AND a.attnum = ad.adnum WHERE ad.adrelid = $1::pg_catalog.regclass"
                      " ORDER BY ad.adnum",
                      1, params, &res) < 0)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        char what[256];
        snprintf(what, sizeof what, "table \"%.64s\", column \"%.64s\": its default", st->display,
                 PQgetvalue(res, r, 1));
        rc = check_node(st, PQgetvalue(res, r, 0), what);
    }
    PQclear(res);
    (void)t;
    return rc;
}

/* An expression that runs only after the data (a CHECK, an index's) or
 * once when a partition is created (its bound): the server resolves it in
 * a temporary view (select, the view's query: over the new, still empty
 * table), which runs nothing, and the view's rule says what it calls. A
 * probe the server cannot build is left to the statement itself, which
 * fails the same way and is reported as before. */
static int check_probe_select(pg_target *st, const char *select, const char *what)
{
    db_buf b = {0};
    db_buf_printf(&b, "CREATE VIEW pg_temp.dbimport_probe AS %s", select);
    if (b.oom) {
        db_buf_free(&b);
        return db_oom(&st->diag);
    }
    int tried = pg_target_run_try(st, b.buf);
    db_buf_free(&b);
    if (tried == 1 && pg_target_functions_pending(st))
        return db_error(&st->diag,
                        "%s: cannot check what it calls: %s (a function of the file it may call "
                        "is not created yet)",
                        what, st->diag.message);
    if (tried != 0) {
        if (tried == 1)
            free(db_error_take(&st->diag)); /* the statement will say it */
        return tried < 0 ? -1 : 0;
    }
    char *rule = NULL;
    int rc =
        pg_target_query_value(st,
                              "SELECT r.ev_action::text FROM pg_catalog.pg_rewrite r"
                              " WHERE r.ev_class = 'pg_temp.dbimport_probe'::pg_catalog.regclass",
                              0, NULL, &rule);
    if (rc > 0)
        rc = check_node(st, rule, what) < 0 ? -1 : 0;
    free(rule);
    char *kept = rc < 0 ? db_error_take(&st->diag) : NULL;
    int dropped = pg_target_run(st, "DROP VIEW pg_temp.dbimport_probe", 0, NULL, NULL);
    if (rc < 0) {
        db_error_restore(&st->diag, kept);
        return -1;
    }
    return dropped;
}

static int check_probe(pg_target *st, const char *expression, const char *what)
{
    db_buf b = {0};
    db_buf_printf(&b, "SELECT (%s) AS e FROM %s", expression, st->qname);
    int rc = b.oom ? db_oom(&st->diag) : check_probe_select(st, b.buf, what);
    db_buf_free(&b);
    return rc;
}

int pg_target_check_table_expression(pg_target *st, const char *expression, const char *what)
{
    return check_probe(st, expression, what);
}

int pg_target_check_relation_rule(pg_target *st, const char *qname, const char *what)
{
    const char *params[] = {qname};
    char *rule = NULL;
    int rc = pg_target_query_value(st,
                                   "SELECT r.ev_action::text FROM pg_catalog.pg_rewrite r"
                                   " WHERE r.ev_class = $1::pg_catalog.regclass",
                                   1, params, &rule);
    if (rc > 0)
        rc = check_node(st, rule, what);
    free(rule);
    return rc < 0 ? -1 : 0;
}

int pg_target_check_partition_key(pg_target *st)
{
    char *node = NULL, what[160];
    const char *params[] = {st->qname};
    int rc = pg_target_query_value(st,
                                   "SELECT coalesce(partexprs::text, '')"
                                   " FROM pg_catalog.pg_partitioned_table"
                                   " WHERE partrelid = $1::pg_catalog.regclass",
                                   1, params, &node);
    snprintf(what, sizeof what, "table \"%.64s\": its partition key", st->display);
    if (rc > 0 && node[0])
        rc = check_node(st, node, what);
    free(node);
    return rc < 0 ? -1 : 0;
}

int pg_target_check_bound(pg_target *st, const char *bound, const char *what)
{
    char *items = bound ? pg_guard_bound_items(bound) : NULL;
    if (bound && !items)
        return db_oom(&st->diag);
    db_buf b = {0};
    if (items && items[0])
        db_buf_printf(&b, "SELECT %s", items);
    free(items);
    int rc = b.oom ? db_oom(&st->diag) : b.len ? check_probe_select(st, b.buf, what) : 0;
    db_buf_free(&b);
    return rc;
}

/* An exclusion constraint's expressions, predicate and operators: each
 * operator resolved between two copies of its element, so that the
 * function behind it is checked as an expression's would be. (An opclass
 * needs no check: only a superuser can create one.) */
static int check_exclusion(pg_target *st, const fmt_exclusion *x)
{
    char what[256];
    snprintf(what, sizeof what, "table \"%.64s\": exclusion constraint \"%.64s\"", st->display,
             x->name ? x->name : "");
    for (size_t i = 0; i < x->nelements; i++) {
        const fmt_exclusion_element *e = &x->elements[i];
        fmt_exclusion_element plain = *e;
        db_buf b = {0};
        if (e->expression && check_probe(st, e->expression, what) < 0)
            return -1;
        plain.opclass = NULL;
        db_buf_add(&b, "SELECT ");
        pg_target_exclusion_element(&b, &plain);
        db_buf_add(&b, " ");
        pg_target_exclusion_operator(&b, e);
        db_buf_add(&b, " ");
        pg_target_exclusion_element(&b, &plain);
        db_buf_printf(&b, " AS e FROM %s", st->qname);
        int rc = b.oom ? db_oom(&st->diag) : check_probe_select(st, b.buf, what);
        db_buf_free(&b);
        if (rc < 0)
            return -1;
    }
    return x->where ? check_probe(st, x->where, what) : 0;
}

int pg_target_check_post_expressions(pg_target *st, const fmt_table *t)
{
    char what[256];
    for (size_t i = 0; i < t->nexclusions; i++)
        if (check_exclusion(st, &t->exclusions[i]) < 0)
            return -1;
    for (size_t i = 0; i < t->nchecks; i++) {
        if (!t->checks[i].expression)
            continue;
        snprintf(what, sizeof what, "table \"%.64s\": check \"%.64s\"", st->display,
                 t->checks[i].name ? t->checks[i].name : "");
        if (check_probe(st, t->checks[i].expression, what) < 0)
            return -1;
    }
    for (size_t i = 0; i < t->nindexes; i++) {
        const fmt_index *ix = &t->indexes[i];
        snprintf(what, sizeof what, "table \"%.64s\": index \"%.64s\"", st->display,
                 ix->name ? ix->name : "");
        for (size_t p = 0; p < ix->nparts; p++)
            if (ix->parts[p].expression && check_probe(st, ix->parts[p].expression, what) < 0)
                return -1;
        if (ix->where && check_probe(st, ix->where, what) < 0)
            return -1;
    }
    return 0;
}

int pg_target_check_domain(pg_target *st, const char *ns, const char *name)
{
    char *qname = pg_qualified(ns, name);
    if (!qname)
        return db_oom(&st->diag);
    const char *params[] = {qname};
    char *node = NULL, what[256];
    snprintf(what, sizeof what, "domain \"%.64s.%.64s\"", ns, name);
    int rc = pg_target_query_value(
        st,
        "SELECT coalesce(t.typdefaultbin::text, '') || ' ' || coalesce((SELECT"
        " string_agg(c.conbin::text, ' ') FROM pg_catalog.pg_constraint c WHERE c.contypid = "
        "t.oid),"
        " '') FROM pg_catalog.pg_type t WHERE t.oid = $1::pg_catalog.regtype",
        1, params, &node);
    if (rc > 0)
        rc = check_node(st, node, what);
    free(qname);
    free(node);
    return rc < 0 ? -1 : 0;
}
