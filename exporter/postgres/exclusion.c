/* A table's exclusion constraints (EXCLUDE USING ...) in parts: the index
 * method, each element's column or expression with its operator and a
 * non-default opclass, INCLUDE columns, the predicate, deferrable. The
 * format carries parts, not pg_get_constraintdef's text, so that an
 * importer builds the constraint from names it quotes and expressions it
 * checks (docs/FORMAT.md 4). */
#include "pg_source_internal.h"

#include <stdlib.h>
#include <string.h>

#include "pg_copy_decode.h"
#include "strlist.h"

static int load_elements(pg_src *s, fmt_exclusion *x, const char *oid)
{
    static const char sql[] =
        "SELECT a.attname, pg_catalog.pg_get_indexdef(i.indexrelid, g.n, true),"
        " CASE WHEN NOT oc.opcdefault THEN oc.opcname END,"
        " CASE WHEN NOT oc.opcdefault THEN ocn.nspname END, o.oprname, onn.nspname"
        " FROM pg_catalog.pg_constraint c"
        " JOIN pg_catalog.pg_index i ON i.indexrelid = c.conindid"
        " CROSS JOIN pg_catalog.generate_series(1, i.indnkeyatts) g(n)"
        " LEFT JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid"
        " AND a.attnum = i.indkey[g.n - 1] AND i.indkey[g.n - 1] <> 0"
        " JOIN pg_catalog.pg_opclass oc ON oc.oid = i.indclass[g.n - 1]"
        " JOIN pg_catalog.pg_namespace ocn ON ocn.oid = oc.opcnamespace"
        " JOIN pg_catalog.pg_operator o ON o.oid = c.conexclop[g.n]"
        " JOIN pg_catalog.pg_namespace onn ON onn.oid = o.oprnamespace"
        " WHERE c.oid = $1::pg_catalog.oid ORDER BY g.n";
    PGresult *res = pg_src_query(s, sql, oid, NULL);
    int rc = 0;
    if (!res)
        return -1;
    if (!(x->elements = calloc((size_t)PQntuples(res) + 1, sizeof *x->elements))) {
        PQclear(res);
        return pg_src_fail(s, "out of memory");
    }
    for (int r = 0; r < PQntuples(res) && rc == 0; r++) {
        fmt_exclusion_element *e = &x->elements[x->nelements++];
        if (!PQgetisnull(res, r, 0))
            e->column = pg_src_dup_val(res, r, 0);
        else
            e->expression = pg_src_dup_val(res, r, 1);
        e->opclass = pg_src_dup_val(res, r, 2);
        e->opclass_namespace = pg_src_dup_val(res, r, 3);
        e->operator= pg_src_dup_val(res, r, 4);
        e->operator_namespace = pg_src_dup_val(res, r, 5);
        if ((!e->column && !e->expression) || (!PQgetisnull(res, r, 2) && !e->opclass) ||
            (!PQgetisnull(res, r, 3) && !e->opclass_namespace) ||
            !e->operator|| !e->operator_namespace)
            rc = pg_src_fail(s, "out of memory");
    }
    PQclear(res);
    return rc;
}

int pg_src_load_exclusion(pg_src *s, fmt_exclusion *x, const char *name, const char *oid)
{
    static const char sql[] =
        "SELECT am.amname, c.condeferrable, c.condeferred,"
        " pg_catalog.pg_get_expr(i.indpred, i.indrelid),"
        " ARRAY(SELECT a.attname FROM pg_catalog.generate_series(i.indnkeyatts + 1, i.indnatts) "
        "g(n)"
        " JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid"
        " AND a.attnum = i.indkey[g.n - 1] ORDER BY g.n)"
        " FROM pg_catalog.pg_constraint c JOIN pg_catalog.pg_index i ON i.indexrelid = c.conindid"
        " JOIN pg_catalog.pg_class ic ON ic.oid = i.indexrelid"
        " JOIN pg_catalog.pg_am am ON am.oid = ic.relam WHERE c.oid = $1::pg_catalog.oid";
    PGresult *res = pg_src_query(s, sql, oid, NULL);
    int rc = 0;
    if (!res)
        return -1;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return pg_src_fail(s, "exclusion constraint \"%s\": its index is not there", name);
    }
    x->name = fmt_strdup(name);
    x->method = pg_src_dup_val(res, 0, 0);
    x->deferrable = pg_src_bool_val(res, 0, 1);
    x->initially_deferred = pg_src_bool_val(res, 0, 2);
    x->where = pg_src_dup_val(res, 0, 3);
    if (!x->name || !x->method || (!PQgetisnull(res, 0, 3) && !x->where) ||
        (strcmp(PQgetvalue(res, 0, 4), "{}") != 0 &&
         pg_decode_array_strings(&x->include, &x->ninclude, PQgetvalue(res, 0, 4)) < 0))
        rc = pg_src_fail(s, "out of memory");
    PQclear(res);
    return rc < 0 ? rc : load_elements(s, x, oid);
}
