/* dbimport --clean (as pg_restore --clean): a table of the file that
 * exists in the target is dropped, then created again from the file.
 *
 * Never DROP ... CASCADE, which would take the target's own objects with
 * it. What depends on the table is handled one kind at a time:
 * - another table's foreign key to it is dropped and added again after the
 *   rows, checked against them (target_fks.c's list), unless that table is
 *   dropped too (its new definition comes from the file);
 * - a view or materialized view over it (and views over those) is dropped,
 *   deepest first, and created again after the file's own views with its
 *   definition, options, owner and comment, unless the file made one of
 *   that name; what that cannot bring back (its grants, indexes, triggers)
 *   is said in a warning;
 * - anything else (a default of another table using its sequence, a
 *   function body naming it) makes the DROP fail, and the import with it,
 *   naming what is in the way: the target stays as it was. */
#include "pg_target_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int pg_target_was_cleaned(const pg_target *st, const char *qname)
{
    for (size_t i = 0; i < st->ncleaned; i++)
        if (strcmp(st->cleaned[i], qname) == 0)
            return 1;
    return 0;
}

/* Other tables' foreign keys to the table oid, into st->fks. */
static int suspend_referencing_fks(pg_target *st, const char *oid)
{
    PGresult *res;
    const char *params[] = {oid};
    if (pg_target_run(st,
                      "SELECT pg_catalog.quote_ident(n.nspname) || '.' ||"
                      " pg_catalog.quote_ident(r.relname),"
                      " CASE WHEN n.nspname = 'public' THEN r.relname::pg_catalog.text"
                      " ELSE n.nspname || '.' || r.relname END,"
                      " pg_catalog.quote_ident(c.conname), pg_catalog.pg_get_constraintdef(c.oid),"
                      " coalesce(pg_catalog.obj_description(c.oid, 'pg_constraint'), '')"
                      " FROM pg_catalog.pg_constraint c"
                      " JOIN pg_catalog.pg_class r ON r.oid = c.conrelid"
                      " JOIN pg_catalog.pg_namespace n ON n.oid = r.relnamespace"
                      " WHERE c.confrelid = $1::pg_catalog.oid AND c.conrelid <> c.confrelid"
                      " AND c.contype = 'f' AND c.conparentid = 0 ORDER BY 1, 3",
                      1, params, &res) < 0)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        db_buf drop = {0};
        db_buf_printf(&drop, "ALTER TABLE %s DROP CONSTRAINT %s", PQgetvalue(res, r, 0),
                      PQgetvalue(res, r, 2));
        if (pg_target_run_buf(st, &drop) < 0) {
            rc = db_error(&st->diag,
                          "table \"%s\": --clean cannot set aside the foreign key %s of table "
                          "\"%s\": %s",
                          st->display, PQgetvalue(res, r, 2), PQgetvalue(res, r, 1),
                          st->diag.message);
            break;
        }
        rc = pg_target_keep_fk(st, PQgetvalue(res, r, 0), PQgetvalue(res, r, 1),
                               PQgetvalue(res, r, 2), PQgetvalue(res, r, 3), PQgetvalue(res, r, 4));
    }
    PQclear(res);
    return rc;
}

/* The views (and materialized views) over the table oid, and the views
 * over those, deepest first: each dropped and kept for restore_views. */
static int drop_dependent_views(pg_target *st, const char *oid)
{
    static const char sql[] =
        "WITH RECURSIVE deps(oid, depth) AS ("
        " SELECT r.ev_class, 1 FROM pg_catalog.pg_depend d"
        " JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid"
        " WHERE d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
        " AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        " AND d.refobjid = $1::pg_catalog.oid AND r.ev_class <> $1::pg_catalog.oid"
        " UNION"
        " SELECT r.ev_class, deps.depth + 1 FROM deps JOIN pg_catalog.pg_depend d"
        " ON d.refobjid = deps.oid"
        " AND d.classid = 'pg_catalog.pg_rewrite'::pg_catalog.regclass"
        " AND d.refclassid = 'pg_catalog.pg_class'::pg_catalog.regclass"
        " JOIN pg_catalog.pg_rewrite r ON r.oid = d.objid"
        " WHERE r.ev_class <> deps.oid AND deps.depth < 100)"
        " SELECT pg_catalog.quote_ident(n.nspname) || '.' || pg_catalog.quote_ident(c.relname),"
        " CASE WHEN n.nspname = 'public' THEN c.relname::pg_catalog.text"
        " ELSE n.nspname || '.' || c.relname END,"
        " c.relkind, pg_catalog.pg_get_viewdef(c.oid),"
        " pg_catalog.quote_ident(pg_catalog.pg_get_userbyid(c.relowner)),"
        " pg_catalog.obj_description(c.oid, 'pg_class'),"
        " pg_catalog.array_to_string(c.reloptions, ', '),"
        " c.relacl IS NOT NULL OR c.relhastriggers OR EXISTS (SELECT 1 FROM pg_catalog.pg_index i"
        " WHERE i.indrelid = c.oid), max(deps.depth)"
        " FROM deps JOIN pg_catalog.pg_class c ON c.oid = deps.oid"
        " JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace"
        " WHERE c.relkind IN ('v', 'm') GROUP BY c.oid, n.nspname ORDER BY max(deps.depth) DESC, 1";
    PGresult *res;
    const char *params[] = {oid};
    if (pg_target_run(st, sql, 1, params, &res) < 0)
        return -1;
    int rc = 0;
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        int mat = PQgetvalue(res, r, 2)[0] == 'm';
        db_buf b = {0};
        db_buf_printf(&b, "DROP %s %s", mat ? "MATERIALIZED VIEW" : "VIEW", PQgetvalue(res, r, 0));
        if (pg_target_run_buf(st, &b) < 0) {
            rc =
                db_error(&st->diag, "table \"%s\": --clean cannot drop the view \"%s\" over it: %s",
                         st->display, PQgetvalue(res, r, 1), st->diag.message);
            break;
        }
        const char *parts[] = {PQgetvalue(res, r, 0),
                               PQgetvalue(res, r, 1),
                               mat ? "t" : "f",
                               PQgetvalue(res, r, 7),
                               PQgetvalue(res, r, 3),
                               PQgetvalue(res, r, 4),
                               PQgetisnull(res, r, 5) ? NULL : PQgetvalue(res, r, 5),
                               PQgetvalue(res, r, 6)};
        rc = pg_target_keep_view(st, parts);
    }
    PQclear(res);
    return rc;
}

int pg_target_keep_view(pg_target *st, const char *const parts[8])
{
    dropped_view *grown = realloc(st->dropped_views, (st->ndropped_views + 1) * sizeof *grown);
    if (!grown)
        return db_oom(&st->diag);
    st->dropped_views = grown;
    dropped_view *v = &grown[st->ndropped_views++];
    memset(v, 0, sizeof *v);
    v->qname = strdup(parts[0]);
    v->display = strdup(parts[1]);
    v->materialized = parts[2][0] == 't';
    v->lossy = parts[3][0] == 't';
    v->definition = strdup(parts[4]);
    v->owner = strdup(parts[5]);
    v->comment = parts[6] ? strdup(parts[6]) : NULL;
    v->options = strdup(parts[7]);
    if (!v->qname || !v->display || !v->definition || !v->owner || !v->options ||
        (parts[6] && !v->comment))
        return db_oom(&st->diag);
    return 0;
}

int pg_target_keep_cleaned(pg_target *st, const char *qname)
{
    char **grown = realloc(st->cleaned, (st->ncleaned + 1) * sizeof *grown);
    if (!grown)
        return db_oom(&st->diag);
    st->cleaned = grown;
    if (!(st->cleaned[st->ncleaned] = strdup(qname)))
        return db_oom(&st->diag);
    st->ncleaned++;
    return 0;
}

int pg_target_clean_table(pg_target *st, const char *oid)
{
    if (pg_target_keep_cleaned(st, st->qname) < 0)
        return -1;
    if (suspend_referencing_fks(st, oid) < 0 || drop_dependent_views(st, oid) < 0)
        return -1;
    db_buf b = {0};
    db_buf_printf(&b, "DROP TABLE %s", st->qname);
    if (pg_target_run_buf(st, &b) < 0) {
        const char *detail = st->detail && *st->detail ? st->detail : NULL;
        return db_error(&st->diag,
                        "table \"%s\": --clean cannot drop it: %s%s%s (drop what depends on it "
                        "first, or leave --clean out)",
                        st->display, st->diag.message, detail ? ": " : "", detail ? detail : "");
    }
    st->table_existed = 0;
    return 0;
}

/* One dropped view, created again: 0, 1 when the file made one of that
 * name, or -1. */
static int restore_view(pg_target *st, const dropped_view *v)
{
    char *kind = NULL;
    const char *params[] = {v->qname};
    int found = pg_target_query_value(st, "SELECT pg_catalog.to_regclass($1)::pg_catalog.text", 1,
                                      params, &kind);
    free(kind);
    if (found != 0)
        return found < 0 ? -1 : 1;
    db_buf b = {0};
    db_buf_printf(&b, "CREATE %s %s", v->materialized ? "MATERIALIZED VIEW" : "VIEW", v->qname);
    if (*v->options)
        db_buf_printf(&b, " WITH (%s)", v->options);
    db_buf_printf(&b, " AS %s", v->definition);
    if (pg_target_run_buf(st, &b) < 0)
        return db_error(&st->diag,
                        "view \"%s\", dropped by --clean, cannot be created again over the "
                        "imported tables: %s (drop it first, or leave --clean out)",
                        v->display, st->diag.message);
    db_buf_printf(&b, "ALTER %s %s OWNER TO %s", v->materialized ? "MATERIALIZED VIEW" : "VIEW",
                  v->qname, v->owner);
    if (pg_target_run_buf(st, &b) < 0)
        return -1;
    if (v->comment) {
        db_buf_printf(&b, "COMMENT ON %s %s IS ", v->materialized ? "MATERIALIZED VIEW" : "VIEW",
                      v->qname);
        db_buf_literal(&b, v->comment);
        if (pg_target_run_buf(st, &b) < 0)
            return -1;
    }
    return 0;
}

int pg_target_restore_views(pg_target *st)
{
    for (size_t i = st->ndropped_views; i-- > 0;) {
        const dropped_view *v = &st->dropped_views[i];
        int rc = restore_view(st, v);
        if (rc < 0)
            return -1;
        if (rc == 0)
            db_warn(&st->diag,
                    "%s \"%s\" depended on a table --clean dropped: created again from its "
                    "definition%s",
                    v->materialized ? "materialized view" : "view", v->display,
                    v->lossy ? " (its grants, indexes and triggers are not restored)" : "");
    }
    return 0;
}

void pg_target_free_clean(pg_target *st)
{
    for (size_t i = 0; i < st->ndropped_views; i++) {
        dropped_view *v = &st->dropped_views[i];
        free(v->qname);
        free(v->display);
        free(v->definition);
        free(v->owner);
        free(v->comment);
        free(v->options);
    }
    free(st->dropped_views);
    st->dropped_views = NULL;
    st->ndropped_views = 0;
    for (size_t i = 0; i < st->ncleaned; i++)
        free(st->cleaned[i]);
    free(st->cleaned);
    st->cleaned = NULL;
    st->ncleaned = 0;
}
