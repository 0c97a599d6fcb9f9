/* Views, materialized views (1.3) and triggers of the PostgreSQL source as
 * native objects: views and materialized views together in dependency
 * order (db_order_topological, name order where it can), then triggers by
 * name, then table (db_order_objects). */
#include "pg_source_internal.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "order.h"
#include "pg_copy_decode.h"
#include "pg_sql.h"
#include "strlist.h"

static bool is_selected_oid(const pg_src *s, const char *oid)
{
    size_t i;
    for (i = 0; i < s->nselected; i++) {
        if (strcmp(s->selected_oids[i], oid) == 0) {
            return true;
        }
    }
    return false;
}

static int push_object(pg_src *s, fmt_native_object **list, size_t *n, fmt_native_kind kind,
                       char *name, char *table, char *sql)
{
    fmt_native_object *grown = realloc(*list, (*n + 1) * sizeof *grown);
    if (!grown || !name || !sql || (kind == FMT_NATIVE_TRIGGER && !table)) {
        if (grown) {
            *list = grown;
        }
        free(name);
        free(table);
        free(sql);
        return pg_src_fail(s, "out of memory");
    }
    *list = grown;
    grown[*n] = (fmt_native_object){.kind = kind, .name = name, .table = table, .sql = sql};
    (*n)++;
    return 0;
}

/* The views of one listing and what each reads from, for
 * db_order_topological. */
typedef struct {
    PGresult *res;
    int *rows;    /* the listing's rows that are exported, in name order */
    char ***deps; /* per exported view: the oids it reads from */
    size_t *ndeps;
} view_graph;

static int view_depends(void *ctx, size_t a, size_t b)
{
    const view_graph *g = ctx;
    const char *oid = PQgetvalue(g->res, g->rows[b], 0);
    for (size_t k = 0; k < g->ndeps[a]; k++)
        if (strcmp(g->deps[a][k], oid) == 0)
            return 1;
    return 0;
}

/* "CREATE VIEW name AS body", without the body's leading blanks and final
 * semicolon. */
static char *view_statement(const PGresult *res, int r)
{
    const char *body = PQgetvalue(res, r, 3);
    while (*body == ' ' || *body == '\n')
        body++;
    db_buf b = {0};
    db_buf_printf(&b, "CREATE VIEW %s AS %s", PQgetvalue(res, r, 4), body);
    while (b.len && !b.oom && (b.buf[b.len - 1] == ';' || b.buf[b.len - 1] == '\n'))
        b.buf[--b.len] = '\0';
    return db_buf_take(&b);
}

/* A materialized view (1.3) from row r of load_views' listing: its name
 * and schema, its query (pg_get_viewdef, without the final ';'), whether
 * it is populated, its comment and indexes. */
static int push_matview(pg_src *s, fmt_native_object **list, size_t *n, const PGresult *res, int r)
{
    fmt_native_object o = {.kind = FMT_NATIVE_MATERIALIZED_VIEW};
    const char *body = PQgetvalue(res, r, 3);
    while (*body == ' ' || *body == '\n')
        body++;
    o.name = pg_src_dup_val(res, r, 2);
    o.namespace = pg_src_namespace_of(PQgetvalue(res, r, 1));
    o.sql = fmt_strdup(body);
    o.populated = pg_src_bool_val(res, r, 7);
    o.comment = PQgetisnull(res, r, 8) ? NULL : pg_src_dup_val(res, r, 8);
    size_t len = o.sql ? strlen(o.sql) : 0;
    while (len && (o.sql[len - 1] == ';' || o.sql[len - 1] == '\n'))
        o.sql[--len] = '\0';
    int rc = 0;
    if (!o.name || !o.sql || (strcmp(PQgetvalue(res, r, 1), "public") != 0 && !o.namespace) ||
        (!PQgetisnull(res, r, 8) && !o.comment))
        rc = pg_src_fail(s, "out of memory");
    else
        rc = pg_src_load_relation_indexes(s, PQgetvalue(res, r, 0), &o.indexes, &o.nindexes);
    fmt_native_object *grown = rc == 0 ? realloc(*list, (*n + 1) * sizeof *grown) : NULL;
    if (rc == 0 && !grown)
        rc = pg_src_fail(s, "out of memory");
    if (rc < 0) {
        fmt_native_object_clear(&o);
        return -1;
    }
    *list = grown;
    grown[(*n)++] = o;
    return 0;
}

/* The owner and grants of the view of row r of load_views' listing, with
 * --privileges; without, a warning when it has grants. */
static int view_grants(pg_src *s, fmt_native_object *o, const PGresult *res, int r)
{
    if (s->privileges)
        return pg_src_load_acl(s, PG_ACL_RELATION, PQgetvalue(res, r, 0), &o->privileges);
    if (!pg_src_bool_val(res, r, 10))
        return 0;
    char *key = pg_relation_key(PQgetvalue(res, r, 1), PQgetvalue(res, r, 2));
    int rc = key ? pg_src_warn(s, "%s \"%s\": grants are not carried (--privileges carries them)",
                               o->kind == FMT_NATIVE_VIEW ? "view" : "materialized view", key)
                 : pg_src_fail(s, "out of memory");
    free(key);
    return rc;
}

/* Which rows of the listing are exported views, materialized ones too,
 * and what each reads from. */
static int view_rows(pg_src *s, view_graph *g, size_t *n)
{
    int rows = PQntuples(g->res);
    *n = 0;
    g->rows = calloc((size_t)rows + 1, sizeof *g->rows);
    g->deps = calloc((size_t)rows + 1, sizeof *g->deps);
    g->ndeps = calloc((size_t)rows + 1, sizeof *g->ndeps);
    if (!g->rows || !g->deps || !g->ndeps)
        return pg_src_fail(s, "out of memory");
    for (int r = 0; r < rows; r++) {
        if (!pg_src_schema_selected(s, PQgetvalue(g->res, r, 1)))
            continue;
        g->rows[*n] = r;
        if (pg_decode_array_strings(&g->deps[*n], &g->ndeps[*n], PQgetvalue(g->res, r, 5)) < 0)
            return pg_src_fail(s, "out of memory");
        (*n)++;
    }
    return 0;
}

/* The relations of user schemas (tables, views) that the view c reads
 * through its rewrite rule, in oid order: their oids or their names. */
#define VIEW_READS(what)                                                                           \
    "SELECT " what " FROM (SELECT DISTINCT d.refobjid FROM pg_catalog.pg_rewrite rw "              \
    "JOIN pg_catalog.pg_depend d ON d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass "     \
    "AND d.objid = rw.oid AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass "          \
    "WHERE rw.ev_class = c.oid AND d.refobjid <> c.oid) d "                                        \
    "JOIN pg_catalog.pg_class rc ON rc.oid = d.refobjid "                                          \
    "JOIN pg_catalog.pg_namespace rn ON rn.oid = rc.relnamespace "                                 \
    "WHERE rc.relkind IN ('r', 'p', 'f', 'v', 'm') AND rn.nspname <> 'information_schema' "        \
    "AND rn.nspname NOT LIKE 'pg\\_%' AND NOT EXISTS (SELECT 1 FROM pg_catalog.pg_depend e "       \
    "WHERE e.classid = 'pg_catalog.pg_class'::pg_catalog.regclass AND e.objid = rc.oid "           \
    "AND e.deptype = 'e') ORDER BY d.refobjid"

/* Whether view k of the listing reads a table or view that the export
 * leaves out (-t/-T/-n/-N, or a kind it does not carry): then it goes
 * neither, since no target could create it, and its name and the first
 * such relation's join the warning. `kept` holds the oids of the views
 * written so far (views come after the views they read). 1, 0, or -1. */
static int view_left_out(pg_src *s, const view_graph *g, size_t k, char **kept, size_t nkept,
                         db_buf *why, size_t *dropped)
{
    for (size_t d = 0; d < g->ndeps[k]; d++) {
        const char *oid = g->deps[k][d];
        int found = is_selected_oid(s, oid);
        for (size_t v = 0; !found && v < nkept; v++)
            found = strcmp(kept[v], oid) == 0;
        if (found)
            continue;
        char **names = NULL;
        size_t nnames = 0;
        int r = g->rows[k];
        if (pg_decode_array_strings(&names, &nnames, PQgetvalue(g->res, r, 9)) < 0)
            return pg_src_fail(s, "out of memory");
        if ((*dropped)++ < 5)
            db_buf_printf(why, "%s%s.%s (reads %s)", *dropped > 1 ? ", " : "",
                          PQgetvalue(g->res, r, 1), PQgetvalue(g->res, r, 2),
                          d < nnames ? names[d] : oid);
        fmt_strings_free(names, nnames);
        return 1;
    }
    return 0;
}

static int by_key(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The "reads" of view k (1.3): the keys of the exported tables and of the
 * views and materialized views of the listing it reads, sorted (oids
 * differ from one database to the next). 0 or -1. */
static int set_reads(pg_src *s, const view_graph *g, size_t k, fmt_native_object *o)
{
    o->has_reads = true;
    for (size_t d = 0; d < g->ndeps[k]; d++) {
        const char *oid = g->deps[k][d];
        char *key = NULL;
        int found = 0;
        for (size_t i = 0; !found && i < s->nselected; i++)
            if ((found = strcmp(s->selected_oids[i], oid) == 0))
                key = fmt_strdup(s->selected_keys[i]);
        for (int r = 0; !found && r < PQntuples(g->res); r++)
            if ((found = strcmp(PQgetvalue(g->res, r, 0), oid) == 0))
                key = pg_relation_key(PQgetvalue(g->res, r, 1), PQgetvalue(g->res, r, 2));
        if (found && fmt_strings_push(&o->reads, &o->nreads, key) < 0)
            return pg_src_fail(s, "out of memory");
    }
    if (o->nreads > 1)
        qsort(o->reads, o->nreads, sizeof *o->reads, by_key);
    return 0;
}

/* View k of the listing: its statement, reads, comment and grants. */
static int push_view(pg_src *s, fmt_native_object **list, size_t *n, const view_graph *g, size_t k)
{
    int r = g->rows[k];
    if (push_object(s, list, n, FMT_NATIVE_VIEW,
                    pg_relation_key(PQgetvalue(g->res, r, 1), PQgetvalue(g->res, r, 2)), NULL,
                    view_statement(g->res, r)) < 0 ||
        set_reads(s, g, k, &(*list)[*n - 1]) < 0)
        return -1;
    if (!PQgetisnull(g->res, r, 8) && !((*list)[*n - 1].comment = pg_src_dup_val(g->res, r, 8)))
        return pg_src_fail(s, "out of memory");
    return view_grants(s, &(*list)[*n - 1], g->res, r);
}

/* Views in the selected schemas, each after the views it reads from
 * (pg_depend through the view's rewrite rule), else by name: the one
 * order of tools/backend/order.h. */
static int load_views(pg_src *s, fmt_native_object **list, size_t *n)
{
    static const char sql[] =
        "SELECT c.oid, n.nspname, c.relname, pg_catalog.pg_get_viewdef(c.oid), "
        "pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname), "
        "ARRAY(" VIEW_READS(
            "d.refobjid") "), c.relkind, c.relispopulated, "
                          "pg_catalog.obj_description(c.oid, 'pg_class'), "
                          "ARRAY(" VIEW_READS(
                              "pg_catalog.quote_ident(rn.nspname) || '.' || "
                              "pg_catalog.quote_ident(rc.relname)") "), c.relacl IS NOT NULL "
                                                                    "FROM pg_catalog.pg_class c "
                                                                    "JOIN pg_catalog.pg_namespace "
                                                                    "n ON n.oid = c.relnamespace "
                                                                    "WHERE c.relkind IN ('v', 'm') "
                                                                    "AND " USER_RELATION KEY_ORDER;
    view_graph g = {pg_src_query(s, sql, NULL, NULL), NULL, NULL, NULL};
    size_t nviews = 0, *order = NULL, nkept = 0, dropped = 0;
    char **kept = NULL;
    db_buf why = {0};
    int rc = 0;
    if (!g.res)
        return -1;
    if (view_rows(s, &g, &nviews) < 0) {
        rc = -1;
        goto done;
    }
    order = calloc(nviews + 1, sizeof *order);
    if (!order || db_order_topological(nviews, view_depends, &g, order) < 0) {
        rc = pg_src_fail(s, "out of memory");
        goto done;
    }
    for (size_t k = 0; k < nviews; k++) {
        int r = g.rows[order[k]];
        int out = view_left_out(s, &g, order[k], kept, nkept, &why, &dropped);
        if (out < 0 ||
            (!out && fmt_strings_push_copy(&kept, &nkept, PQgetvalue(g.res, r, 0)) < 0)) {
            rc = out < 0 ? -1 : pg_src_fail(s, "out of memory");
            goto done;
        }
        if (out)
            continue;
        if (PQgetvalue(g.res, r, 6)[0] == 'm') {
            if (push_matview(s, list, n, g.res, r) < 0 ||
                set_reads(s, &g, order[k], &(*list)[*n - 1]) < 0 ||
                view_grants(s, &(*list)[*n - 1], g.res, r) < 0) {
                rc = -1;
                goto done;
            }
            continue;
        }
        if (push_view(s, list, n, &g, order[k]) < 0) {
            rc = -1;
            goto done;
        }
    }
    if (dropped &&
        pg_src_warn(s, "%zu %s not exported: %s a relation the export leaves out: %s%s", dropped,
                    dropped == 1 ? "view" : "views", dropped == 1 ? "it reads" : "they read",
                    why.oom ? "" : why.buf, dropped > 5 ? ", ..." : "") < 0)
        rc = -1;
done:
    fmt_strings_free(kept, nkept);
    db_buf_free(&why);
    for (size_t k = 0; g.deps && k < nviews; k++)
        fmt_strings_free(g.deps[k], g.ndeps[k]);
    free(g.deps);
    free(g.ndeps);
    free(g.rows);
    free(order);
    PQclear(g.res);
    return rc;
}

/* Whether key names one of the views listed before `first`: an INSTEAD
 * OF trigger on it goes with it. */
static bool is_listed_view(const fmt_native_object *list, size_t first, const char *key)
{
    for (size_t i = 0; key && i < first; i++)
        if (list[i].kind == FMT_NATIVE_VIEW && strcmp(list[i].name, key) == 0)
            return true;
    return false;
}

static int load_triggers(pg_src *s, fmt_native_object **list, size_t *n)
{
    static const char sql[] =
        "SELECT t.tgrelid, t.tgname, pg_catalog.pg_get_triggerdef(t.oid), "
        "t.tgfoid::pg_catalog.regproc, n.nspname, c.relname, "
        "(SELECT p.pronamespace = 'pg_catalog'::pg_catalog.regnamespace "
        "FROM pg_catalog.pg_proc p WHERE p.oid = t.tgfoid), "
        "(SELECT fn.nspname FROM pg_catalog.pg_proc p JOIN pg_catalog.pg_namespace fn "
        "ON fn.oid = p.pronamespace JOIN pg_catalog.pg_language l ON l.oid = p.prolang "
        "WHERE p.oid = t.tgfoid AND l.lanname IN ('sql', 'plpgsql')) "
        "FROM pg_catalog.pg_trigger t JOIN pg_catalog.pg_class c ON c.oid = t.tgrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE NOT t.tgisinternal ORDER BY t.tgname COLLATE \"C\"";
    PGresult *res = pg_src_query(s, sql, NULL, NULL);
    size_t first = *n;
    int r, rc = 0;
    if (!res) {
        return -1;
    }
    for (r = 0; r < PQntuples(res); r++) {
        char *table = pg_relation_key(PQgetvalue(res, r, 4), PQgetvalue(res, r, 5));
        if (!table) {
            rc = pg_src_fail(s, "out of memory");
            goto done;
        }
        if (!is_selected_oid(s, PQgetvalue(res, r, 0)) && !is_listed_view(*list, first, table)) {
            free(table);
            continue;
        }
        /* A built-in trigger function is on every server; one in sql or
         * plpgsql of an exported schema travels in "functions". */
        if (!pg_src_bool_val(res, r, 6) &&
            !(!PQgetisnull(res, r, 7) && pg_src_schema_selected(s, PQgetvalue(res, r, 7))) &&
            pg_src_warn(s,
                        "trigger \"%s\" on \"%s\" uses function %s(), which is not "
                        "carried",
                        PQgetvalue(res, r, 1), table, PQgetvalue(res, r, 3)) < 0) {
            free(table);
            rc = -1;
            goto done;
        }
        if (push_object(s, list, n, FMT_NATIVE_TRIGGER, pg_src_dup_val(res, r, 1), table,
                        pg_src_dup_val(res, r, 2)) < 0) {
            rc = -1;
            goto done;
        }
    }
    db_order_objects(*list + first, *n - first); /* by name, then table */
done:
    PQclear(res);
    return rc;
}

int pg_src_native_objects(void *state, fmt_native_object **objects, size_t *nobjects)
{
    pg_src *s = state;
    fmt_native_object *list = NULL;
    size_t n = 0, i;
    int rc = 0;
    bool quiet = s->quiet;
    *objects = NULL;
    *nobjects = 0;
    if (pg_src_read_schema_once(s) < 0) {
        return -1;
    }
    s->quiet = s->objects_listed;
    if (load_views(s, &list, &n) < 0 || load_triggers(s, &list, &n) < 0) {
        rc = -1;
        goto done;
    }
    s->objects_listed = true;
    *objects = list;
    *nobjects = n;
    list = NULL;
    n = 0;
done:
    s->quiet = quiet;
    for (i = 0; i < n; i++) {
        fmt_native_object_clear(&list[i]);
    }
    free(list);
    return rc;
}
