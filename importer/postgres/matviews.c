/* Materialized views (docs/FORMAT.md 2.5, since 1.3), after the data and
 * the views: CREATE MATERIALIZED VIEW schema.name AS (query) WITH NO DATA,
 * which runs nothing; then what the query calls is checked from its
 * rewrite rule as a CHECK's is (functions.c), its indexes are created and
 * their expressions checked the same way, and only then REFRESH runs the
 * query (when the source had it populated). Names are quoted, the query is
 * one balanced SELECT pasted inside parentheses (pg_guard_query). */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "pg_guard.h"
#include "pg_sql.h"

static int guard(pg_target *st, const fmt_native_object *o, const char *display)
{
    char why[256] = "";
    if (!o->name || !o->sql)
        return db_error(&st->diag, "materialized view \"%s\": no name or no sql", display);
    if (pg_guard_name(o->name, why, sizeof why) < 0 ||
        pg_guard_schema(o->namespace, why, sizeof why) < 0)
        return db_error(&st->diag, "materialized view \"%s\": %s", display, why);
    if (pg_guard_query(o->sql, why, sizeof why) < 0)
        return db_error(&st->diag, "materialized view \"%s\": sql: %s", display, why);
    const char *ns = o->namespace ? o->namespace : DEFAULT_NAMESPACE;
    for (size_t i = 0; i < o->nindexes; i++) {
        const fmt_index *ix = &o->indexes[i];
        if (!ix->sql || pg_guard_name(ix->name, why, sizeof why) < 0 ||
            pg_guard_index(ix->sql, ix->name, ns, o->name, why, sizeof why) < 0)
            return db_error(&st->diag, "materialized view \"%s\": index \"%s\": sql: %s", display,
                            ix->name ? ix->name : "", ix->sql ? why : "none");
    }
    return 0;
}

/* Its indexes, each expression and predicate checked over the view. */
static int create_indexes(pg_target *st, const fmt_native_object *o, const char *qname,
                          const char *display)
{
    char what[256];
    char *saved = st->qname;
    int rc = 0;
    st->qname = (char *)qname; /* the probes read from the view */
    for (size_t i = 0; i < o->nindexes && rc == 0; i++) {
        const fmt_index *ix = &o->indexes[i];
        snprintf(what, sizeof what, "materialized view \"%.64s\": index \"%.64s\"", display,
                 ix->name);
        for (size_t p = 0; p < ix->nparts && rc == 0; p++)
            if (ix->parts[p].expression)
                rc = pg_target_check_table_expression(st, ix->parts[p].expression, what);
        if (rc == 0 && ix->where)
            rc = pg_target_check_table_expression(st, ix->where, what);
        if (rc == 0 && pg_target_run(st, ix->sql, 0, NULL, NULL) < 0)
            rc = db_error(&st->diag, "%s: %s", what, st->diag.message);
    }
    st->qname = saved;
    return rc;
}

static int create_one(pg_target *st, const fmt_native_object *o, const char *qname,
                      const char *display)
{
    const char *params[] = {qname};
    int found = pg_target_query_value(st, "SELECT 1 WHERE pg_catalog.to_regclass($1) IS NOT NULL",
                                      1, params, NULL);
    if (found < 0)
        return -1;
    if (found)
        return db_warn(&st->diag,
                       "materialized view \"%s\" not created: the target has a relation of that "
                       "name",
                       display);
    if (pg_target_ensure_schema(st, o->namespace ? o->namespace : DEFAULT_NAMESPACE) < 0)
        return -1;
    db_buf b = {0};
    db_buf_printf(&b, "CREATE MATERIALIZED VIEW %s AS (%s) WITH NO DATA", qname, o->sql);
    if (pg_target_run_buf(st, &b) < 0)
        return db_error(&st->diag, "materialized view \"%s\": %s", display, st->diag.message);
    if (pg_target_note_created_view(st, o, qname) < 0)
        return -1;
    char what[160];
    snprintf(what, sizeof what, "materialized view \"%.64s\"", display);
    if (pg_target_check_relation_rule(st, qname, what) < 0 ||
        create_indexes(st, o, qname, display) < 0)
        return -1;
    if (o->populated && !st->opts.schema_only) {
        db_buf_printf(&b, "REFRESH MATERIALIZED VIEW %s", qname);
        if (pg_target_run_buf(st, &b) < 0)
            return db_error(&st->diag, "materialized view \"%s\": REFRESH: %s", display,
                            st->diag.message);
    }
    if (o->comment) {
        db_buf_printf(&b, "COMMENT ON MATERIALIZED VIEW %s IS ", qname);
        db_buf_literal(&b, o->comment);
        if (pg_target_run_buf(st, &b) < 0)
            return db_error(&st->diag, "materialized view \"%s\": its comment: %s", display,
                            st->diag.message);
    }
    return 0;
}

int pg_target_create_matview(pg_target *st, const fmt_native_object *o)
{
    char display[160];
    snprintf(display, sizeof display, "%.64s%s%.64s", o->namespace ? o->namespace : "",
             o->namespace ? "." : "", o->name ? o->name : "");
    if (!st->source_is_pg)
        return db_warn(&st->diag, "materialized view \"%s\" not carried: native sql from %s",
                       display, st->source_backend ? st->source_backend : "another backend");
    if (guard(st, o, display) < 0)
        return -1;
    if (st->opts.dry_run)
        return 0;
    char *qname = pg_qualified(o->namespace ? o->namespace : DEFAULT_NAMESPACE, o->name);
    if (!qname)
        return db_oom(&st->diag);
    int rc = create_one(st, o, qname, display);
    free(qname);
    return rc;
}
